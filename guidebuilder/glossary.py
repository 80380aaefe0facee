"""Glossaries: each language's approved, forbidden and do-not-translate terms.

``glossary/<lang>.csv`` (UTF-8, header ``term,translation,forbidden,note``) lists
source terms with their approved translation; ``forbidden`` holds translations
not to use, separated by ``|``; a row whose translation equals its term is a
do-not-translate term (a name printed as in the source). ``check`` reports a
message where a term's approved translation is missing or a forbidden one is
used; ``update`` writes the lines that apply to a message into its ``#.``
comment, where Poedit and Weblate show them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import icu

from .errors import ConfigError
from .inline import plain

HEADER = ("term", "translation", "forbidden", "note")
COMMENT_PREFIX = "Glossary: "
MAX_GLOSSARY_BYTES = 2 * 1024 * 1024  # a glossary is a few hundred lines
# Letters of scripts written without spaces between words, as Unicode's line breaking classes them
# (complex context: Thai, Lao, Khmer, Myanmar, Tai Tham...; ideographs; kana): a term with one is found
# anywhere in the text.
UNSPACED = icu.UnicodeSet("[[[:Line_Break=Complex_Context:][:Line_Break=Ideographic:]"
                          "[:Line_Break=Conditional_Japanese_Starter:]]&[[:L:][:M:]]]")


@dataclass(frozen=True)
class Term:
    """One glossary row: a source term, its approved translation, the translations not to use."""

    term: str
    translation: str
    forbidden: tuple[str, ...]
    note: str
    line: int  # the row's line in the CSV file

    @property
    def keep(self) -> bool:
        """True for a do-not-translate term (its translation is the term itself)."""
        return self.translation == self.term

    def comment(self) -> str:
        """The line a catalog's #. comment carries for this term."""
        text = f"{COMMENT_PREFIX}{self.term} = {self.translation}"
        if self.keep:
            text += " (do not translate)"
        if self.forbidden:
            text += f" (not: {', '.join(self.forbidden)})"
        if self.note:
            text += f" - {self.note}"
        return text


@dataclass(frozen=True)
class Glossary:
    """A language's glossary file, read and validated."""

    lang: str
    path: str  # relative to the project, e.g. glossary/tl.csv
    terms: tuple[Term, ...]

    def where(self, term: Term) -> str:
        return f"{self.path}:{term.line}"


def glossary_path(root: Path, lang: str) -> Path:
    """glossary/<lang>.csv of a project."""
    return root / "glossary" / f"{lang}.csv"


def fold(text: str) -> str:
    """Text as terms compare: NFC, case folded."""
    return unicodedata.normalize("NFC", text).casefold()


def _error(rel: str, line: int, message: str) -> ConfigError:
    return ConfigError(message, rel, line)


def parse_glossary(data: bytes, rel: str, lang: str) -> Glossary:
    """A glossary from the CSV file's bytes; ConfigError at the row's line for a bad file."""
    if len(data) > MAX_GLOSSARY_BYTES:
        raise _error(rel, 1, f"glossary is over {MAX_GLOSSARY_BYTES // 2**20} MB; is this the right file?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(rel, data[: exc.start].count(b"\n") + 1,
                     "not valid UTF-8; save the glossary as UTF-8 CSV") from exc
    if "\x00" in text:
        raise _error(rel, text[: text.index("\x00")].count("\n") + 1,
                     "contains a NUL byte; save the glossary as UTF-8 CSV text")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    terms: list[Term] = []
    seen: dict[str, int] = {}
    header_done = False
    try:
        for row in reader:
            line = reader.line_num  # the row's last line; a quoted cell may span lines
            if not any(cell.strip() for cell in row):
                continue
            if not header_done:
                if tuple(cell.strip().lower() for cell in row) != HEADER:
                    raise _error(rel, line, f"the first row is '{','.join(row)}'; it must be the header "
                                            f"'{','.join(HEADER)}'")
                header_done = True
                continue
            if len(row) != len(HEADER):
                raise _error(rel, line, f"{len(row)} columns where the header has {len(HEADER)}; write "
                                        "term,translation,forbidden,note and quote a cell that holds a comma")
            term, translation, forbidden_cell, note = (unicodedata.normalize("NFC", cell.strip()) for cell in row)
            if not term:
                raise _error(rel, line, "the term is empty; write the source term in the first column")
            if not translation:
                raise _error(rel, line, f"'{term}' has no translation; write the approved translation "
                                        "(the term itself for a name not to translate)")
            if "\n" in term or "\n" in translation:
                raise _error(rel, line, f"'{term.splitlines()[0]}' spans lines; keep each cell on one line")
            forbidden = tuple(dict.fromkeys(f.strip() for f in forbidden_cell.split("|") if f.strip()))
            if any(fold(f) == fold(translation) for f in forbidden):
                raise _error(rel, line, f"'{translation}' is both the approved and a forbidden translation of "
                                        f"'{term}'; remove it from the forbidden column")
            key = fold(term)
            if key in seen:
                raise _error(rel, line, f"'{term}' is already on line {seen[key]}; keep one row per term")
            seen[key] = line
            terms.append(Term(term, translation, forbidden, note.replace("\n", " "), line))
    except csv.Error as exc:
        raise _error(rel, reader.line_num or 1, f"CSV syntax error ({exc}); close every quoted cell and "
                                                "double a quote inside one (\"\")") from exc
    if not header_done:
        raise _error(rel, 1, f"the glossary is empty; start it with the header '{','.join(HEADER)}'")
    return Glossary(lang, rel, tuple(terms))


def load_glossary(root: Path, rel_of: str, lang: str) -> Glossary | None:
    """The language's glossary (None when the project has no glossary/<lang>.csv)."""
    path = glossary_path(root, lang)
    if not path.is_file():
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the glossary ({exc.strerror})", rel_of) from exc
    return _parse_cached(data, rel_of, lang)


@lru_cache(maxsize=64)
def _parse_cached(data: bytes, rel: str, lang: str) -> Glossary:
    return parse_glossary(data, rel, lang)


# -- finding terms --------------------------------------------------------------------------

def _word_pattern(word: str) -> str:
    """An English word and its regular inflections: bystander(s), witness(es/ed/ing), advocat(e/es/ed/ing)."""
    lowered = word.casefold()
    if not lowered.isalpha() or len(lowered) < 3:
        return re.escape(lowered)
    if lowered.endswith("e"):
        return re.escape(lowered[:-1]) + r"(?:e|es|ed|ing)"
    if lowered.endswith("y") and lowered[-2:-1] not in "aeiou":
        return re.escape(lowered[:-1]) + r"(?:y|ies|ied|ying)"
    if lowered.endswith(("s", "x", "z", "ch", "sh")):
        return re.escape(lowered) + r"(?:es|ed|ing)?"
    return re.escape(lowered) + r"(?:s|es|ed|ing)?"


@lru_cache(maxsize=1024)
def _source_pattern(term: str) -> re.Pattern[str]:
    words = fold(term).split()
    if any(UNSPACED.contains(char) for char in term):
        return re.compile(re.escape(fold(term)))
    # Inflections on the last word only: "victim advocates", not "victims advocate".
    body = r"[\s\-]+".join([re.escape(w) for w in words[:-1]] + [_word_pattern(words[-1])])
    return re.compile(rf"(?<![^\W_]){body}(?:['’]s)?(?![^\W_])")


def source_spans(term: str, text: str) -> list[tuple[int, int]]:
    """Where a source term (or an inflection of its last word) stands in text, case-insensitively."""
    return [m.span() for m in _source_pattern(term).finditer(fold(text))]


def has_translation(translation: str, text: str, exact: bool = False) -> bool:
    """True when the translation appears in text: case-insensitive, affixes allowed (exact: as written).

    Translations are found inside longer words on purpose: Tagalog 'saksi' in
    'makasaksi', Korean particles after a noun, Bengali case endings.
    """
    if exact:
        return unicodedata.normalize("NFC", translation) in unicodedata.normalize("NFC", text)
    return fold(translation) in fold(text)


def terms_in(glossary: Glossary, source: str) -> list[Term]:
    """The glossary's terms that a source text contains, a longer term hiding the shorter one inside it."""
    found: list[tuple[Term, list[tuple[int, int]]]] = []
    for term in glossary.terms:
        spans = source_spans(term.term, source)
        if spans:
            found.append((term, spans))
    result = []
    for term, spans in found:
        covered = all(any(o_start <= start and end <= o_end and (o_start, o_end) != (start, end)
                          for other, other_spans in found if other is not term
                          for o_start, o_end in other_spans)
                      for start, end in spans)
        if not covered:
            result.append(term)
    return result


def problems(glossary: Glossary, source: str, target: str) -> list[str]:
    """What a translation does against the glossary, one sentence each (plain texts, markup removed)."""
    found = terms_in(glossary, source)
    approved_here = [t.translation for t in found]
    messages = []
    for term in found:
        used = [f for f in term.forbidden if has_translation(f, target)
                and not any(has_translation(f, a) for a in approved_here)]  # another term's approved word
        for word in used:
            messages.append(f"'{word}' is a forbidden translation of '{term.term}'; use '{term.translation}' "
                            f"({glossary.where(term)})")
        if used:
            continue
        if term.keep:
            if not has_translation(term.term, target, exact=True):
                messages.append(f"'{term.term}' is missing; the glossary keeps it as in the source (do not "
                                f"translate): copy it exactly ({glossary.where(term)})")
        elif not has_translation(term.translation, target):
            messages.append(f"'{term.term}' is in the source but not its glossary translation "
                            f"'{term.translation}'; use it ({glossary.where(term)})")
    return messages


def comment_lines(glossary: Glossary | None, source: str) -> list[str]:
    """The #. comment lines of the glossary terms a message contains, in glossary order."""
    if glossary is None:
        return []
    return [term.comment() for term in terms_in(glossary, plain(source))]
