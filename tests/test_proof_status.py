"""Reviewers' proofs of languages that cannot be published yet, and the coordinators' status page."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from itertools import combinations
from pathlib import Path

import polib
import pytest

from conftest import copy_fixture_project, run_cli

PO = "locales/ur/LC_MESSAGES/fixture.po"
LIST_ITEMS = {"First step", "Nested bullet with *emphasis*", "Second nested bullet", "Second step"}
PARAGRAPH = "A paragraph with **bold**, *italic* and a [link]{1} plus [another link]{2}."


def _words(entry: polib.POEntry) -> int:
    """The entry's words on the page: its msgid's (the fixture's markup sits inside words), per occurrence."""
    return len(entry.msgid.split()) * len(entry.occurrences)


def _share(po: polib.POFile) -> float:
    live = [e for e in po if not e.obsolete]
    return sum(_words(e) for e in live if e.translated()) / sum(_words(e) for e in live)


def _msgstr_line(path: Path, msgid: str) -> int:
    """The line of an entry's msgstr keyword, found in the file's text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line in (f'msgid "{msgid}"', f'"{msgid}"'))
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr")) + 1


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The fixture project with Urdu 32% translated (nested list items not), one entry fuzzy, one check error."""
    root = copy_fixture_project(tmp_path_factory.mktemp("proof") / "project")
    path = root / PO
    po = polib.pofile(str(path))
    total = sum(_words(e) for e in po)
    kept = 0
    for entry in sorted(po, key=lambda e: e.msgid != PARAGRAPH):  # the paragraph first: it carries the error
        if entry.msgid not in LIST_ITEMS and kept + _words(entry) <= 0.32 * total:
            kept += _words(entry)
        else:
            entry.msgstr = ""
        if entry.msgid == PARAGRAPH:
            entry.msgstr = entry.msgstr.replace("]{2}", "]")  # a link marker lost: a check error
        if entry.msgid == "Second step":
            entry.msgstr, entry.flags = "دوسرا قدم", ["fuzzy"]
    po.save(str(path))
    assert 0.30 <= _share(polib.pofile(str(path))) <= 0.32
    result = run_cli("build-guides", "--proof", "--quiet", cwd=root)
    assert result.code == 0, result.stdout + result.stderr
    return root


def _manifest(out: Path) -> dict:
    data = json.loads((out / "manifest.json").read_text())
    return {row["lang"]: row for row in data["guides"][0]["languages"]}


def test_a_language_below_min_coverage_with_a_check_error_gets_a_proof(project, tmp_path):
    expected = round(_share(polib.pofile(str(project / PO))), 4)
    proof = _manifest(project / "build" / "proof")["ur"]
    assert proof["status"] == "published"
    assert proof["coverage"] == expected
    assert proof["reason"].startswith(f"{PO}:{_msgstr_line(project / PO, PARAGRAPH)}: error: markup:")
    assert (project / "build/proof/fixture/ur/fixture-ur.pdf").is_file()
    # Outside a proof the language fails, and the manifest still says how much of it is translated.
    out = tmp_path / "out"
    assert run_cli("build-guides", "--out", str(out), "--quiet", "--lang", "ur", cwd=project).code == 1
    failed = _manifest(out)["ur"]
    assert (failed["status"], failed["coverage"]) == ("failed", expected)


def test_a_check_finding_prints_at_its_block(project):
    line = _msgstr_line(project / PO, PARAGRAPH)
    html = (project / "build/proof/fixture/ur/index.html").read_text(encoding="utf-8")
    paragraph = next(p for p in re.findall(r"<p[ >].*?</p>", html, re.S) if "another link" in p)
    assert f'<span class="proof-note" lang="en" dir="ltr">{PO}:{line}' in paragraph
    assert "error: markup: &#39;[&#39; is never closed" in paragraph
    text = subprocess.run(["pdftotext", "-raw", str(project / "build/proof/fixture/ur/fixture-ur.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"{PO}:{line}" in text and "error: markup: '[' is never closed" in text


def test_proof_notes_of_nested_list_items_do_not_overlap(project):
    pdf = project / "build/proof/fixture/ur/fixture-ur.pdf"
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(xml)
    texts = []
    for page_number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), 1):
        boxes = []
        for line in page.iterfind(".//x:line", ns):
            text = " ".join(word.text or "" for word in line.iterfind("x:word", ns))
            if ".po:" in text or text.startswith("error:"):
                boxes.append((text, *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))))
                texts.append(text)
        for (a, *box_a), (b, *box_b) in combinations(boxes, 2):
            apart = (box_a[2] <= box_b[0] + 0.1 or box_b[2] <= box_a[0] + 0.1
                     or box_a[3] <= box_b[1] + 0.1 or box_b[3] <= box_a[1] + 0.1)
            assert apart, f"page {page_number}: {a!r} overlaps {b!r}"
    joined = "\n".join(texts)
    for msgid in LIST_ITEMS:  # every nested item has its own note
        state = "fuzzy" if msgid == "Second step" else "untranslated"
        assert f"{state} {PO}:{_msgstr_line(project / PO, msgid)}" in joined, msgid


class _Grid(HTMLParser):
    """The status page's cells: (guide, lang, column) -> text."""

    def __init__(self) -> None:
        super().__init__()
        self.guide = self.lang = self.col = ""
        self.cells: dict[tuple[str, str, str], str] = {}
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.guide = attrs.get("data-guide", "")
        elif tag == "tr":
            self.lang = attrs.get("data-lang", "")
        elif tag == "td" and attrs.get("data-col"):
            self.col = attrs["data-col"]
            self.cells[(self.guide, self.lang, self.col)] = ""
        elif tag == "a" and self.col == "proof":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "td":
            self.col = ""

    def handle_data(self, data):
        if self.col:
            self.cells[(self.guide, self.lang, self.col)] += data


def test_status_page_grid_matches_the_catalogs(project):
    page = project / "build/status/index.html"
    grid = _Grid()
    grid.feed(page.read_text(encoding="utf-8"))
    for lang in ("bn", "ur"):
        po = polib.pofile(str(project / f"locales/{lang}/LC_MESSAGES/fixture.po"))
        cell = {col: text.strip() for (guide, row, col), text in grid.cells.items()
                if (guide, row) == ("fixture", lang)}
        assert cell["translated"] == str(len(po.translated_entries()))
        assert cell["fuzzy"] == str(len(po.fuzzy_entries()))
        assert cell["untranslated"] == str(len(po.untranslated_entries()))
        assert cell["coverage"] == f"{100 * _share(po):.1f}%"
        assert cell["translator"] == po.metadata["Last-Translator"]
        assert cell["revised"] == po.metadata["PO-Revision-Date"]
    ur = {col: text.strip() for (guide, row, col), text in grid.cells.items() if row == "ur"}
    assert ur["errors"] == "1"
    # The fewest entries to translate to reach 80%: the longest untranslated ones first.
    po = polib.pofile(str(project / PO))
    live = [e for e in po if not e.obsolete]
    total = sum(_words(e) for e in live)
    done = sum(_words(e) for e in live if e.translated())
    entries = 0
    for words in sorted((_words(e) for e in live if not e.translated()), reverse=True):
        if done >= 0.8 * total:
            break
        done, entries = done + words, entries + 1
    assert ur["to-publish"].startswith(f"{entries} entries,")
    assert "ur (ur), fixture: translate" not in page.read_text()  # the native name leads, not the code
    assert re.search(rf"اردو</span> \(ur\), fixture: translate {entries} more entries", page.read_text())
    assert grid.links == [f"../proof/fixture/{lang}/{name}" for lang in ("bn", "ur")
                          for name in ("index.html", f"fixture-{lang}.pdf")]
    assert all((page.parent / link).is_file() for link in grid.links)


def test_status_command_writes_the_same_page_again(project):
    page = project / "build/status/index.html"
    first = page.read_bytes()
    page.unlink()
    result = run_cli("status", cwd=project)
    assert result.code == 0, result.stderr
    assert result.stdout == f"status page: {page}\n"
    assert page.read_bytes() == first  # deterministic: nothing of the moment it was written


def test_status_page_in_chromium_has_no_serious_accessibility_violations(project):
    from test_site import AXE, CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make setup installs Debian's chromium where apt is usable)")
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (make setup runs npm ci in tests/browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((project / "build/status/index.html").as_uri())
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run()).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes[0].html.slice(0, 100))""")
        browser.close()
    assert not violations, violations


def test_a_status_page_that_cannot_be_written_is_one_line(project):
    result = run_cli("status", "--out", "guidebuilder.toml/index.html", cwd=project)
    assert (result.code, result.stderr) == (1, "error: guidebuilder.toml/index.html: cannot write the status page "
                                               "(File exists); choose a folder that can be written with --out\n")
