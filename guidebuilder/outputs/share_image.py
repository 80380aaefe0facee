"""The share image: a 1080 x 1350 PNG of the guide for messaging-app feeds, typeset like its print page.

A page of 540 x 675 pt (4:5) is laid out by WeasyPrint from the guide's print
page (same fonts, shaping, direction and line breaking) with the share
stylesheet, then drawn by PDFium at 144 dpi. A card (a guide whose formats list
wallet-card, or a short guide: no summary and fewer than four headings) shows
its whole text; any other guide its title, subtitle and summary. With site_url
the QR code of the web page stands in a top corner. The type steps down from
24 pt to 14 pt (28 px in the image) until the page holds it, and a guide that
does not fit at 14 pt fails rather than lose text.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RenderError
from . import N_, Job, Made

if TYPE_CHECKING:
    from ..pdf import PdfResult

WIDTH_PT, HEIGHT_PT = 540.0, 675.0
DPI = 144
WIDTH_PX, HEIGHT_PX = round(WIDTH_PT * DPI / 72), round(HEIGHT_PT * DPI / 72)  # 1080 x 1350
START_PT = 24.0
FLOOR_PT = 14.0  # the smallest type: 14 pt at 144 dpi is 28 px
STEP_PT = 1.0


def share_path(job: Job) -> Path:
    """Where a job's share image goes: build/site/<slug>/<lang>/<slug>-<lang>-share.png."""
    return job.out_dir / f"{job.guide.slug}-{job.lang}-share.png"


def sizes() -> list[float]:
    """The type sizes the page is tried at, largest first."""
    count = round((START_PT - FLOOR_PT) / STEP_PT)
    return [START_PT - STEP_PT * step for step in range(count + 1)]


class ShareImage:
    """The `share-image` output kind."""

    name = "share-image"
    needs: tuple[str, ...] = ()
    label = N_("Image to share, PNG ({size})")
    media_type = "image/png"

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return share_path(job)

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Typeset the share page, then draw it as a PNG of exactly 1080 x 1350 pixels."""
        data = png(typeset(job).data)
        path = share_path(job)
        output = job.output(self.name, path, data)
        output = type(output)(**{**output.to_dict(), "width_px": WIDTH_PX, "height_px": HEIGHT_PX})
        return Made(output, [(path, data)])


def typeset(job: Job) -> PdfResult:
    """The share page as a one-page PDF, at the largest type size that fits; fails below the floor."""
    from ..edition import edition_for
    from ..fonts import face_css
    from ..pagestyle import page_css, print_chars, print_faces
    from ..pdf import largest_fitting, lines_after_first_page, render_document, write_pages
    from ..render import PageLinks, jinja_env, render_page, restyle

    project, guide = job.project, job.guide
    edition = edition_for(project, guide.slug, job.lang)
    logo = project.logo_uri()

    def page(css: str) -> tuple[str, Any]:
        return render_page(guide, job.translation, job.facts, job.source_facts, "print", css, PageLinks([]), False,
                           job.chrome, edition, card=True, logo=logo, images=job.print_images())

    draft, renderer = page("")
    card = "wallet-card" in guide.formats or ("summary" not in guide.meta_messages and len(renderer.toc) < 4)
    faces = face_css([(f, p.resolve().as_uri(), "opentype")
                      for f, p in print_faces(project, job.families, print_chars(draft, job.facts), job.font_cache)])
    css = page_css(project, job.lang, project.source_language, faces, job.paper, "print")
    roots = [guide.abs_dir, project.fonts_dir, job.font_cache]

    def layout(size: float) -> Any:
        share_css = jinja_env().get_template("share.css.j2").render(
            size=f"{size:g}", width=f"{WIDTH_PT:g}", height=f"{HEIGHT_PT:g}", dpi=DPI,
            min_px=round(FLOOR_PT * DPI / 72), card=card, rtl=job.facts.direction == "rtl")
        return render_document(restyle(draft, css + "\n" + share_css), guide.abs_dir, roots)

    document, smallest = largest_fitting(sizes(), layout)
    if document is None:
        over = lines_after_first_page(smallest)
        raise RenderError(f"the share image overflows by {over} line{'s' if over != 1 else ''} at {FLOOR_PT:g} pt; "
                          "shorten the guide (or its summary) or drop share-image from formats", guide.src_path)
    return write_pages([document], f"{guide.slug}/{job.lang}/share")


def png(pdf: bytes) -> bytes:
    """The first page of a PDF drawn at 144 dpi as a PNG: RGB, no metadata, the same bytes every time."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=DPI / 72, may_draw_forms=False)
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    if image.size != (WIDTH_PX, HEIGHT_PX):
        raise RenderError(f"the share image came out {image.size[0]} x {image.size[1]} px, "
                          f"not {WIDTH_PX} x {HEIGHT_PX}")
    # A fresh image carries no info (dpi, text chunks) from the bitmap; Pillow writes no time chunk unasked.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
