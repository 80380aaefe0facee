"""Fonts stage: the bundled font set, per-page subsets, and @font-face rules.

Only fonts in the project's fonts/ are ever used: pages name them through
@font-face (subset to the page's characters), and WeasyPrint runs under a
fontconfig configuration without any font folder, so nothing can come from the
machine's fonts, and a full bundled font can never shadow the page's subset.
`guidebuilder check` reports characters no bundled font draws."""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape as escape_xml

import uharfbuzz as hb
from fontTools.ttLib import TTFont

from .catalogs import atomic_write
from .config import Project
from .errors import ConfigError
from .locales import LocaleFacts


@dataclass(frozen=True)
class FontFile:
    """One bundled font file as fonts/manifest.json lists it."""

    family: str
    file: str
    weight: int
    scripts: tuple[str, ...]
    sha256: str
    style: str = "normal"  # "normal" or "italic"
    license: str = ""  # "OFL-1.1", else the font's own license text

    @property
    def is_cjk(self) -> bool:
        return bool(CJK & set(self.scripts))

    @property
    def web_bold_synthesized(self) -> bool:
        """True when web pages let the browser embolden this family instead of loading its bold face."""
        return bool(SYNTHESIZED_BOLD & set(self.scripts))

    def as_dict(self) -> dict[str, object]:
        """The manifest entry, keys in the order the manifest writes them."""
        return {"family": self.family, "file": self.file, "weight": self.weight, "style": self.style,
                "scripts": list(self.scripts), "license": self.license, "sha256": self.sha256}


MANIFEST = "fonts/manifest.json"
_REWRITE = "run 'guidebuilder fonts add' on the font files to rewrite it"
_FIELDS: dict[str, type] = {"family": str, "file": str, "weight": int, "scripts": list, "sha256": str}
_OPTIONAL: dict[str, type] = {"style": str, "license": str}


def read_manifest(path: Path) -> tuple[list[FontFile], dict[str, object]]:
    """Parse a fonts manifest: (entries, its other top-level keys); ConfigError when malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason}); {_REWRITE}", MANIFEST) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{exc.msg} (column {exc.colno}); fix the JSON or {_REWRITE}", MANIFEST, exc.lineno) from exc
    if not isinstance(data, dict) or not isinstance(data.get("fonts"), list):
        raise ConfigError(f"must be an object with a \"fonts\" list; {_REWRITE}", MANIFEST)
    fonts = []
    for number, entry in enumerate(data["fonts"], 1):
        if not isinstance(entry, dict):
            raise ConfigError(f"font entry {number} is not an object; {_REWRITE}", MANIFEST)
        name = entry.get("file") if isinstance(entry.get("file"), str) else f"entry {number}"
        for key, kind in (*_FIELDS.items(), *_OPTIONAL.items()):
            if key not in entry:
                if key in _OPTIONAL:
                    continue
                raise ConfigError(f"font {name} lacks \"{key}\"; {_REWRITE}", MANIFEST)
            value = entry[key]
            if not isinstance(value, kind) or isinstance(value, bool) or (
                    isinstance(value, list) and not all(isinstance(code, str) for code in value)):
                what = {int: "a number", str: "a string", list: "a list of script codes"}[kind]
                raise ConfigError(f"font {name}: \"{key}\" must be {what}; {_REWRITE}", MANIFEST)
        if entry.get("style", "normal") not in ("normal", "italic"):
            raise ConfigError(f"font {name}: \"style\" must be \"normal\" or \"italic\"; {_REWRITE}", MANIFEST)
        if not 1 <= entry["weight"] <= 1000:
            raise ConfigError(f"font {name}: \"weight\" must be from 1 to 1000; {_REWRITE}", MANIFEST)
        if Path(entry["file"]).name != entry["file"] or entry["file"].startswith("."):
            raise ConfigError(f"font {name}: \"file\" must be a file name in fonts/; {_REWRITE}", MANIFEST)
        fonts.append(FontFile(entry["family"], entry["file"], entry["weight"], tuple(entry["scripts"]),
                              entry["sha256"], entry.get("style", "normal"), entry.get("license", "")))
    return fonts, {key: value for key, value in data.items() if key != "fonts"}


_verified: dict[tuple[str, int, int, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, computed once per process while it stays the same file, size and times."""
    stat = path.stat()
    # The change time too: a copy that keeps the modification time (cp -p, rsync -t) still sets it.
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if key not in _verified:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _verified[key] = digest.hexdigest()
    return _verified[key]


def load_manifest(project: Project) -> list[FontFile]:
    """Read fonts/manifest.json; every listed file must exist and match its sha256."""
    path = project.fonts_dir / "manifest.json"
    if not path.is_file():
        raise ConfigError("fonts/manifest.json is missing; the build uses only bundled fonts "
                          "(add them with 'guidebuilder fonts add FILE...')", MANIFEST)
    fonts, _ = read_manifest(path)
    for font in fonts:
        source = project.fonts_dir / font.file
        if not source.is_file():
            raise ConfigError(f"font file {font.file} listed in the manifest is missing", MANIFEST)
        if file_sha256(source) != font.sha256:
            raise ConfigError(f"fonts/{font.file} differs from its sha256 in the manifest; "
                              f"run 'guidebuilder fonts add fonts/{font.file}' again", MANIFEST)
    return fonts


def fonts_for(manifest: list[FontFile], families: tuple[str, ...]) -> list[FontFile]:
    """Manifest entries (every weight and style) of the given families, in stack order."""
    return [font for family in families for font in manifest if font.family == family]


def font_stack(families: tuple[str, ...]) -> str:
    """A CSS font-family value naming only bundled families."""
    return ", ".join(f'"{family}"' for family in families)


def face_css(fonts: list[tuple[FontFile, str, str]]) -> str:
    """@font-face rules: (font, url, format) triples."""
    rules = []
    for font, url, fmt in fonts:
        rules.append(
            "@font-face {"
            f' font-family: "{font.family}"; src: url("{url}") format("{fmt}");'
            f" font-weight: {font.weight}; font-style: {font.style}; font-display: swap; }}")
    return "\n".join(rules)


_cmaps: dict[str, set[int]] = {}


def cmap(path: Path) -> set[int]:
    """Code points a font file maps (cached per process by the file's checksum)."""
    # Not by path: a font replaced under its name (fonts add) while `serve` runs must be read again.
    key = file_sha256(path)
    if key not in _cmaps:
        _cmaps[key] = set(hb.Face(hb.Blob.from_file_path(str(path))).unicodes)
    return _cmaps[key]


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


def shaped_closure(face: hb.Face, codepoints: list[int]) -> tuple[set[int], set[int]]:
    """Glyphs and code points shaping each character reaches, beyond what the cmap and GSUB give.

    A shaper may first decompose a character into others: HarfBuzz draws Thai
    SARA AM (U+0E33) as NIKHAHIT (U+0E4D) + SARA AA (U+0E32), and Khmer split
    vowels with a separate pre-base part. A subset by code points alone keeps
    U+0E33 but drops U+0E4D, which then draws as .notdef.
    """
    font = hb.Font(face)
    reverse: dict[int, int] = {}
    for codepoint in sorted(face.unicodes):
        glyph = font.get_nominal_glyph(codepoint)
        if glyph is not None:
            reverse.setdefault(glyph, codepoint)
    glyphs: set[int] = set()
    extra: set[int] = set()
    for codepoint in codepoints:
        buffer = hb.Buffer()
        buffer.add_codepoints([codepoint])
        buffer.guess_segment_properties()
        hb.shape(font, buffer, {})
        for info in buffer.glyph_infos:
            glyphs.add(info.codepoint)
            if info.codepoint in reverse:
                extra.add(reverse[info.codepoint])
    return glyphs, extra


def _hb_subset(source: Path, codepoints: list[int], drop_locl: bool, desubroutinize: bool) -> bytes:
    """HarfBuzz's subsetter (as WeasyPrint uses): milliseconds even for a 16 MB CJK font."""
    face = hb.Face(hb.Blob.from_file_path(str(source)))
    plan = hb.SubsetInput()
    glyphs, extra = shaped_closure(face, codepoints)
    mapped = cmap(source)
    for codepoint in sorted(set(codepoints) | {c for c in extra if c in mapped}):
        plan.unicode_set.add(codepoint)
    for glyph in sorted(glyphs):
        plan.glyph_set.add(glyph)
    if drop_locl:
        plan.layout_feature_tag_set.remove(_tag("locl"))
    flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    if desubroutinize:
        flags |= hb.SubsetFlags.DESUBROUTINIZE  # compresses better in WOFF2
    plan.flags = flags
    data: bytes = hb.subset(face, plan).blob.data  # uharfbuzz ships no type information
    return data


def subset_font(project: Project, font: FontFile, chars: set[str], flavor: str | None, cache_dir: Path) -> Path | None:
    """A subset of a bundled font covering chars (and every glyph shaping may need).

    flavor "woff2" gives a web font, None an OpenType file for WeasyPrint; both
    keep the layout features HarfBuzz's subsetter keeps by default (those shaping
    applies: Indic conjuncts, Arabic and Nastaliq joining, Khmer subscripts). Fewer
    glyphs also make smaller PDFs: WeasyPrint keeps glyph ids when it subsets.
    Results are cached by font checksum and character set. None when the font
    has none of the characters.
    """
    source = project.fonts_dir / font.file
    wanted = sorted(ord(c) for c in chars if ord(c) in cmap(source))
    if not wanted:
        return None
    key = hashlib.sha256(f"{SUBSET_VERSION}:{font.sha256}:{flavor}:{wanted}".encode()).hexdigest()[:20]
    suffix = ".woff2" if flavor == "woff2" else Path(font.file).suffix
    target = cache_dir / f"{Path(font.file).stem}-{key}{suffix}"
    if target.is_file():
        return target
    data = _hb_subset(source, wanted, drop_locl=font.is_cjk, desubroutinize=flavor == "woff2")
    buffer = io.BytesIO()
    if flavor == "woff2":
        with TTFont(io.BytesIO(data), recalcTimestamp=False) as ttfont:
            ttfont.flavor = "woff2"
            ttfont.save(buffer, reorderTables=True)
    else:
        buffer.write(data)
    atomic_write(target, buffer.getvalue())
    return target


# Drawn by CSS rather than the text: list markers, leaders, page numbers, proof notes.
BASE_CHARS = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,:;!?()[]-–—'\"/@%#&*+=_…·•◦▪")
# Fonts whose bold face would cost a web page as much as the regular one: CJK
# (thousands of glyphs) and Nastaliq (its contextual forms pull in most of the
# font whatever the text). Web pages let the browser synthesize their bold; PDFs
# use the real bold face.
SYNTHESIZED_BOLD = {"Hant", "Hans", "Hang", "Kore", "Arab"}
# CJK faces already map each character to the locale's glyph; their 'locl'
# alternates for other regions would double a web subset.
CJK = {"Hant", "Hans", "Hang", "Kore"}
SUBSET_VERSION = "5"  # bump when subsetting options change: part of the cache key


Face = tuple[int, str]  # (weight, style) of a font face
FACES: tuple[Face, ...] = ((400, "normal"), (700, "normal"), (400, "italic"), (700, "italic"))
UNDRAWN = {"style", "script", "head", "title"}  # elements whose text is never drawn


class _TextCollector(HTMLParser):
    """Every character of a page's drawn text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.chars: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNDRAWN:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in UNDRAWN:
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.chars.update(data)


def page_text(html: str) -> set[str]:
    """Every character of a page's text and the ones its stylesheet draws (BASE_CHARS), whatever their face."""
    collector = _TextCollector()
    collector.feed(html)
    return collector.chars | BASE_CHARS


FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- guidebuilder: no font folders; pages bring their fonts with @font-face. -->
<fontconfig>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def cache_root() -> Path:
    """Where font subsets and fontconfig's cache live: $GUIDEBUILDER_CACHE, else the user cache folder.

    Entries are named by content checksums, so builds of any project can share them.
    """
    if os.environ.get("GUIDEBUILDER_CACHE"):
        return Path(os.environ["GUIDEBUILDER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "guidebuilder"


def isolate_fontconfig(conf_dir: Path) -> None:
    """Point fontconfig at a configuration without fonts (call before WeasyPrint loads)."""
    conf_dir.mkdir(parents=True, exist_ok=True)
    conf = conf_dir / "fonts.conf"
    text = FONTCONFIG.format(cache=escape_xml(str((cache_root() / "fontconfig").resolve())))
    if not conf.is_file() or conf.read_text() != text:
        atomic_write(conf, text.encode())
    os.environ["FONTCONFIG_FILE"] = str(conf)


def facts_families(facts: LocaleFacts, source: LocaleFacts) -> tuple[str, ...]:
    """Every family a page in this locale may use (its own stack, then the source's)."""
    families = list(facts.fonts)
    for family in source.fonts:
        if family not in families:
            families.append(family)
    return tuple(families)
