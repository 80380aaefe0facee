"""The exception hierarchy; the CLI turns these into exit codes."""

from __future__ import annotations


class GuideError(Exception):
    """Base of every error guidebuilder reports to a user."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ConfigError(GuideError):
    """The project's configuration or layout is wrong."""


class ConfigErrors(ConfigError):
    """Every problem of a settings file at once; each keeps its own path:line."""

    def __init__(self, errors: list[ConfigError], warnings: list[str] | None = None):
        super().__init__(errors[0].message, errors[0].path, errors[0].line)
        self.errors = errors
        self.warnings = warnings or []  # printed before the errors: a misspelt key may explain one

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class SourceError(GuideError):
    """A guide's Markdown or front matter cannot be read."""


class CatalogError(GuideError):
    """A .pot or .po file cannot be read or disagrees with the project."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None, check: str = "po-syntax"):
        super().__init__(message, path, line)
        self.check = check  # the check name `guidebuilder check` reports it under


class FontError(GuideError):
    """A font file given to `guidebuilder fonts add` cannot be used."""


class RenderError(GuideError):
    """A page could not be rendered to HTML or PDF."""


class Abort(GuideError):
    """Several errors were reported already; stop with a non-zero exit."""
