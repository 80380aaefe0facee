"""Korean print lines break only between words and are filled: no line ends while the next word would fit.

Korean is set keep-all: a line breaks at spaces, never inside a word. Paragraph k of the
test guide is k two-syllable words, then a word that runs across a bold edge,
"**911**에다가": each k moves that word on by one word's width, less than the width of
its part after the bold edge, so in some paragraph the line's end falls inside it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import polib
import pytest

from conftest import copy_fixture_project, run_cli
from pdflines import Line, early_line_ends, read_lines

COUNT = 40
CARD_ITEMS = (5, 9, 13)  # the card's list items: the guide's paragraphs 5, 9 and 13


def _source(k: int) -> str:
    return f"Step {k}: call **911** now."


def _korean(k: int) -> str:
    return f"{k}번: " + "지금 " * k + "**911**에다가 전화하세요."


def _catalog(project: Path, slug: str, strings: dict[str, str]) -> None:
    path = project / "locales" / "ko" / "LC_MESSAGES" / f"{slug}.po"
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = strings.get(entry.msgid, entry.msgid)
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.save()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture project in Korean with a guide of such paragraphs and a wallet card, built once."""
    project = copy_fixture_project(tmp_path_factory.mktemp("korean") / "project")
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text().replace('languages = ["bn", "ur"]', 'languages = ["ko"]')
                      .replace("[project]\n", '[project]\nsite_url = "https://guides.example.org"\n'))
    guides = project / "guides"
    (guides / "lines").mkdir()
    (guides / "lines" / "guide.md").write_text(
        "---\ntitle: Lines\nversion: \"1.0\"\ndate: 2026-03-15\n---\n\n"
        + "\n\n".join(_source(n) for n in range(1, COUNT + 1)) + "\n")
    (guides / "card").mkdir()
    (guides / "card" / "guide.md").write_text(
        "---\ntitle: After a hate incident\nversion: \"1.0\"\ndate: 2026-03-15\nformats: [wallet-card]\n---\n\n"
        + "\n".join(f"{i}. {_source(n)}" for i, n in enumerate(CARD_ITEMS, start=1)) + "\n")
    for args in (("extract",), ("init", "ko"), ("update",)):
        done = run_cli(*args, cwd=project)
        assert done.code == 0, done.stdout + done.stderr
    _catalog(project, "lines", {_source(n): _korean(n) for n in range(1, COUNT + 1)} | {"Lines": "줄"})
    title = {"After a hate incident": "증오 사건을 겪은 후"}
    _catalog(project, "card", {_source(n): _korean(n) for n in CARD_ITEMS} | title)
    done = run_cli("build-guides", "--guide", "lines", "--guide", "card", "--lang", "ko", "--quiet",
                   "--keep-print-html", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    return project / "build" / "site"


def _pdf(site: Path, kind: str) -> tuple[Path, int | None]:
    """The PDF of a kind and its last Korean page: the guide's every page, the card's front."""
    if kind == "guide":
        return site / "lines" / "ko" / "lines-ko.pdf", None
    return site / "card" / "ko" / "card-ko-card.pdf", 1


def _font_size(lines: list[Line]) -> float:
    """The body type size (pt): Noto Sans CJK's word boxes are 1.448 em high (ascender 1.16, descender 0.288)."""
    heights = sorted(round(line.height, 2) for line in lines)
    return heights[len(heights) // 2] / 1.448


@pytest.mark.parametrize("kind", ["guide", "card"])
def test_no_korean_line_ends_while_the_next_word_would_fit(built, kind):
    path, last = _pdf(built, kind)
    lines = read_lines(path, last=last)
    wrapped = [line for line, after in zip(lines, lines[1:], strict=False) if after.top > line.top
               and after.x0 >= line.x0 - 1 and not re.match(r"\d+\.$", after.words[0].text)]
    assert len(wrapped) >= (10 if kind == "guide" else 1), [line.text for line in lines]
    assert early_line_ends(lines, _font_size(lines)) == []


@pytest.mark.parametrize("kind", ["guide", "card"])
def test_no_korean_line_ends_inside_a_word(built, kind):
    path, last = _pdf(built, kind)
    text = subprocess.run(["pdftotext", *(["-l", str(last)] if last else []), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = {"지금", "911에다가", "전화하세요."}
    words |= {"줄", "증오", "사건을", "겪은", "후", "버전", "한국어"}  # the titles and the cover's edition line
    lines = [line.split() for line in text.splitlines() if re.search("[\uac00-\ud7a3]", line)]
    assert len(lines) >= COUNT if kind == "guide" else len(lines) >= 4
    for tokens in lines:
        # A word cut at a bold edge leaves "911" at one line's end and "에" at the next one's start.
        assert all(token in words or re.fullmatch(r"\d+(\.|번:)|[\d.·년월일]+", token) for token in tokens), tokens


def test_a_word_across_a_bold_edge_is_joined_in_print_only(built):
    kept = built.parent / ".guidebuilder" / built.name / "print" / "lines" / "ko.html"
    html = kept.read_text(encoding="utf-8")
    assert html.count('<strong><span class="kw">911</span></strong>\u2060<span class="kw">에다가</span>') == COUNT
    web = (built / "lines" / "ko" / "index.html").read_text(encoding="utf-8")
    assert "\u2060" not in web and web.count("</strong>에다가") == COUNT  # browsers keep words whole themselves
