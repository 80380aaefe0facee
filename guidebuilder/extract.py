"""Extract stage: every guide's messages into locales/<slug>.pot."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import polib

from .anchors import PREVIEW_PREFIX, block_url, colliding_texts
from .catalogs import DATE_FORMAT, atomic_write, format_catalog, new_template
from .config import Project
from .source import Guide, read_guide


def creation_date() -> str:
    """POT-Creation-Date: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch
              else dt.datetime.now(dt.UTC).replace(second=0, microsecond=0))
    return moment.strftime(DATE_FORMAT)


def build_template(guide: Guide, created: str, site_url: str | None = None, source_language: str = "en"
                   ) -> polib.POFile:
    """The template catalog of one guide, entries in document order.

    With site_url, each entry's #. comment ends with its block's address on the
    source language's web page (update points each language's catalog at its own).
    """
    messages = guide.messages()
    colliding = colliding_texts(messages)
    title = guide.meta.get("title", guide.slug)
    pot = new_template(f"Translation template for the guide \"{title}\" ({guide.slug}).\n"
                       f"This file is distributed under the same license as the guide"
                       f" ({guide.meta.get('license', 'see the guide')}).",
                       f"{guide.slug} {guide.meta.get('version', '')}".strip(),
                       str(guide.meta.get("contact", "")), created)
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    for message in messages:
        context = message.role.context if message.text in colliding else None
        key = (context, message.text)
        occurrence = (guide.src_path, str(message.line))
        if key in entries:
            if occurrence not in entries[key].occurrences:
                entries[key].occurrences.append(occurrence)
            continue
        comment = message.comment
        url = block_url(site_url, guide.slug, source_language, context, message.text)
        if url is not None:
            comment = f"{comment}\n{PREVIEW_PREFIX}{url}" if comment else PREVIEW_PREFIX + url
        entry = polib.POEntry(msgid=message.text, msgstr="", msgctxt=context,
                              comment=comment, occurrences=[occurrence])
        entries[key] = entry
        pot.append(entry)
    return pot


def _without_date(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n") if not line.startswith(b'"POT-Creation-Date:'))


@dataclass
class ExtractResult:
    """What extract did for one guide."""

    slug: str
    pot_path: str
    written: bool
    messages: int


def extract_guide(project: Project, slug: str) -> tuple[Guide, polib.POFile, bytes]:
    """Parse a guide and lay out its template (nothing written)."""
    guide = read_guide(project.root, slug)
    pot = build_template(guide, creation_date(), project.preview_url, project.source_language)
    return guide, pot, format_catalog(pot)


def extract(project: Project, slugs: list[str]) -> list[ExtractResult]:
    """Write locales/<slug>.pot for each guide and locales/guidebuilder.pot for the page chrome.

    An unchanged template (date aside) is left alone.
    """
    from .chrome import DOMAIN, build_chrome_template, refuse_guide_named_like_domain

    refuse_guide_named_like_domain(slugs)
    gathered: list[tuple[str, Guide | None, polib.POFile, bytes]] = [
        (slug, *extract_guide(project, slug)) for slug in slugs]  # read everything first
    chrome = build_chrome_template(creation_date())
    gathered.append((DOMAIN, None, chrome, format_catalog(chrome)))
    results = []
    for slug, _guide, pot, data in gathered:
        path = project.pot_path(slug)
        existing = path.read_bytes() if path.is_file() else None
        written = existing is None or _without_date(existing) != _without_date(data)
        if written:
            atomic_write(path, data)
        results.append(ExtractResult(slug, project.rel(path), written, len(pot)))
    return results
