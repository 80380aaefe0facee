"""PDF stage: typeset a print page with WeasyPrint, reading only allowed files."""

from __future__ import annotations

import hashlib
import re
import warnings
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import RenderError


def _weasyprint():
    # Our fontconfig has no font folders on purpose (guidebuilder.fonts): every
    # font comes from @font-face, so WeasyPrint's warning about it is expected.
    warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
    import weasyprint  # imported late: fontconfig must be isolated first

    _install_actual_text(weasyprint)
    return weasyprint


# Scripts whose shaping reorders, splits or fuses characters into glyphs
# (Arabic, the Indic scripts, Khmer, ...). WeasyPrint maps each glyph back to
# characters through ToUnicode, which cannot express a reordered vowel sign or
# a conjunct: `pdftotext` then gives "আপ নি য দি" for "আপনি যদি". For text boxes
# in these scripts we add /ActualText with the box's own text (PDF 32000-1,
# 14.9.4), which text extraction, search and screen readers use instead.
_COMPLEX_RANGES = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x0EFF), (0x0F00, 0x109F),
                   (0x1780, 0x17FF), (0x19E0, 0x19FF), (0xA8E0, 0xA8FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
_INVISIBLE = dict.fromkeys([0x200B, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF])


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def visual_order(text: str, rtl: bool) -> str:
    """Text in the left-to-right order its glyphs stand on the line (Unicode bidi algorithm, ICU)."""
    import icu

    bidi = icu.Bidi()
    bidi.setPara(icu.UnicodeString(text), 1 if rtl else 0)
    return str(bidi.writeReordered(icu.Bidi.REMOVE_BIDI_CONTROLS))  # unmirrored: readers mirror back themselves


def needs_actual_text(text: str) -> bool:
    """True when text has characters of a script whose glyphs do not map back one to one."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _COMPLEX_RANGES)


def _install_actual_text(weasyprint) -> None:
    import pydyf
    from weasyprint import draw

    if getattr(draw.draw_text, "_guidebuilder", False):
        return
    original = draw.draw_text

    def draw_text(stream, textbox, *args, **kwargs):
        text = textbox.text
        if not needs_actual_text(text):
            return original(stream, textbox, *args, **kwargs)
        if _RTL.search(text):
            text = visual_order(text, textbox.style["direction"] == "rtl")
        text = text.translate(_INVISIBLE)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text._guidebuilder = True
    draw.draw_text = draw_text


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
                                  pdf_tags=True)
    except Exception as exc:  # WeasyPrint raises many types; the build reports one
        raise RenderError(f"WeasyPrint failed: {type(exc).__name__}: {exc}") from exc
    return PdfResult(data, len(document.pages), log.refused)
