"""build-guides on the sample project: real PDFs and HTML checked as a reader would."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import polib
import pytest
from pypdf import PdfReader

from guidebuilder.inline import Span, parse, plain_text

from conftest import CONTROLS, ROOT, run_cli
from pdfglyphs import drawn_glyphs, missing

LANGS = ["en", "bn", "zh_Hant", "hi", "km", "ko", "tl", "vi", "ur"]
GUIDES = ["hotline-card", "know-your-rights-card", "responding-to-hate"]
BUNDLED = {f["family"] for f in json.loads((ROOT / "fonts" / "manifest.json").read_text())["fonts"]}


@pytest.fixture(scope="session")
def manifest(site) -> dict:
    return json.loads((site / "manifest.json").read_text(encoding="utf-8"))


def _pdf(site: Path, slug: str, lang: str) -> Path:
    return site / slug / lang / f"{slug}-{lang}.pdf"


def _pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _body_text(path: Path) -> str:
    """pdftotext's reading order without the page furniture between pages (page numbers, running
    header), so that a paragraph a page break splits reads back whole."""
    pages = _pdftotext(path).split("\f")
    firsts = [next((line for line in page.splitlines() if line.strip()), "") for page in pages[1:]]
    header = max(set(firsts), key=firsts.count) if firsts else None
    kept = []
    for number, page in enumerate(pages):
        lines = [line for line in page.splitlines() if not re.fullmatch(r"\s*\d+\s*", line)]
        if number and lines and header and lines[0] == header:
            lines = lines[1:]
        while number and lines and not lines[0].strip():
            lines = lines[1:]
        kept.append("\n".join(lines).strip("\n"))
    return "\n".join(kept)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _translations(lang: str, slug: str) -> list[str]:
    """Printed text of every translation (the source text for en); a footnote reference splits a text in two."""
    if lang == "en":
        po = polib.pofile(str(ROOT / "locales" / f"{slug}.pot"))
    else:
        po = polib.pofile(str(ROOT / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"))
    texts = []
    for entry in po:
        printed = entry.msgid if lang == "en" else entry.msgstr
        if printed and not entry.obsolete and not entry.comment.startswith("Image description"):
            nodes = parse(printed)
            parts, current = [], []
            for node in nodes:
                if isinstance(node, Span) and node.kind == "footnote":
                    parts.append(plain_text(current))
                    current = []
                else:
                    current.append(node)
            parts.append(plain_text(current))
            texts.extend(p for p in parts if p.strip())
    return texts


def test_manifest_lists_every_guide_and_language_as_published(site, manifest):
    assert [g["slug"] for g in manifest["guides"]] == GUIDES
    for guide in manifest["guides"]:
        assert [entry["lang"] for entry in guide["languages"]] == LANGS
        for entry in guide["languages"]:
            assert entry["status"] == "published", entry
            assert entry["coverage"] == 1.0
            pdf = site / entry["pdf"]
            assert pdf.is_file() and (site / entry["html"]).is_file()
            assert entry["pdf_bytes"] == pdf.stat().st_size
            assert entry["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
            assert entry["dir"] == ("rtl" if entry["lang"] == "ur" else "ltr")
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in ("English", "বাংলা", "中文 (繁體)", "हिन्दी", "ខ្មែរ", "한국어", "Tagalog", "Tiếng Việt", "اردو"):
        assert f">{name}</a>" in index, name


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_uses_only_bundled_fonts_all_embedded(site, lang):
    for slug in GUIDES:
        out = subprocess.run(["pdffonts", str(_pdf(site, slug, lang))], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
        assert out
        for line in out:
            name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
            family = re.sub(r"-(Bold)?(Italic)?$", "", name.split("+", 1)[1]).replace("-", " ")
            assert family in BUNDLED, line
            assert (emb, sub) == ("yes", "yes"), line


@pytest.mark.parametrize("lang", LANGS)
def test_sample_pdfs_draw_every_glyph(site, lang):
    """No glyph drawn is .notdef: nested-list bullets (U+25E6) included, read against the embedded fonts."""
    for slug in GUIDES:
        glyphs = drawn_glyphs(_pdf(site, slug, lang))
        assert len(glyphs) > (200 if slug == "hotline-card" else 500)  # the card's PDF is one short page
        assert missing(glyphs) == [], missing(glyphs)[:5]
    if lang != "ur":  # the Urdu guide has no nested list
        texts = {g.text for g in drawn_glyphs(_pdf(site, "responding-to-hate", lang))}
        assert "\u25e6" in texts  # the nested bullet is drawn, from a font that has it


def test_italic_prints_in_an_italic_face(site):
    out = subprocess.run(["pdffonts", str(_pdf(site, "responding-to-hate", "en"))], capture_output=True, text=True,
                         check=True).stdout
    assert re.search(r"\+Noto-Sans-Italic\s", out), out


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_layer_gives_back_every_paragraph(site, lang):
    """pdftotext (its default, reading-order mode) gives back each paragraph, heading and
    table cell whole, whitespace and CONTROLS aside."""
    for slug in GUIDES:
        text = _squash(_body_text(_pdf(site, slug, lang)).translate(CONTROLS))
        missing = [t for t in _translations(lang, slug) if _squash(t) not in text]
        assert not missing, missing[:3]


@pytest.mark.parametrize("lang", ["en", "bn", "hi", "ko", "tl", "vi", "ur"])
def test_pdf_text_layer_keeps_words_whole(site, lang):
    """In languages that put spaces between words, each paragraph also comes back with its
    words whole and apart: spaces compared too, except that a line break inside a word
    (after its hyphen, or after a "/" in a URL) joins the two halves."""
    for slug in GUIDES:
        text = unicodedata.normalize("NFC", _body_text(_pdf(site, slug, lang)).translate(CONTROLS))
        text = " ".join(re.sub(r"([-/])[ ]*\n", r"\1", text).split())
        missing = [t for t in _translations(lang, slug)
                   if " ".join(unicodedata.normalize("NFC", t).split()) not in text]
        assert not missing, missing[:3]


def test_urdu_is_right_to_left_in_html_and_pdf(site):
    html = (site / "responding-to-hate" / "ur" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ur" dir="rtl">' in html
    # Phone numbers read in order, never split, and dial when tapped.
    assert '<bdi dir="ltr"><a class="tel" href="tel:+14155550142">(415)\u00a0555-0142</a></bdi>' in html
    bbox = _pdftotext(_pdf(site, "responding-to-hate", "ur"), "-f", "3", "-l", "3", "-bbox-layout")
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    lines = [(float(a), float(b)) for a, b in re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)]
    # Body lines start at the right margin: most right edges sit together near it, left edges vary.
    right_edges = [round(x_max) for _x_min, x_max in lines]
    common = max(set(right_edges), key=right_edges.count)
    assert common > page_width * 0.8
    page_number = re.findall(r"<word xMin=\"([\d.]+)\"[^>]*>\u200f?3</word>", bbox)  # RLM: our mark
    assert page_number and float(page_number[-1]) < page_width * 0.2  # page number on the left
    # "(415) 555-0142" stands left to right inside the right-to-left line and is never split:
    # a text run draws its glyphs left to right (pypdf reads glyphs, not /ActualText).
    runs = []
    PdfReader(_pdf(site, "responding-to-hate", "ur")).pages[2].extract_text(
        visitor_text=lambda text, *_: runs.append(text))
    numbers = [run for run in runs if "555" in run]
    assert numbers and all(re.search(r"415\)\xa0555-01\d\d", run) for run in numbers), numbers


def test_khmer_html_has_break_opportunities_inside_phrases(site):
    html = (site / "responding-to-hate" / "km" / "index.html").read_text(encoding="utf-8")
    main = html[html.index("<main"):]
    paragraphs = re.findall(r"<p(?: [^>]*)?>(.*?)</p>", main)  # with site_url a block's <p> carries its id
    long_phrases = [phrase for paragraph in paragraphs[:10]
                    for phrase in re.sub(r"<(?!wbr)[^>]+>", "", paragraph).split(" ")
                    if len(phrase) > 12 and re.search("[\u1780-\u17ff]{6}", phrase)]
    assert long_phrases, "no long Khmer phrase in the first ten paragraphs to check"
    assert all("<wbr>" in phrase for phrase in long_phrases), [p for p in long_phrases if "<wbr>" not in p][:3]


def test_korean_pdf_lines_break_only_at_spaces(site):
    words = set()
    for slug in GUIDES:
        for t in _translations("ko", slug):
            words.update(t.split())
    for entry in polib.pofile(str(ROOT / "guidebuilder" / "ui" / "ko.po")):
        words.update(entry.msgstr.split())
    words.update(["2026년", "11월", "1일", "한국어"])  # the colophon's edition stamp: the guide's date, the language
    text = _pdftotext(_pdf(site, "responding-to-hate", "ko"), "-f", "3")
    hangul_tokens = [w.rstrip("0123456789") for w in text.split() if re.search("[\uac00-\ud7a3]", w)]
    # Whole words only, punctuation at either end aside: a word cut in two matches no word.
    whole = {re.sub(r"^\W+|\W+$", "", w) for w in words}
    broken = [w for w in hangul_tokens if re.sub(r"^\W+|\W+$", "", w) not in whole]
    assert not broken, broken[:5]
    # Every line's last Hangul token is a whole word of the translation.
    for line in text.splitlines():
        tokens = line.split()
        if tokens and re.search("[\uac00-\ud7a3]", tokens[-1]) and not tokens[-1][-1].isdigit():
            assert tokens[-1] in words or any(w.startswith(tokens[-1]) and not w[len(tokens[-1]):].strip(".,)」")
                                               for w in words), line


def test_bangla_page_numbers_use_bengali_digits(site):
    path = _pdf(site, "responding-to-hate", "bn")
    pages = _pdftotext(path, "-layout").split("\f")
    numbers = [page.strip().splitlines()[-1].strip() for page in pages[1:-1]]
    assert numbers == ["২", "৩", "৪", "৫", "৬", "৭", "৮", "৯", "১০"], numbers  # the cover has none


def test_cover_dates_are_localized(site):
    html = (site / "responding-to-hate" / "bn" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-11-01">১ নভেম্বর, ২০২৬</time>' in html
    html = (site / "responding-to-hate" / "ko" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-11-01">2026년 11월 1일</time>' in html


def _wrapped_line_gaps(path: Path) -> list[float]:
    """How far each line of a multi-line pdftotext block stops short of the page's rightmost
    line end (pt), the block's last line left out: 0 throughout for justified text."""
    gaps = []
    for page in re.findall(r"<page .*?</page>", _pdftotext(path, "-bbox-layout"), re.S):
        ends = [float(x) for x in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', page)]
        for block in re.findall(r"<block .*?</block>", page, re.S):
            lines = re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', block)
            gaps += [max(ends) - float(x) for x in lines[:-1]]
    return gaps


def test_english_pdf_is_justified_and_korean_is_not(site):
    """Wrapped lines reach the right margin in English; in Korean they stop where the last word ends.

    Chinese and Khmer are left to the browser test (test_site): WeasyPrint stretches only
    spaces, so Chinese looks the same either way, and pdftotext puts each Khmer line in a
    block of its own."""
    english = _wrapped_line_gaps(_pdf(site, "responding-to-hate", "en"))
    korean = _wrapped_line_gaps(_pdf(site, "responding-to-hate", "ko"))
    assert len(english) > 20 and len(korean) > 20
    assert sum(gap < 0.5 for gap in english) / len(english) > 0.9, sorted(english)
    assert sum(gap < 0.5 for gap in korean) / len(korean) < 0.2, sorted(korean)


def test_html_pages_are_self_contained(site):
    for lang in LANGS:
        html = (site / "responding-to-hate" / lang / "index.html").read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//(?!www\.example)', html)
        for font in re.findall(r'url\("(fonts/[^"]+)"\)', html):
            assert (site / "responding-to-hate" / lang / font).is_file()
        assert 'hreflang="ur"' in html and 'hreflang="zh-Hant"' in html
        assert "&lt;span" not in html and "&lt;wbr" not in html  # markup is never shown as text


def test_second_build_rebuilds_nothing(site, tmp_path):
    # On a copy of the site and its build state: the other tests read the site meanwhile.
    out = tmp_path / site.name
    shutil.copytree(site, out)
    shutil.copytree(site.parent / ".guidebuilder" / site.name, tmp_path / ".guidebuilder" / site.name)
    result = run_cli("build-guides", "--out", str(out), "--quiet", cwd=ROOT)
    assert result.code == 0
    assert "27 published (0 rebuilt), 0 skipped, 0 failed" in result.stdout


def test_two_clean_builds_give_identical_pdfs(site, tmp_path):
    out = tmp_path / "again"
    result = run_cli("build-guides", "--out", str(out), "--quiet", "--guide", "know-your-rights-card",
                     "--lang", "ur", "--lang", "zh_Hant", "--lang", "km", cwd=ROOT)
    assert result.code == 0, result.stderr
    for lang in ("ur", "zh_Hant", "km"):
        assert _pdf(out, "know-your-rights-card", lang).read_bytes() == \
            _pdf(site, "know-your-rights-card", lang).read_bytes()


def test_kept_print_html_typesets_like_the_pdf_with_plain_weasyprint(project, tmp_path):
    out = tmp_path / "out"
    result = run_cli("build-guides", "--out", str(out), "--quiet", "--lang", "bn", "--format", "pdf",
                     "--keep-print-html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    kept = out.parent / ".guidebuilder" / out.name / "print" / "fixture" / "bn.html"
    html = kept.read_text(encoding="utf-8")
    assert f'<base href="{(project / "guides" / "fixture").resolve().as_uri()}/">' in html
    fonts = re.findall(r"url\(['\"]?([^'\")]+)", html)
    assert fonts and all(url.startswith("file:///") for url in fonts)
    again = tmp_path / "again.pdf"
    subprocess.run(["weasyprint", str(kept), str(again)], cwd=tmp_path, capture_output=True, check=True,
                   env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
                        "FONTCONFIG_FILE": str(out.parent / ".guidebuilder" / out.name / "fonts.conf")})
    ours = out / "fixture" / "bn" / "fixture-bn.pdf"
    assert len(PdfReader(again).pages) == len(PdfReader(ours).pages)
    font_names = [sorted(line.split()[0].split("+")[-1] for line in
                         subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:])
                  for pdf in (again, ours)]
    assert font_names[0] == font_names[1]
    assert [p.mediabox for p in PdfReader(again).pages] == [p.mediabox for p in PdfReader(ours).pages]


def test_without_keep_print_html_no_print_html_is_written(project, tmp_path):
    out = tmp_path / "out"
    assert run_cli("build-guides", "--out", str(out), "--quiet", "--lang", "bn", "--format", "pdf",
                   cwd=project).code == 0
    assert not (out.parent / ".guidebuilder" / out.name / "print").exists()
