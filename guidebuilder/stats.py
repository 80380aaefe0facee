"""Stats stage: how much of each guide each language has translated."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogs import Coverage, coverage, read_catalog
from .chrome import DOMAIN, ChromeStats
from .config import Project
from .memory import count_filled


@dataclass
class LanguageStats:
    """Coverage of one guide in one language."""

    slug: str
    lang: str
    coverage: Coverage
    po_path: str
    exists: bool
    memory: int = 0  # entries filled from translation memory (their note still there)

    def as_dict(self) -> dict[str, object]:
        c = self.coverage
        return {
            "lang": self.lang,
            "catalog": self.po_path,
            "exists": self.exists,
            "messages": {"translated": c.translated, "fuzzy": c.fuzzy, "untranslated": c.untranslated,
                         "total": c.total},
            "words": {"translated": c.translated_words, "fuzzy": c.fuzzy_words,
                      "untranslated": c.untranslated_words, "total": c.total_words},
            "memory": self.memory,
            "percent": round(100 * c.ratio, 1),
        }


def collect_stats(project: Project, slugs: list[str], langs: list[str]) -> list[LanguageStats]:
    """Coverage of every guide x language; a missing catalog counts as untranslated."""
    rows = []
    for slug in slugs:
        pot_path = project.pot_path(slug)
        pot = read_catalog(pot_path, project.rel(pot_path))
        for lang in langs:
            path = project.po_path(lang, slug)
            filled = 0
            if path.is_file():
                catalog = read_catalog(path, project.rel(path), expect_lang=lang)
                cov, filled = coverage(catalog), count_filled(catalog)
            else:
                cov = coverage(pot)
            rows.append(LanguageStats(slug, lang, cov, project.rel(path), path.is_file(), filled))
    return rows


def stats_json(rows: list[LanguageStats], chrome: list[ChromeStats] | None = None) -> dict[str, object]:
    """The JSON form of stats: guides with their languages, then the page chrome per language."""
    guides: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        guides.setdefault(row.slug, []).append(row.as_dict())
    data: dict[str, object] = {"guides": [{"slug": slug, "languages": langs} for slug, langs in guides.items()]}
    if chrome is not None:
        data["chrome"] = {"domain": DOMAIN, "languages": [row.as_dict() for row in chrome]}
    return data
