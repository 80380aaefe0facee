"""The project: its folder layout and guidebuilder.toml settings."""

from __future__ import annotations

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


def _check_locale(code: str, where: str) -> None:
    from babel import Locale, UnknownLocaleError

    from .locales import FACTS

    if code in FACTS:
        return
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError) as exc:
        raise ConfigError(f"'{code}' is not a CLDR locale identifier (examples: bn, zh_Hant, ur)", where) from exc
    from .locales import facts_for

    try:
        facts_for(code)
    except ValueError as exc:
        raise ConfigError(str(exc), where) from exc


def load_project(root: Path | str = ".") -> Project:
    """Read guidebuilder.toml (optional) from a project folder."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"project folder {root} does not exist")
    project = Project(root=root)
    if project.config_path.is_file():
        try:
            data = tomllib.loads(project.config_path.read_text(encoding="utf-8"))
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
            raise ConfigError(f"paper must be 'letter' or 'a4', not '{project.paper}'", CONFIG_NAME)
    for code in project.all_languages():
        _check_locale(code, CONFIG_NAME)
    return project


def guide_slugs(project_dir: Path) -> list[str]:
    """Every folder under guides/, sorted."""
    root = project_dir / "guides"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
