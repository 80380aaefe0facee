"""Glyph coverage: every character an output draws has a bundled font that draws it.

The check runs before typesetting, on what each output draws: the source text,
the translations, the page chrome, list markers, digits and dates. A character no
font covers is reported once per character (or once per script, when no font
covers the script at all) with where it comes from, never left to print as a box.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import icu

from .locales import LocaleFacts, script_name

# Drawn by the templates and stylesheet rather than the text: list markers (disc,
# circle, square), leaders, separators, quotes and the digits of page numbers.
GENERATED = set("0123456789.,:;()[]-–—'\"/@%#&*+=_…·•◦▪ ")


def is_invisible(ch: str) -> bool:
    """Characters no font needs to draw: controls, format marks (ZWSP, bidi), separators' line breaks."""
    category = unicodedata.category(ch)
    return category in ("Cc", "Cf", "Zl", "Zp") or ch in "\u00a0 "


def is_emoji(ch: str) -> bool:
    """True for pictographic emoji (Extended_Pictographic), which bundled text fonts do not draw."""
    return bool(icu.Char.hasBinaryProperty(ch, icu.UProperty.EXTENDED_PICTOGRAPHIC)) and ord(ch) > 0x2BFF


def script_of(ch: str) -> str:
    """ISO 15924 code of a character's script (Zyyy for common punctuation and digits)."""
    return str(icu.Script.getScript(ord(ch)).getShortName())


@dataclass(frozen=True)
class MissingGlyph:
    """Characters of one script (or one character) that no font of a stack draws."""

    chars: tuple[str, ...]  # distinct characters, in order of first appearance
    first_line: int  # where the first of them appears
    count: int  # occurrences in all
    script: str | None  # set when the whole script is uncovered

    def describe(self, lang: str) -> str:
        """One line naming the code point(s), what to do, and (for emoji) the policy."""
        ch = self.chars[0]
        name = unicodedata.name(ch, "unnamed character")
        times = f" ({self.count} times)" if self.count > 1 else ""
        if self.script:
            return (f"no bundled font of {lang} covers the {script_name(self.script)} script: {len(self.chars)} "
                    f"character(s) such as '{ch}' U+{ord(ch):04X} {name}, first here{times}; add a font with "
                    f"'guidebuilder fonts add FILE --script {self.script}'")
        if is_emoji(ch):
            return (f"'{ch}' U+{ord(ch):04X} {name}{times} is an emoji, and the bundled fonts draw no emoji; "
                    "write its meaning in words")
        return (f"'{ch}' U+{ord(ch):04X} {name}{times} is in no bundled font for {lang}; "
                "use another character or add a font with 'guidebuilder fonts add FILE'")


def missing_glyphs(occurrences: list[tuple[str, int]], coverage: set[int],
                   covered_scripts: set[str]) -> list[MissingGlyph]:
    """Group (text, line) pairs' uncovered characters: one per script no font covers, else one per character."""
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for text, line in occurrences:
        for ch in text:
            if ord(ch) in coverage or is_invisible(ch):
                continue
            first.setdefault(ch, line)
            counts[ch] = counts.get(ch, 0) + 1
    by_script: dict[str, list[str]] = {}
    singles: list[str] = []
    for ch in first:
        script = script_of(ch)
        if script not in ("Zyyy", "Zinh", "Zzzz") and script not in covered_scripts and not is_emoji(ch):
            by_script.setdefault(script, []).append(ch)
        else:
            singles.append(ch)
    found = [MissingGlyph(tuple(chars), first[chars[0]], sum(counts[c] for c in chars), script)
             for script, chars in by_script.items()]
    found += [MissingGlyph((ch,), first[ch], counts[ch], None) for ch in singles]
    return sorted(found, key=lambda m: (m.first_line, m.chars))


def generated_text(facts: LocaleFacts) -> str:
    """What the templates draw in a locale besides the messages: markers, separators and native digits."""
    return "".join(sorted(GENERATED)) + facts.digits("0123456789")
