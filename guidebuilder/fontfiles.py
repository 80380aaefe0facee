"""The font registry: facts read from font files, and fonts/manifest.json written from them.

Every fact comes from the font itself, so nobody edits the manifest by hand:

- family: the typographic family (name ID 16), else the family name (ID 1);
- weight and style: OS/2 usWeightClass, the OS/2 fsSelection and head.macStyle
  bold/italic bits, and the subfamily name (ID 17, else 2), cross-checked;
- scripts (ISO 15924): the `meta` table's design languages (`dlng`) when present,
  else the cmap: a script is listed when the font maps at least COVERAGE of its
  reference letters, the BMP letters of that script in the ICU/CLDR exemplar sets
  of every locale written in it. A pan-CJK font (all of Han) without `dlng` is
  placed by the language of its localized names (Noto Sans CJK JP names itself in
  Japanese: Jpan); a font with letters of no script but mostly symbols is "Zsym";
- license: "OFL-1.1" when name ID 13/14 state the SIL Open Font License 1.1, else
  the license text as the font gives it.

Font collections (.ttc/.otc) are refused: one manifest entry names one file with
one face, as one @font-face rule does; extract the face you need first
(fonts/import_debian_fonts.py does so for Noto Sans CJK). WOFF and WOFF2 files are
stored decompressed (.ttf/.otf), since the subsetter reads plain OpenType.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import icu
from fontTools.ttLib import TTFont, TTLibError
from fontTools.ttLib.tables._n_a_m_e import _WINDOWS_LANGUAGES

from .catalogs import atomic_write
from .errors import FontError
from .fonts import FontFile, file_sha256, read_manifest
from .locales import SCRIPT_LETTERS
from .model import JsonObject

COVERAGE = 0.8  # share of a script's reference letters a font must map to be listed for it
OFL = "OFL-1.1"
# Script codes that name a writing system made of other scripts (locales.SCRIPT_LETTERS); a font
# is listed for them only through `meta` or its localized names, never through its cmap.
REGIONAL = SCRIPT_LETTERS
SIGNATURES = {b"\x00\x01\x00\x00": "", b"true": "", b"OTTO": "", b"wOFF": "woff", b"wOF2": "woff2"}
COLLECTIONS = {b"ttcf"}
WEIGHT_WORDS = [  # longest first: "semibold" must not read as "bold"
    ("extralight", 200), ("ultralight", 200), ("semibold", 600), ("demibold", 600), ("extrabold", 800),
    ("ultrabold", 800), ("hairline", 100), ("regular", 400), ("medium", 500), ("normal", 400), ("black", 900),
    ("heavy", 900), ("light", 300), ("thin", 100), ("book", 400), ("bold", 700)]
_LETTERS = {icu.UCharCategory.UPPERCASE_LETTER, icu.UCharCategory.LOWERCASE_LETTER,
            icu.UCharCategory.TITLECASE_LETTER, icu.UCharCategory.MODIFIER_LETTER, icu.UCharCategory.OTHER_LETTER}
_SYMBOLS = {icu.UCharCategory.MATH_SYMBOL, icu.UCharCategory.CURRENCY_SYMBOL, icu.UCharCategory.MODIFIER_SYMBOL,
            icu.UCharCategory.OTHER_SYMBOL}


@dataclass(frozen=True)
class FontFacts:
    """What a font file says about itself."""

    family: str
    weight: int
    style: str
    scripts: tuple[str, ...]  # empty for a pan-CJK font that says nothing of its region
    license: str
    coverage: dict[str, float] = field(default_factory=dict, compare=False)  # script -> share of its letters
    from_meta: bool = False
    flavor: str = ""  # "", "woff" or "woff2"

    @property
    def pan_cjk(self) -> bool:
        return self.coverage.get("Hani", 0.0) >= COVERAGE

    def covers(self, script: str) -> bool:
        """True when the font is listed for the script or maps enough of its letters."""
        return script in self.scripts or (script not in REGIONAL and self.coverage.get(script, 0.0) >= COVERAGE)


@lru_cache(maxsize=1)
def reference_letters() -> dict[str, frozenset[int]]:
    """Per script, the BMP letters of that script in the exemplar sets of ICU's locales."""
    letters: dict[str, set[int]] = {}
    for name in sorted(icu.Locale.getAvailableLocales()):
        exemplars = icu.LocaleData(name).getExemplarSet(0, icu.ULocaleDataExemplarSetType.ES_STANDARD)
        for item in exemplars:
            if len(item) != 1 or ord(item) > 0xFFFF or icu.Char.charType(item) not in _LETTERS:
                continue
            script = icu.Script.getScript(ord(item)).getShortName()
            if script not in ("Zyyy", "Zinh", "Zzzz"):
                letters.setdefault(script, set()).add(ord(item))
    return {script: frozenset(found) for script, found in letters.items()}


def script_coverage(codepoints: set[int]) -> dict[str, float]:
    """Share of each script's reference letters the code points include (scripts with any)."""
    return {script: len(codepoints & letters) / len(letters)
            for script, letters in sorted(reference_letters().items()) if codepoints & letters}


def cmap_scripts(codepoints: set[int]) -> tuple[str, ...]:
    """Scripts whose reference letters the code points cover, most letters first; Zsym for a symbols font."""
    letters = reference_letters()
    coverage = script_coverage(codepoints)
    scripts = sorted((script for script, share in coverage.items() if share >= COVERAGE),
                     key=lambda script: (-len(codepoints & letters[script]), script))
    if not scripts:
        symbols = sum(1 for cp in codepoints if icu.Char.charType(cp) in _SYMBOLS)
        if symbols * 2 > len(codepoints):
            return ("Zsym",)
    return tuple(scripts)


def is_script_code(code: str) -> bool:
    """True for an ISO 15924 code ICU knows (Latn, Arab, Jpan, Zsym...)."""
    return len(code) == 4 and code.isalpha() and bool(icu.Script.getCode(code))


def _tag_script(tag: str) -> str | None:
    """The script of a ScriptLangTag from `meta` (Jpan, zh-Hant, ja): explicit or likely."""
    parts = tag.strip().replace("_", "-").split("-")
    for part in parts:
        if len(part) == 4 and part.isalpha():
            return part.title()
    if not parts[0]:
        return None
    return icu.Locale.addLikelySubtags(icu.Locale("_".join(parts))).getScript() or None  # zh_TW: Hant


def meta_scripts(font: TTFont) -> tuple[str, ...] | None:
    """Scripts of the `meta` table's design languages (dlng), or None without one."""
    if "meta" not in font or "dlng" not in font["meta"].data:
        return None
    scripts = [_tag_script(tag) for tag in str(font["meta"].data["dlng"]).split(",")]
    return tuple(dict.fromkeys(script for script in scripts if script)) or None


def name_region(font: TTFont) -> str | None:
    """The CJK region a font names itself for: the script of its localized names' language, if only one."""
    regions = set()
    for record in font["name"].names:
        if record.platformID != 3 or record.langID == 0x409:
            continue
        language = _WINDOWS_LANGUAGES.get(record.langID)
        script = _tag_script(language) if language else None
        if script in REGIONAL:
            regions.add(script)
    return regions.pop() if len(regions) == 1 else None


def _subfamily_words(subfamily: str) -> tuple[int | None, bool]:
    """(weight, italic) a subfamily name like "Bold Italic" states; weight None when it names none."""
    words = subfamily.lower().replace(" ", "").replace("-", "").replace("_", "")
    if not words:
        return None, False
    italic = "italic" in words or "oblique" in words
    words = words.replace("italic", "").replace("oblique", "")
    for word, weight in WEIGHT_WORDS:
        if word in words:
            return weight, italic
    return (400 if not words else None), italic  # "Italic" alone is the regular weight


def weight_and_style(font: TTFont) -> tuple[int, str]:
    """(CSS weight, "normal"/"italic") from OS/2, head.macStyle and the subfamily name, cross-checked.

    Fonts disagree with themselves: Noto Nastaliq Urdu Bold declares usWeightClass
    400 but sets the bold bits and names itself "Bold". When the fields disagree,
    the value that agrees with the name wins.
    """
    os2 = font["OS/2"] if "OS/2" in font else None
    declared = os2.usWeightClass if os2 is not None and 1 <= os2.usWeightClass <= 1000 else 400
    selection = os2.fsSelection if os2 is not None else 0
    mac_style = font["head"].macStyle
    bold_bits = bool(selection & 0x20 or mac_style & 0x01)
    italic_bits = bool(selection & 0x01 or mac_style & 0x02)
    subfamily = font["name"].getDebugName(17) or font["name"].getDebugName(2) or ""
    named_weight, named_italic = _subfamily_words(subfamily)
    candidates = {declared, 700 if bold_bits else 400}  # the bits know only bold or regular
    weight = named_weight if named_weight is not None and named_weight in candidates else declared
    # A subfamily that names a weight ("Bold") names the style too: upright unless it says Italic.
    italic = named_italic if named_weight is not None else italic_bits
    return weight, "italic" if italic else "normal"


def font_license(font: TTFont) -> str:
    """"OFL-1.1" when the name table states the SIL OFL 1.1, else its license text (or URL)."""
    text = (font["name"].getDebugName(13) or "").strip()
    url = (font["name"].getDebugName(14) or "").strip()
    if "open font license, version 1.1" in text.lower() or "scripts.sil.org/ofl" in url.lower() or (
            "openfontlicense.org" in url.lower()):
        return OFL
    return " ".join(text.split()) or url


def read_facts(path: Path, shown: str | None = None) -> FontFacts:
    """Facts of one font file; FontError naming `shown` (default: the path) when it is not a usable font."""
    shown = shown or str(path)
    if not path.is_file():
        raise FontError("no such file" if not path.exists() else "not a file", shown)
    with path.open("rb") as handle:
        signature = handle.read(4)
    if signature in COLLECTIONS:
        raise FontError("is a font collection (TTC/OTC) of several faces; save the face you need as its own "
                        ".ttf/.otf first (fonts/import_debian_fonts.py shows how with fontTools)", shown)
    if signature not in SIGNATURES:
        raise FontError("not a font file (OpenType/TrueType/WOFF expected)", shown)
    try:
        with TTFont(path, lazy=True) as font:
            family = (font["name"].getDebugName(16) or font["name"].getDebugName(1) or "").strip()
            weight, style = weight_and_style(font)
            codepoints = set(font.getBestCmap() or {})
            from_meta = meta_scripts(font)
            region = name_region(font)
            license_text = font_license(font)
    except (TTLibError, KeyError, AssertionError, ValueError, OSError, ImportError) as exc:
        raise FontError(f"not a font file (OpenType/TrueType/WOFF expected): {exc}", shown) from exc
    if not family:
        raise FontError("the font has no family name (name ID 1 or 16); it cannot be named in CSS", shown)
    coverage = script_coverage(codepoints)
    if from_meta:
        scripts = from_meta
    elif coverage.get("Hani", 0.0) >= COVERAGE:
        scripts = (region,) if region else ()
    else:
        scripts = cmap_scripts(codepoints)
    return FontFacts(family, weight, style, scripts, license_text, coverage, bool(from_meta), SIGNATURES[signature])


@dataclass
class AddResult:
    """What `guidebuilder fonts add` did."""

    added: list[FontFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _missing_script_message(facts: FontFacts, script: str) -> str:
    share = facts.coverage.get(script, 0.0)
    has = "has no" if share == 0 else f"maps only {share:.0%} of the"
    listed = " ".join(facts.scripts) or "no script"
    return (f"{has} {script} letters; it covers {listed} "
            f"(use a font made for {script}, or leave out --script)")


def plan_entry(source: Path, shown: str, asserted: tuple[str, ...], previous: dict[str, FontFile]
               ) -> tuple[FontFile, FontFacts, str, list[str]]:
    """Read one font for the manifest: (entry without sha256, facts, stored file name, warnings)."""
    facts = read_facts(source, shown)
    stored = source.name
    if facts.flavor:
        stored = source.stem + (".otf" if _is_cff(source) else ".ttf")
    scripts = facts.scripts
    earlier = previous.get(stored)
    if facts.pan_cjk and not facts.from_meta:
        # Debian's Noto CJK faces carry no `meta`: what the manifest already says of them stands.
        regional = [code for code in asserted if code in REGIONAL]
        if earlier is not None:
            scripts = earlier.scripts
        elif not scripts and regional:
            scripts = (regional[0],)
        if not scripts:
            raise FontError("is a CJK font that names no region (no 'meta' table, no localized names); "
                            "say which with --script Hans, Hant, Jpan or Kore", shown)
        facts = FontFacts(facts.family, facts.weight, facts.style, tuple(scripts), facts.license,
                          facts.coverage, facts.from_meta, facts.flavor)
    if not scripts:
        best = max(facts.coverage.items(), key=lambda item: item[1], default=None)
        detail = f"at most {best[1]:.0%} of {best[0]}" if best else "no letters"
        raise FontError(f"covers no script's letters ({detail}; at least {COVERAGE:.0%} needed) "
                        "and is not a symbols font", shown)
    for code in asserted:
        if not facts.covers(code):
            raise FontError(_missing_script_message(facts, code), shown)
    warnings = []
    if facts.license != OFL:
        what = f"'{facts.license[:80]}'" if facts.license else "none stated"
        warnings.append(f"{shown}: license is not the SIL OFL 1.1 ({what}); make sure it allows "
                        "embedding the font in PDFs and web pages")
    entry = FontFile(facts.family, stored, facts.weight, tuple(scripts), "", facts.style, facts.license)
    return entry, facts, stored, warnings


def _is_cff(path: Path) -> bool:
    with TTFont(path, lazy=True) as font:
        return "CFF " in font or "CFF2" in font


def _stored_bytes(source: Path, flavor: str) -> bytes:
    """The bytes to keep in fonts/: the file itself, or a WOFF/WOFF2 decompressed."""
    if not flavor:
        return source.read_bytes()
    buffer = io.BytesIO()
    with TTFont(source, recalcTimestamp=False) as font:
        font.flavor = None
        font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def manifest_bytes(fonts: list[FontFile], extra: JsonObject) -> bytes:
    """fonts/manifest.json's bytes: other top-level keys first, entries sorted by family and file."""
    data = {**{key: extra[key] for key in sorted(extra)},
            "fonts": [font.as_dict() for font in sorted(fonts, key=lambda font: (font.family, font.file))]}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def existing_manifest(fonts_dir: Path) -> tuple[list[FontFile], JsonObject]:
    """The manifest's entries and other keys; none when there is no manifest yet."""
    path = fonts_dir / "manifest.json"
    return read_manifest(path) if path.is_file() else ([], {})


def register(fonts_dir: Path, files: list[Path], entries: list[FontFile], extra: JsonObject) -> list[FontFile]:
    """Merge entries for files already in fonts_dir into the manifest and write it (atomically)."""
    fresh = {path.name for path in files}
    _check_clashes(entries, fresh)
    hashed = [FontFile(f.family, f.file, f.weight, f.scripts,
                       file_sha256(fonts_dir / f.file) if f.file in fresh or not f.sha256 else f.sha256,
                       f.style, f.license) for f in entries]
    atomic_write(fonts_dir / "manifest.json", manifest_bytes(hashed, extra))
    return sorted((font for font in hashed if font.file in fresh), key=lambda font: font.file)


def add_fonts(fonts_dir: Path, sources: list[Path], asserted: tuple[str, ...] = ()) -> AddResult:
    """Copy font files into fonts_dir and (re)write its manifest from their facts.

    Every file is read and checked first; nothing is copied or written when one is
    not usable.
    """
    for code in asserted:
        if not is_script_code(code):
            raise FontError(f"--script {code}: not an ISO 15924 script code (e.g. Latn, Arab, Thai, Jpan)")
    current, extra = existing_manifest(fonts_dir)
    previous = {font.file: font for font in current}
    result = AddResult()
    planned: dict[str, tuple[Path, FontFile, str]] = {}
    for source in sources:
        entry, facts, stored, warnings = plan_entry(source, str(source), asserted, previous)
        result.warnings.extend(warnings)
        planned[stored] = (source, entry, facts.flavor)
    entries = {**previous, **{stored: entry for stored, (_, entry, _) in planned.items()}}
    _check_clashes(list(entries.values()), set(planned))
    fonts_dir.mkdir(parents=True, exist_ok=True)
    for stored, (source, _, flavor) in planned.items():
        target = fonts_dir / stored
        if not flavor and target.exists() and target.resolve() == source.resolve():
            continue
        atomic_write(target, _stored_bytes(source, flavor))
    result.added = register(fonts_dir, [fonts_dir / stored for stored in planned], list(entries.values()), extra)
    return result


def _check_clashes(entries: list[FontFile], new: set[str]) -> None:
    """A family's weight and style must be one file: two would be two @font-face rules for one face."""
    seen: dict[tuple[str, int, str], FontFile] = {}
    for font in sorted(entries, key=lambda font: (font.file in new, font.file)):
        key = (font.family, font.weight, font.style)
        if key in seen:
            raise FontError(f"is {font.family} {font.weight} {font.style}, which fonts/{seen[key].file} "
                            "already is; remove that file and its manifest entry first", font.file)
        seen[key] = font


SLOTS = ("regular", "bold", "italic", "bold italic")


def slot(font: FontFile) -> str:
    """Which of regular, bold, italic, bold italic a face serves (bold: weight 600 and up)."""
    bold = font.weight >= 600
    if font.style == "italic":
        return "bold italic" if bold else "italic"
    return "bold" if bold else "regular"


def coverage_table(fonts: list[FontFile]) -> dict[str, dict[str, list[str]]]:
    """Script -> slot -> families with a face for it, scripts and families sorted."""
    table: dict[str, dict[str, list[str]]] = {}
    for font in fonts:
        for script in font.scripts:
            row = table.setdefault(script, {name: [] for name in SLOTS})
            if font.family not in row[slot(font)]:
                row[slot(font)].append(font.family)
    return {script: {name: sorted(families) for name, families in table[script].items()}
            for script in sorted(table)}


def list_fonts(fonts_dir: Path) -> dict[str, dict[str, list[str]]]:
    """The coverage table of a project's manifest."""
    fonts, _ = existing_manifest(fonts_dir)
    return coverage_table(fonts)


def describe(font: FontFile) -> str:
    """One line for `fonts add`: file, family, weight, style, scripts."""
    return f"{font.file}: {font.family}, {font.weight} {font.style}, {' '.join(font.scripts)}"
