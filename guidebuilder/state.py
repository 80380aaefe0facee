"""Build state: what a build needs to know before importing the heavy stages.

Options, the state file and the whole-build check that decide what is up to date live here so
that a build with nothing to do answers from build/.guidebuilder/site/state.json
without loading WeasyPrint, ICU, fonts or catalogs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .config import Project
from .fingerprint import site_key
from .model import RUN_ONLY, BuildReport, JsonObject, LanguageResult, Status

STATE_DIR = ".guidebuilder"
# The trees a build writes, side by side under the build folder (build/): only SITE is published;
# another unpublished tree (a status page, say) is one more name here and its own --out default.
# Each has its own state under build/.guidebuilder/<tree>/, outside every tree.
SITE = "site"
PROOF = "proof"
PSEUDO = "pseudo"
STATUS = "status"
BUILD_ROOT = Path("build")


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
    marks: bool = False  # crop marks and 1/8 in of bleed on the guide PDF
    keep_print_html: bool = False  # also write the HTML each PDF is typeset from (build/.guidebuilder/site/print/)
    block_ids: bool = False  # every block of the web page gets its anchor as id (screenshots build with it)
    pairs: frozenset[tuple[str, str]] | None = None  # --shard: only these guide x language pairs

    @property
    def state_dir(self) -> Path:
        """Where this tree's build state lives: beside the tree, never inside it (build/.guidebuilder/site)."""
        return self.out_dir.parent / STATE_DIR / self.out_dir.name


def harfbuzz_subset_warning() -> str | None:
    """One line when libharfbuzz-subset is missing (WeasyPrint then subsets with fontTools, far slower)."""
    from .libraries import find_library

    if find_library("harfbuzz-subset"):
        return None
    return ("libharfbuzz-subset is not installed: PDF font subsetting falls back to fontTools and is much "
            "slower on CJK fonts; install it with 'apt-get install libharfbuzz-subset0'")


def tree_dir(name: str) -> Path:
    """The default folder of one tree, relative to the project: build/site, build/proof, build/pseudo."""
    return BUILD_ROOT / name


# Where a proof build and the status page go by default, relative to the folder the commands run in.
PROOF_DIR = tree_dir(PROOF)
STATUS_PAGE = tree_dir(STATUS) / "index.html"


def load_state(state_dir: Path) -> JsonObject:
    """build/.guidebuilder/<tree>/state.json, or {} when missing or unreadable."""
    path = state_dir / "state.json"
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
                                     *(["marks"] if options.marks else []),
                                     *(["block ids"] if options.block_ids else []),
                                     *([sorted(options.pairs)] if options.pairs is not None else [])])


def unchanged_report(project: Project, slugs: list[str], options: BuildOptions) -> BuildReport | None:
    """The previous build's report when no input changed and its outputs are in place, else None."""
    if options.force:
        return None
    state = load_state(options.state_dir)
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
            if not all((options.out_dir / path).is_file() for path in output.paths()):  # a page's images too
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
