"""Block anchors: a stable id for each block of a guide's page, and its address under site_url.

An anchor is derived from the block's catalog key (msgctxt and msgid), not from
its position, so inserting or removing another paragraph leaves every other
anchor as it was; catalogs can then carry each message's address on the preview
page in their ``#.`` comment. The same text used twice gets ``-2``, ``-3`` on its
later blocks (the catalog entry points at the first).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

import polib

from .glossary import COMMENT_PREFIX as GLOSSARY_PREFIX

PREVIEW_PREFIX = "Preview: "
OURS = (PREVIEW_PREFIX.strip(), GLOSSARY_PREFIX.strip())  # how the lines annotate writes start, even wrapped


def colliding_texts(messages: Iterable[object]) -> set[str]:
    """Texts that occur in more than one role: their catalog entries get the role as msgctxt."""
    roles: dict[str, set[object]] = {}
    for message in messages:
        roles.setdefault(message.text, set()).add(message.role)  # type: ignore[attr-defined]
    return {text for text, found in roles.items() if len(found) > 1}


def anchor(msgctxt: str | None, msgid: str) -> str:
    """The anchor of a message's block: 't-' and 10 hex digits of its catalog key."""
    key = msgid if msgctxt is None else f"{msgctxt}\x04{msgid}"  # \x04 as gettext joins context and id
    return "t-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


class Anchors:
    """Hands out each block's id in page order: repeats of one key get -2, -3."""

    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def next(self, msgctxt: str | None, msgid: str) -> str:
        base = anchor(msgctxt, msgid)
        count = self.used.get(base, 0) + 1
        self.used[base] = count
        return base if count == 1 else f"{base}-{count}"


def block_url(site_url: str | None, slug: str, lang: str, msgctxt: str | None, msgid: str) -> str | None:
    """{site_url}/{slug}/{lang}/#anchor, where a message's block stands on the web page (None without site_url)."""
    if not site_url:
        return None
    return f"{site_url}/{slug}/{lang}/#{anchor(msgctxt, msgid)}"


def annotate(catalog: polib.POFile, site_url: str | None, slug: str, lang: str,
             glossary_lines: Callable[[str], list[str]] | None = None) -> None:
    """Rewrite every entry's #. comment: the template's own lines, then its preview URL and glossary lines.

    glossary_lines is a function msgid -> the glossary's comment lines (None: no glossary).
    """
    for entry in catalog:
        if entry.obsolete:
            continue
        lines = (entry.comment or "").split("\n")
        # Ours come last; msgcat may have wrapped them, so everything from the first one on goes.
        ours = next((i for i, line in enumerate(lines) if line.startswith(OURS)), len(lines))
        kept = [line for line in lines[:ours] if line]
        url = block_url(site_url, slug, lang, entry.msgctxt, entry.msgid)
        if url is not None:
            kept.append(PREVIEW_PREFIX + url)
        if glossary_lines is not None:
            kept.extend(glossary_lines(entry.msgid))
        entry.comment = "\n".join(kept)
