"""TBX import: a termbase's terms for one language into glossary/<lang>.csv.

Reads TBX 2008 (``<martif>``, ``<termEntry>``, ``<langSet>``, ``<tig>``) and TBX
v3 (``<tbx>``, ``<conceptEntry>``, ``<langSec>``, ``<termSec>``). In each concept
the source language's first term is the glossary term, the language's first
term not marked deprecated or superseded (``administrativeStatus`` or
``normativeAuthorization``) the approved translation, its deprecated terms the
forbidden ones, and the concept's definition or note the note.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .glossary import HEADER, Term, fold, glossary_path, load_glossary, parse_glossary

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENTRY_TAGS = ("termEntry", "conceptEntry")  # TBX 2008 (martif) and TBX v3
LANG_TAGS = ("langSet", "langSec")
TERM_TAGS = ("tig", "ntig", "termSec")
DEPRECATED = ("deprecatedterm", "supersededterm")  # administrativeStatus / normativeAuthorization values


@dataclass(frozen=True)
class TbxImport:
    """What an import did to glossary/<lang>.csv."""

    path: str
    added: int
    updated: int
    skipped: int  # concepts without a source term or without an approved term in the language


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _same_language(tag: str, lang: str) -> bool:
    """Whether an xml:lang is this project language (en-US counts as en, zh-Hant as zh_Hant)."""
    tag, lang = tag.replace("-", "_").lower(), lang.lower()
    return tag == lang or tag.startswith(lang + "_")


def _terms(lang_set: ET.Element) -> list[tuple[str, bool]]:
    """(term, deprecated) for every term of a language section, in order."""
    found = []
    for group in lang_set.iter():
        if _local(group.tag) not in TERM_TAGS:
            continue
        term = next((e for e in group.iter() if _local(e.tag) == "term"), None)
        if term is None:
            continue
        text = " ".join("".join(term.itertext()).split())
        status = " ".join((e.text or "").lower() for e in group.iter()
                          if _local(e.tag) in ("termNote", "descrip")
                          and e.get("type") in ("administrativeStatus", "normativeAuthorization"))
        if text:
            found.append((text, any(word in status.replace("-", "") for word in DEPRECATED)))
    return found


def _entry_lines(text: str) -> list[int]:
    """The line of each concept's start tag, in order (ElementTree keeps no line numbers)."""
    starts = re.finditer(r"<(?:\w+:)?(?:termEntry|conceptEntry)[\s>/]", text)
    return [text.count("\n", 0, m.start()) + 1 for m in starts]


def read_tbx(data: bytes, rel: str, source_language: str, lang: str) -> tuple[list[Term], int]:
    """The terms a TBX file gives for lang (approved, forbidden, note) and how many concepts it skipped."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        at_line, column = exc.position
        raise ConfigError(f"not well-formed XML ({str(exc).split(':')[0]}) at column {column + 1}; "
                          "fix the file or export it again", rel, at_line) from exc
    if _local(root.tag) not in ("martif", "tbx"):
        raise ConfigError(f"root element is <{_local(root.tag)}>, not <martif> or <tbx>; this is not a TBX file",
                          rel, 1)
    lines = _entry_lines(data.decode("utf-8", "replace"))
    terms: list[Term] = []
    skipped = 0
    for index, entry in enumerate(e for e in root.iter() if _local(e.tag) in ENTRY_TAGS):
        line = lines[index] if index < len(lines) else 1
        sources: list[tuple[str, bool]] = []
        targets: list[tuple[str, bool]] = []
        for lang_set in (e for e in entry if _local(e.tag) in LANG_TAGS):
            tag = lang_set.get(XML_LANG) or lang_set.get("lang") or ""
            if _same_language(tag, source_language):
                sources += _terms(lang_set)
            elif _same_language(tag, lang):
                targets += _terms(lang_set)
        approved = [t for t, deprecated in targets if not deprecated]
        source = next((t for t, deprecated in sources if not deprecated), None)
        if source is None or not approved:
            skipped += 1
            continue
        forbidden = tuple(dict.fromkeys(t for t, deprecated in targets if deprecated and t != approved[0]))
        note = next((" ".join("".join(e.itertext()).split()) for e in entry.iter()
                     if _local(e.tag) in ("descrip", "note") and e.get("type", "definition") in ("definition", "")
                     and "".join(e.itertext()).strip()), "")
        terms.append(Term(unicodedata.normalize("NFC", source), unicodedata.normalize("NFC", approved[0]),
                          forbidden, note, line))
    return terms, skipped


def glossary_csv(terms: list[Term]) -> bytes:
    """The CSV file of a list of terms, header first, as a spreadsheet writes it."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for term in terms:
        writer.writerow([term.term, term.translation, "|".join(term.forbidden), term.note])
    return buffer.getvalue().encode("utf-8")


def import_tbx(root: Path, rel_of: Callable[[Path], str], source: Path, source_language: str, lang: str
               ) -> TbxImport:
    """Add a TBX file's terms for lang to glossary/<lang>.csv (a term already there takes the TBX's row)."""
    from .catalogs import atomic_write

    shown = str(source)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the TBX file ({exc.strerror})", shown) from exc
    imported, skipped = read_tbx(data, shown, source_language, lang)
    first: dict[str, int] = {}
    for term in imported:
        if first.setdefault(fold(term.term), term.line) != term.line:
            raise ConfigError(f"'{term.term}' has a second concept here (the first is on line "
                              f"{first[fold(term.term)]}); merge the two entries", shown, term.line)
    path = glossary_path(root, lang)
    rel = rel_of(path)
    current = load_glossary(root, rel, lang)
    existing = list(current.terms) if current is not None else []
    by_key = {fold(t.term): i for i, t in enumerate(existing)}
    added = updated = 0
    for term in imported:
        key = fold(term.term)
        if key in by_key:
            old = existing[by_key[key]]
            if (old.translation, old.forbidden, old.note) != (term.translation, term.forbidden, term.note):
                updated += 1
            existing[by_key[key]] = term
        else:
            by_key[key] = len(existing)
            existing.append(term)
            added += 1
    data_out = glossary_csv(existing)
    parse_glossary(data_out, rel, lang)  # what is written reads back
    atomic_write(path, data_out)
    return TbxImport(rel, added, updated, skipped)
