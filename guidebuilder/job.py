"""One guide in one language: load its inputs once, let each output kind make its files, then write them.

Runs in a worker process. Everything the outputs need is made in memory
before any file is written, and every file goes through a temp file and a
rename, so a killed build leaves the previous outputs intact.
"""

from __future__ import annotations

import time

from .catalogs import atomic_write
from .check import Finding, check_language
from .chrome import check_chrome, load_chrome
from .config import Project
from .fonts import cache_root, isolate_fontconfig
from .locales import facts_for
from .model import LanguageResult, Status
from .outputs import Job, Made, OutputKind, selected
from .planner import JobSpec
from .source import read_guide
from .state import BuildOptions
from .translate import Translation, load_translation


def load_job(project: Project, spec: JobSpec, options: BuildOptions, translation: Translation | None = None) -> Job:
    """Read the guide and the page chrome of one language, and its catalog unless the build has read it."""
    if translation is None:
        translation = load_translation(project, spec.slug, spec.lang, options.include_fuzzy)
    findings: tuple[Finding, ...] = ()
    if options.proof:  # a reviewer sees every check finding at its block
        findings = (*check_language(project, spec.slug, spec.lang, options.include_fuzzy),
                    *check_chrome(project, spec.lang, options.include_fuzzy))
    return Job(project=project, guide=read_guide(project.root, spec.slug), lang=spec.lang,
               facts=facts_for(spec.lang, project), source_facts=facts_for(project.source_language, project),
               translation=translation,
               chrome=load_chrome(project, spec.lang, options.include_fuzzy), published=spec.published,
               options=options, font_cache=cache_root() / "fonts", findings=findings, follows=spec.follows)


def build_one(project: Project, spec: JobSpec, options: BuildOptions, kinds: list[OutputKind],
              translation: Translation | None = None) -> LanguageResult:
    """Build one guide in one language into every selected kind of output (from translation, when loaded)."""
    started = time.monotonic()
    isolate_fontconfig(options.state_dir)
    job = load_job(project, spec, options, translation)
    if spec.formats:
        kinds = selected([*(kind.name for kind in kinds), *spec.formats])
    made: dict[str, Made] = {}
    for kind in kinds:
        made[kind.name] = kind.build(job, made)
    staging = options.state_dir / "tmp"
    writes = [file for done in made.values() for file in done.files]
    for path, data in writes:  # gather first, then write
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data, staging)
    keep = {path for path, _ in writes}
    for done in made.values():  # a kind's old files go only once its new ones are in place
        for folder in done.owns:
            for stale in folder.glob("*"):
                if stale not in keep and not stale.is_dir():  # a nested folder is owned on its own, or not at all
                    stale.unlink()
    return LanguageResult(spec.slug, spec.lang, job.facts.direction, Status.PUBLISHED, spec.held, spec.coverage,
                          outputs=[done.output for done in made.values()], rebuilt=True,
                          seconds=round(time.monotonic() - started, 3),
                          warnings=[w for done in made.values() for w in done.warnings], follows=spec.follows)
