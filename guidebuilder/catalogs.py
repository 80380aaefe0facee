"""Gettext catalogs: read, write, merge (.pot into .po) and count.

polib builds the catalog; GNU msgcat lays out the file so that the bytes match
what msgmerge and Poedit write (79-column wrapping, CJK-aware), and a
translator's save leaves no diff noise.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib
from babel.messages.plurals import get_plural

from .errors import CatalogError
from .inline import MarkupError, parse, plain_text

DATE_FORMAT = "%Y-%m-%d %H:%M%z"
_UMASK = os.umask(0)
os.umask(_UMASK)


def plural_forms(lang: str) -> str:
    """Plural-Forms header for a locale, from Babel's CLDR data."""
    from .locales import facts_for

    rule = get_plural(facts_for(lang).babel)
    return f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"


def _msgcat() -> str:
    path = shutil.which("msgcat")
    if path is None:
        raise CatalogError("GNU gettext's msgcat is not installed; install it (apt-get install gettext)")
    return path


def format_catalog(catalog: polib.POFile) -> bytes:
    """The file bytes of a catalog, laid out by msgcat exactly as msgmerge writes."""
    text = catalog.__unicode__()
    with tempfile.TemporaryDirectory(prefix="guidebuilder-") as tmp:
        raw = Path(tmp) / "raw.po"
        out = Path(tmp) / "out.po"
        raw.write_text(text, encoding="utf-8")
        result = subprocess.run([_msgcat(), "--width=79", "-o", str(out), str(raw)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            # The temp file's path means nothing to a user; keep the first complaint only.
            first = (result.stderr.strip().splitlines() or ["unknown reason"])[0].replace(str(raw), "catalog")
            raise CatalogError(f"GNU msgcat could not lay out the catalog ({first}); "
                               "check the messages of the guide that produced it")
        return out.read_bytes()


def atomic_write(path: Path, data: bytes, staging: Path | None = None) -> None:
    """Write bytes through a temp file, then rename it into place.

    The temp file lives beside the target, or in staging (same file system) so
    that a killed process leaves nothing partial in the target's folder.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = staging or path.parent
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=tmp_dir)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; published files must be readable
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_catalog(catalog: polib.POFile, path: Path) -> bool:
    """Write a catalog if its bytes changed; return True when written."""
    data = format_catalog(catalog)
    if path.is_file() and path.read_bytes() == data:
        return False
    atomic_write(path, data)
    return True


_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")


MAX_CATALOG_BYTES = 20 * 1024 * 1024  # a guide's catalog is a few hundred KB


def new_template(header: str, project_id: str, bugs_to: str, created: str) -> polib.POFile:
    """An empty template (.pot) with the header xgettext writes: fuzzy, placeholders for translators."""
    from . import __version__

    pot = polib.POFile(wrapwidth=79)
    pot.header = header
    pot.metadata_is_fuzzy = True  # as xgettext writes templates
    pot.metadata = {
        "Project-Id-Version": project_id,
        "Report-Msgid-Bugs-To": bugs_to,
        "POT-Creation-Date": created,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Generated-By": f"guidebuilder {__version__}",
    }
    return pot


# By (file, rel, expect_lang): the sha256 of the file's bytes when read, and the catalog. One version a
# file: a preview that reads a catalog on every save keeps only the last.
_SHARED: dict[tuple[str, str, str | None], tuple[bytes, polib.POFile]] = {}


def read_catalog_shared(path: Path, rel: str, expect_lang: str | None = None) -> polib.POFile:
    """read_catalog, once per unchanged file in a process; callers only read the catalog, never change it.

    A build checks a catalog, measures its coverage and renders from it; each read runs
    GNU msgcat and polib again (a third of a decision's time). The file's bytes, not its
    modification time, say whether it changed: a rewrite in the same clock tick, or by a
    tool that keeps the time (cp -p, rsync -t), has the same time and size.
    """
    try:
        if path.stat().st_size > MAX_CATALOG_BYTES:
            return read_catalog(path, rel, expect_lang)  # which says what is wrong
        digest = hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return read_catalog(path, rel, expect_lang)
    key = (str(path.resolve()), rel, expect_lang)
    known = _SHARED.get(key)
    if known is None or known[0] != digest:
        _SHARED.pop(key, None)
        known = _SHARED[key] = (digest, read_catalog(path, rel, expect_lang))  # errors are not kept: raised again
    return known[1]


def read_catalog(path: Path, rel: str, expect_lang: str | None = None) -> polib.POFile:
    """Read a .po/.pot with polib; errors name rel:line and what to do."""
    try:
        size = path.stat().st_size
        if size > MAX_CATALOG_BYTES:
            raise CatalogError(f"catalog is {size // 2**20} MB, over the {MAX_CATALOG_BYTES // 2**20} MB limit; "
                               "is this the right file?", rel, 1)
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read catalog ({exc.strerror})", rel) from exc
    if not data.strip():
        raise CatalogError("catalog is empty; run 'guidebuilder update' to recreate it", rel, 1)
    if data.startswith(b"\xef\xbb\xbf"):  # msgcat reads it as a syntax error on line 1
        raise CatalogError("starts with a byte order mark (BOM); save it as UTF-8 without BOM", rel, 1)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        raise CatalogError("not valid UTF-8; save the file as UTF-8 (Content-Type: text/plain; charset=UTF-8)",
                           rel, bad_line) from exc
    syntax = _gettext_syntax_error(path, rel)
    if syntax is not None:
        raise syntax
    # msgcat only warns about a header without a charset; the catalog would not lay out later.
    header = _header_problem(data.decode("utf-8").split("\n"), rel)
    if header is not None:
        raise header
    try:
        catalog = polib.pofile(str(path), encoding="utf-8", check_for_duplicates=True, wrapwidth=79)
    except (OSError, ValueError, LookupError, TypeError, AttributeError) as exc:
        # gettext read the file already, so a polib failure here is polib's limit; say where, not crash
        message = str(exc)
        match = _SYNTAX_LINE.search(message)
        line = int(match.group(1)) if match else None
        if "duplicate" in message.lower():
            dup = re.search(r'Entry "(.*)" already exists', message)
            text = dup.group(1) if dup else ""
            line = _line_of(data, f'msgid "{text[:40]}') if text else None
            raise CatalogError(f"msgid \"{text[:60]}\" appears twice; delete one of the two entries",
                               rel, line) from exc
        raise CatalogError("PO syntax error; compare with the entries around it "
                           "(msgid \"...\" then msgstr \"...\", quotes closed)", rel, line) from exc
    charset = catalog.metadata.get("Content-Type", "")
    if "charset=" in charset and "utf-8" not in charset.lower():
        raise CatalogError(f"header says '{charset}'; catalogs must be UTF-8 "
                           "(Content-Type: text/plain; charset=UTF-8)", rel, _line_of(data, '"Content-Type:'),
                           check="header")
    if expect_lang is not None:
        declared = catalog.metadata.get("Language", "")
        if declared.replace("-", "_") != expect_lang:
            raise CatalogError(f"header says Language: {declared or '(none)'} but the catalog is in the "
                               f"'{expect_lang}' folder; set \"Language: {expect_lang}\\n\"",
                               rel, _line_of(data, '"Language:') or 1, check="header")
    return catalog


_GETTEXT_ERROR = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::\d+)?: (?P<message>.+)$")
_KEYWORD_UNKNOWN = re.compile(r'keyword "(?P<word>.*)" unknown')
# GNU gettext reports a knock-on "missing 'msgstr' section" before the stray text that caused it:
# the lower the rank, the closer a message is to what the translator has to fix.
_GETTEXT_RANK = (("keyword", 0), ("end-of-line within string", 0), ("invalid control sequence", 0),
                 ("duplicate message definition", 0), ("syntax error", 1), ("missing 'msgstr'", 2))


def _gettext_syntax_error(path: Path, rel: str) -> CatalogError | None:
    """GNU gettext's own reading of the file: polib accepts some broken files silently."""
    result = subprocess.run([_msgcat(), "-o", os.devnull, str(path)], capture_output=True, text=True,
                            errors="replace")
    if result.returncode == 0:
        return None
    lines = path.read_bytes().decode("utf-8", "replace").split("\n")
    found: list[tuple[int, int, str]] = []
    for row in result.stderr.splitlines():
        match = _GETTEXT_ERROR.match(row)
        if match and not match.group("message").startswith("...this is the location"):
            message = match.group("message").rstrip(".")
            rank = next((rank for key, rank in _GETTEXT_RANK if key in message), 3)
            found.append((rank, int(match.group("line")), message))
    if found:
        _rank, line, message = min(found, key=lambda item: item[:2])
        return _gettext_message(message, line, lines, rel)
    header = _header_problem(lines, rel)
    if header is not None:
        return header
    first = result.stderr.strip().splitlines()[0] if result.stderr.strip() else "unknown reason"
    first = first.replace(str(path), rel).replace(_msgcat() + ": ", "")
    return CatalogError(f"GNU gettext cannot read this catalog ({first}); compare it with its template", rel, 1)


def _gettext_message(message: str, line: int, lines: list[str], rel: str) -> CatalogError:
    """One gettext complaint as a translator's instruction, naming the text at fault."""
    if "end-of-line within string" in message:
        line -= 1  # gettext counts the line after the unclosed string
    text = _shown(lines[line - 1]) if 0 < line <= len(lines) else ""
    if message.startswith("duplicate message definition"):
        return CatalogError("duplicate message definition; delete one of the two entries", rel, line)
    if "end-of-line within string" in message:
        return CatalogError(f"PO syntax error ({message}); every entry needs msgid \"...\" then msgstr \"...\" "
                            "with closed quotes", rel, line)
    keyword = _KEYWORD_UNKNOWN.search(message)
    if keyword:
        return CatalogError(f"stray text {text}; a line must start with "
                            "msgid, msgstr, msgctxt, # or a \"quoted\" string: delete it or move it inside the quotes",
                            rel, line)
    if "invalid control sequence" in message:
        return CatalogError(f"invalid escape in {text}; inside quotes use only \\n, \\t, \\\" and \\\\",
                            rel, line)
    if "missing 'msgstr'" in message:
        return CatalogError(f"{text} has no msgstr; add msgstr \"\" after it", rel, line)
    if "syntax error" in message:
        return CatalogError(f"PO syntax error at {text}; every entry needs msgid \"...\" then msgstr \"...\" "
                            "with closed quotes", rel, line)
    return CatalogError(f"{message} at {text}; compare with the entries around it", rel, line)


def _shown(line: str, limit: int = 60) -> str:
    """A catalog line quoted for a message, cut short so the message stays one line."""
    line = printable(line.strip())
    return f"'{line}'" if len(line) <= limit else f"'{line[: limit - 1]}…'"


def printable(text: str) -> str:
    """Text with invisible and line-breaking characters escaped, so a message stays one visible line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _header_problem(lines: list[str], rel: str) -> CatalogError | None:
    """A missing header entry or a header without a UTF-8 charset, at the line to edit."""
    index = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), None)
    if index is None:
        return None
    if lines[index].strip() != 'msgid ""':
        return CatalogError("catalog has no header entry; put back msgid \"\" and msgstr \"...\" with "
                            "\"Content-Type: text/plain; charset=UTF-8\\n\" at the top", rel, index + 1,
                            check="header")
    header_line = index + 1
    for number in range(index + 1, len(lines)):
        line = lines[number].strip()
        if not line.startswith(("msgstr", '"')):
            break
        if "Content-Type:" in line:
            value = line.split("Content-Type:", 1)[1].strip().strip('"').removesuffix("\\n").strip()
            charset = value.lower().partition("charset=")[2].strip()
            if charset != "utf-8":
                return CatalogError(f"header says 'Content-Type: {_shown(value)[1:-1]}'; catalogs must be UTF-8 "
                                    "(Content-Type: text/plain; charset=UTF-8)", rel, number + 1, check="header")
            return None
    return CatalogError("header has no Content-Type; add \"Content-Type: text/plain; charset=UTF-8\\n\" "
                        "to the msgstr of the msgid \"\" entry", rel, header_line + 1, check="header")


def _line_of(data: bytes, needle: str) -> int | None:
    index = data.find(needle.encode("utf-8"))
    return None if index < 0 else data[:index].count(b"\n") + 1


def msgstr_line(lines: list[str], entry: polib.POEntry) -> int:
    """1-based line of an entry's msgstr (where a translator edits) in the file's lines."""
    start = int(getattr(entry, "linenum", 1) or 1)
    for index in range(start - 1, len(lines)):
        if lines[index].startswith("msgstr"):
            return index + 1
    return start


def merge(po: polib.POFile, pot: polib.POFile) -> polib.POFile:
    """Merge a template into a catalog the way msgmerge does, keeping translators' work.

    Exact matches keep their msgstr; close matches become fuzzy with ``#|``
    previous msgid; translations no longer in the template become obsolete ``#~``.
    """
    old = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    obsolete = {(e.msgctxt, e.msgid): e for e in po if e.obsolete}
    unused = dict(old)
    merged = polib.POFile(wrapwidth=79)
    merged.header = po.header
    merged.metadata = dict(po.metadata)
    merged.metadata_is_fuzzy = po.metadata_is_fuzzy
    for field in ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date"):
        if field in pot.metadata:
            merged.metadata[field] = pot.metadata[field]
    pending: list[tuple[polib.POEntry, polib.POEntry]] = []
    for template in pot:
        key = (template.msgctxt, template.msgid)
        # Format flags (python-brace-format) come from the template, as msgmerge takes them.
        entry = polib.POEntry(msgid=template.msgid, msgctxt=template.msgctxt, flags=list(template.flags),
                              comment=template.comment, occurrences=list(template.occurrences))
        previous = old.get(key) or obsolete.get(key)
        if previous is not None:
            unused.pop(key, None)
            entry.msgstr = previous.msgstr
            entry.msgstr_plural = dict(previous.msgstr_plural)
            entry.tcomment = previous.tcomment  # the translator's own notes
            entry.flags += [f for f in previous.flags if f not in entry.flags]
            if "fuzzy" in entry.flags:
                entry.previous_msgid = previous.previous_msgid
                entry.previous_msgctxt = previous.previous_msgctxt
        else:
            pending.append((template, entry))
        merged.append(entry)
    # Fuzzy matching runs after exact matches so it never steals an exact one.
    candidates = {e.msgid: e for e in unused.values() if e.msgstr}
    for template, entry in pending:
        close = difflib.get_close_matches(template.msgid, list(candidates), n=1, cutoff=0.6)
        if close:
            source = candidates.pop(close[0])
            unused.pop((source.msgctxt, source.msgid), None)
            entry.msgstr = source.msgstr
            entry.tcomment = source.tcomment
            entry.flags = ["fuzzy", *entry.flags]
            entry.previous_msgid = source.msgid
            if source.msgctxt != template.msgctxt:
                entry.previous_msgctxt = source.msgctxt
    for gone in unused.values():
        if gone.msgstr or any(gone.msgstr_plural.values()):
            gone.obsolete = True
            gone.occurrences = []
            gone.previous_msgid = None
            merged.append(gone)
    for key, gone in obsolete.items():
        if key not in {(e.msgctxt, e.msgid) for e in merged if not e.obsolete}:
            merged.append(gone)
    return merged


@dataclass
class Coverage:
    """Counts of one catalog against its template."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def ratio(self) -> float:
        """Share of source words translated (not fuzzy), 0..1."""
        return self.translated_words / self.total_words if self.total_words else 1.0


def source_words(msgid: str) -> int:
    """Words in a msgid, markup aside."""
    try:
        text = plain_text(parse(msgid))
    except MarkupError:
        text = msgid
    return len(text.split())


def coverage(catalog: polib.POFile) -> Coverage:
    """Translated, fuzzy and untranslated messages and source words."""
    result = Coverage()
    for entry in catalog:
        if entry.obsolete:
            continue
        words = source_words(entry.msgid)
        if "fuzzy" in entry.flags and entry.msgstr:
            result.fuzzy += 1
            result.fuzzy_words += words
        elif entry.msgstr:
            result.translated += 1
            result.translated_words += words
        else:
            result.untranslated += 1
            result.untranslated_words += words
    return result
