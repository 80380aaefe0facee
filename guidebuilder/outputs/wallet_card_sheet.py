"""The wallet card sheet: the wallet card imposed ten to a sheet (2 x 5) with crop marks, for a copy shop.

Page 1 holds ten fronts, page 2 ten backs; on page 2 the columns swap, so that
printed duplex flipped on the long edge each back lands behind its front. The
cards keep their bleed where the sheet has room for it: between the two columns
there is a gutter of two bleeds, while the five rows fill all but about an inch
of the paper's height, so the rows share one cut and only the outer edges bleed.
Crop marks extend every trim line into the margins.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from . import N_, Job, Made

PAPER_PT = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}
COLUMNS, ROWS = 2, 5
BLEED = 9.0  # 1/8 in, as the card PDF's BleedBox
MIN_MARGIN = 36.0  # room for the crop marks and a printer's unprintable edge
MARK_GAP = 3.0  # between the bleed's edge and a crop mark, so no mark shows on a card cut a little off
MARK_LENGTH = 18.0
MARK_WIDTH = 0.5


def sheet_path(job: Job) -> Path:
    """Where a job's card sheet goes: build/site/<slug>/<lang>/<slug>-<lang>-card-sheet.pdf."""
    return job.out_dir / f"{job.guide.slug}-{job.lang}-card-sheet.pdf"


@dataclass(frozen=True)
class Axis:
    """Where the cards sit along one side of the sheet: their trims' starts and the gutter between them."""

    starts: tuple[float, ...]
    trim: float
    gutter: float  # 2 x BLEED, or 0 when the cards share a cut

    def bleeds(self, index: int) -> tuple[float, float]:
        """How far card index may print past its trim before and after it along this axis."""
        inner = BLEED if self.gutter else 0.0
        return (BLEED if index == 0 else inner, BLEED if index == len(self.starts) - 1 else inner)

    def lines(self) -> list[float]:
        """Every trim line along this axis, in order."""
        return sorted({edge for start in self.starts for edge in (start, start + self.trim)})


def axis(page: float, trim: float, count: int) -> Axis:
    """count cards of trim centred on page: with a gutter of two bleeds when the margins keep MIN_MARGIN."""
    for gutter in (2 * BLEED, 0.0):
        block = count * trim + (count - 1) * gutter
        if (page - block) / 2 >= MIN_MARGIN:
            break
    start = (page - block) / 2
    return Axis(tuple(round(start + i * (trim + gutter), 3) for i in range(count)), trim, gutter)


def impose(card_pdf: bytes, paper: str, identifier: str) -> bytes:
    """Ten fronts (the card's page 1) on one sheet, ten backs (page 2) mirrored for long-edge duplex on the next."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import ContentStream, NameObject, RectangleObject

    width, height = PAPER_PT[paper]
    reader = PdfReader(io.BytesIO(card_pdf))
    trim = reader.pages[0].trimbox
    card_w, card_h = float(trim.width), float(trim.height)
    across, down = axis(width, card_w, COLUMNS), axis(height, card_h, ROWS)
    writer = PdfWriter()
    for side, card in enumerate(reader.pages[:2]):
        sheet = writer.add_blank_page(width, height)
        marks = ContentStream(None, writer)
        marks.set_data(crop_marks(across, down, width, height).encode("ascii"))
        sheet.replace_contents(marks)  # drawn first: the marks lie in the margins, clear of every card
        for row in range(ROWS):
            top = ROWS - 1 - row  # rows counted from the top; PDF y grows upwards
            y = down.starts[top]
            below, above = down.bleeds(top)
            for column in range(COLUMNS):
                cell = column if side == 0 else COLUMNS - 1 - column  # the back sits behind its front
                x = across.starts[cell]
                left, right = across.bleeds(cell)
                # merge_transformed_page clips the card to its CropBox: the trim and the bleed this cell keeps.
                card.cropbox = RectangleObject([float(trim.left) - left, float(trim.bottom) - below,
                                                float(trim.right) + right, float(trim.top) + above])
                sheet.merge_transformed_page(card, Transformation().translate(x - float(trim.left),
                                                                              y - float(trim.bottom)))
        sheet[NameObject("/TrimBox")] = RectangleObject([0, 0, width, height])
    writer.add_metadata({"/Title": identifier})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def crop_marks(across: Axis, down: Axis, width: float, height: float) -> str:
    """A content stream of crop marks: every trim line continued into the margins, clear of the bleed."""
    ops = [f"q {MARK_WIDTH:g} w 0 G [] 0 d"]
    left, right = across.starts[0], across.starts[-1] + across.trim
    bottom, top = down.starts[0], down.starts[-1] + down.trim

    def segment(x1: float, y1: float, x2: float, y2: float) -> None:
        if abs(x2 - x1) + abs(y2 - y1) > 1:  # too small a margin leaves no room for a mark
            ops.append(f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S")

    near = BLEED + MARK_GAP
    for x in across.lines():
        segment(x, top + near, x, min(top + near + MARK_LENGTH, height))
        segment(x, bottom - near, x, max(bottom - near - MARK_LENGTH, 0.0))
    for y in down.lines():
        segment(left - near, y, max(left - near - MARK_LENGTH, 0.0), y)
        segment(right + near, y, min(right + near + MARK_LENGTH, width), y)
    ops.append("Q")
    return "\n".join(ops) + "\n"


class WalletCardSheet:
    """The `wallet-card-sheet` output kind."""

    name = "wallet-card-sheet"
    needs: tuple[str, ...] = ("wallet-card",)
    label = N_("Sheet of 10 wallet cards, PDF ({size})")
    media_type = "application/pdf"

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return sheet_path(job)

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Impose the wallet card made now (or made here, when wallet-card is not selected) ten-up."""
        from .wallet_card import WalletCard

        card = made.get("wallet-card") or WalletCard().build(job, made)
        data = impose(card.files[0][1], job.paper, f"{job.guide.slug}/{job.lang}/card-sheet")
        width, height = PAPER_PT[job.paper]
        path = sheet_path(job)
        output = job.output(self.name, path, data, pages=2, width_pt=width, height_pt=height)
        return Made(output, [(path, data)])
