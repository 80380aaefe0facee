"""Languages beyond the sample: `init` with no package edit, then a real build, for twelve languages
and for every bundled script, read back with poppler and checked glyph by glyph."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import icu
import polib
import pytest

from conftest import CONTROLS, DATA, ROOT, run_cli
from pdfglyphs import drawn_glyphs, missing

NEW = ["es", "ar", "fa", "ne", "pa", "th", "my", "am", "ru", "ja", "so", "zh_Hans"]
TRANSLATIONS = json.loads((DATA / "newlang" / "translations.json").read_text(encoding="utf-8"))
SLUG = "after-an-incident"
LONG = next(msgid for msgid in TRANSLATIONS["es"] if msgid.startswith("If you are hurt"))
# One locale per bundled script (fonts/manifest.json), for the every-script page.
SCRIPT_LOCALES = {"Latn": "vi", "Cyrl": "ru", "Grek": "el", "Arab": "ar", "Beng": "bn", "Deva": "hi",
                  "Guru": "pa", "Thai": "th", "Laoo": "lo", "Khmr": "km", "Mymr": "my", "Ethi": "am",
                  "Hans": "zh_Hans", "Hant": "zh_Hant", "Jpan": "ja", "Kore": "ko"}
LETTER_MARGIN = 20 / 25.4 * 72  # the print stylesheet's side margins, in points


def _new_project(root: Path, langs: list[str]) -> Path:
    shutil.copytree(DATA / "newlang", root, ignore=shutil.ignore_patterns("translations.json"))
    (root / "fonts").symlink_to(ROOT / "fonts")
    (root / "guidebuilder.toml").write_text('[project]\nsource_language = "en"\nlanguages = []\n')
    assert run_cli("extract", cwd=root).code == 0
    for lang in langs:
        result = run_cli("init", lang, cwd=root)
        assert result.code == 0, f"init {lang}: {result.stderr}"
    return root


def _fill(project: Path, lang: str, translations: dict[str, str]) -> None:
    path = project / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
    po.save(str(path))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(CONTROLS)).replace("\u00ad", "")


def _plain(message: str) -> str:
    return message.replace("**", "").replace("*", "")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The incident guide with every message translated into the twelve languages, built once."""
    project = _new_project(tmp_path_factory.mktemp("languages") / "project", NEW)
    for lang in NEW:
        _fill(project, lang, TRANSLATIONS[lang])
    result = run_cli("build-guides", "--quiet", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    return project


def test_init_writes_the_language_and_its_catalog(built):
    config = (built / "guidebuilder.toml").read_text()
    for lang in NEW:
        assert f'"{lang}"' in config
        po = polib.pofile(str(built / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"))
        assert po.metadata["Language"] == lang


def test_check_finds_no_missing_glyph(built):
    result = run_cli("check", "--format", "json", cwd=built)
    findings = json.loads(result.stdout)["findings"]
    assert [f for f in findings if f["check"] == "missing-glyph"] == []
    assert json.loads(result.stdout)["errors"] == 0


def test_every_language_is_published(built):
    manifest = json.loads((built / "build" / "site" / "manifest.json").read_text())
    statuses = {entry["lang"]: entry["status"] for entry in manifest["guides"][0]["languages"]}
    assert statuses == {lang: "published" for lang in ["en", *NEW]}


@pytest.mark.parametrize("lang", NEW)
def test_pdf_fonts_are_bundled_embedded_and_draw_every_glyph(built, lang):
    pdf = built / "build" / "site" / SLUG / lang / f"{SLUG}-{lang}.pdf"
    families = {entry["family"].replace(" ", "-") for entry in
                json.loads((ROOT / "fonts" / "manifest.json").read_text())["fonts"]}
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        family = name.split("+", 1)[1]
        assert emb == "yes", row
        assert any(family == f or family.startswith(f + "-") for f in families), row
    assert missing(drawn_glyphs(pdf)) == []


@pytest.mark.parametrize("lang", NEW)
def test_pdf_text_layer_gives_back_the_translations(built, lang):
    pdf = built / "build" / "site" / SLUG / lang / f"{SLUG}-{lang}.pdf"
    text = _squash(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    for msgstr in TRANSLATIONS[lang].values():
        assert _squash(_plain(msgstr)) in text, f"{lang}: {msgstr!r} not read back"


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_script_pages_are_right_to_left(built, lang):
    html = (built / "build" / "site" / SLUG / lang / "index.html").read_text()
    assert re.search(r'<html lang="[^"]+" dir="rtl">', html)
    pdf = built / "build" / "site" / SLUG / lang / f"{SLUG}-{lang}.pdf"
    lines = _paragraph_lines(pdf, TRANSLATIONS[lang][LONG])
    width = _page_width(pdf)
    # Right to left: every line but the last starts at the right margin (justified or not).
    assert len(lines) >= 2
    for _words, x_min, x_max in lines:
        assert abs(x_max - (width - LETTER_MARGIN)) < 2, (x_min, x_max)


@pytest.mark.parametrize("lang", ["th", "my"])
def test_unspaced_scripts_break_at_icu_word_boundaries_inside_the_margin(built, lang):
    pdf = built / "build" / "site" / SLUG / lang / f"{SLUG}-{lang}.pdf"
    paragraph = _plain(TRANSLATIONS[lang][LONG])
    lines = _paragraph_lines(pdf, TRANSLATIONS[lang][LONG])
    assert len(lines) >= 3, "the long paragraph should wrap over several lines"
    iterator = icu.BreakIterator.createWordInstance(icu.Locale(lang))
    iterator.setText(paragraph)
    boundaries = set(iterator)  # UTF-16 offsets; these scripts are all in the BMP
    width = _page_width(pdf)
    consumed = ""
    for words, _x_min, x_max in lines[:-1]:
        consumed += words
        squashed = _squash(paragraph)
        assert squashed.startswith(_squash(consumed)), (consumed, paragraph)
        # the break falls where the paragraph's text (spaces kept) is at a word boundary
        end = _offset_after(paragraph, _squash(consumed))
        assert end in boundaries or paragraph[end:end + 1].isspace(), (lang, paragraph[end - 8:end + 8])
        assert x_max <= width - LETTER_MARGIN + 1, x_max


def _offset_after(text: str, squashed_prefix: str) -> int:
    """Offset in text just after the characters of squashed_prefix (whitespace and controls skipped)."""
    count = 0
    for index, ch in enumerate(text):
        if count == len(squashed_prefix):
            return index
        if not ch.isspace() and ord(ch) not in CONTROLS:
            count += 1
    return len(text)


def _page_width(pdf: Path) -> float:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Page size:\s+([\d.]+) x", info).group(1))


def _paragraph_lines(pdf: Path, message: str) -> list[tuple[str, float, float]]:
    """(text, xMin, xMax) of the consecutive lines (pdftotext -bbox-layout) that hold the message.

    Poppler may give each right-to-left line a block of its own, with its words in visual
    order, so lines are matched by the characters they hold, not by their order.
    """
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    lines = []
    for line in re.findall(r"<line xMin=\"([\d.]+)\" yMin=\"[\d.]+\" xMax=\"([\d.]+)\"[^>]*>(.*?)</line>", out, re.S):
        words = "".join(re.findall(r">([^<]*)</word>", line[2]))
        lines.append((_unescape(words), float(line[0]), float(line[1])))
    target = sorted(_squash(_plain(message)))
    for start in range(len(lines)):
        for end in range(start + 1, len(lines) + 1):
            chars = sorted(_squash("".join(w for w, _, _ in lines[start:end])))
            if chars == target:
                return lines[start:end]
            if len(chars) > len(target):
                break
    raise AssertionError(f"no lines read {_plain(message)[:40]}…")


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def test_every_bundled_script_draws_every_character_class(tmp_path):
    """Per script: its locale's CLDR exemplar letters in every message (bold, italic, nested list
    markers, table cells, digits, phone), built and read glyph by glyph: nothing is .notdef."""
    manifest = json.loads((ROOT / "fonts" / "manifest.json").read_text())
    scripts = {s for entry in manifest["fonts"] for s in entry["scripts"]} - {"Zsym", "Bopo", "Hang"}
    assert scripts <= set(SCRIPT_LOCALES), scripts - set(SCRIPT_LOCALES)
    langs = [SCRIPT_LOCALES[s] for s in sorted(scripts)]
    project = _new_project(tmp_path / "project", [lang for lang in langs if lang != "en"])
    for lang in langs:
        letters = [str(ch) for ch in icu.LocaleData(lang).getExemplarSet(0, 0)
                   if not any(unicodedata.category(c) == "Nd" for c in str(ch))]  # digits: the number check
        letters = letters[:: max(1, len(letters) // 300)]  # CJK: a spread of 300 of thousands
        sample = "".join(letters)
        translations = {}
        for msgid in TRANSLATIONS["es"]:
            if msgid == LONG:
                translations[msgid] = f"{sample} **911** {sample}."
            elif "*every*" in msgid:
                translations[msgid] = f"{sample[:20]} *{sample[20:60]}* {sample[60:80]}"
            elif "(415) 555-0142" in msgid:
                translations[msgid] = f"{sample[:30]} (415) 555-0142."
            else:
                translations[msgid] = sample[:40]
        _fill(project, lang, translations)
    result = run_cli("build-guides", "--quiet", "--format", "pdf", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    for lang in langs:
        pdf = project / "build" / "site" / SLUG / lang / f"{SLUG}-{lang}.pdf"
        glyphs = drawn_glyphs(pdf)
        assert len(glyphs) > 100
        assert missing(glyphs) == [], (lang, missing(glyphs)[:5])


def test_stats_reports_the_chrome_language(built):
    """The new languages have no interface translation: stats says their pages fall back to English;
    zh_Hans has guidebuilder's own."""
    result = run_cli("stats", "--format", "json", cwd=built)
    chrome = {row["lang"]: row["chrome"] for row in json.loads(result.stdout)["chrome"]["languages"]}
    assert set(chrome) == set(NEW)
    assert chrome["zh_Hans"] == "zh_Hans"
    assert chrome["th"] == "en (fallback)"
    text = run_cli("stats", cwd=built).stdout
    assert "en (fallback)" in text
