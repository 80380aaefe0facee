"""Output kinds: each makes one kind of file of a guide in one language (the PDF, the web page).

A kind is registered with register(); the build runs the kinds --format names,
in registration order, each after the kinds it needs. A kind returns what it
made in memory (Made); the job writes every file once all kinds are done.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..model import Output

if TYPE_CHECKING:
    from ..check import Finding
    from ..chrome import Chrome
    from ..config import Project
    from ..images import PublishedImage
    from ..locales import LocaleFacts
    from ..render import ShownImage
    from ..source import Guide
    from ..state import BuildOptions
    from ..translate import Translation


@dataclass
class Job:
    """Everything a guide's page in one language is made from, loaded once for every kind."""

    project: Project
    guide: Guide
    lang: str
    facts: LocaleFacts
    source_facts: LocaleFacts
    translation: Translation
    chrome: Chrome
    published: tuple[str, ...]  # languages of the language menu
    options: BuildOptions
    font_cache: Path
    findings: tuple[Finding, ...] = ()  # a proof's check findings, printed at their blocks
    follows: dict[str, Any] | None = None  # the source edition an incomplete translation follows

    @property
    def out_dir(self) -> Path:
        """The language's folder: build/site/<slug>/<lang>."""
        return self.options.out_dir / self.guide.slug / self.lang

    @property
    def paper(self) -> str:
        """The paper size: --paper, else the project's."""
        return self.options.paper or self.project.paper

    @property
    def families(self) -> tuple[str, ...]:
        """The page's font stack: the language's families, then the source language's."""
        from ..fonts import facts_families

        return facts_families(self.facts, self.source_facts)

    @property
    def image_cache(self) -> Path:
        """Where scaled photos are kept by checksum, beside the font cache."""
        return self.font_cache.parent / "images"

    @cached_property
    def images(self) -> dict[str, PublishedImage]:
        """Every image the page shows in this language (a translated one where it exists), as published."""
        return self.images_in(self.lang)

    def images_in(self, lang: str) -> dict[str, PublishedImage]:
        """Every image a page of the guide in lang shows, as published (processed photos come from the cache)."""
        from ..images import publish_image
        from ..render import localized_asset

        found: dict[str, PublishedImage] = {}
        guide = self.guide
        folder = Path(guide.src_path).parent
        blocks = [*guide.blocks, *(block for _label, footnote in guide.footnotes for block in footnote)]
        while blocks:
            block = blocks.pop(0)
            blocks[:0] = block.children
            if block.kind == "image":
                src = localized_asset(guide.abs_dir, block.attrs["src"], lang)
                if src not in found:
                    found[src] = publish_image(guide.abs_dir, src, (folder / src).as_posix(), self.image_cache)
        return found

    @property
    def image_warnings(self) -> list[str]:
        """A warning for each source image over 1 MB, with the size it was cut to."""
        return [image.warning for image in self.images.values() if image.warning]

    def web_images(self) -> dict[str, ShownImage]:
        """How the web page shows each image: the published file beside it, its WebP alternative, its size."""
        from ..render import ShownImage

        return {src: ShownImage(src, image.webp_src, image.width, image.height) for src, image in self.images.items()}

    def print_images(self, lang: str | None = None) -> dict[str, ShownImage]:
        """How a PDF in lang (default: the job's) shows each image: the published bytes as a data: URI."""
        import base64
        import mimetypes

        from ..render import ShownImage

        shown = {}
        for src, image in (self.images if lang in (None, self.lang) else self.images_in(lang)).items():
            media = mimetypes.guess_type(src)[0] or "application/octet-stream"
            shown[src] = ShownImage(f"data:{media};base64,{base64.b64encode(image.data).decode()}", None,
                                    image.width, image.height)
        return shown

    def language_menu(self) -> list[tuple[str, str, str, str]]:
        """(tag, native name, href, direction) of every published language, for the page's language menu."""
        from ..locales import facts_for

        return [(other.bcp47, other.native_name, f"../{code}/index.html", other.direction)
                for code, other in ((code, facts_for(code, self.project)) for code in self.published)]

    def rel(self, path: Path) -> str:
        """A path in the build folder as the manifest writes it."""
        return path.relative_to(self.options.out_dir).as_posix()

    def output(self, kind: str, path: Path, data: bytes, *, pages: int | None = None, width_pt: float | None = None,
               height_pt: float | None = None) -> Output:
        """The manifest's row for a file of this job (a PDF's layout: pages, width_pt, height_pt)."""
        return Output(kind, self.rel(path), len(data), hashlib.sha256(data).hexdigest(), pages, width_pt, height_pt)


@dataclass
class Made:
    """What one kind made: its manifest row and every file to write, the output's own file first."""

    output: Output
    files: list[tuple[Path, bytes]]
    warnings: list[str] = field(default_factory=list)
    owns: list[Path] = field(default_factory=list)  # folders of this kind alone: files not made now are stale


def N_(msgid: str) -> str:
    """Mark a page chrome message in Python code for `extract` (gettext's N_); returns it unchanged."""
    return msgid


class OutputKind(Protocol):
    """One kind of output: its --format name, the kinds it needs made first, and how it is made.

    label is the page chrome's message that offers its file for download, with the file's {size}
    (marked with N_ so that `extract` finds it); None for the web page, which is not downloaded.
    """

    name: str
    media_type: str

    @property
    def label(self) -> str | None:
        """The download link's chrome message, e.g. "Wallet card, PDF ({size})"."""
        ...

    @property
    def needs(self) -> tuple[str, ...]:
        """The kinds made first when they are selected."""
        ...

    def path(self, job: Job) -> Path:
        """Where this kind's file of a job goes."""
        ...

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        """Make this kind's files in memory; made holds the outputs of the kinds it needs, when selected."""
        ...


KINDS: dict[str, OutputKind] = {}


def register(kind: OutputKind) -> OutputKind:
    """Make a kind available to --format (a later kind of the same name replaces it)."""
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (for tests that register one of their own)."""
    KINDS.pop(name, None)


def offered() -> list[OutputKind]:
    """The kinds a web page and the portal offer for download (those with a label), in registration order."""
    # getattr: a kind written before kinds had labels is still built, only not offered.
    return [kind for kind in KINDS.values() if getattr(kind, "label", None)]


def selected(formats: tuple[str, ...] | list[str]) -> list[OutputKind]:
    """The registered kinds formats names, each after the kinds it needs."""
    from ..errors import GuideError

    unknown = [name for name in formats if name not in KINDS]
    if unknown:
        names = list(KINDS)
        known = " or ".join(filter(None, [", ".join(names[:-1]), names[-1]]))
        raise GuideError(f"--format must be {known}, not '{unknown[0]}'")
    ordered: list[OutputKind] = []

    def add(name: str) -> None:
        kind = KINDS[name]
        if kind in ordered:
            return
        for need in kind.needs:
            if need in formats:
                add(need)
        ordered.append(kind)

    for name in KINDS:
        if name in formats:
            add(name)
    return ordered


def _register_builtin() -> None:
    from .booklet import Booklet
    from .pdf_guide import PdfGrayscale, PdfGuide
    from .share_image import ShareImage
    from .text_message import TextMessage
    from .trifold import Trifold
    from .wallet_card import WalletCard
    from .wallet_card_sheet import WalletCardSheet
    from .web_page import WebPage

    # The web page needs every kind it offers for download (see WebPage.needs), so that it knows their sizes.
    register(PdfGuide())
    register(PdfGrayscale())
    register(Booklet())
    register(WalletCard())
    register(WalletCardSheet())
    register(Trifold())
    register(TextMessage())
    register(ShareImage())
    register(WebPage())


_register_builtin()
