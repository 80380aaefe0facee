"""Fonts stage: the bundled font set, per-page subsets, and @font-face rules.

Only fonts in the project's fonts/ are ever used. WeasyPrint runs under a
fontconfig configuration whose only font folder is fonts/, so a glyph no bundled
font has shows as a missing glyph instead of silently coming from whatever the
machine has installed."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from xml.sax.saxutils import escape as escape_xml

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


def load_manifest(project: Project) -> list[FontFile]:
    """Read fonts/manifest.json; every listed file must exist."""
    path = project.fonts_dir / "manifest.json"
    if not path.is_file():
        raise ConfigError("fonts/manifest.json is missing; the build uses only bundled fonts", "fonts/manifest.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    fonts = [FontFile(f["family"], f["file"], int(f["weight"]), tuple(f["scripts"]), f["sha256"])
             for f in data["fonts"]]
    for font in fonts:
        if not (project.fonts_dir / font.file).is_file():
            raise ConfigError(f"font file {font.file} listed in the manifest is missing", "fonts/manifest.json")
    return fonts


def fonts_for(manifest: list[FontFile], families: tuple[str, ...]) -> list[FontFile]:
    """Manifest entries of the given families, in stack order."""
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
            f" font-weight: {font.weight}; font-style: normal; font-display: swap; }}")
    return "\n".join(rules)


_cmaps: dict[str, set[int]] = {}


def cmap(path: Path) -> set[int]:
    """Code points a font file maps (cached per process)."""
    key = str(path)
    if key not in _cmaps:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            _cmaps[key] = set(font.getBestCmap())
    return _cmaps[key]


def subset_font(project: Project, font: FontFile, chars: set[str], flavor: str | None, cache_dir: Path) -> Path | None:
    """A subset of a bundled font covering chars (and every glyph shaping may need).

    flavor "woff2" gives a web font, None an OpenType file for WeasyPrint.
    Results are cached by font checksum and character set. None when the font
    has none of the characters.
    """
    source = project.fonts_dir / font.file
    wanted = sorted(ord(c) for c in chars if ord(c) in cmap(source))
    if not wanted:
        return None
    key = hashlib.sha256(f"{font.sha256}:{flavor}:{wanted}".encode()).hexdigest()[:20]
    suffix = ".woff2" if flavor == "woff2" else Path(font.file).suffix
    target = cache_dir / f"{Path(font.file).stem}-{key}{suffix}"
    if target.is_file():
        return target
    options = subset.Options()
    options.layout_features = ["*"]  # keep every shaping feature: conjuncts, Nastaliq joining
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.glyph_names = False
    options.recalc_timestamp = False
    options.flavor = flavor
    if flavor == "woff2":
        options.desubroutinize = True  # compresses better
    with TTFont(source, recalcTimestamp=False) as ttfont:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(ttfont)
        buffer = io.BytesIO()
        ttfont.flavor = flavor
        ttfont.save(buffer, reorderTables=True)
    atomic_write(target, buffer.getvalue())
    return target


def page_chars(text: str) -> set[str]:
    """Characters a page may draw: its text plus digits, Latin and the usual punctuation."""
    base = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,:;!?()[]-–—'\"/@%#&*+=…·•")
    return base | set(text)


FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- guidebuilder: only the project's bundled fonts, never the system's. -->
<fontconfig>
  <dir>{fonts}</dir>
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


def isolate_fontconfig(conf_dir: Path, fonts_dir: Path) -> None:
    """Point fontconfig at the bundled fonts only (call before WeasyPrint loads)."""
    conf_dir.mkdir(parents=True, exist_ok=True)
    conf = conf_dir / "fonts.conf"
    text = FONTCONFIG.format(fonts=escape_xml(str(fonts_dir.resolve())),
                             cache=escape_xml(str((cache_root() / "fontconfig").resolve())))
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
