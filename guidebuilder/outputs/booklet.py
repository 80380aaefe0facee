"""The booklet: the print guide on half-size pages, imposed two to a side in printer spreads for saddle stitching.

The guide is typeset on half-letter (A5 when the paper is A4), padded with blank
pages to a multiple of four, and each landscape sheet carries four pages: on its
outside the last page and the first, on its inside the second and the one before
the last, and so on inwards. A right-to-left guide binds on the right, so each
spread is mirrored and the cover sits on the left of the first sheet's outside.
"""

from __future__ import annotations

import io
from pathlib import Path

from . import N_, Job, Made

HALF = {"letter": "half-letter", "a4": "a5"}  # the booklet's page for each paper
SHEET_PT = {"letter": (792.0, 612.0), "a4": (841.89, 595.28)}  # landscape


def booklet_path(job: Job) -> Path:
    """Where a job's booklet goes: build/site/<slug>/<lang>/<slug>-<lang>-booklet.pdf."""
    return job.out_dir / f"{job.guide.slug}-{job.lang}-booklet.pdf"


def spreads(pages: int, rtl: bool = False) -> list[tuple[int | None, int | None]]:
    """(left, right) page indexes of each side of each sheet, outside then inside; None for a blank page.

    pages is padded to a multiple of four. For 8 pages, left to right:
    (7, 0), (1, 6), (5, 2), (3, 4); a right-to-left booklet swaps each pair.
    """
    total = -(-pages // 4) * 4
    out: list[tuple[int | None, int | None]] = []
    for sheet in range(total // 4):
        outside = (total - 1 - 2 * sheet, 2 * sheet)
        inside = (2 * sheet + 1, total - 2 - 2 * sheet)
        for left, right in (outside, inside):
            pair = (right, left) if rtl else (left, right)
            out.append(tuple(index if index < pages else None for index in pair))  # type: ignore[arg-type]
    return out


def impose(pdf: bytes, paper: str, rtl: bool, identifier: str) -> tuple[bytes, int]:
    """The pages of pdf, two to a landscape side of paper in printer spreads; the bytes and the side count."""
    from pypdf import PdfReader, PdfWriter, Transformation

    width, height = SHEET_PT[paper]
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    sides = spreads(len(reader.pages), rtl)
    for pair in sides:
        side = writer.add_blank_page(width, height)
        for slot, index in enumerate(pair):
            if index is None:
                continue
            page = reader.pages[index]
            box = page.mediabox
            page_w, page_h = float(box.width), float(box.height)
            # The two pages meet at the fold in the sheet's middle; any spare paper goes to the outer edges.
            x = width / 2 - page_w if slot == 0 else width / 2
            y = (height - page_h) / 2
            side.merge_transformed_page(page, Transformation().translate(x - float(box.left), y - float(box.bottom)))
    writer.add_metadata({"/Title": identifier})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(sides)


class Booklet:
    """The `booklet` output kind."""

    name = "booklet"
    needs: tuple[str, ...] = ()
    label = N_("Booklet to fold, PDF ({size})")
    media_type = "application/pdf"

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return booklet_path(job)

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Typeset the guide on half pages, then impose them in printer spreads on the job's paper."""
        from .pdf_guide import typeset_guide

        pdf, warnings = typeset_guide(job, HALF[job.paper])
        data, sides = impose(pdf.data, job.paper, job.facts.direction == "rtl", f"{job.guide.slug}/{job.lang}/booklet")
        width, height = SHEET_PT[job.paper]
        path = booklet_path(job)
        output = job.output(self.name, path, data, pages=sides, width_pt=width, height_pt=height)
        return Made(output, [(path, data)], warnings)
