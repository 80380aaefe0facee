"""The PDF stage on small documents: a text layer that reads back exactly in poppler (pdftotext),
right-to-left lines included, and line breaks WeasyPrint alone gets wrong."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import pytest

from guidebuilder.pdf import write_pdf
from guidebuilder.pdftext import LRM, RLM, direction_class, order_for_extraction

from conftest import CONTROLS, ROOT


def poppler_reading_order(visual: str, rtl_page: bool) -> str:
    """A model of poppler's reorderText (TextOutputDev.cc) without the embedding marks it adds.

    On a right-to-left page it takes, from the right end, a run without L or number
    characters, reversed, then a run without R characters, as is, and so on; a left-to-right
    page is read the mirrored way from the left.
    """
    kind = [direction_class(ch) for ch in visual]
    out, n = [], len(visual)
    if rtl_page:
        i = n
        while i > 0:
            j = i
            while j > 0 and kind[j - 1] not in "L#":
                j -= 1
            out.append(visual[j:i][::-1])
            i = j
            while j > 0 and kind[j - 1] != "R":
                j -= 1
            out.append(visual[j:i])
            i = j
    else:
        i = 0
        while i < n:
            j = i
            while j < n and kind[j] != "R":
                j += 1
            out.append(visual[i:j])
            i = j
            while j < n and kind[j] not in "L#":
                j += 1
            out.append(visual[i:j][::-1])
            i = j
    return "".join(out)


def _order(text: str, rtl_page: bool) -> str:
    return "".join(ch for ch, _ in order_for_extraction(text, rtl_page))


def test_poppler_classes_for_urdu_text():
    # Poppler counts the Arabic comma and digits of both kinds as numbers, not as neutrals.
    assert [direction_class(ch) for ch in "ب،۔؟:9۹“ Aa"] == list("R#RR###NNLL")
    assert (direction_class(LRM), direction_class(RLM)) == ("L", "R")


@pytest.mark.parametrize("text, expected", [
    # The number run is written as is, left of the reversed Urdu, colon included; the
    # mark after it (at the left end) keeps a neighbour on the same line from reading on.
    ("ہنگامی صورت: 911", RLM + ": 911" + "ہنگامی صورت"[::-1]),
    # Plain Urdu is simply reversed; nothing is added.
    ("آپ کا حق ہے۔", "آپ کا حق ہے۔"[::-1]),
])
def test_order_for_extraction_examples(text, expected):
    assert _order(text, rtl_page=True) == expected
    assert poppler_reading_order(expected, rtl_page=True).translate(CONTROLS) == text


def test_a_mark_only_where_no_order_keeps_a_neutral_in_place():
    # ': “' between Urdu words: poppler would read the colon (a "number") and the quote
    # together as one left-to-right run; a RIGHT-TO-LEFT MARK before the quote ends that
    # run. Marks are of the page's direction, so they never tip poppler's choice of it.
    text = "مثلاً: “آپ”"
    order = _order(text, rtl_page=True)
    assert order.count(RLM) == 1 and LRM not in order
    assert poppler_reading_order(order, rtl_page=True).replace(RLM, "") == text
    assert LRM in _order("Hotline آپ ”", rtl_page=False) and RLM not in _order("Hotline آپ ”", rtl_page=False)


def test_lines_that_poppler_joins_read_back_one_after_the_other():
    # A list marker, or the next table cell, stands on the same baseline: poppler reads
    # both as one line. Each planned part must read back whole, in order.
    for parts in (["۱. ", "“آپ” کا حق"], ["911", "آپ کا حق"], ["Hotline", "(415) 555-0142"], ["آپ", "911"]):
        visual = " ".join(_order(part, rtl_page=True) for part in reversed(parts))
        assert poppler_reading_order(visual, rtl_page=True).translate(CONTROLS).split() == " ".join(parts).split()


@pytest.mark.parametrize("rtl_page", [True, False])
def test_order_for_extraction_reads_back_for_any_mix(rtl_page):
    alphabet = list("ابپت۔،؟ ") + list("aZ19۱:.-/()“”'@ ")
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        back = poppler_reading_order(_order(text, rtl_page), rtl_page)
        assert back.translate(CONTROLS) == text, (text, back)


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.translate(CONTROLS)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


FACES = """
@font-face {{ font-family: Urdu; src: url("{fonts}/NotoNastaliqUrdu-Regular.ttf"); }}
@font-face {{ font-family: Urdu; font-weight: bold; src: url("{fonts}/NotoNastaliqUrdu-Bold.ttf"); }}
@font-face {{ font-family: Latin; src: url("{fonts}/NotoSans-Regular.ttf"); }}
@font-face {{ font-family: Latin; font-weight: bold; src: url("{fonts}/NotoSans-Bold.ttf"); }}
@page {{ size: {page}; margin: {margin}; }}
body {{ font-family: Urdu, Latin; font-size: {size}; }}
"""


def _render(body: str, lang: str, direction: str, tmp_path: Path, page="110mm 160mm", margin="10mm",
            size="10pt") -> str:
    fonts = (ROOT / "fonts").as_uri()
    css = FACES.format(fonts=fonts, page=page, margin=margin, size=size)
    html = f'<html lang="{lang}" dir="{direction}"><head><style>{css}</style></head><body>{body}</body></html>'
    result = write_pdf(html, tmp_path, [ROOT / "fonts"], "test")
    return _pdftotext(result.data, tmp_path)


LRE, PDF = "\u202a", "\u202c"  # what the typography stage puts around Latin runs in print


def test_urdu_paragraphs_and_a_wrapped_table_cell_read_back_exactly(tmp_path):
    name = f"ہاربر سٹی ہاٹ لائن برائے نفرت پر مبنی واقعات ({LRE}Harbor City Hate Incident Hotline{PDF})"
    paragraphs = ["ہنگامی صورت: 911", "قریب موجود کسی ایک شخص سے مدد مانگیں، مثلاً: “آپ، جنہوں نے نیلی جیکٹ پہنی ہے”۔"]
    body = "".join(f"<p style='line-height: 2.3'>{p}</p>" for p in paragraphs)
    # 30 mm hold a few words: the name wraps over several lines, 2.3 font sizes apart.
    body += (f"<table style='width: 60mm; line-height: 2.3'><tr><td style='width: 30mm'>{name}</td>"
             f"<td>{LRE}(415) 555-0142{PDF}</td></tr></table>")
    text = _squash(_render(body, "ur", "rtl", tmp_path))
    for expected in [*paragraphs, name.replace(LRE, "").replace(PDF, ""), "(415) 555-0142"]:
        assert _squash(expected) in text, expected


def test_a_real_hyphen_at_a_line_end_is_kept(tmp_path):
    # Poppler drops a "-" that ends a line, taking it for a hyphenation point.
    text = _render("<p style='width: 5em'>makipag-usap sa abogado</p>",
                   "tl", "ltr", tmp_path)
    assert "makipag-\n" in text.replace(" \n", "\n")  # the line really ends at the hyphen
    assert "makipag-usap" in _squash(text)


def test_a_bold_phone_number_that_wraps_takes_only_the_last_word_along(tmp_path):
    # WeasyPrint re-split the text before the bold number one word per line (see
    # guidebuilder.pdf); these widths made it happen on a letter page.
    before = ("ہاربر سٹی ہاٹ لائن برائے نفرت پر مبنی واقعات سے رابطے کے لیے "
              "ہاربر سٹی ہاٹ لائن برائے نفرت پر مبنی واقعات ")
    after = " پر کال کریں۔ یہ سروس مفت ہے اور آپ کی بات راز میں رکھی جاتی ہے۔"
    body = (f"<ul style='line-height: 2.3'><li>{before}<strong>{LRE}(415)\u00a0555-0142{PDF}</strong>"
            f"{after}</li></ul>")
    lines = [line for line in _render(body, "ur", "rtl", tmp_path, page="letter", margin="20mm",
                                      size="11pt").splitlines() if line.strip()]
    assert len(lines) == 2, lines
    assert len(lines[0].split()) > 10, lines


@pytest.mark.parametrize("body, expected", [
    # A Latin word in bold among Urdu ones comes back whole, not cut where a box ends.
    (f"<p><b>کا</b> <b>ہے۔</b> <b>{LRE}Hotline{PDF}</b> <b>!</b></p>", ["کا ہے۔ Hotline !"]),
    # Urdu list markers (decimal) stand on the first line's baseline.
    ("<ol><li>“آپ” کا حق</li><li>911 آپ کا حق</li></ol>", ["1. “آپ” کا حق", "2. 911 آپ کا حق"]),
    # A line whose own mark would have tipped poppler's page direction.
    ("<p>A: آپ</p>", ["A: آپ"]),
    # A real hyphen at a line end on a right-to-left page, and in a wrapped table cell.
    ("<p dir='ltr' style='width: 5em'>makipag-usap sa abogado</p>", ["makipag-usap sa abogado"]),
    ("<table><tr><td style='width: 22mm'>Para sa tanong makipag-usap sa isang abogado</td><td>x</td></tr></table>",
     ["Para sa tanong makipag-usap sa isang abogado"]),
    # A right-to-left page that poppler reads left to right (no Urdu on it).
    ("<table><tr><td style='width: 34mm'>Harbor City Hate Incident Hotline</td><td>(415) 555</td></tr></table>",
     ["Harbor City Hate Incident Hotline", "(415) 555"]),
])
def test_words_and_spaces_read_back_in_right_to_left_documents(body, expected, tmp_path):
    text = _render(body, "ur", "rtl", tmp_path)
    text = re.sub(r"-[ ]*\n", "-", text)  # a word broken after its hyphen reads as one word
    lines = " | ".join(" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    for paragraph in expected:
        assert paragraph in lines, lines
