"""The project: its folder layout and guidebuilder.toml settings."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

CONFIG_NAME = "guidebuilder.toml"
DEFAULT_LANGUAGES = ("bn", "zh_Hant", "hi", "km", "ko", "tl", "vi", "ur")
CHROME_DOMAIN = "guidebuilder"  # the gettext domain of the pages' interface text (guidebuilder/chrome.py)


@dataclass
class Project:
    """A content repository: guides/, locales/, fonts/ and its settings."""

    root: Path
    source_language: str = "en"
    languages: list[str] = field(default_factory=lambda: list(DEFAULT_LANGUAGES))
    min_coverage: float = 0.8
    paper: str = "letter"
    guide_settings: dict[str, dict] = field(default_factory=dict)
    url_maps: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> source URL -> localized URL
    locale_settings: dict[str, dict] = field(default_factory=dict)  # [locales.<code>] overrides of locale facts
    locales_root: Path | None = None  # catalogs somewhere else than <root>/locales (pseudo-locales)

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

    def min_coverage_for(self, slug: str) -> float:
        """Publishing threshold for one guide (guidebuilder.toml [guides.<slug>])."""
        return float(self.guide_settings.get(slug, {}).get("min_coverage", self.min_coverage))


def _check_locale(code: str, where: str, line: int | None = None) -> None:
    from .locales import derived_facts

    try:
        derived_facts(code)
    except ConfigError as exc:
        raise ConfigError(exc.message, where, line) from exc


def line_of(text: str, table: str | None, key: str | None = None) -> int | None:
    """The line of a [table] header (or of key = inside it) in TOML text, for messages."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(
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
            if number > start and lines[number].lstrip().startswith("["):
                break
            if pattern.match(lines[number]):
                return number + 1
    return None


def _locale_settings(data: dict, text: str) -> dict[str, dict]:
    """The validated [locales.<code>] tables of guidebuilder.toml."""
    from .locales import setting_problems

    tables = data.get("locales", {})
    if not isinstance(tables, dict):
        raise ConfigError("'locales' must be tables such as [locales.ar]", CONFIG_NAME, line_of(text, None, "locales"))
    for code, settings in tables.items():
        _check_locale(code, CONFIG_NAME, line_of(text, f"locales.{code}"))
        for key, problem in setting_problems(settings):
            raise ConfigError(f"[locales.{code}] {problem}", CONFIG_NAME,
                              line_of(text, f"locales.{code}", key) or line_of(text, f"locales.{code}"))
    return {code: dict(settings) for code, settings in tables.items()}


def load_project(root: Path | str = ".") -> Project:
    """Read guidebuilder.toml (optional) from a project folder."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"project folder {root} does not exist")
    project = Project(root=root)
    text = ""
    if project.config_path.is_file():
        try:
            text = project.config_path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except UnicodeDecodeError as exc:
            raise ConfigError("not UTF-8 text; save the file as UTF-8", CONFIG_NAME) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{exc}; fix the TOML syntax", CONFIG_NAME) from exc
        settings = data.get("project", {})
        project.source_language = settings.get("source_language", project.source_language)
        project.languages = list(settings.get("languages", project.languages))
        project.min_coverage = float(settings.get("min_coverage", project.min_coverage))
        project.paper = settings.get("paper", project.paper)
        project.guide_settings = data.get("guides", {})
        project.url_maps = {lang: dict(urls) for lang, urls in data.get("urls", {}).items()}
        if project.paper not in ("letter", "a4"):
            raise ConfigError(f"paper must be 'letter' or 'a4', not '{project.paper}'", CONFIG_NAME,
                              line_of(text, "project", "paper"))
        project.locale_settings = _locale_settings(data, text)
    for code in project.all_languages():
        key = "source_language" if code == project.source_language else "languages"
        _check_locale(code, CONFIG_NAME, line_of(text, "project", key) if text else None)
    return project


def guide_slugs(project_dir: Path) -> list[str]:
    """Every folder under guides/, sorted."""
    root = project_dir / "guides"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
