"""Build state: what a build needs to know before importing the heavy stages.

Options, the state file and the whole-build check that decide what is up to date live here so
that a build with nothing to do answers from build/.guidebuilder/state.json
without loading WeasyPrint, ICU, fonts or catalogs.
"""

from __future__ import annotations

import ctypes.util
import json
from dataclasses import dataclass
from pathlib import Path

from .config import Project
from .fingerprint import site_key
from .model import RUN_ONLY, BuildReport, JsonObject, LanguageResult, Status

STATE_DIR = ".guidebuilder"


@dataclass
class BuildOptions:
    """What to build and how."""

    out_dir: Path
    guides: list[str] | None = None
    langs: list[str] | None = None
    formats: tuple[str, ...] = ("pdf", "html")
    only_formats: bool = False  # --format given: build those kinds alone, not also each guide's front matter formats
    jobs: int = 0
    force: bool = False
    include_fuzzy: bool = False
    proof: bool = False
    paper: str | None = None
    pairs: frozenset[tuple[str, str]] | None = None  # --shard: only these guide x language pairs


def harfbuzz_subset_warning() -> str | None:
    """One line when libharfbuzz-subset is missing (WeasyPrint then subsets with fontTools, far slower)."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return None
    return ("libharfbuzz-subset is not installed: PDF font subsetting falls back to fontTools and is much "
            "slower on CJK fonts; install it with 'apt-get install libharfbuzz-subset0'")


def load_state(out_dir: Path) -> JsonObject:
    """build/.guidebuilder/state.json, or {} when missing or unreadable."""
    path = out_dir / STATE_DIR / "state.json"
    try:
        state: JsonObject = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state


def whole_key(project: Project, slugs: list[str], langs: list[str], options: BuildOptions) -> str:
    """Checksum of every input of a whole build and its settings."""
    return site_key(project, slugs, [slugs, langs, sorted(options.formats), options.include_fuzzy, options.proof,
                                     options.paper or project.paper, str(project.locales_dir),
                                     *(["only formats"] if options.only_formats else []),
                                     *([sorted(options.pairs)] if options.pairs is not None else [])])


def unchanged_report(project: Project, slugs: list[str], options: BuildOptions) -> BuildReport | None:
    """The previous build's report when no input changed and its outputs are in place, else None."""
    if options.force:
        return None
    state = load_state(options.out_dir)
    last = state.get("last_build")
    langs = options.langs or project.all_languages()
    if not last or last.get("key") != whole_key(project, slugs, langs, options):
        return None
    try:
        results = [LanguageResult.from_dict(record) for record in last["results"]]
    except (TypeError, ValueError):
        return None  # written by an older guidebuilder
    if any(r.status is Status.FAILED for r in results):
        return None  # a failure may have been passing (a killed worker, a full disk): try again
    for result in results:
        for output in result.outputs:
            if not (options.out_dir / output.path).is_file():
                return None
    if not (options.out_dir / "manifest.json").is_file():
        return None
    report = BuildReport(results=results, titles=dict(last["titles"]),
                         manifest_path=str(options.out_dir / "manifest.json"))
    warning = harfbuzz_subset_warning()
    if warning:
        report.warnings.append(warning)
    report.warnings += [w for r in results for w in r.warnings]
    return report


def last_build_record(project: Project, slugs: list[str], options: BuildOptions, report: BuildReport) -> JsonObject:
    """What unchanged_report needs from this build."""
    langs = options.langs or project.all_languages()
    return {"key": whole_key(project, slugs, langs, options), "titles": report.titles,
            "results": [r.to_dict(omit=RUN_ONLY) for r in report.results]}
