"""Translation memory: fill new messages from the project's other guides and from TMX files.

A sentence a translator has already translated in one guide (or that an
organisation's TMX file holds) fills the same sentence in every other guide of
that language when `update` runs. An exact match (same msgid and msgctxt) is
translated; a close one (difflib ratio >= 0.75) is fuzzy with the matched
source sentence as its ``#|`` previous msgid, so Poedit shows the difference.

Each filled entry carries the translator comment ``# Translation memory: from
<guide or TMX file>``. A translator comment, not a ``#.`` one: ``#.`` comments
belong to the template and every merge rewrites them, as msgmerge does, while
translator comments are the translator's side of the entry and merge keeps
them, so the note (and `stats`' count of it) lasts until a translator removes it.
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import polib

from .catalogs import atomic_write, printable
from .config import CHROME_DOMAIN, Project
from .errors import ConfigError

NOTE = "Translation memory: from "
NEAR = 0.75  # difflib ratio from which a memory sentence is offered as a fuzzy suggestion
TMX_VERSION = "1.4"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTEXT_PROP = "x-context"  # the <prop type> that carries a gettext msgctxt
MEMORY_DIR = "memory"


@dataclass(frozen=True)
class Unit:
    """One translated sentence a memory offers, and where it comes from."""

    msgctxt: str | None
    msgid: str
    msgstr: str
    origin: str  # a guide slug or a TMX file's project path


@dataclass
class Memory:
    """The translations of one language, by (msgctxt, msgid), first origin first."""

    units: list[Unit] = field(default_factory=list)

    def add(self, unit: Unit) -> None:
        """Offer one more translation (later origins rank after earlier ones)."""
        self.units.append(unit)

    def exact(self, msgctxt: str | None, msgid: str, exclude: str) -> Unit | None:
        """The first translation of exactly this message from another origin."""
        return next((u for u in self.units if u.origin != exclude and u.msgid == msgid and u.msgctxt == msgctxt),
                    None)

    def near(self, msgid: str, exclude: str) -> Unit | None:
        """The closest translation (ratio >= NEAR) from another origin; ties go to the earlier origin."""
        best: tuple[float, Unit] | None = None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(msgid)
        for unit in self.units:
            if unit.origin == exclude:
                continue
            matcher.set_seq1(unit.msgid)
            # The cheap upper bounds skip most sentences before the full comparison.
            if matcher.real_quick_ratio() < NEAR or matcher.quick_ratio() < NEAR:
                continue
            ratio = matcher.ratio()
            if ratio >= NEAR and (best is None or ratio > best[0]):
                best = (ratio, unit)
        return best[1] if best else None


def translated_units(catalog: polib.POFile, origin: str) -> list[Unit]:
    """The catalog's translated, non-fuzzy singular entries as memory units."""
    return [Unit(e.msgctxt, e.msgid, e.msgstr, origin) for e in catalog
            if not e.obsolete and e.msgstr and "fuzzy" not in e.flags and not e.msgid_plural]


def build_memories(project: Project, catalogs: dict[tuple[str, str], polib.POFile],
                   langs: list[str]) -> dict[str, Memory]:
    """Per language: every guide catalog's translations (by slug), then the [memory] TMX files in order."""
    memories = {lang: Memory() for lang in langs}
    for (slug, lang), catalog in sorted(catalogs.items()):
        if slug != CHROME_DOMAIN and lang in memories:  # chrome strings are interface text, not guide prose
            for unit in translated_units(catalog, slug):
                memories[lang].add(unit)
    for rel in project.memory_tmx:
        tmx = read_tmx(project.root / rel, rel, project.source_language)
        for lang, memory in memories.items():
            for unit in tmx.units_for(lang):
                memory.add(unit)
    return memories


def note_of(entry: polib.POEntry) -> str | None:
    """The origin named by an entry's translation-memory note, if it has one."""
    for line in str(entry.tcomment or "").splitlines():
        if line.startswith(NOTE):
            return line[len(NOTE):]
    return None


def _set_note(entry: polib.POEntry, origin: str) -> None:
    lines = [line for line in str(entry.tcomment or "").splitlines() if not line.startswith(NOTE)]
    entry.tcomment = "\n".join([*lines, NOTE + origin])


def fill(catalog: polib.POFile, memory: Memory, slug: str) -> int:
    """Fill the catalog's untranslated entries, and fuzzy ones from a changed source, from memory.

    An exact match translates an empty entry, or replaces the fuzzy guess merge
    made from the old source sentence; a close match only fills an empty entry,
    fuzzy. A translation (fuzzy or not) is otherwise never touched. Returns how
    many entries were filled.
    """
    filled = 0
    for entry in catalog:
        if entry.obsolete or entry.msgid_plural:
            continue
        empty = not entry.msgstr
        changed_source = "fuzzy" in entry.flags and entry.previous_msgid is not None
        if not (empty or changed_source):
            continue
        unit = memory.exact(entry.msgctxt, entry.msgid, slug)
        if unit is not None:
            entry.msgstr = unit.msgstr
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous_msgid = None
            entry.previous_msgctxt = None
        elif empty and (unit := memory.near(entry.msgid, slug)) is not None:
            entry.msgstr = unit.msgstr
            entry.flags = ["fuzzy", *(f for f in entry.flags if f != "fuzzy")]
            entry.previous_msgid = unit.msgid
            entry.previous_msgctxt = unit.msgctxt if unit.msgctxt != entry.msgctxt else None
        else:
            continue
        _set_note(entry, unit.origin)
        filled += 1
    return filled


# -- TMX ---------------------------------------------------------------------------------


def _tag(lang: str) -> str:
    """A CLDR identifier as the BCP 47 tag TMX uses (zh_Hant -> zh-Hant)."""
    return lang.replace("_", "-")


def _same_language(tag: str, lang: str) -> bool:
    """Whether a TMX xml:lang is this project language (bn-BD counts as bn)."""
    tag, lang = tag.replace("-", "_").lower(), lang.lower()
    return tag == lang or tag.startswith(lang + "_")


@dataclass
class Tmx:
    """A TMX file's translation units: source text, context, and text per language tag."""

    origin: str
    units: list[tuple[str | None, str, dict[str, str]]] = field(default_factory=list)

    def units_for(self, lang: str) -> list[Unit]:
        """The units that have a translation into lang."""
        found = []
        for msgctxt, msgid, targets in self.units:
            text = next((t for tag, t in targets.items() if _same_language(tag, lang)), None)
            if text:
                found.append(Unit(msgctxt, msgid, text, self.origin))
        return found


def _tu_lines(text: str) -> list[int]:
    """The line of each <tu> start tag, in order (ElementTree keeps no line numbers)."""
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<tu[\s>/]", text)]


def read_tmx(path: Path, rel: str, source_language: str) -> Tmx:
    """Read and validate a TMX file; errors name rel:line and what to do."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read translation memory ({exc.strerror})", rel) from exc
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        at_line, column = exc.position
        reason = str(exc).split(":")[0]
        raise ConfigError(f"not well-formed XML ({reason}) at column {column + 1}; "
                          "fix the file or export it again", rel, at_line) from exc
    text = data.decode("utf-8", "replace")
    if root.tag != "tmx":
        raise ConfigError(f"root element is <{root.tag}>, not <tmx>; this is not a TMX file", rel, 1)
    header, body = root.find("header"), root.find("body")
    if header is None or body is None:
        missing = "header" if header is None else "body"
        raise ConfigError(f"<tmx> needs a <header> and a <body>; this TMX file has no <{missing}>", rel, 1)
    srclang = header.get("srclang", "")
    if not srclang:
        raise ConfigError('<header> has no srclang; add srclang="' + _tag(source_language) + '"', rel,
                          _line_of(text, "<header") or 1)
    if srclang != "*all*" and not _same_language(srclang, source_language):
        raise ConfigError(f"srclang is \"{srclang}\" but the project's source language is {source_language}; "
                          "use a memory made from the same source language", rel, _line_of(text, "<header") or 1)
    tmx = Tmx(rel)
    lines = _tu_lines(text)
    for index, tu in enumerate(body.iter("tu")):
        line = lines[index] if index < len(lines) else None
        texts: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            tag = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            if not tag or seg is None:
                raise ConfigError("a <tuv> needs an xml:lang and a <seg>; complete it or delete the <tu>", rel, line)
            texts[tag] = "".join(seg.itertext())
        source = next((t for tag, t in texts.items() if _same_language(tag, source_language)), None)
        if source is None:
            raise ConfigError(f"<tu> has no <tuv xml:lang=\"{_tag(source_language)}\"> with the source text; "
                              "add it or delete the <tu>", rel, line)
        context = next((p.text or "" for p in tu.findall("prop") if p.get("type") == CONTEXT_PROP), None)
        targets = {tag: t for tag, t in texts.items() if not _same_language(tag, source_language)}
        tmx.units.append((context or None, source, targets))
    return tmx


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return None if index < 0 else text.count("\n", 0, index) + 1


def export_tmx(project: Project, slugs: list[str], lang: str) -> bytes:
    """TMX 1.4 of every translated, non-fuzzy message of the guides in lang, sorted, each pair once."""
    from . import __version__
    from .catalogs import read_catalog

    pairs: set[tuple[str, str, str]] = set()
    for slug in slugs:
        path = project.po_path(lang, slug)
        if path.is_file():
            for unit in translated_units(read_catalog(path, project.rel(path), expect_lang=lang), slug):
                pairs.add((unit.msgid, unit.msgctxt or "", unit.msgstr))
    root = ET.Element("tmx", version=TMX_VERSION)
    ET.SubElement(root, "header", {
        "creationtool": "guidebuilder", "creationtoolversion": __version__, "datatype": "plaintext",
        "segtype": "block", "adminlang": "en", "srclang": _tag(project.source_language), "o-tmf": "gettext"})
    body = ET.SubElement(root, "body")
    for msgid, msgctxt, msgstr in sorted(pairs):
        tu = ET.SubElement(body, "tu")
        if msgctxt:
            ET.SubElement(tu, "prop", type=CONTEXT_PROP).text = msgctxt
        for tag, seg_text in ((_tag(project.source_language), msgid), (_tag(lang), msgstr)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: tag})
            ET.SubElement(tuv, "seg").text = seg_text
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data + b"\n"


def import_tmx(project: Project, source: Path) -> str:
    """Validate a TMX file, copy it into memory/ and list it under [memory] tmx; return its project path."""
    if not source.is_file():
        raise ConfigError(f"no file {source}; give the path of a .tmx file")
    if source.suffix.lower() != ".tmx":
        raise ConfigError(f"{source.name} is not a .tmx file; export the memory as TMX")
    shown = project.rel(source)
    read_tmx(source, shown, project.source_language)  # refuses a broken file before anything is written
    rel = f"{MEMORY_DIR}/{source.name}"
    target = project.root / rel
    if not (target.exists() and target.resolve() == source.resolve()):
        atomic_write(target, source.read_bytes())
    if rel not in project.memory_tmx:
        _list_in_config(project, rel)
        project.memory_tmx.append(rel)
    return rel


def _list_in_config(project: Project, rel: str) -> None:
    """Add rel to [memory] tmx in guidebuilder.toml, keeping the file's comments."""
    path = project.config_path
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    quoted = '"' + printable(rel).replace("\\", "\\\\").replace('"', '\\"') + '"'
    table = re.search(r"^\[memory\][^\n]*\n", text, re.M)
    if table is None:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + f"[memory]\ntmx = [{quoted}]\n"
    else:
        rest = re.search(r"^\[", text[table.end():], re.M)
        end = table.end() + (rest.start() if rest else len(text) - table.end())
        key = re.compile(r"^(tmx\s*=\s*\[)([^\]]*)(\])", re.M).search(text, table.end(), end)
        if key:
            inner = key.group(2).rstrip().rstrip(",").rstrip()
            sep = ", " if inner.strip() else ""
            text = text[: key.start(2)] + inner + sep + quoted + text[key.end(2):]
        else:
            text = text[: table.end()] + f"tmx = [{quoted}]\n" + text[table.end():]
    atomic_write(path, text.encode("utf-8"))


def count_filled(catalog: polib.POFile) -> int:
    """Entries whose translation came from translation memory (their note is still there)."""
    return sum(1 for e in catalog if not e.obsolete and note_of(e) is not None)
