"""A printed output's edition: the address of its web page under site_url, and that address as a QR code."""

from __future__ import annotations

import base64
import io

from .config import Project
from .render import Edition


def page_url(project: Project, slug: str, lang: str) -> str | None:
    """The published web page of a guide in one language: {site_url}/{slug}/{lang}/ (None without site_url)."""
    if not project.site_url:
        return None
    return f"{project.site_url}/{slug}/{lang}/"


def qr_svg(text: str) -> bytes:
    """A QR code of text as SVG (error correction M, its four-module quiet zone), the same bytes every time."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False, boost_error=False).save(
        buffer, kind="svg", scale=1, border=4, xmldecl=False, svgns=True, nl=False)
    return buffer.getvalue()


def edition_for(project: Project, slug: str, lang: str) -> Edition | None:
    """The QR code and address a printed page carries, or None when the project sets no site_url."""
    url = page_url(project, slug, lang)
    if url is None:
        return None
    from .locales import facts_for

    facts = facts_for(lang, project)
    data = base64.b64encode(qr_svg(url)).decode("ascii")
    return Edition(url, f"data:image/svg+xml;base64,{data}", facts.bcp47, facts.native_name)
