"""The project: its folder layout and guidebuilder.toml settings."""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from .errors import ConfigError, ConfigErrors

CONFIG_NAME = "guidebuilder.toml"
DEFAULT_LANGUAGES = ("bn", "zh_Hant", "hi", "km", "ko", "tl", "vi", "ur")
# A wallet card's trim size in points (width, height); every card has 1/8 in (9 pt) of bleed around it.
CARD_SIZES = {"business": (252.0, 144.0), "cr80": (242.65, 153.07)}
CHROME_DOMAIN = "guidebuilder"  # the gettext domain of the pages' interface text (guidebuilder/chrome.py)


@dataclass
class Project:
    """A content repository: guides/, locales/, fonts/ and its settings."""

    root: Path
    source_language: str = "en"
    languages: list[str] = field(default_factory=lambda: list(DEFAULT_LANGUAGES))
    min_coverage: float = 0.8
    # Below min_coverage, withdraw a language's earlier edition instead of keeping it marked outdated.
    withdraw_below_coverage: bool = False
    paper: str = "letter"
    site_url: str | None = None  # where the web pages are published; QR codes and text messages link there
    # Each catalog entry's #. comment links to its block under site_url; every block of the web pages gets
    # an id for it (about 20 bytes a block), so it is asked for, not implied by site_url.
    preview_links: bool = False
    card_size: str = "business"  # the wallet card's trim size: CARD_SIZES
    card_back: str | None = None  # the wallet card's back: a language, "none", or None for the source language
    guide_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    url_maps: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> source URL -> localized URL
    locale_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # [locales.<code>] overrides
    locales_root: Path | None = None  # catalogs somewhere else than <root>/locales (pseudo-locales)
    warnings: list[str] = field(default_factory=list)  # "guidebuilder.toml:LINE: ..." for the CLI to print
    memory_tmx: list[str] = field(default_factory=list)  # [memory] tmx: TMX files update fills catalogs from
    brand_logo: str | None = None  # [brand] logo: an SVG or PNG file in the project, relative to its root
    brand_accent: str | None = None  # [brand] accent: a CSS colour for headings, the organization line, links out

    @property
    def guides_dir(self) -> Path:
        return self.root / "guides"

    @property
    def locales_dir(self) -> Path:
        return self.locales_root or self.root / "locales"

    @property
    def fonts_dir(self) -> Path:
        return self.root / "fonts"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def pot_path(self, slug: str) -> Path:
        """locales/<slug>.pot"""
        return self.locales_dir / f"{slug}.pot"

    def po_path(self, lang: str, slug: str) -> Path:
        """locales/<lang>/LC_MESSAGES/<slug>.po"""
        return self.locales_dir / lang / "LC_MESSAGES" / f"{slug}.po"

    def rel(self, path: Path) -> str:
        """A path relative to the project root, with forward slashes, for messages."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def all_languages(self) -> list[str]:
        """The source language then every target language."""
        return [self.source_language, *self.languages]

    def require_language(self, lang: str, source_too: bool = True) -> None:
        """ConfigError unless lang is a configured language (a target language only, unless source_too)."""
        if lang not in (self.all_languages() if source_too else self.languages):
            raise ConfigError(f"language '{lang}' is not configured in guidebuilder.toml; "
                              f"add it with 'guidebuilder init {lang}'")

    def card_back_language(self) -> str | None:
        """The language of a wallet card's back, or None for a back without the card's text."""
        if self.card_back == "none":
            return None
        return self.card_back or self.source_language

    @property
    def preview_url(self) -> str | None:
        """site_url when the catalogs link each entry to its block there (preview_links), else None."""
        return self.site_url if self.preview_links else None

    def site_url_error(self, kind: str) -> ConfigError:
        """The error of a kind that links to the web pages in a project without site_url."""
        line = None
        if self.config_path.is_file():
            line = line_of(self.config_path.read_text(encoding="utf-8-sig", errors="replace"), "project")
        return ConfigError(f"the {kind} output links to the guide's web page, but [project] has no site_url; "
                           'add site_url = "https://..." (where build/site/ is published) under [project]',
                           CONFIG_NAME, line)

    def logo_uri(self) -> str | None:
        """The [brand] logo as a data: URI for a printed page (None without one)."""
        if self.brand_logo is None:
            return None
        import base64

        from .images import publish_image

        # Sanitized like the guides' images: an SVG logo keeps its drawing only, a PNG loses its metadata.
        logo = Path(self.brand_logo)
        published = publish_image(self.root / logo.parent, logo.name, self.brand_logo)
        media = "image/svg+xml" if logo.suffix.lower() == ".svg" else "image/png"
        return f"data:{media};base64,{base64.b64encode(published.data).decode('ascii')}"

    def min_coverage_for(self, slug: str) -> float:
        """Publishing threshold for one guide (guidebuilder.toml [guides.<slug>])."""
        return float(self.guide_settings.get(slug, {}).get("min_coverage", self.min_coverage))


def line_of(text: str, table: str | None, key: str | None = None) -> int | None:
    """The line of a [table] header (or of key = inside it) in TOML text, for messages."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        header = re.compile(r"^\s*\[\[?\s*" + r"\s*\.\s*".join(
            rf'(?:{re.escape(part)}|"{re.escape(part)}")' for part in table.split(".")) + r"\s*\]")
        for number, text_line in enumerate(lines):
            if header.match(text_line):
                start = number
                if key is None:
                    return number + 1
                break
        else:
            return None
    if key is not None:
        pattern = re.compile(rf'^\s*(?:{re.escape(key)}|"{re.escape(key)}")\s*=')
        for number in range(start, len(lines)):
            # Keys outside any table end at the first header; a table's keys end at the next one.
            if (number > start or table is None) and lines[number].lstrip().startswith("["):
                break
            if pattern.match(lines[number]):
                return number + 1
    return None


def _locate(text: str, *path: str) -> int | None:
    """The line of a key given as its table path, e.g. ("guides", "fixture", "min_coverage"), or of its table."""
    for cut in range(len(path) - 1, -1, -1):  # [guides.fixture] min_coverage =, then [guides] fixture = {...}
        line = line_of(text, ".".join(path[:cut]) or None, path[cut])
        if line:
            return line
    for cut in range(len(path), 0, -1):
        line = line_of(text, ".".join(path[:cut]))
        if line:
            return line
    return None


def toml_value(value: Any) -> str:
    """A parsed TOML value written back as TOML, for messages: "ko", ["ko"], {a = 1}, true, nan."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return repr(value)


class Invalid(ValueError):
    """A value an Option refuses; the message says what is wrong when the option's help is not enough."""


@dataclass(frozen=True)
class Option:
    """One key of guidebuilder.toml: what it takes, in a user's words, and how to read it."""

    help: str
    parse: Callable[[Any], Any]  # the value to use; raises Invalid


def _number(value: Any) -> float:
    # TOML true is not 1, "0.5" is not 0.5, and nan compares false with every bound.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise Invalid
    return float(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid
    return value


def _choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices or not isinstance(value, str):
            raise Invalid
        return value

    return parse


def _site_url(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https://[^\s/?#]+(?:/[^\s?#]*)?", value.strip()):
        raise Invalid
    return value.strip().rstrip("/")


def _card_back(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise Invalid
    return value if value == "none" else _locale(value)


def _locale(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise Invalid
    # Babel and ICU load here, not at import: a build with nothing to do stays quick.
    from .locales import derived_facts

    try:
        derived_facts(value)
    except ConfigError as exc:
        raise Invalid(exc.message) from exc
    return value


def _distinct_strings(value: Any, what: str) -> list[str]:
    """A TOML list of distinct non-empty strings (what: "strings", "paths"), else Invalid saying why."""
    if isinstance(value, str):
        raise Invalid(f"must be a list of {what}, not {toml_value(value)}; write [{toml_value(value)}]")
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise Invalid
    for item in value:
        if value.count(item) > 1:
            raise Invalid(f"lists {toml_value(item)} twice; remove one")
    return list(value)


def _locales(value: Any) -> list[str]:
    codes = _distinct_strings(value, "strings")
    for code in codes:
        _locale(code)
    return codes


PROJECT: dict[str, Option] = {
    "source_language": Option('a CLDR locale identifier in quotes (e.g. "en")', _locale),
    "languages": Option('a list of CLDR locale identifiers (e.g. ["bn", "zh_Hant"])', _locales),
    "min_coverage": Option("a number from 0 to 1 (e.g. 0.8)", _number),
    "withdraw_below_coverage": Option("true or false", _bool),
    "paper": Option("'letter' or 'a4'", _choice("letter", "a4")),
    "site_url": Option('the https:// address the guides are published at (e.g. "https://guides.example.org")',
                       _site_url),
    "preview_links": Option("true or false (true needs site_url)", _bool),
    "card_size": Option("'business' (3.5 x 2 in) or 'cr80' (85.6 x 54 mm, a bank card)",
                        _choice(*CARD_SIZES)),
    "card_back": Option('a configured language (e.g. "en") or "none"', _card_back),
}
GUIDE: dict[str, Option] = {"min_coverage": PROJECT["min_coverage"]}
TABLES = ("project", "guides", "urls", "locales", "memory", "brand")


class _Report:
    """The problems of guidebuilder.toml, each with its line, gathered before failing once."""

    def __init__(self, text: str):
        self.text = text
        self.errors: list[ConfigError] = []
        self.warnings: list[str] = []

    def error(self, message: str, *path: str) -> None:
        self.errors.append(ConfigError(message, CONFIG_NAME, _locate(self.text, *path)))

    def warn(self, message: str, *path: str) -> None:
        self.warnings.append(str(ConfigError(message, CONFIG_NAME, _locate(self.text, *path))))

    def unknown(self, key: str, known: Iterable[str], where: str, *path: str) -> None:
        close = get_close_matches(key, list(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
        self.warn(f"unknown key '{key}' in {where}; {hint}", *path, key)

    def options(self, table: Any, schema: dict[str, Option], where: str, *path: str) -> dict[str, Any]:
        """The valid values of a table read against a schema; problems recorded."""
        values: dict[str, Any] = {}
        for key, value in table.items():
            option = schema.get(key)
            if option is None:
                self.unknown(key, schema, where, *path)
                continue
            try:
                values[key] = option.parse(value)
            except Invalid as exc:
                problem = str(exc) or f"must be {option.help}, not {toml_value(value)}"
                # "must be ..." continues the key; a sentence of its own ("'xx' is not a CLDR ...") follows a colon.
                separator = ": " if problem[0] == "'" else " "
                self.error(f"{where} '{key}'{separator}{problem}", *path, key)
        return values

    def table(self, data: dict[str, Any], key: str, example: str) -> dict[str, Any]:
        """data[key] when it is a table (or absent), else {} with an error."""
        value = data.get(key, {})
        if isinstance(value, dict):
            return value
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            self.error(f"[[{key}]] is an array of tables; write [{key}] with single brackets", key)
        else:
            self.error(f"'{key}' must be a table, e.g. {example}, not {toml_value(value)}", key)
        return {}


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    """The text and parsed TOML of guidebuilder.toml."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:  # UTF-16, with or without its BOM
        raise ConfigError("UTF-16 text; save the file as UTF-8", CONFIG_NAME, 1)
    try:
        text = data.decode("utf-8-sig")  # a byte order mark some Windows editors write is harmless
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                          CONFIG_NAME, line) from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib gives the place only inside its message (Python 3.14 adds exc.lineno).
        at = re.search(r" \(at line (\d+), column (\d+)\)$", str(exc))
        if at is None:  # "(at end of document)": the file stops inside a string, table header or key
            problem = re.sub(r" \(at end of document\)$", "", str(exc))
            raise ConfigError(f"{problem[:1].lower()}{problem[1:]} at the end of the file; fix the TOML syntax",
                              CONFIG_NAME, max(1, len(text.splitlines()))) from exc
        problem = str(exc)[:at.start()]
        raise ConfigError(f"{problem[:1].lower()}{problem[1:]} at column {at.group(2)}; fix the TOML syntax",
                          CONFIG_NAME, int(at.group(1))) from exc


def _apply(project: Project, data: dict[str, Any], report: _Report) -> None:
    """Read every table of guidebuilder.toml into project; problems go to report."""
    for key, value in data.items():
        if key in TABLES:
            continue
        close = get_close_matches(key, TABLES, n=1)
        if key in PROJECT:
            report.warn(f"'{key}' is outside [project] and has no effect; move it below the [project] header", key)
        elif isinstance(value, dict) and close:
            report.warn(f"unknown table [{key}]; did you mean [{close[0]}]?", key)
        else:
            report.warn(f"unknown {'table [' + key + ']' if isinstance(value, dict) else 'key ' + repr(key)}; "
                        "the tables are [project], [guides.<slug>], [urls.<lang>], [locales.<code>], [memory] "
                        "and [brand]", key)
    settings = report.options(report.table(data, "project", '[project] then languages = ["bn"]'),
                              PROJECT, "[project]", "project")
    for name, value in settings.items():
        setattr(project, name, value)
    if project.preview_links and not project.site_url:
        report.error("[project] preview_links = true links to the blocks under site_url, but there is no site_url; "
                     'add site_url = "https://..." (where build/site/ is published) or remove preview_links',
                     "project", "preview_links")
    if project.source_language in project.languages and "languages" in settings:
        report.error(f"[project] 'languages' lists the source language {toml_value(project.source_language)}; "
                     "remove it (the source language is always published)", "project", "languages")
    if project.card_back not in (None, "none", *project.all_languages()):
        report.error(f"[project] 'card_back' is {toml_value(project.card_back)}, which is not a configured language; "
                     f"write one of {', '.join(map(toml_value, project.all_languages()))} or \"none\"",
                     "project", "card_back")

    slugs = guide_slugs(project.root)
    for slug, table in report.table(data, "guides", "[guides.my-guide] then min_coverage = 1.0").items():
        if not isinstance(table, dict):
            report.error(f"'guides.{slug}' must be a table, e.g. [guides.{slug}] then min_coverage = 1.0, "
                         f"not {toml_value(table)}", "guides", slug)
            continue
        if slugs and slug not in slugs:
            close = get_close_matches(slug, slugs, n=1)
            hint = f"did you mean [guides.{close[0]}]?" if close else f"guides: {', '.join(slugs)}"
            report.warn(f"[guides.{slug}] names no folder under guides/; {hint}", "guides", slug)
        project.guide_settings[slug] = report.options(table, GUIDE, f"[guides.{slug}]", "guides", slug)

    for lang, urls in report.table(data, "urls", '[urls.bn] then "https://a.org/" = "https://a.org/bn/"').items():
        if not isinstance(urls, dict):
            report.error(f"'urls.{lang}' must be a table, e.g. [urls.{lang}] then "
                         f'"https://a.org/" = "https://a.org/{lang}/", not {toml_value(urls)}', "urls", lang)
            continue
        if lang not in project.all_languages():
            report.warn(f"[urls.{lang}] is for '{lang}', which is not in [project] languages; "
                        "add the language or remove the table", "urls", lang)
        for source, target in urls.items():
            if not isinstance(target, str) or not target:
                report.error(f"[urls.{lang}] {toml_value(source)} must map to the localized URL in quotes, "
                             f"not {toml_value(target)}", "urls", lang, source)
        project.url_maps[lang] = {s: t for s, t in urls.items() if isinstance(t, str) and t}

    project.locale_settings = _locale_settings(report.table(data, "locales", '[locales.ar] then digits = "arab"'),
                                               report)
    _memory(project, report.table(data, "memory", '[memory] then tmx = ["memory/org.tmx"]'), report)
    _brand(project, report.table(data, "brand", '[brand] then accent = "#0b5394"'), report)


def _tmx_paths(value: Any) -> list[str]:
    paths = _distinct_strings(value, "paths")
    for path in paths:
        if not path.lower().endswith(".tmx"):
            raise Invalid(f"lists {toml_value(path)}, which is not a .tmx file")
    return paths


MEMORY: dict[str, Option] = {
    "tmx": Option('a list of TMX files in the project (e.g. ["memory/org.tmx"])', _tmx_paths),
}


def _memory(project: Project, table: dict[str, Any], report: _Report) -> None:
    """[memory] tmx: TMX files inside the project folder that exist."""
    paths = report.options(table, MEMORY, "[memory]", "memory").get("tmx", [])
    for path in paths:
        found = _project_file(project, path, report, ("memory", "tmx"), f"[memory] 'tmx' lists {toml_value(path)}",
                              "copy it into the project (guidebuilder tm import FILE)",
                              "add the file or remove it from the list")
        if found is not None:
            project.memory_tmx.append(Path(path).as_posix())


def _project_file(project: Project, path: str, report: _Report, key: tuple[str, str], said: str,
                  copy_hint: str, missing_hint: str) -> str | None:
    """path as a file inside the project folder (relative, forward slashes), else None with an error reported."""
    root = project.root.resolve()
    target = (root / path).resolve()
    if Path(path).is_absolute() or not target.is_relative_to(root):
        report.error(f"{said}, outside the project folder; {copy_hint}", *key)
    elif not target.is_file():
        report.error(f"{said}, which does not exist; {missing_hint}", *key)
    else:
        return target.relative_to(root).as_posix()
    return None


def _logo(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or Path(value).suffix.lower() not in (".svg", ".png"):
        raise Invalid
    return value


def _colour(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid
    if re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
        return value
    # A CSS named colour (tinycss2 comes with WeasyPrint); currentColor and transparent are no accent.
    from tinycss2.color3 import parse_color  # type: ignore[import-untyped]

    if re.fullmatch(r"[A-Za-z]+", value) and value.lower() not in ("currentcolor", "transparent") \
            and parse_color(value) is not None:
        return value.lower()
    raise Invalid


BRAND: dict[str, Option] = {
    "logo": Option('an SVG or PNG file in the project (e.g. "brand/logo.svg")', _logo),
    "accent": Option('a CSS colour: "#rgb", "#rrggbb" or a CSS colour name (e.g. "#0b5394" or "teal")', _colour),
}


def _brand(project: Project, table: dict[str, Any], report: _Report) -> None:
    """[brand] logo and accent: a logo file inside the project that exists, a CSS colour."""
    values = report.options(table, BRAND, "[brand]", "brand")
    project.brand_accent = values.get("accent")
    logo = values.get("logo")
    if logo is None:
        return
    project.brand_logo = _project_file(project, logo, report, ("brand", "logo"),
                                       f"[brand] 'logo' is {toml_value(logo)}",
                                       "copy the file into the project and give its path from there",
                                       "add the file or fix the path")


def _locale_settings(tables: dict[str, Any], report: _Report) -> dict[str, dict[str, Any]]:
    """The valid [locales.<code>] tables of guidebuilder.toml."""
    if not tables:
        return {}
    from .locales import derived_facts, setting_problems

    valid: dict[str, dict[str, Any]] = {}
    for code, settings in tables.items():
        try:
            derived_facts(code)
        except ConfigError as exc:
            report.error(f"[locales.{code}] {exc.message}", "locales", code)
            continue
        problems = setting_problems(settings)
        for key, problem in problems:
            report.error(f"[locales.{code}] {problem}", "locales", code, *([key] if key else []))
        if not problems:
            valid[code] = dict(settings)
    return valid


def load_project(root: Path | str = ".") -> Project:
    """Read guidebuilder.toml (optional) from a project folder; every problem of the file at once."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"project folder {root} does not exist")
    project = Project(root=root)
    if project.config_path.is_file():
        text, data = _read(project.config_path)
        report = _Report(text)
        _apply(project, data, report)
        project.warnings = report.warnings
        if report.errors:
            raise ConfigErrors(report.errors, report.warnings)
    return project


def guide_slugs(project_dir: Path) -> list[str]:
    """Every folder under guides/, sorted."""
    root = project_dir / "guides"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
