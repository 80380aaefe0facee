"""Check stage: translation QA findings that point at the exact line of a .po file.

Errors stop a language from being published; warnings are reported (and fail
`check --strict`). Every finding prints as ``path:line: severity: check: message``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from types import MappingProxyType

import polib

from .catalogs import msgstr_line, plural_forms, read_catalog_shared
from .checks import (
    ALL,
    EMAIL,
    PHONE,
    URL,
    CheckContext,
    Selection,
    header_checks,
    message_checks,
    run_checks,
)
from .config import Project
from .errors import CatalogError
from .fonts import FontFile, cmap, facts_families, fonts_for, load_manifest
from .glossary import glossary_path, load_glossary
from .glyphs import generated_text, missing_glyphs
from .locales import SCRIPT_LETTERS, facts_for

__all__ = ["EMAIL", "PHONE", "URL", "CatalogChecker", "Finding", "check_language", "check_project"]


@dataclass(frozen=True)
class Finding:
    """One problem in a catalog, at a line."""

    path: str
    line: int
    severity: str  # "error" or "warning"
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.check}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class CatalogChecker:
    """Walks one catalog: runs the registered checks on its header and every published entry."""

    def __init__(self, project: Project, lang: str, url_map: dict[str, str] | None = None,
                 domain: str = "guide", selection: Selection = ALL):
        self.project = project
        self.lang = lang
        self.facts = facts_for(lang, project)
        self.selection = selection
        glossary = None
        if domain == "guide":  # same-as-source reads it too
            glossary = load_glossary(project.root, project.rel(glossary_path(project.root, lang)), lang)
        self.context = CheckContext(lang, self.facts, MappingProxyType(dict(url_map or {})), domain,
                                    plural_forms(lang), glossary)
        self.checks = message_checks(domain, selection)
        manifest = load_manifest(project)
        families = facts_families(self.facts, facts_for(project.source_language, project))
        self.coverage, self.covered_scripts = stack_coverage(project, manifest, families)
        self.drawn: list[tuple[str, int]] = []  # (text, msgstr line) of every published translation

    def check_file(self, path: Path, include_fuzzy: bool = False) -> list[Finding]:
        """Findings for one .po file (the file is read, never written)."""
        rel = self.project.rel(path)
        try:
            catalog = read_catalog_shared(path, rel, expect_lang=self.lang)
        except CatalogError as exc:  # nothing else can be checked, so this is reported whatever the selection
            return [Finding(rel, exc.line or 1, "error", exc.check, exc.message)]
        lines = path.read_text(encoding="utf-8").splitlines()
        findings = self.check_header(catalog, rel, lines)
        fuzzy = untranslated = 0
        for entry in catalog:
            if entry.obsolete:
                continue
            if not entry.msgstr:
                untranslated += 1
                continue
            if "fuzzy" in entry.flags:
                fuzzy += 1
                if not include_fuzzy:  # not published, so not checked
                    continue
            line = msgstr_line(lines, entry)
            findings.extend(self.check_entry(entry, rel, line))
        header_line = _line_containing(lines, '"Language:') or 1
        if self.selection.wants("missing-glyph"):
            for missing in missing_glyphs(self.drawn, self.coverage, self.covered_scripts):
                findings.append(Finding(rel, missing.first_line, "error", "missing-glyph",
                                        missing.describe(self.lang)))
        findings.sort(key=lambda f: f.line)
        if fuzzy and self.selection.wants("fuzzy"):
            findings.append(Finding(rel, header_line, "warning", "fuzzy",
                                    f"{fuzzy} fuzzy message(s) are not published until a translator reviews them"))
        if untranslated and self.selection.wants("untranslated"):
            findings.append(Finding(rel, header_line, "warning", "untranslated",
                                    f"{untranslated} message(s) are untranslated and print in the source language"))
        return findings

    def check_header(self, catalog: polib.POFile, rel: str, lines: list[str]) -> list[Finding]:
        """The header checks' findings, at the Plural-Forms line."""
        line = _line_containing(lines, '"Plural-Forms:') or 1
        metadata = MappingProxyType(dict(catalog.metadata))
        return [Finding(rel, line, check.severity, check.name, message)
                for check in header_checks(self.context.domain, self.selection)
                for message in check.func(metadata, self.context)]  # type: ignore[misc]

    def check_entry(self, entry: polib.POEntry, rel: str, line: int) -> list[Finding]:
        """The message checks' findings for one entry, at its msgstr line."""
        outcome = run_checks(self.checks, entry.msgid, entry.msgstr, self.context)
        if outcome.drawn is not None:
            self.drawn.append((outcome.drawn, line))
        return [Finding(rel, line, check.severity, check.name, message) for check, message in outcome.problems]


def _line_containing(lines: list[str], needle: str) -> int | None:
    for index, line in enumerate(lines):
        if needle in line:
            return index + 1
    return None


def check_language(project: Project, slug: str, lang: str, include_fuzzy: bool = False,
                   selection: Selection = ALL) -> list[Finding]:
    """Findings for one guide's catalog in one language (none for the source language)."""
    glyphs = selection.wants("missing-glyph")
    findings = check_generated(project, lang) if glyphs else []
    if lang == project.source_language:
        return findings + (check_source(project, slug) if glyphs else [])
    path = project.po_path(lang, slug)
    if not path.is_file():
        return findings
    url_map = project.url_maps.get(lang, {})
    return findings + CatalogChecker(project, lang, url_map, selection=selection).check_file(path, include_fuzzy)


def stack_coverage(project: Project, manifest: list[FontFile], families: tuple[str, ...]) -> tuple[set[int], set[str]]:
    """Code points the families' fonts draw, and the scripts their manifest entries cover (once per project)."""
    cache: dict[tuple[str, ...], tuple[set[int], set[str]]] = project.__dict__.setdefault("_coverage", {})
    if families not in cache:
        cache[families] = _stack_coverage(project, manifest, families)
    return cache[families]


def _stack_coverage(project: Project, manifest: list[FontFile], families: tuple[str, ...]) -> tuple[set[int], set[str]]:
    coverage: set[int] = set()
    scripts: set[str] = set()
    for font in fonts_for(manifest, families):
        coverage |= cmap(project.fonts_dir / font.file)
        for script in font.scripts:
            scripts |= SCRIPT_LETTERS.get(script, {script})
    return coverage, scripts


def check_source(project: Project, slug: str) -> list[Finding]:
    """Characters of a guide's source text (every output draws it, at least as fallback) that no font draws."""
    from .source import read_guide

    guide = read_guide(project.root, slug)
    facts = facts_for(project.source_language, project)
    coverage, scripts = stack_coverage(project, load_manifest(project), facts.fonts)
    drawn = [(message.text, message.line) for message in guide.messages()]
    drawn += [(str(value), 1) for key, value in guide.meta.items() if key not in guide.meta_messages]
    rel = guide.src_path
    return [Finding(rel, missing.first_line, "error", "missing-glyph",
                    missing.describe(project.source_language) + "; affects every language's outputs")
            for missing in missing_glyphs(drawn, coverage, scripts)]


def check_generated(project: Project, lang: str) -> list[Finding]:
    """Characters the templates draw in a language (list markers, separators, digits) that no font draws."""
    facts = facts_for(lang, project)
    coverage, scripts = stack_coverage(project, load_manifest(project), facts.fonts)
    return [Finding("fonts/manifest.json", 1, "error", "missing-glyph",
                    missing.describe(lang).replace(" is in no", " (drawn by the page templates: list markers, "
                                                               "separators, digits) is in no", 1))
            for missing in missing_glyphs([(generated_text(facts), 1)], coverage, scripts)]


def check_project(project: Project, slugs: list[str], langs: list[str],
                  selection: Selection = ALL) -> list[Finding]:
    """Findings for every guide x language, plus catalogs of languages nobody configured."""
    from .chrome import check_chrome

    findings: list[Finding] = []
    for slug in slugs:
        for lang in dict.fromkeys([project.source_language, *langs]):
            findings.extend(f for f in check_language(project, slug, lang, selection=selection) if f not in findings)
    for lang in langs:  # the pages' interface text, once per language
        findings.extend(check_chrome(project, lang, selection=selection))
    configured = set(project.all_languages())
    if project.locales_dir.is_dir() and selection.wants("unconfigured-language"):
        for folder in sorted(p for p in project.locales_dir.iterdir() if p.is_dir()):
            if folder.name not in configured:
                for po in sorted((folder / "LC_MESSAGES").glob("*.po")):
                    findings.append(Finding(project.rel(po), 1, "error", "unconfigured-language",
                                            f"'{folder.name}' is not in guidebuilder.toml languages; "
                                            f"add it with 'guidebuilder init {folder.name}' or remove the folder"))
    return findings
