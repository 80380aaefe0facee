"""The sample guide "Responding to Hate" in all nine languages as the printed kinds a long guide makes:
the booklet (imposed for a duplex printer), the share image and the black-and-white PDF."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import ROOT, run_cli
from pdfglyphs import drawn_glyphs, missing
from pdflines import read_lines
from pdfpixels import coloured_pixels

SLUG = "responding-to-hate"
LANGS = ["en", "bn", "zh_Hant", "hi", "km", "ko", "tl", "vi", "ur"]
SITE = "https://guides.example.org"
GRAY = ["en", "km", "ur"]  # Latin, a Brahmic script with stacked subscripts, right-to-left Nastaliq


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample-print") / "site"
    done = run_cli("build-guides", "--guide", SLUG, "--format", "booklet", "--format", "share-image",
                   "--out", str(out), "--quiet", cwd=ROOT)
    assert done.code == 0, done.stdout + done.stderr
    # The black-and-white PDF in one language of each kind of script the test looks at.
    done = run_cli("build-guides", "--guide", SLUG, "--format", "pdf-grayscale", *(f"--lang={lang}" for lang in GRAY),
                   "--out", str(out), "--quiet", cwd=ROOT)
    assert done.code == 0, done.stdout + done.stderr
    return out


def _file(built: Path, lang: str, suffix: str) -> Path:
    return built / SLUG / lang / f"{SLUG}-{lang}{suffix}"


def _title(lang: str) -> str:
    if lang == "en":
        return "Responding to Hate: A Community Guide"
    catalog = polib.pofile(str(ROOT / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"))
    [entry] = [e for e in catalog if e.msgid == "Responding to Hate: A Community Guide"]
    return entry.msgstr


@pytest.mark.parametrize("lang", LANGS)
def test_booklet_sheet_one_has_the_cover_on_the_binding_side(built, lang):
    """Sheet 1's outside: the cover right of the fold (left of it for right-to-left Urdu), every glyph drawn."""
    booklet = _file(built, lang, "-booklet.pdf")
    reader = PdfReader(booklet)
    assert len(reader.pages) % 2 == 0
    assert [round(float(v)) for v in reader.pages[0].mediabox] == [0, 0, 792, 612]
    words = [(w.y1 - w.y0, (w.x0 + w.x1) / 2, w.text) for line in read_lines(booklet, 1, 1) for w in line.words]
    # The cover's title is the sheet's largest type.
    tallest = max(height for height, _x, _word in words)
    title_words = [(x, word) for height, x, word in words if height > tallest - 0.5]
    title = re.sub(r"\s+", "", _title(lang))
    assert any(w.replace(" ", "") in title or w.replace(" ", "")[::-1] in title for _x, w in title_words), title_words
    if lang == "ur":
        assert all(x < 396 for x, _w in title_words), title_words
    else:
        assert all(x > 396 for x, _w in title_words), title_words
    assert missing(drawn_glyphs(booklet)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_share_image_of_a_long_guide(built, lang):
    """1080 x 1350, not blank, and its QR code leads to the page in that language."""
    zxingcpp = pytest.importorskip("zxingcpp")
    image = Image.open(_file(built, lang, "-share.png"))
    assert image.size == (1080, 1350)
    grey = image.convert("L")
    assert sum(grey.histogram()[:128]) / (1080 * 1350) > 0.01
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [f"{SITE}/{SLUG}/{lang}/"]


@pytest.mark.parametrize("lang", GRAY)
def test_grayscale_pdf_of_the_sample_has_no_colour(built, lang):
    assert coloured_pixels(_file(built, lang, "-grayscale.pdf"), scale=0.5, tolerance=8) == 0
