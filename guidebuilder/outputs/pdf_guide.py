"""The print guide: a PDF typeset by WeasyPrint, its fonts subset by WeasyPrint from the full faces."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import N_, Job, Made

if TYPE_CHECKING:
    from ..pdf import PdfResult, WideTable


def pdf_path(job: Job) -> Path:
    """Where a job's PDF goes: build/site/<slug>/<lang>/<slug>-<lang>.pdf."""
    return job.out_dir / f"{job.guide.slug}-{job.lang}.pdf"


class PdfGuide:
    """The `pdf` output kind."""

    name = "pdf"
    needs: tuple[str, ...] = ()
    label = N_("Download PDF ({size})")
    media_type = "application/pdf"

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return pdf_path(job)

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Typeset the print page on the job's paper, with a warning for every table too wide for it."""
        printed: list[str] = []
        pdf, warnings = typeset_guide(job, job.paper, marks=job.options.marks, printed=printed)
        path = pdf_path(job)
        output = job.output(self.name, path, pdf.data, pages=pdf.pages, width_pt=pdf.width_pt,
                            height_pt=pdf.height_pt)
        files = [(path, pdf.data)]
        if job.options.keep_print_html:
            files.append((print_html_path(job), standalone_html(printed[-1], job.guide.abs_dir).encode("utf-8")))
        return Made(output, files, warnings)


def print_html_path(job: Job) -> Path:
    """Where --keep-print-html writes the HTML a PDF is typeset from (build/.guidebuilder/site/print/)."""
    return job.options.state_dir / "print" / job.guide.slug / f"{job.lang}.html"


def standalone_html(html: str, base_dir: Path) -> str:
    """The print HTML with a <base> at the guide's folder, so `weasyprint file.html out.pdf` finds its images.

    Its fonts are already named by file path (the font cache's subsets).
    """
    base = f'<base href="{base_dir.resolve().as_uri()}/">'
    return html.replace("<head>", f"<head>\n{base}", 1)


# Crop marks for a print shop: the trim is the paper (TrimBox), 1/8 in of bleed around it (BleedBox, MediaBox),
# WeasyPrint's marks in the bleed's corners.
MARKS_CSS = "\n@page { bleed: 9pt; marks: crop; }"


def grayscale_path(job: Job) -> Path:
    """Where a job's grayscale PDF goes: build/site/<slug>/<lang>/<slug>-<lang>-grayscale.pdf."""
    return job.out_dir / f"{job.guide.slug}-{job.lang}-grayscale.pdf"


class PdfGrayscale:
    """The `pdf-grayscale` output kind: the print guide for black-and-white copiers."""

    name = "pdf-grayscale"
    needs: tuple[str, ...] = ()
    label = N_("Black-and-white PDF for copiers ({size})")
    media_type = "application/pdf"

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return grayscale_path(job)

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Check that every text colour reads in gray, then typeset the guide with every colour in gray."""
        from ..grayscale import check_contrast

        check_contrast(job.project)
        pdf, warnings = typeset_guide(job, job.paper, grayscale=True)
        path = grayscale_path(job)
        output = job.output(self.name, path, pdf.data, pages=pdf.pages, width_pt=pdf.width_pt,
                            height_pt=pdf.height_pt)
        return Made(output, [(path, pdf.data)], warnings)


def typeset_guide(job: Job, paper: str, marks: bool = False, grayscale: bool = False,
                  printed: list[str] | None = None) -> tuple[PdfResult, list[str]]:
    """Render the print page on paper (pagestyle.PAGE_SIZES) and typeset it, wide tables set smaller to fit.

    With marks, each page has crop marks and 9 pt of bleed around the paper; with
    grayscale, every colour and image is the gray a black-and-white copier prints.
    printed, when given, receives the HTML of each typesetting; the last one is the PDF's.
    """
    from ..edition import edition_for
    from ..fonts import face_css
    from ..pagestyle import page_css, print_chars, print_faces
    from ..pdf import write_pdf
    from ..render import PageLinks, render_page, restyle

    guide, facts, project = job.guide, job.facts, job.project
    links = PageLinks(job.language_menu())
    edition = edition_for(project, guide.slug, job.lang)
    logo = project.logo_uri()
    images = job.print_images()
    if grayscale:  # data: URIs never reach the fetcher that grays the files a page links to
        from dataclasses import replace

        from ..grayscale import grayscale_data_uri

        logo = grayscale_data_uri(logo) if logo else None
        images = {src: replace(shown, src=grayscale_data_uri(shown.src)) for src, shown in images.items()}
    draft, _ = render_page(guide, job.translation, facts, job.source_facts, "print", "", links,
                           job.options.proof, job.chrome, edition, logo=logo, findings=job.findings,
                           notices=True, follows=job.follows, images=images)
    faces = print_faces(project, job.families, print_chars(draft, facts), job.font_cache)
    css = page_css(project, job.lang, project.source_language,
                   face_css([(f, p.resolve().as_uri(), "opentype") for f, p in faces]), paper, "print",
                   grayscale)
    if marks:
        css += MARKS_CSS

    def typeset(extra_css: str) -> PdfResult:
        html = restyle(draft, css + extra_css)  # the page differs from the draft only in its stylesheet
        if printed is not None:
            printed.append(html)
        return write_pdf(html, guide.abs_dir, [guide.abs_dir, project.fonts_dir, job.font_cache],
                         identifier=f"{guide.slug}/{job.lang}{'/grayscale' if grayscale else ''}", grayscale=grayscale)

    pdf = _typeset_fitting_tables(typeset)
    warnings = [f"{guide.src_path}:{table.line}: table wider than the page by {table.overflow_pt:.0f} pt "
                f"in the {job.lang} PDF, even in 7.5 pt type with words broken; give it fewer columns or "
                f"split it" for table in pdf.wide_tables]
    return pdf, warnings + job.image_warnings


def _typeset_fitting_tables(typeset: Callable[[str], PdfResult]) -> PdfResult:
    """Typeset a PDF (typeset(extra_css)); a table wider than the page is set smaller and typeset again.

    First its type shrinks to fit with words whole, down to 7.5 pt; then its words may
    also break anywhere. Tables still too wide stay in the result's wide_tables.
    """
    from ..pdf import fit_tables_css

    pdf = typeset("")
    measured: dict[int, WideTable] = {}  # line -> the table as first laid out
    anywhere: set[int] = set()
    for _attempt in range(2):
        if not pdf.wide_tables:
            break
        for table in pdf.wide_tables:
            if table.line in measured:
                anywhere.add(table.line)  # smaller type alone was not enough
            else:
                measured[table.line] = table
        pdf = typeset("\n" + fit_tables_css(list(measured.values()), anywhere))
    return pdf
