"""Per-locale facts: direction, script, fonts, digits, line breaking, names.

Facts are derived, never listed per language by hand: CLDR (through Babel and
ICU) gives the script, direction, default digits and native name; the script
gives line breaking, justification, line height and sentence-final punctuation
(guidebuilder/locale_defaults.toml); the project's font registry
(fonts/manifest.json) gives the fonts. A project overrides any fact in its
guidebuilder.toml under [locales.<code>].
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import icu
from babel import Locale, UnknownLocaleError

from .errors import ConfigError

if TYPE_CHECKING:
    from .config import Project
    from .fonts import FontFile

LINE_BREAKING = ("normal", "icu-words", "keep-all")
# CSS predefined counter styles (CSS Counter Styles Level 3) of CLDR numbering systems.
COUNTER_STYLES = {
    "latn": "decimal", "arab": "arabic-indic", "arabext": "persian", "beng": "bengali", "deva": "devanagari",
    "gujr": "gujarati", "guru": "gurmukhi", "khmr": "khmer", "knda": "kannada", "laoo": "lao",
    "mlym": "malayalam", "mymr": "myanmar", "orya": "oriya", "tamldec": "tamil", "telu": "telugu",
    "thai": "thai", "tibt": "tibetan",
}
# Scripts written with letters of several Unicode scripts.
SCRIPT_LETTERS = {"Kore": {"Hang", "Hani"}, "Hant": {"Hani", "Bopo"}, "Hans": {"Hani"},
                  "Jpan": {"Hani", "Hira", "Kana"}}
# Scripts with case, whose language names CLDR writes in lower case ("español").
CASED = {"Latn", "Cyrl", "Grek", "Armn"}
LATIN_SCRIPT = "Latn"
SYMBOLS_SCRIPT = "Zsym"  # fonts/manifest.json tag of symbol fonts (list bullets and the like)


@dataclass(frozen=True)
class Setting:
    """One fact a [locales.<code>] table may set, with the type it takes."""

    kind: type
    help: str
    choices: tuple[str, ...] = ()


SETTINGS: dict[str, Setting] = {
    "fonts": Setting(list, "font families in fallback order, as fonts/manifest.json names them"),
    "digits": Setting(str, "a CLDR numbering system such as latn, beng, arab, arabext, mymr"),
    "justify": Setting(bool, "true or false"),
    "line_height": Setting(float, "a number between 1.0 and 4.0"),
    "line_breaking": Setting(str, "normal, icu-words or keep-all", LINE_BREAKING),
    "full_stop": Setting(str, "the sentence-final punctuation mark"),
    "native_name": Setting(str, "the language's name in itself"),
    "browser_tags": Setting(list, "more browser language tags (BCP 47) that mean this locale"),
}


@dataclass(frozen=True)
class LocaleFacts:
    """Typesetting facts for one locale."""

    code: str  # CLDR / Babel identifier, e.g. "zh_Hant"
    script: str  # ISO 15924 code of the main script
    direction: str = "ltr"  # "ltr" or "rtl", from CLDR
    numbering: str = "latn"  # CLDR numbering system of digits, page numbers and list markers
    native_name: str = ""
    fonts: tuple[str, ...] = ()  # font families in fallback order (bundled only); empty until resolved
    line_breaking: str = "normal"  # "normal", "icu-words" (insert breaks), "keep-all"
    justify: bool = True  # False where stretching spaces alone (all WeasyPrint does) sets badly
    line_height: float = 1.5
    full_stop: str = "."  # sentence-final punctuation convention ("" where none)
    browser_tags: tuple[str, ...] = ()  # more browser language tags that mean this locale (portal suggestion)
    babel_code: str | None = None  # CLDR data to use when code is not a CLDR locale (pseudo-locales)
    isolate_ltr: bool = True  # bidi-isolate Latin runs in right-to-left text
    pseudo: str | None = None  # "accented" or "rtl" for guidebuilder's pseudo-locales

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
    def counter_style(self) -> str:
        """CSS counter style for page numbers and list markers."""
        return COUNTER_STYLES.get(self.numbering, "decimal")

    @property
    def zero(self) -> str:
        """The locale's digit zero."""
        return numbering_digits(self.numbering)[0]

    def digits(self, text: str) -> str:
        """Rewrite ASCII digits in text with the locale's native digits."""
        zero = self.zero
        if zero == "0":
            return text
        return text.translate({ord("0") + i: chr(ord(zero) + i) for i in range(10)})


@cache
def numbering_digits(system: str) -> str:
    """The ten digits of a CLDR numbering system (ICU's data), e.g. "၀၁၂…" for mymr."""
    try:
        ns = icu.NumberingSystem.createInstanceByName(system)
    except icu.ICUError:
        return ""
    digits = ns.getDescription()
    return digits if not ns.isAlgorithmic() and len(digits) == 10 else ""


@lru_cache(maxsize=1)
def package_defaults() -> dict[str, dict[str, dict[str, Any]]]:
    """guidebuilder/locale_defaults.toml: per-script and per-locale defaults."""
    text = (resources.files("guidebuilder") / "locale_defaults.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {"scripts": data.get("scripts", {}), "locales": data.get("locales", {})}


# Pseudo-locales for testing layout before translations exist (guidebuilder pseudo).
PSEUDO: dict[str, LocaleFacts] = {
    "en_XA": LocaleFacts("en_XA", "Latn", babel_code="en", native_name="Pseudo (accented)", pseudo="accented"),
    "ar_XB": LocaleFacts("ar_XB", "Latn", direction="rtl", babel_code="ar", native_name="Pseudo (RTL)",
                         justify=False, isolate_ltr=False, pseudo="rtl"),
}


def parse_locale(code: str) -> Locale:
    """The Babel locale of a CLDR identifier; ConfigError for anything else."""
    if not isinstance(code, str) or not code:
        raise ConfigError(f"{code!r} is not a CLDR locale identifier (examples: bn, zh_Hant, ur)")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ConfigError(f"'{code}' is not a CLDR locale identifier (examples: bn, zh_Hant, ur)") from exc


def likely_script(locale: Locale) -> str:
    """The script CLDR's likely subtags give a locale, e.g. Deva for ne, Kore for ko."""
    if locale.script:
        return locale.script
    from babel.core import get_global

    likely = get_global("likely_subtags")
    for key in (f"{locale.language}_{locale.territory}" if locale.territory else None, locale.language):
        parts = (likely.get(key) or "").split("_") if key else []
        if len(parts) > 1 and len(parts[1]) == 4:
            return parts[1]
    return LATIN_SCRIPT


@cache
def derived_facts(code: str) -> LocaleFacts:
    """Facts from CLDR and the package defaults alone (no project overrides, fonts unresolved)."""
    if code in PSEUDO:
        return PSEUDO[code]
    locale = parse_locale(code)
    script = likely_script(locale)
    name = locale.get_display_name(code) or code
    if script in CASED:
        name = name[:1].upper() + name[1:]
    facts = LocaleFacts(code, script, direction="rtl" if locale.text_direction == "rtl" else "ltr",
                        numbering=locale.default_numbering_system or "latn", native_name=name)
    defaults = package_defaults()
    facts = apply_settings(facts, defaults["scripts"].get(script, {}))
    for key in dict.fromkeys([locale.language, code]):
        facts = apply_settings(facts, defaults["locales"].get(key, {}))
    return facts


def apply_settings(facts: LocaleFacts, settings: dict[str, Any]) -> LocaleFacts:
    """Facts with a validated [locales.<code>]-style table applied."""
    changes: dict[str, Any] = {}
    for key, value in settings.items():
        if key == "digits":
            changes["numbering"] = value
        elif key in ("fonts", "browser_tags"):
            changes[key] = tuple(value)
        elif key == "line_height":
            changes[key] = float(value)
        else:
            changes[key] = value
    return replace(facts, **changes) if changes else facts


def setting_problems(settings: Any) -> list[tuple[str | None, str]]:
    """(key, problem) pairs for a [locales.<code>] table; empty when it is valid."""
    if not isinstance(settings, dict):
        return [(None, "must be a table of settings, e.g. [locales.ar] then digits = \"arab\"")]
    problems: list[tuple[str | None, str]] = []
    for key, value in settings.items():
        setting = SETTINGS.get(key)
        if setting is None:
            from difflib import get_close_matches

            close = get_close_matches(key, SETTINGS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known settings: {', '.join(SETTINGS)}"
            problems.append((key, f"unknown setting '{key}'; {hint}"))
            continue
        ok = isinstance(value, setting.kind) and not (setting.kind is not bool and isinstance(value, bool))
        if setting.kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 1.0 <= value <= 4.0
        if setting.kind is list:
            ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        if ok and setting.kind is str and not value:
            ok = False
        if ok and setting.choices and value not in setting.choices:
            ok = False
        if ok and key == "digits" and not numbering_digits(value):
            ok = False
        if not ok:
            problems.append((key, f"'{key}' must be {setting.help}, not {_toml_repr(value)}"))
    return problems


def _toml_repr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def facts_for(code: str, project: Project | None = None) -> LocaleFacts:
    """The facts for a locale: derived, with the project's overrides and fonts when a project is given."""
    if project is None:
        return derived_facts(code)
    cache: dict[str, LocaleFacts] = project.__dict__.setdefault("_facts", {})
    if code not in cache:
        facts = apply_settings(derived_facts(code), project.locale_settings.get(code, {}))
        from .fonts import load_manifest

        cache[code] = replace(facts, fonts=resolve_fonts(facts, load_manifest(project)))
    return cache[code]


def script_name(script: str) -> str:
    """The English name of an ISO 15924 script code, e.g. "Thai", "Myanmar"."""
    names = {"Hans": "Simplified Han", "Hant": "Traditional Han", "Jpan": "Japanese", "Kore": "Korean",
             "Zsym": "symbols"}
    if script in names:
        return names[script]
    try:
        name: str = icu.Script(icu.Script.getCode(script)[0]).getName()  # PyICU ships no type information
    except (icu.ICUError, IndexError):
        return script
    return name.replace("_", " ")


def families_for_script(manifest: list[FontFile], script: str) -> list[str]:
    """Bundled families whose manifest entry covers a script, those with a regular face first, by name."""
    found = {font.family for font in manifest if script in font.scripts}
    regular = {font.family for font in manifest if font.weight == 400 and font.style == "normal"}
    return sorted(found, key=lambda family: (family not in regular, family))


def resolve_fonts(facts: LocaleFacts, manifest: list[FontFile]) -> tuple[str, ...]:
    """The locale's font stack: its script's family (or the override), then Latin, then symbols."""
    known = {font.family for font in manifest}
    if facts.fonts:
        missing = [family for family in facts.fonts if family not in known]
        if missing:
            raise ConfigError(f"[locales.{facts.code}] fonts names '{missing[0]}', which fonts/manifest.json does "
                              f"not list; add the font with 'guidebuilder fonts add FILE' or name one of: "
                              f"{', '.join(sorted(known))}", "guidebuilder.toml")
        primary = list(facts.fonts)
    else:
        candidates = families_for_script(manifest, facts.script)
        if not candidates:
            raise NoFontError(facts.code, facts.script)
        primary = [candidates[0]]
    stack = list(primary)
    for script in (LATIN_SCRIPT, SYMBOLS_SCRIPT):
        if any(script in font.scripts for font in manifest if font.family in stack):
            continue
        for family in families_for_script(manifest, script)[:1]:
            stack.append(family)
    return tuple(dict.fromkeys(stack))


class NoFontError(ConfigError):
    """No bundled font covers a locale's script."""

    def __init__(self, code: str, script: str):
        self.code = code
        self.script = script
        super().__init__(f"no bundled font covers the {script_name(script)} script ({script}) of '{code}'; "
                         f"add one with 'guidebuilder fonts add FILE.ttf' (Debian's fonts-noto-core has "
                         f"Noto fonts for most scripts), then run this again")
