"""Per-locale facts: direction, script, fonts, digits, line breaking, names.

Every language-specific decision in guidebuilder reads this one table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from babel import Locale

# Zero digit of each CLDR numbering system we typeset, and its CSS counter style.
NUMBERING = {
    "latn": ("0", "decimal"),
    "beng": ("\u09e6", "bengali"),
    "deva": ("\u0966", "devanagari"),
    "khmr": ("\u17e0", "khmer"),
    "arab": ("\u0660", "arabic-indic"),
    "arabext": ("\u06f0", "persian"),
}


@dataclass(frozen=True)
class LocaleFacts:
    """Typesetting facts for one locale."""

    code: str  # CLDR / Babel identifier, e.g. "zh_Hant"
    script: str  # ISO 15924 code of the main script
    fonts: tuple[str, ...]  # font families in fallback order (bundled only)
    line_breaking: str = "normal"  # "normal", "icu-words" (insert breaks), "keep-all"
    justify: bool = True  # False where stretching spaces alone (all WeasyPrint does) sets badly
    line_height: float = 1.5
    native_name_override: str | None = None
    full_stop: str = "."  # sentence-final punctuation convention
    babel_code: str | None = None  # CLDR data to use when code is not a CLDR locale (pseudo-locales)
    isolate_ltr: bool = True  # bidi-isolate Latin runs in right-to-left text
    pseudo: str | None = None  # "accented" or "rtl" for guidebuilder's pseudo-locales
    browser_tags: tuple[str, ...] = ()  # more browser language tags that mean this locale (portal suggestion)

    @property
    def babel(self) -> Locale:
        """The Babel locale."""
        return Locale.parse(self.babel_code or self.code)

    @property
    def bcp47(self) -> str:
        """BCP 47 tag for HTML lang attributes, e.g. "zh-Hant"."""
        return self.code.replace("_", "-")

    @property
    def letter_scripts(self) -> set[str]:
        """ISO 15924 codes whose letters count as this locale's script (Korean: Hangul and Han)."""
        return SCRIPT_LETTERS.get(self.script, {self.script})

    @property
    def match_tags(self) -> str:
        """Lower-case browser language tags (or their prefixes) that select this locale, space-separated."""
        return " ".join(tag.lower() for tag in (self.bcp47, *self.browser_tags))

    @property
    def direction(self) -> str:
        """"rtl" or "ltr", from CLDR."""
        return "rtl" if self.babel.text_direction == "rtl" else "ltr"

    @property
    def native_name(self) -> str:
        """The language's name in itself."""
        if self.native_name_override:
            return self.native_name_override
        name = self.babel.get_display_name(self.code)
        return name[:1].upper() + name[1:] if self.script == "Latn" else name

    @property
    def numbering(self) -> str:
        """CLDR default numbering system, e.g. "beng" for Bangla."""
        return "latn" if self.pseudo else self.babel.default_numbering_system

    @property
    def counter_style(self) -> str:
        """CSS counter style for page numbers and list markers."""
        return NUMBERING.get(self.numbering, NUMBERING["latn"])[1]

    def digits(self, text: str) -> str:
        """Rewrite ASCII digits in text with the locale's native digits."""
        zero = NUMBERING.get(self.numbering, NUMBERING["latn"])[0]
        if zero == "0":
            return text
        return text.translate({ord("0") + i: chr(ord(zero) + i) for i in range(10)})


LATIN = ("Noto Sans",)
# Scripts written with letters of several Unicode scripts.
SCRIPT_LETTERS = {"Kore": {"Hang", "Hani"}, "Hant": {"Hani", "Bopo"}, "Hans": {"Hani"},
                  "Jpan": {"Hani", "Hira", "Kana"}}

FACTS: dict[str, LocaleFacts] = {
    facts.code: facts
    for facts in [
        LocaleFacts("en", "Latn", LATIN),
        LocaleFacts("bn", "Beng", ("Noto Sans Bengali",) + LATIN, line_height=1.65, full_stop="\u0964"),
        LocaleFacts("hi", "Deva", ("Noto Sans Devanagari",) + LATIN, line_height=1.65, full_stop="\u0964"),
        LocaleFacts("km", "Khmr", ("Noto Sans Khmer",) + LATIN, line_breaking="icu-words",
                    justify=False, line_height=1.8, full_stop="\u17d4"),
        # CJK faces carry their own Latin, so a CJK page needs one font family only.
        # Korean breaks at spaces only; justifying would open wide gaps before a long word.
        LocaleFacts("ko", "Kore", ("Noto Sans CJK KR",) + LATIN, line_breaking="keep-all", justify=False),
        LocaleFacts("tl", "Latn", LATIN, native_name_override="Tagalog", browser_tags=("fil",)),
        LocaleFacts("vi", "Latn", LATIN),
        LocaleFacts("ur", "Arab", ("Noto Nastaliq Urdu",) + LATIN, justify=False, line_height=2.3,
                    full_stop="\u06d4"),
        LocaleFacts("zh_Hant", "Hant", ("Noto Sans CJK TC",) + LATIN, justify=False, full_stop="\u3002",
                    browser_tags=("zh-TW", "zh-HK", "zh-MO")),
        LocaleFacts("zh_Hans", "Hans", ("Noto Sans CJK SC",) + LATIN, justify=False, full_stop="\u3002",
                    browser_tags=("zh-CN", "zh-SG")),
        # Pseudo-locales for testing layout before translations exist (guidebuilder pseudo).
        LocaleFacts("en_XA", "Latn", LATIN, babel_code="en", native_name_override="Pseudo (accented)",
                    pseudo="accented"),
        LocaleFacts("ar_XB", "Latn", LATIN, babel_code="ar", native_name_override="Pseudo (RTL)", justify=False,
                    isolate_ltr=False, pseudo="rtl"),
    ]
}


@lru_cache(maxsize=None)
def facts_for(code: str) -> LocaleFacts:
    """The facts for a locale code; unknown Latin-script locales get defaults."""
    if code in FACTS:
        return FACTS[code]
    locale = Locale.parse(code)  # raises on unknown identifiers
    for key in (f"{locale.language}_{locale.script}", locale.language):
        if key in FACTS:
            return replace(FACTS[key], code=code)
    script = locale.script or _likely_script(locale)
    if script != "Latn":
        raise ValueError(f"no typesetting facts for '{code}' ({script} script): add a line for it to the "
                         "table in guidebuilder/locales.py (fonts, line breaking, punctuation)")
    return LocaleFacts(code, "Latn", LATIN)


def _likely_script(locale: Locale) -> str:
    """The script CLDR's likely subtags give a language, e.g. Deva for ne."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(locale.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else "Latn"
