"""The wallet card sheet: ten cards a page with crop marks, backs mirrored for long-edge duplex."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_cards import card_file, card_project

from pdfglyphs import drawn_glyphs, missing

# A business card is 252 x 144 pt with 9 pt of bleed. Two columns with a 2-bleed (18 pt) gutter are
# 522 pt wide: Letter's 612 leaves margins of 45, A4's 595.28 margins of 36.64. Five rows with gutters
# would be 792 pt, leaving no margin, so the rows share cuts: 720 pt, margins of 36 (Letter) or
# 60.945 (A4). Cells as (left, top) of the trim, measured from the page's top-left as pdftotext does.
LETTER_COLUMNS, LETTER_TOPS = (45.0, 315.0), (36.0, 180.0, 324.0, 468.0, 612.0)
A4_COLUMNS, A4_TOPS = (36.64, 306.64), tuple(60.945 + 144 * row for row in range(5))


def sheet_file(project: Path, lang: str) -> Path:
    return project / "build" / "site" / "card" / lang / f"card-{lang}-card-sheet.pdf"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The card project with the sheet in its formats, built once on Letter."""
    from conftest import copy_fixture_project, run_cli

    project = copy_fixture_project(tmp_path_factory.mktemp("impose") / "project")
    card_project(project, run_cli)
    guide = project / "guides" / "card" / "guide.md"
    guide.write_text(guide.read_text().replace("formats: [wallet-card, text]",
                                               "formats: [wallet-card, wallet-card-sheet]"))
    done = run_cli("build-guides", "--guide", "card", "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    return project


def words(path: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, xMin, yMin) of every word pdftotext finds on a page, from the page's top-left."""
    done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],
                          capture_output=True, text=True, check=True)
    return [(w, float(x), float(y)) for x, y, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', done.stdout)]


def placed(sheet: Path, page: int, word: str) -> list[tuple[float, float]]:
    """Where word's first occurrence on each card landed: (xMin, yMin) on the sheet, sorted."""
    return sorted((round(x, 1), round(y, 1)) for w, x, y in words(sheet, page) if w == word)


def expected(card: Path, card_page: int, word: str, columns: tuple[float, ...], tops: tuple[float, ...]):
    """Where word would land in every cell: its place on the card (from the bleed's corner) plus the cell's."""
    [(x, y), *_] = [(x, y) for w, x, y in words(card, card_page) if w == word]
    return sorted((round(left - 9 + x, 1), round(top - 9 + y, 1)) for left in columns for top in tops)


def test_letter_sheet_boxes_and_manifest(built):
    reader = PdfReader(sheet_file(built, "km"))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert [round(float(v), 2) for v in page.mediabox] == [0, 0, 612, 792]
    manifest = json.loads((built / "build" / "site" / "manifest.json").read_text())
    [guide] = [g for g in manifest["guides"] if g["slug"] == "card"]
    [km] = [e for e in guide["languages"] if e["lang"] == "km"]
    [row] = [o for o in km["outputs"] if o["kind"] == "wallet-card-sheet"]
    assert row["path"] == "card/km/card-km-card-sheet.pdf" and row["pages"] == 2
    assert (row["width_pt"], row["height_pt"]) == (612, 792)
    assert row["bytes"] == sheet_file(built, "km").stat().st_size


def test_ten_fronts_then_ten_backs_in_their_cells(built):
    sheet, card = sheet_file(built, "en"), card_file(built, "en")
    fronts = placed(sheet, 1, "Know")
    assert len(fronts) == 10
    assert fronts == expected(card, 1, "Know", LETTER_COLUMNS, LETTER_TOPS)
    # The back's first word: the back is not the front (it carries the QR code's address)
    backs = placed(sheet, 2, "Know")
    assert backs == expected(card, 2, "Know", LETTER_COLUMNS, LETTER_TOPS)
    assert [w for w, _, _ in words(sheet, 2)].count("Version") == 10
    assert "Version" not in [w for w, _, _ in words(sheet, 1)]


def test_backs_mirror_fronts_for_long_edge_duplex(built):
    # The Khmer card's front is Khmer and its back English: the back of the top-left front (left 45,
    # top 36) must sit at the top-right cell of page 2, its trim's left edge at 612 - 45 - 252 = 315.
    sheet, card = sheet_file(built, "km"), card_file(built, "km")
    assert "Know" not in [w for w, _, _ in words(sheet, 1)]
    [(x, y), *_] = [(x, y) for w, x, y in words(card, 2) if w == "Know"]
    backs = placed(sheet, 2, "Know")
    assert (round(315 - 9 + x, 1), round(36 - 9 + y, 1)) in backs
    # Every back's trim is a front's trim mirrored about the sheet's vertical centre line.
    [(fx, _), *_] = [(fx, fy) for w, fx, fy in words(card_file(built, "en"), 1) if w == "Know"]
    front_lefts = {round(sx - fx + 9, 1) for sx, _ in placed(sheet_file(built, "en"), 1, "Know")}
    back_lefts = {round(bx - x + 9, 1) for bx, _ in backs}
    assert back_lefts == {round(612 - left - 252, 1) for left in front_lefts} == {45.0, 315.0}


def test_crop_marks_outside_every_trim_corner(built, tmp_path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-gray", "-png", "-r", "144", "-f", "1", "-l", "1", str(sheet_file(built, "ur")),
                    str(tmp_path / "sheet")], check=True)
    [png] = tmp_path.glob("sheet*.png")
    image = Image.open(png).convert("L")
    scale = 2  # 144 dpi: two pixels a point

    def dark(x0: float, y0: float, x1: float, y1: float) -> bool:
        """Any dark pixel in the box (points, from the top-left)."""
        box = image.crop((int(x0 * scale), int(y0 * scale), int(x1 * scale) + 1, int(y1 * scale) + 1))
        return box.getextrema()[0] < 128

    trims_x = sorted({edge for left in LETTER_COLUMNS for edge in (left, left + 252)})
    trims_y = sorted({edge for top in LETTER_TOPS for edge in (top, top + 144)})
    for x in trims_x:  # a mark above and below the cards on every vertical trim line
        assert dark(x - 1, 10, x + 1, 20) and dark(x - 1, 772, x + 1, 782), x
        assert not dark(x + 4, 10, x + 8, 20)  # a line, not a smear
    for y in trims_y:  # and left and right of them on every horizontal one
        assert dark(10, y - 1, 20, y + 1) and dark(592, y - 1, 602, y + 1), y
    assert not dark(0, 0, 44, 35)  # nothing else in the corner


@pytest.mark.parametrize("lang", ["km", "ur"])
def test_sheet_draws_every_glyph(built, lang):
    assert missing(drawn_glyphs(sheet_file(built, lang))) == []


def test_a4_sheet_alone_is_deterministic(project, cli):
    card_project(project, cli)
    args = ("build-guides", "--guide", "card", "--lang", "en", "--paper", "a4", "--format", "wallet-card-sheet",
            "--quiet")
    done = cli(*args, cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    sheet = sheet_file(project, "en")
    assert not card_file(project, "en").exists()  # made for the sheet, not written
    reader = PdfReader(sheet)
    assert [round(float(v)) for v in reader.pages[0].mediabox] == [0, 0, 595, 842]
    first = sheet.read_bytes()
    assert len(placed(sheet, 1, "Know")) == 10
    [(x, y), *_] = [(x, y) for w, x, y in words(sheet, 1) if w == "Know"]
    assert any(abs(x - (left - 9)) < 60 for left in A4_COLUMNS) and abs(y - A4_TOPS[0]) < 60
    done = cli(*args, "--force", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    assert sheet.read_bytes() == first


def test_booklet_printer_spreads(project, cli):
    # The fixture guide fills three half-letter pages, padded to four: one sheet, outside then inside.
    done = cli("build-guides", "--guide", "fixture", "--lang", "en", "--lang", "ur", "--format", "booklet",
               "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr

    def booklet(lang: str) -> Path:
        return project / "build" / "site" / "fixture" / lang / f"fixture-{lang}-booklet.pdf"

    def boxes(lang: str, side: int, text: str) -> list[tuple[float, float]]:
        """(xMin, xMax) of every word pdftotext finds that reads text (RTL words come out reversed)."""
        out = subprocess.run(["pdftotext", "-f", str(side), "-l", str(side), "-bbox", str(booklet(lang)), "-"],
                             capture_output=True, text=True, check=True).stdout
        return [(float(x0), float(x1)) for x0, x1, word in
                re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>', out)
                if text in word or text[::-1] in word]

    for lang in ("en", "ur"):
        reader = PdfReader(booklet(lang))
        assert len(reader.pages) == 2
        assert [round(float(v)) for v in reader.pages[0].mediabox] == [0, 0, 792, 612]
    # Letter landscape is 792 wide: the fold is at 396. Outside: the cover right of it (left for Urdu).
    [(x0, _)] = boxes("en", 1, "Fixture")
    assert x0 > 396
    [(_, x1)] = boxes("ur", 1, "نمونہ رہنما")
    assert x1 < 396
    # Inside: page 2 (the 911 emergency call) left of the fold, or right of it for Urdu.
    assert boxes("en", 2, "911") and all(x1 < 396 for _, x1 in boxes("en", 2, "911"))
    assert boxes("ur", 2, "911") and all(x0 > 396 for x0, _ in boxes("ur", 2, "911"))
    assert missing(drawn_glyphs(booklet("ur"))) == []
    manifest = json.loads((project / "build" / "site" / "manifest.json").read_text())
    [guide] = [g for g in manifest["guides"] if g["slug"] == "fixture"]
    [en] = [e for e in guide["languages"] if e["lang"] == "en"]
    [row] = [o for o in en["outputs"] if o["kind"] == "booklet"]
    assert (row["pages"], row["width_pt"], row["height_pt"]) == (2, 792, 612)


def test_booklet_spreads_for_eight_pages():
    from guidebuilder.outputs.booklet import spreads

    # Sheet 1 outside: 8 | 1, inside: 2 | 7; sheet 2 outside: 6 | 3, inside: 4 | 5 (0-based below).
    assert spreads(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert spreads(8, rtl=True) == [(0, 7), (6, 1), (2, 5), (4, 3)]
    assert spreads(5) == [(None, 0), (1, None), (None, 2), (3, 4)]
