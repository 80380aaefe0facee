"""The wallet card: the guide on one card face in its language, the same card in the source language on the back.

The faces are the guide's print page (same fonts, shaping, direction and line
breaking) with the card stylesheet; each face's type steps down from 8.5 pt to
6.5 pt until it fits, and a guide that does not fit at 6.5 pt fails rather
than lose text. The back carries the web page's QR code and the edition stamp.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import RenderError
from . import N_, Job, Made

START_PT = 8.5
FLOOR_PT = 6.5
STEP_PT = 0.25


def card_path(job: Job) -> Path:
    """Where a job's wallet card goes: build/site/<slug>/<lang>/<slug>-<lang>-card.pdf."""
    return job.out_dir / f"{job.guide.slug}-{job.lang}-card.pdf"


def sizes() -> list[float]:
    """The type sizes a face is tried at, largest first."""
    count = round((START_PT - FLOOR_PT) / STEP_PT)
    return [START_PT - STEP_PT * step for step in range(count + 1)]


class WalletCard:
    """The `wallet-card` output kind."""

    name = "wallet-card"
    needs: tuple[str, ...] = ()
    label = N_("Wallet card, PDF ({size})")
    media_type = "application/pdf"

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        return card_path(job)

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Fit the front in the job's language and the back in the card_back language, then join them."""
        from ..config import CARD_SIZES
        from ..edition import edition_for
        from ..fonts import face_css, facts_families
        from ..pagestyle import print_chars, print_faces
        from ..pdf import write_pages

        project, guide = job.project, job.guide
        edition = edition_for(project, guide.slug, job.lang)
        if edition is None:
            raise project.site_url_error(self.name)
        back_lang = project.card_back_language()
        front = _Face(job, job.lang, None, back_only=False)
        back = _Face(job, back_lang or job.lang, edition, back_only=back_lang is None)
        # Both faces embed the same font files: WeasyPrint joins the pages' fonts by name, so a face
        # subset for one document alone would draw the other's glyph ids wrong.
        chars = print_chars(front.draft, front.facts) | print_chars(back.draft, back.facts)
        families = tuple(dict.fromkeys(facts_families(front.facts, job.source_facts)
                                       + facts_families(back.facts, job.source_facts)))
        faces = face_css([(f, p.resolve().as_uri(), "opentype")
                          for f, p in print_faces(project, families, chars, job.font_cache)])
        size = CARD_SIZES[project.card_size]
        pdf = write_pages([front.fit(faces, *size), back.fit(faces, *size)], f"{guide.slug}/{job.lang}/card")
        path = card_path(job)
        output = job.output(self.name, path, pdf.data, pages=pdf.pages, width_pt=pdf.width_pt,
                            height_pt=pdf.height_pt)
        return Made(output, [(path, pdf.data)])


class _Face:
    """One face of the card: the guide in one language (or only the stamp), laid out to fit."""

    def __init__(self, job: Job, lang: str, edition: Any, *, back_only: bool):
        from ..chrome import load_chrome
        from ..locales import facts_for
        from ..translate import load_translation

        self.job, self.lang, self.edition, self.back_only = job, lang, edition, back_only
        self.logo = job.project.logo_uri() if edition is not None else None  # the back carries the logo
        if lang == job.lang:
            self.facts, self.translation, self.chrome = job.facts, job.translation, job.chrome
        else:
            self.facts = facts_for(lang, job.project)
            self.translation = load_translation(job.project, job.guide.slug, lang, job.options.include_fuzzy)
            self.chrome = load_chrome(job.project, lang, job.options.include_fuzzy)

    @cached_property
    def draft(self) -> str:
        """The face's print page without a stylesheet, rendered once."""
        from ..render import PageLinks, render_page

        job = self.job
        html, _renderer = render_page(job.guide, self.translation, self.facts, job.source_facts, "print", "",
                                      PageLinks([]), False, self.chrome, self.edition, card=True,
                                      logo=self.logo, images=job.print_images(self.translation.lang))
        return html

    def render(self, css: str) -> str:
        """The face's print page with css."""
        from ..render import restyle

        return restyle(self.draft, css)

    def fit(self, faces: str, width: float, height: float) -> Any:
        """The laid-out face at the largest type size that fits one card face; fails below the floor."""
        from ..fonts import font_stack
        from ..pagestyle import page_css
        from ..pdf import largest_fitting, lines_after_first_page, render_document
        from ..render import jinja_env

        job, project, guide = self.job, self.job.project, self.job.guide
        css = page_css(project, self.lang, project.source_language, faces, job.paper, "print")
        roots = [guide.abs_dir, project.fonts_dir, job.font_cache]

        def layout(size: float) -> Any:
            card_css = jinja_env().get_template("card.css.j2").render(
                size=f"{size:g}", width=f"{width:g}", height=f"{height:g}", back_only=self.back_only,
                rtl=self.facts.direction == "rtl", stamp_stack=font_stack(job.families))
            return render_document(self.render(css + "\n" + card_css), guide.abs_dir, roots)

        document, smallest = largest_fitting(sizes(), layout)
        if document is None:
            over = lines_after_first_page(smallest)
            raise RenderError(f"the wallet card overflows by {over} line{'s' if over != 1 else ''} at "
                              f"{FLOOR_PT:g} pt; shorten the guide or drop wallet-card from formats", guide.src_path)
        return document
