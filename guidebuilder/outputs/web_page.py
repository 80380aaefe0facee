"""The web page: index.html with its own subset web fonts and images, and a link to every file made for it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import Job, Made, offered
from .pdf_guide import pdf_path

if TYPE_CHECKING:
    from ..render import Download


class WebPage:
    """The `html` output kind."""

    name = "html"
    label = None  # the page itself
    media_type = "text/html"

    @property
    def needs(self) -> tuple[str, ...]:
        """Every kind offered for download, registered now or later: the links show the files' sizes."""
        return tuple(kind.name for kind in offered())

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return job.out_dir / "index.html"

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Render the page once, learn from its stylesheet the characters each face draws, subset the fonts to them."""
        from ..fonts import face_css
        from ..pagestyle import page_css, picker_fonts, web_chars, web_faces
        from ..render import PageLinks, render_page, restyle

        guide, facts, project = job.guide, job.facts, job.project
        pdf = made.get("pdf")
        pdf_file = pdf_path(job)
        pdf_bytes = pdf.output.bytes if pdf else (pdf_file.stat().st_size if pdf_file.is_file() else None)
        links = PageLinks(job.language_menu(), pdf_file.name if pdf_bytes else None, pdf_bytes, _downloads(job, made))
        # Block ids for the catalogs' preview links (site_url) and for screenshots.
        block_ids = bool(project.preview_url) or job.options.block_ids
        draft, renderer = render_page(guide, job.translation, facts, job.source_facts, "web", "", links,
                                      job.options.proof, job.chrome, findings=job.findings,
                                      notices=True, follows=job.follows, block_ids=block_ids,
                                      images=job.web_images())
        families = job.families
        # The page with its stylesheet, less the @font-face rules it is about to get, for the cascade.
        cascaded = restyle(draft, page_css(project, job.lang, project.source_language, "", job.paper, "web"))
        # Without fallback blocks the page draws in its own stack only (see web_faces).
        faces = web_faces(project, families, web_chars(cascaded, facts), job.font_cache,
                          first_match=not renderer.fallbacks)
        picker_faces, picker_css = picker_fonts(project, job.lang, list(job.published), families, job.font_cache)
        faces += picker_faces
        shown_faces = [(f, f"fonts/{p.name}", "woff2") for f, p in faces]
        css = page_css(project, job.lang, project.source_language, face_css(shown_faces) + picker_css, job.paper,
                       "web")
        html = restyle(draft, css)
        page = self.path(job)
        data = html.encode("utf-8")
        files = [(page, data)]
        files += [(job.out_dir / "fonts" / path.name, path.read_bytes()) for _font, path in faces]
        for src, image in job.images.items():
            files.append((job.out_dir / src, image.data))
            if image.webp and image.webp_src:
                files.append((job.out_dir / image.webp_src, image.webp))
        # Image folders hold only what the page shows: a replaced photo's old copies go.
        folders = sorted({(job.out_dir / src).parent for src in job.images} - {job.out_dir})
        output = replace(job.output(self.name, page, data), files=tuple(job.rel(path) for path, _data in files[1:]))
        return Made(output, files, job.image_warnings,
                    owns=[job.out_dir / "fonts", *folders])


def _downloads(job: Job, made: dict[str, Made]) -> list[Download]:
    """Every other file made for the page's guide and language, besides the PDF (its own button).

    A kind counts when it was made now, or when the guide asks for it (front matter formats)
    and an earlier build left its file.
    """
    from ..render import Download

    found = []
    for kind in offered():
        if kind.name == "pdf":
            continue
        path = kind.path(job)
        if kind.name in made:
            size: int | None = made[kind.name].output.bytes
        elif kind.name in job.guide.formats and path.is_file():
            size = path.stat().st_size
        else:
            continue
        if size and kind.label:
            found.append(Download(kind.name, path.name, kind.media_type, size, kind.label))
    return found
