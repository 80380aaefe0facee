"""PDF stage: typeset a print page with WeasyPrint, reading only allowed files."""

from __future__ import annotations

import hashlib
import warnings
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import pdftext
from .errors import RenderError


def _weasyprint():
    # Our fontconfig has no font folders on purpose (guidebuilder.fonts): every
    # font comes from @font-face, so WeasyPrint's warning about it is expected.
    warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
    import weasyprint  # imported late: fontconfig must be isolated first

    pdftext.install(weasyprint)
    _keep_text_that_fits_but_for_trailing_spaces()
    return weasyprint


def _keep_text_that_fits_but_for_trailing_spaces() -> None:
    """Work around a WeasyPrint line-breaking bug (related: Kozea/WeasyPrint#1614).

    When an inline element (a bold phone number) does not fit at the end of a line,
    WeasyPrint lays out the text before it again, one pixel narrower each time, until
    that text breaks. Its width counts the text's trailing space, which Pango lets hang:
    the text still fits on one line, and WeasyPrint, seeing it overflow, falls back to a
    single word per line. An Urdu list item came out as four one-word lines. Here, text
    that fits once its trailing spaces are dropped (they collapse at a line end) is
    reported as fitting, so WeasyPrint narrows on and breaks at the last word that fits.
    Only lines left less than half full are checked again, which is what the bug leaves;
    it could still strike where one word fills more than half the line.
    """
    from weasyprint.layout import inline

    original = inline.split_first_line
    if getattr(original, "_guidebuilder", False):
        return

    def split_first_line(text, style, context, max_width, *args, **kwargs):
        result = original(text, style, context, max_width, *args, **kwargs)
        stripped = text.rstrip(" ")
        if (result[2] is not None and max_width is not None and stripped and stripped != text
                and style["white_space"] in ("normal", "pre-line") and result[3] < max_width / 2):
            # A line less than half full (the bug leaves one word); check, with one more
            # layout, whether the whole text would fit but for its trailing spaces.
            whole = original(stripped, style, context, max_width, *args, **kwargs)
            if whole[2] is None and whole[3] <= max_width:
                return original(text, style, context, None, *args, **kwargs)
        return result

    split_first_line._guidebuilder = True
    inline.split_first_line = split_first_line


@dataclass
class FetchLog:
    """What the URL fetcher served and what it refused."""

    refused: list[str] = field(default_factory=list)


def make_fetcher(allowed_roots: list[Path], log: FetchLog):
    """A WeasyPrint URL fetcher that serves files under allowed_roots and nothing else."""
    weasyprint = _weasyprint()
    roots = [root.resolve() for root in allowed_roots]

    class GuideFetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
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
            return weasyprint.urls.URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    return GuideFetcher(fail_on_errors=False)


@dataclass
class PdfResult:
    """A typeset PDF in memory."""

    data: bytes
    pages: int
    refused: list[str]


def write_pdf(html: str, base_dir: Path, allowed_roots: list[Path], identifier: str) -> PdfResult:
    """Typeset html (relative URLs resolve in base_dir) into PDF bytes."""
    weasyprint = _weasyprint()
    log = FetchLog()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                                   url_fetcher=make_fetcher(allowed_roots, log)).render()
        data = document.write_pdf(pdf_identifier=hashlib.md5(identifier.encode()).hexdigest().encode(),
                                  pdf_variant="pdf/ua-1")  # tagged, with PDF/UA metadata
    except Exception as exc:  # WeasyPrint raises many types; the build reports one
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc
    return PdfResult(data, len(document.pages), log.refused)
