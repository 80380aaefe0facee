"""PDF stage: typeset a print page with WeasyPrint, reading only allowed files."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import libraries, weasyprint_patches
from .errors import RenderError


def _weasyprint() -> Any:  # the weasyprint module, which ships no type information
    # Our fontconfig has no font folders on purpose (guidebuilder.fonts): every
    # font comes from @font-face, so WeasyPrint's warning about it is expected.
    warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
    libraries.install()  # cffi looks its libraries up at import; remembered answers save ~0.3 s a process
    import weasyprint  # imported late: fontconfig must be isolated first

    weasyprint_patches.install()
    return weasyprint


@dataclass
class FetchLog:
    """What the URL fetcher served and what it refused."""

    refused: list[str] = field(default_factory=list)


def make_fetcher(allowed_roots: list[Path], log: FetchLog, grayscale: bool = False) -> Any:
    """A WeasyPrint URL fetcher that serves files under allowed_roots and nothing else; grayscale grays images."""
    weasyprint = _weasyprint()
    from weasyprint import URLFetcher  # after _weasyprint(), which prepares the import

    roots = [root.resolve() for root in allowed_roots]

    # WeasyPrint ships no type information, so to mypy its URLFetcher is Any.
    class GuideFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file":
                log.refused.append(url)
                raise ValueError(f"refused {url}: guides may only use files inside the guide folder")
            path = Path(unquote(parts.path)).resolve()
            if not any(path == root or root in path.parents for root in roots):
                log.refused.append(url)
                raise ValueError(f"refused {url}: outside the guide folder and fonts/")
            if not path.is_file():
                raise ValueError(f"{path} does not exist")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            data = path.read_bytes()
            if grayscale and mime.startswith("image/"):
                from .grayscale import grayscale_image

                data = grayscale_image(data, mime)
                mime = mime if mime == "image/svg+xml" else "image/png"
            return weasyprint.urls.URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})

    return GuideFetcher(fail_on_errors=False)


@dataclass(frozen=True)
class WideTable:
    """A table that runs past the page's margins after layout (CSS px, as WeasyPrint lays out)."""

    line: int  # the table's line in guide.md (its data-line attribute)
    overflow: float  # how far its widest part runs past the margins
    width: float  # its laid-out width
    room: float  # the width it may take: from its start edge to the opposite margin
    font_size: float  # its cells' font size

    @property
    def overflow_pt(self) -> float:
        """The overflow in PostScript points (what a PDF measures in)."""
        return self.overflow * 0.75


@dataclass
class PdfResult:
    """A typeset PDF in memory."""

    data: bytes
    pages: int
    refused: list[str]
    wide_tables: list[WideTable] = field(default_factory=list)
    width_pt: float | None = None  # of the first page
    height_pt: float | None = None


def wide_tables(document: Any) -> list[WideTable]:
    """Tables of a rendered document whose boxes run past the page's content area, widest part first.

    Reads the laid-out page boxes (Page._page_box, a private read listed in
    guidebuilder.weasyprint_patches) and changes nothing.
    """
    from weasyprint.formatting_structure.boxes import TableBox

    found: dict[int, WideTable] = {}
    for page in document.pages:
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for box in page_box.descendants():
            if not isinstance(box, TableBox) or box.element is None or box.element.get("data-line") is None:
                continue
            extents = [(b.border_box_x(), b.border_box_x() + b.border_width()) for b in box.descendants()
                       if getattr(b, "width", None) is not None and getattr(b, "position_x", None) is not None]
            start, end = min(e[0] for e in extents), max(e[1] for e in extents)
            overflow = max(end - right, left - start)
            if overflow <= 0.5:  # rounding in layout
                continue
            rtl = box.style["direction"] == "rtl"
            room = (end - left) if rtl else (right - start)
            cells = [b.style["font_size"] for b in box.descendants() if b.element_tag in ("td", "th")]
            line = int(box.element.get("data-line") or 0)
            wide = WideTable(line, overflow, end - start, room, max(cells, default=box.style["font_size"]))
            if line not in found or found[line].overflow < wide.overflow:
                found[line] = wide
    return sorted(found.values(), key=lambda t: t.line)


def write_pdf(html: str, base_dir: Path, allowed_roots: list[Path], identifier: str,
              grayscale: bool = False) -> PdfResult:
    """Typeset html (relative URLs resolve in base_dir) into PDF bytes; with grayscale, its images in gray."""
    weasyprint = _weasyprint()
    log = FetchLog()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                                   url_fetcher=make_fetcher(allowed_roots, log, grayscale)).render()
        wide = wide_tables(document)
        data = document.write_pdf(pdf_identifier=hashlib.md5(identifier.encode()).hexdigest().encode(),
                                  pdf_variant="pdf/ua-1")  # tagged, with PDF/UA metadata
    except Exception as exc:  # WeasyPrint raises many types; the build reports one
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc
    first = document.pages[0] if document.pages else None
    size = (round(first.width * 0.75, 2), round(first.height * 0.75, 2)) if first else (None, None)  # CSS px -> pt
    return PdfResult(data, len(document.pages), log.refused, wide, *size)


# The smallest type a table is set in to fit the page (7.5 pt, in CSS px).
TABLE_FLOOR_PX = 7.5 / 0.75


def fit_tables_css(tables: list[WideTable], anywhere: set[int]) -> str:
    """CSS that sets each wide table smaller to fit, down to 7.5 pt; tables in anywhere may also break words anywhere.

    A table overflows at its narrowest layout, every column as wide as its longest
    word, so scaling its type by room / width fits it with words whole; below the
    floor, words break where they must.
    """
    rules = []
    for table in tables:
        scale = table.room / table.width * 0.98  # borders and rounding do not scale with the type
        size = max(TABLE_FLOOR_PX, min(table.font_size, table.font_size * scale))
        selector = f'table[data-line="{table.line}"]'
        rule = f"{selector} th, {selector} td {{ font-size: {size * 0.75:.2f}pt; }}"
        if table.line in anywhere or size == TABLE_FLOOR_PX:
            rule += f" {selector} th, {selector} td {{ overflow-wrap: anywhere; }}"
        rules.append(rule)
    return "\n".join(rules)


def render_document(html: str, base_dir: Path, allowed_roots: list[Path]) -> Any:
    """Lay out html with WeasyPrint (relative URLs resolve in base_dir): the document, pages and boxes."""
    weasyprint = _weasyprint()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        return weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                               url_fetcher=make_fetcher(allowed_roots, FetchLog())).render()
    except Exception as exc:  # WeasyPrint raises many types; the build reports one
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc


def largest_fitting(steps: list[float], layout: Callable[[float], Any]) -> tuple[Any, Any]:
    """(the layout at the largest of steps, largest first, that is one page, or None; the layout at the last step).

    Halves the steps rather than trying each, since fewer sizes fit as type grows;
    layout(size) is called at most once per size.
    """
    laid: dict[float, Any] = {}

    def at(size: float) -> Any:
        if size not in laid:
            laid[size] = layout(size)
        return laid[size]

    low, high = 0, len(steps) - 1
    if len(at(steps[high]).pages) > 1:
        return None, at(steps[high])
    while low < high:
        middle = (low + high) // 2
        if len(at(steps[middle]).pages) == 1:
            high = middle
        else:
            low = middle + 1
    return at(steps[low]), at(steps[-1])


def lines_after_first_page(document: Any, pages: int = 1) -> int:
    """How many lines of text a laid-out document sets after its first pages (what they could not hold).

    Reads the laid-out page boxes (Page._page_box, a private read listed in
    guidebuilder.weasyprint_patches) and changes nothing.
    """
    from weasyprint.formatting_structure.boxes import LineBox

    return sum(1 for page in document.pages[pages:] for box in page._page_box.descendants() if isinstance(box, LineBox))


def write_pages(documents: list[Any], identifier: str) -> PdfResult:
    """One PDF of the pages of several laid-out documents, in order."""
    pages = [page for document in documents for page in document.pages]
    try:
        data = documents[0].copy(pages).write_pdf(pdf_identifier=hashlib.md5(identifier.encode()).hexdigest().encode())
    except Exception as exc:  # WeasyPrint raises many types; the build reports one
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc
    first = pages[0]
    return PdfResult(data, len(pages), [], [], round(first.width * 0.75, 2), round(first.height * 0.75, 2))
