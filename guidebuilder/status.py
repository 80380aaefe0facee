"""Status page: every guide x language at a glance for coordinators, and what to do next.

Reads the catalogs, the check findings and the proofs already built; writes one
HTML page (STATUS_PAGE) and nothing else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .catalogs import atomic_write, coverage, read_catalog, source_words
from .check import check_language
from .chrome import check_chrome
from .config import Project
from .errors import GuideError, RenderError
from .extract import build_template
from .locales import facts_for
from .memory import count_filled
from .source import Guide, read_guide
from .state import PROOF_DIR, STATUS_PAGE
from .translate import load_translation

# The headers a new catalog carries until a translator's tool fills them in.
_PLACEHOLDERS = {"FULL NAME <EMAIL@ADDRESS>", "YEAR-MO-DA HO:MI+ZONE"}


@dataclass(frozen=True)
class LanguageStatus:
    """One guide in one language, as a coordinator reads it."""

    slug: str
    lang: str
    tag: str  # BCP 47, for the native name's lang attribute
    native_name: str
    dir: str
    catalog: str  # the .po path, relative to the project
    exists: bool
    coverage: float  # share of the guide's words that print translated, as the build computes it
    translated: int  # entries
    fuzzy: int
    untranslated: int
    errors: int  # check errors (they stop publishing), the page chrome's included
    warnings: int
    memory: int  # entries filled from translation memory, not yet reviewed
    translator: str  # Last-Translator
    revised: str  # PO-Revision-Date
    threshold: float
    entries_to_go: int  # the fewest entries to translate to reach the threshold
    words_to_go: int
    proof_html: str | None  # href from the status page, when the proof is built
    proof_pdf: str | None

    @property
    def publishable(self) -> bool:
        """What the build would decide: enough translated and no check error."""
        return self.errors == 0 and self.entries_to_go == 0

    @property
    def todo(self) -> list[str]:
        """What stands between the language and publishing, in words."""
        steps = []
        if self.entries_to_go:
            steps.append(f"translate {self.entries_to_go} more {_plural(self.entries_to_go, 'entry', 'entries')} "
                         f"({self.words_to_go} words) to reach {self.threshold:.0%}")
        if self.errors:
            steps.append(f"fix {self.errors} check {_plural(self.errors, 'error', 'errors')}")
        if self.fuzzy:
            steps.append(f"review {self.fuzzy} fuzzy {_plural(self.fuzzy, 'entry', 'entries')}")
        return steps

    @property
    def steps(self) -> int:
        """Entries to translate plus errors to fix: how far the language is from publishing."""
        return self.entries_to_go + self.errors


@dataclass(frozen=True)
class GuideStatus:
    """One guide's row of languages."""

    slug: str
    title: str
    threshold: float
    languages: list[LanguageStatus]
    error: str = ""  # why the guide could not be read, when it could not


def _plural(count: int, one: str, other: str) -> str:
    return one if count == 1 else other


def collect_status(project: Project, slugs: list[str], status_page: Path, proof_dir: Path) -> list[GuideStatus]:
    """Every guide x configured language (the source language aside), with links from status_page to proof_dir."""
    guides = []
    for slug in slugs:
        threshold = project.min_coverage_for(slug)
        try:
            guide = read_guide(project.root, slug)
        except GuideError as exc:  # the build fails the guide with the same line; the other guides still show
            guides.append(GuideStatus(slug, slug, threshold, [], str(exc)))
            continue
        rows = [language_status(project, guide, lang, threshold, status_page.parent, proof_dir)
                for lang in project.languages]
        guides.append(GuideStatus(slug, str(guide.meta.get("title", slug)), threshold, rows))
    return guides


def language_status(project: Project, guide: Guide, lang: str, threshold: float, page_dir: Path,
                    proof_dir: Path) -> LanguageStatus:
    """The status of one guide in one language."""
    slug = guide.slug
    facts = facts_for(lang, project)
    path = project.po_path(lang, slug)
    rel = project.rel(path)
    translator = revised = ""
    memory = 0
    counts = coverage(build_template(guide, ""))  # before a translator starts, every entry is to do
    readable = True
    if path.is_file():
        try:
            catalog = read_catalog(path, rel, expect_lang=lang)
        except GuideError:  # check reports it, as an error that stops publishing
            readable = False
        else:
            counts, memory = coverage(catalog), count_filled(catalog)
            translator, revised = (catalog.metadata.get(key, "").strip()
                                   for key in ("Last-Translator", "PO-Revision-Date"))
    findings = check_language(project, slug, lang) + check_chrome(project, lang)
    errors = sum(1 for f in findings if f.severity == "error")
    # The per-catalog counts of fuzzy and untranslated messages are the grid's own columns.
    warnings = sum(1 for f in findings if f.severity == "warning" and f.check not in ("fuzzy", "untranslated"))
    share, entries_to_go, words_to_go = _distance(project, guide, lang, threshold) if readable else (0.0, 0, 0)
    proof = proof_dir / slug / lang
    return LanguageStatus(
        slug, lang, facts.bcp47, facts.native_name, facts.direction, rel, path.is_file(), round(share, 4),
        counts.translated, counts.fuzzy, counts.untranslated, errors, warnings, memory,
        "" if translator in _PLACEHOLDERS else translator, "" if revised in _PLACEHOLDERS else revised,
        threshold, entries_to_go, words_to_go,
        _href(page_dir, proof / "index.html"), _href(page_dir, proof / f"{slug}-{lang}.pdf"))


def _distance(project: Project, guide: Guide, lang: str, threshold: float) -> tuple[float, int, int]:
    """The share translated, and the fewest entries (longest first) and their words that reach threshold."""
    translation = load_translation(project, guide.slug, lang)
    missing: dict[tuple[str | None, str], int] = {}  # an entry not yet printed -> its words, every occurrence
    total = done = 0
    for message in guide.messages():
        words = source_words(message.text)
        total += words
        if translation.resolve(message).translated:
            done += words
        else:
            # The entry a message resolves to: one without msgctxt, else the one of its role.
            key: tuple[str | None, str] = (None, message.text)
            if key not in translation.entries:
                key = (message.role.context, message.text)
            missing[key] = missing.get(key, 0) + words
    share = done / total if total else 1.0
    entries = gained = 0
    for words in sorted(missing.values(), reverse=True):
        if (done + gained) / total >= threshold:  # as the policy compares
            break
        entries += 1
        gained += words
    return share, entries, gained


def _href(page_dir: Path, target: Path) -> str | None:
    """A relative link from the page's folder to target, when target exists."""
    if not target.is_file():
        return None
    return Path(os.path.relpath(target.resolve(), page_dir.resolve())).as_posix()


def next_steps(guides: list[GuideStatus]) -> list[LanguageStatus]:
    """Languages not yet publishable, closest to publishing first."""
    waiting = [row for guide in guides for row in guide.languages if not row.publishable]
    return sorted(waiting, key=lambda r: (r.steps, r.words_to_go, r.slug, r.lang))


def render_status(project: Project, guides: list[GuideStatus]) -> str:
    """The status page's HTML."""
    from .render import jinja_env

    template = jinja_env().get_template("status.html.j2")
    source = facts_for(project.source_language, project)
    return template.render(guides=guides, next_steps=next_steps(guides), source_tag=source.bcp47,
                           ready=[row for guide in guides for row in guide.languages if row.publishable])


def write_status(project: Project, slugs: list[str], status_page: Path = STATUS_PAGE,
                 proof_dir: Path = PROOF_DIR) -> Path:
    """Write the status page (paths relative to the current folder) and return where it went."""
    page = status_page if status_page.is_absolute() else Path.cwd() / status_page
    proofs = proof_dir if proof_dir.is_absolute() else Path.cwd() / proof_dir
    guides = collect_status(project, slugs, page, proofs)
    data = render_status(project, guides).encode("utf-8")
    if not page.is_file() or page.read_bytes() != data:
        try:
            atomic_write(page, data)
        except OSError as exc:
            raise RenderError(f"cannot write the status page ({exc.strerror}); choose a folder that can be "
                              "written with --out", str(status_page)) from exc
    return page
