"""Translate stage: resolve every message of a guide to its text in one language.

Untranslated and (unless allowed) fuzzy messages fall back to the source text;
the renderer marks those blocks with the source language so fonts and direction
stay right.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

from .catalogs import msgstr_line, read_catalog_shared, source_words
from .config import Project
from .source import Message


@dataclass(frozen=True)
class Resolved:
    """A message's text in the page: translated, or the source as fallback."""

    text: str
    translated: bool
    state: str  # "translated", "fuzzy", "untranslated", "source"
    po_line: int | None = None


class Translation:
    """Lookups of one guide's messages in one language's catalog."""

    def __init__(self, lang: str, catalog: polib.POFile | None, po_rel: str | None = None,
                 include_fuzzy: bool = False, lines: list[str] | None = None):
        self.lang = lang
        self.catalog = catalog
        self.po_rel = po_rel
        self.include_fuzzy = include_fuzzy
        self.url_map: dict[str, str] = {}  # source URL -> this language's page
        self.entries: dict[tuple[str | None, str], polib.POEntry] = {}
        self.lines: dict[tuple[str | None, str], int] = {}  # (msgctxt, msgid) -> its msgstr line
        if catalog is not None:
            for entry in catalog:
                if not entry.obsolete:
                    self.entries[(entry.msgctxt, entry.msgid)] = entry
                    self.lines[(entry.msgctxt, entry.msgid)] = msgstr_line(lines or [], entry)

    @property
    def is_source(self) -> bool:
        return self.catalog is None

    def coverage_of(self, messages: list[Message]) -> float:
        """Share of the guide's source words that print translated, 0..1."""
        total = done = 0
        for message in messages:
            words = source_words(message.text)
            total += words
            done += words if self.resolve(message).translated else 0
        return done / total if total else 1.0

    def resolve(self, message: Message) -> Resolved:
        """The text to print for a message."""
        if self.catalog is None:
            return Resolved(message.text, True, "source")
        entry = self.entries.get((None, message.text)) or self.entries.get((message.role.context, message.text))
        line = self.lines.get((entry.msgctxt, entry.msgid)) if entry is not None else None
        if entry is None or not entry.msgstr:
            return Resolved(message.text, False, "untranslated", line)
        if "fuzzy" in entry.flags:
            if self.include_fuzzy:
                return Resolved(entry.msgstr, True, "fuzzy", line)
            return Resolved(message.text, False, "fuzzy", line)
        return Resolved(entry.msgstr, True, "translated", line)


def load_translation(project: Project, slug: str, lang: str, include_fuzzy: bool = False) -> Translation:
    """The Translation of a guide into lang (the source language needs no catalog)."""
    if lang == project.source_language:
        return Translation(lang, None)
    path: Path = project.po_path(lang, slug)
    rel = project.rel(path)
    if not path.is_file():
        return Translation(lang, polib.POFile(), rel, include_fuzzy)
    catalog = read_catalog_shared(path, rel, expect_lang=lang)
    translation = Translation(lang, catalog, rel, include_fuzzy, path.read_text(encoding="utf-8").splitlines())
    translation.url_map = dict(project.url_maps.get(lang, {}))
    return translation
