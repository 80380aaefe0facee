"""The trifold: the guide on both sides of one landscape sheet, six panels in the order of a letter fold.

A letter fold (C-fold) folds the sheet in thirds, the fold-in panel innermost.
Side 1 (the outside) holds, left to right, the fold-in panel, the back and the
cover; side 2 (the inside) holds the first three panels of the text. Printed
duplex flipped on the short edge, the inside's right panel lands behind the
fold-in panel, which is 1/16 in narrower than the others so that it folds in
without buckling against the fold. The text runs across the inside, left to
right, and ends on the fold-in panel, which a reader sees on opening the cover.

A right-to-left guide opens from the other edge, as its books do (the booklet
binds on the right for the same reason): every side is mirrored, so the cover
is on the outside's left, the text runs across the inside from right to left,
and the fold-in panel is the outside's right.

Each panel is a page of the guide's print page (same fonts, shaping, direction,
line breaking and type size) laid out at the panel's size, then imposed on the
sheet. A guide longer than its four panels fails rather than lose text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import RenderError
from . import N_, Job, Made

SHEET_PT = {"letter": (792.0, 612.0), "a4": (841.89, 595.28)}  # landscape
FOLD_IN_NARROWER = 4.5  # 1/16 in: the fold-in panel sits inside the fold of the other two
TEXT_PANELS = 4


def trifold_path(job: Job) -> Path:
    """Where a job's trifold goes: build/site/<slug>/<lang>/<slug>-<lang>-trifold.pdf."""
    return job.out_dir / f"{job.guide.slug}-{job.lang}-trifold.pdf"


@dataclass(frozen=True)
class Panel:
    """One panel on a side of the sheet: what it holds ("cover", "back", or "text" with its index), where, how wide."""

    role: str
    index: int  # the text panel's place in reading order, from 0; 0 for the cover and the back
    x: float  # its left edge on the sheet, in points
    width: float


def panel_widths(paper: str) -> tuple[float, float]:
    """(the width of a full panel, of the fold-in panel) on paper, in points."""
    width = SHEET_PT[paper][0]
    full = round((width + FOLD_IN_NARROWER) / 3, 3)
    return full, round(width - 2 * full, 3)


def sides(paper: str, rtl: bool = False) -> list[list[Panel]]:
    """The panels of the outside (side 1) and the inside (side 2), each left to right."""
    full, narrow = panel_widths(paper)
    outside = [("text", 3, narrow), ("back", 0, full), ("cover", 0, full)]
    inside = [("text", 0, full), ("text", 1, full), ("text", 2, narrow)]
    out = []
    for side in (outside, inside):
        ordered = list(reversed(side)) if rtl else side
        x, panels = 0.0, []
        for role, index, width in ordered:
            panels.append(Panel(role, index, round(x, 3), width))
            x += width
        out.append(panels)
    return out


def impose(pdf: bytes, paper: str, rtl: bool, identifier: str) -> bytes:
    """The panel pages of pdf (cover, the text panels, back) on the two sides of a landscape sheet."""
    from pypdf import PdfReader, PdfWriter, Transformation

    width, height = SHEET_PT[paper]
    reader = PdfReader(io.BytesIO(pdf))
    pages = {("cover", 0): reader.pages[0], ("back", 0): reader.pages[-1]}
    for index, page in enumerate(reader.pages[1:-1]):
        pages[("text", index)] = page
    writer = PdfWriter()
    for side in sides(paper, rtl):
        sheet = writer.add_blank_page(width, height)
        for panel in side:
            if (panel.role, panel.index) not in pages:
                continue  # a short guide leaves its last text panels blank
            page = pages[(panel.role, panel.index)]
            box = page.mediabox
            sheet.merge_transformed_page(page, Transformation().translate(panel.x - float(box.left),
                                                                          -float(box.bottom)))
    writer.add_metadata({"/Title": identifier})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Trifold:
    """The `trifold` output kind."""

    name = "trifold"
    needs: tuple[str, ...] = ()
    label = N_("Tri-fold leaflet, PDF ({size})")
    media_type = "application/pdf"

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return trifold_path(job)

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Lay out the cover, the text and the back as panels, then impose them on a sheet of the job's paper."""
        from ..edition import edition_for
        from ..fonts import face_css
        from ..pagestyle import print_chars, print_faces
        from ..pdf import write_pages

        project, guide = job.project, job.guide
        rtl = job.facts.direction == "rtl"
        edition = edition_for(project, guide.slug, job.lang)
        parts = {part: _Part(job, part, edition) for part in ("cover", "text", "back")}
        # Every part embeds the same font files: WeasyPrint joins the pages' fonts by name, so a face
        # subset for one part alone would draw another's glyph ids wrong.
        chars = set().union(*(print_chars(part.draft, job.facts) for part in parts.values()))
        faces = face_css([(f, p.resolve().as_uri(), "opentype")
                          for f, p in print_faces(project, job.families, chars, job.font_cache)])
        full, narrow = panel_widths(job.paper)
        height = SHEET_PT[job.paper][1]
        cover = parts["cover"].layout(faces, full, narrow, height, pages=1)
        text = parts["text"].layout(faces, full, narrow, height, pages=TEXT_PANELS)
        back = parts["back"].layout(faces, full, narrow, height, pages=1)
        pdf = write_pages([cover, text, back], f"{guide.slug}/{job.lang}/trifold")
        data = impose(pdf.data, job.paper, rtl, f"{guide.slug}/{job.lang}/trifold")
        width = SHEET_PT[job.paper][0]
        path = trifold_path(job)
        output = job.output(self.name, path, data, pages=2, width_pt=width, height_pt=height)
        return Made(output, [(path, data)], job.image_warnings)


class _Part:
    """The cover, the text or the back of a trifold: the guide's print page showing only that part."""

    def __init__(self, job: Job, part: str, edition: Any):
        self.job, self.part, self.edition = job, part, edition

    @cached_property
    def draft(self) -> str:
        """The part's print page without a stylesheet, rendered once.

        The back carries the edition stamp and the logo, as a card's back does.
        """
        from ..render import PageLinks, render_page

        job = self.job
        back = self.part == "back"
        html, _renderer = render_page(job.guide, job.translation, job.facts, job.source_facts, "print", "",
                                      PageLinks([]), job.options.proof, job.chrome,
                                      self.edition if back else None, card=back,
                                      logo=job.project.logo_uri() if self.part != "text" else None,
                                      images=job.print_images())
        return html

    def render(self, css: str) -> str:
        """The part's print page with css."""
        from ..render import restyle

        return restyle(self.draft, css)

    def layout(self, faces: str, full: float, narrow: float, height: float, pages: int) -> Any:
        """The laid-out part on panels of its size (the last two text panels narrower); fails when it needs more."""
        from ..fonts import font_stack
        from ..pagestyle import page_css
        from ..pdf import lines_after_first_page, render_document
        from ..render import jinja_env

        job, project, guide = self.job, self.job.project, self.job.guide
        css = page_css(project, job.lang, project.source_language, faces, job.paper, "print")
        panel_css = jinja_env().get_template("trifold.css.j2").render(
            part=self.part, full=f"{full:g}", narrow=f"{narrow:g}", height=f"{height:g}",
            rtl=job.facts.direction == "rtl", stamp_stack=font_stack(job.families))
        document = render_document(self.render(css + "\n" + panel_css), guide.abs_dir,
                                   [guide.abs_dir, project.fonts_dir, job.font_cache])
        if len(document.pages) > pages:
            over = lines_after_first_page(document, pages)
            where = {"cover": "cover panel", "text": f"{TEXT_PANELS} text panels", "back": "back panel"}[self.part]
            what = {"cover": "shorten the title, subtitle or summary", "text": "shorten the guide",
                    "back": "shorten the organization, license or contact"}[self.part]
            raise RenderError(f"the trifold overflows its {where} by {over} line{'s' if over != 1 else ''}; "
                              f"{what} or drop trifold from formats", guide.src_path)
        return document
