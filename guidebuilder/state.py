"""Build state: what a build needs to know before importing the heavy stages.

Options, results and the checksums that decide what is up to date live here so
that a build with nothing to do answers from build/.guidebuilder/state.json
without loading WeasyPrint, ICU, fonts or catalogs.
"""

from __future__ import annotations

import ctypes.util
import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from . import __version__
from .config import CHROME_DOMAIN, Project

STATE_DIR = ".guidebuilder"


@dataclass
class BuildOptions:
    """What to build and how."""

    out_dir: Path
    guides: list[str] | None = None
    langs: list[str] | None = None
    formats: tuple[str, ...] = ("pdf", "html")
    jobs: int = 0
    force: bool = False
    include_fuzzy: bool = False
    proof: bool = False
    paper: str | None = None


@dataclass
class LanguageResult:
    """One guide x language in the manifest."""

    slug: str
    lang: str
    dir: str
    status: str  # published, skipped, failed
    reason: str = ""
    coverage: float = 0.0
    html: str | None = None
    pdf: str | None = None
    pdf_pages: int | None = None
    pdf_bytes: int | None = None
    sha256: str | None = None
    rebuilt: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # layout problems the reader would see

    def manifest_entry(self) -> dict:
        entry = asdict(self)
        for key in ("slug", "rebuilt", "seconds"):
            entry.pop(key)
        if not entry["warnings"]:
            entry.pop("warnings")
        return entry


@dataclass
class BuildReport:
    """Everything a build did, for the summary table and the exit code."""

    results: list[LanguageResult] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    manifest_path: str = ""

    @property
    def failed(self) -> list[LanguageResult]:
        return [r for r in self.results if r.status == "failed"]


def harfbuzz_subset_warning() -> str | None:
    """One line when libharfbuzz-subset is missing (WeasyPrint then subsets with fontTools, far slower)."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return None
    return ("libharfbuzz-subset is not installed: PDF font subsetting falls back to fontTools and is much "
            "slower on CJK fonts; install it with 'apt-get install libharfbuzz-subset0'")


def _hash_tree(digest: "hashlib._Hash", root: Path) -> None:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())


_package_digest: str | None = None


def package_digest() -> str:
    """Version and source of guidebuilder itself (code, templates, interface strings)."""
    global _package_digest
    if _package_digest is None:
        digest = hashlib.sha256(__version__.encode())
        _hash_tree(digest, Path(str(resources.files("guidebuilder"))))
        _package_digest = digest.hexdigest()
    return _package_digest



def load_state(out_dir: Path) -> dict:
    """build/.guidebuilder/state.json, or {} when missing or unreadable."""
    path = out_dir / STATE_DIR / "state.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def whole_key(project: Project, slugs: list[str], langs: list[str], options: BuildOptions) -> str:
    """Checksum of every input of a whole build: guidebuilder, settings, fonts, guides, catalogs."""
    digest = hashlib.sha256(package_digest().encode())
    for path in (project.config_path, project.fonts_dir / "manifest.json"):
        digest.update(path.read_bytes() if path.is_file() else b"-")
    for slug in slugs:
        _hash_tree(digest, project.guides_dir / slug)
        for lang in project.all_languages():  # other languages' coverage decides the language switchers
            path = project.po_path(lang, slug)
            digest.update(f"{lang}/{slug}".encode())
            digest.update(path.read_bytes() if path.is_file() else b"-")
    for lang in project.all_languages():  # the pages' interface text
        path = project.po_path(lang, CHROME_DOMAIN)
        digest.update(f"{lang}/{CHROME_DOMAIN}".encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    settings = [slugs, langs, sorted(options.formats), options.include_fuzzy, options.proof,
                options.paper or project.paper, str(project.locales_dir)]
    digest.update(json.dumps(settings).encode())
    return digest.hexdigest()


def unchanged_report(project: Project, slugs: list[str], options: BuildOptions) -> BuildReport | None:
    """The previous build's report when no input changed and its outputs are in place, else None."""
    if options.force:
        return None
    state = load_state(options.out_dir)
    last = state.get("last_build")
    langs = options.langs or project.all_languages()
    if not last or last.get("key") != whole_key(project, slugs, langs, options):
        return None
    results = [LanguageResult(**{**record, "rebuilt": False, "seconds": 0.0}) for record in last["results"]]
    if any(r.status == "failed" for r in results):
        return None  # a failure may have been passing (a killed worker, a full disk): try again
    for result in results:
        for rel in (result.html, result.pdf):
            if rel and not (options.out_dir / rel).is_file():
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


def last_build_record(project: Project, slugs: list[str], options: BuildOptions, report: BuildReport) -> dict:
    """What unchanged_report needs from this build."""
    langs = options.langs or project.all_languages()
    return {"key": whole_key(project, slugs, langs, options), "titles": report.titles,
            "results": [{k: v for k, v in asdict(r).items() if k not in ("rebuilt", "seconds")}
                        for r in report.results]}
