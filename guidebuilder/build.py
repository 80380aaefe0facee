"""Build: every guide x language to its outputs (PDF, web page), in parallel and incrementally.

The stages, in order: read each guide and decide which languages are published
(policy), plan which jobs run and which earlier results are reused (planner),
run the jobs (executor; each job makes its outputs, outputs/), then write the
manifest and portal (site) and the state the next build starts from.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from . import outputs
from .catalogs import atomic_write
from .check import check_language
from .chrome import check_chrome
from .config import Project
from .errors import GuideError
from .executor import Finished, run_jobs, write_errors_log
from .fingerprint import job_key
from .fonts import load_manifest
from .job import build_one
from .locales import facts_for
from .model import BuildReport, JsonObject, LanguageResult, Status
from .planner import Plan, decision_record, output_record, plan_guide, published, remembered
from .policy import Decision, Fail, decide
from .site import whole_site, write_site
from .source import Guide, read_guide
from .state import STATE_DIR, BuildOptions, harfbuzz_subset_warning, last_build_record, load_state
from .translate import Translation, load_translation

Progress = Callable[[str, "LanguageResult | None"], None]


def build(project: Project, slugs: list[str], options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the guides; returns the report (the caller decides the exit code)."""
    report = BuildReport(warnings=[w for w in (harfbuzz_subset_warning(),) if w])
    _clean_temp_files(options.out_dir)
    load_manifest(project)  # fail early when fonts are missing
    kinds = outputs.selected(options.formats)
    langs = options.langs or project.all_languages()
    state = load_state(options.out_dir)
    plan, decisions, loaded = plan_build(project, slugs, langs, options, state, report)
    if progress:
        progress("start", None)
        for result in plan.known.values():
            progress("done", result)
    finished: list[Finished] = []
    for done in run_jobs(project, plan.jobs, options, kinds, build_one, loaded):
        finished.append(done)
        if progress:
            progress("done", done.result)
    results = {**plan.known, **{(f.spec.slug, f.spec.lang): f.result for f in finished}}
    report.results = [results[(slug, lang)] for slug in slugs for lang in langs if (slug, lang) in results]
    # One warning per problem: an image too large is the same in every language and output.
    report.warnings += dict.fromkeys(warning for result in report.results for warning in result.warnings)
    log = write_errors_log(options.out_dir, finished)
    if log:
        report.warnings.append(f"unexpected errors (a bug in guidebuilder); their tracebacks are in {log}")
    state = next_state(project, slugs, options, state, finished, decisions, report)
    site = whole_site(project, report, state, options.pairs)
    write_site(project, options.out_dir, site, langs)
    report.manifest_path = site.manifest_path
    _write_state(options.out_dir, state)
    return report


def plan_build(project: Project, slugs: list[str], langs: list[str], options: BuildOptions, state: JsonObject,
               report: BuildReport) -> tuple[Plan, dict[str, JsonObject], dict[tuple[str, str], Translation]]:
    """Read each guide, decide every language (or recall the decision), and plan the jobs.

    Returns the plan, the decisions as the state file keeps them, and the catalogs
    the decisions loaded, for the jobs to render with.
    """
    plan = Plan()
    records: dict[str, JsonObject] = dict(state.get("decisions", {}))
    loaded: dict[tuple[str, str], Translation] = {}
    for slug in slugs:
        try:
            guide = read_guide(project.root, slug)
            report.titles[slug] = guide.meta.get("title", slug)
        except GuideError as exc:
            report.titles[slug] = slug
            for lang in (lang for lang in langs if options.pairs is None or (slug, lang) in options.pairs):
                plan.known[(slug, lang)] = LanguageResult(slug, lang, facts_for(lang).direction, Status.FAILED,
                                                          str(exc))
            continue
        decisions: dict[str, Decision] = {}
        directions: dict[str, str] = {}
        for lang in project.all_languages():  # every language's decision shapes the language menus
            key = job_key(project, slug, lang, [options.include_fuzzy])
            decision = remembered(state, slug, lang, key, options.force)
            if decision is None:
                decision, translation = gather_decision(project, guide, lang, options)
                if translation is not None:
                    loaded[(slug, lang)] = translation
            decisions[lang] = decision
            directions[lang] = facts_for(lang).direction
            records[f"{slug}/{lang}"] = decision_record(key, decisions[lang], directions[lang])
        menu = list(published(decisions))
        extra = () if options.only_formats else tuple(k for k in guide.formats if k not in options.formats)
        settings = [menu, sorted(options.formats + extra), options.include_fuzzy, options.proof,
                    options.paper or project.paper]
        if extra:  # what the extra kinds print or link to
            settings += [project.site_url, project.card_size, project.card_back]
        keys = {lang: job_key(project, slug, lang, settings) for lang in langs if lang in menu}
        guide_plan = plan_guide(slug, langs, decisions, directions, keys, state,
                                lambda rel: (options.out_dir / rel).is_file(), options.force, extra)
        if options.pairs is not None:  # a shard: every decision is taken (the menus need them), its pairs built
            guide_plan.jobs = [spec for spec in guide_plan.jobs if (spec.slug, spec.lang) in options.pairs]
            guide_plan.known = {pair: known for pair, known in guide_plan.known.items() if pair in options.pairs}
        plan.jobs += guide_plan.jobs
        plan.known.update(guide_plan.known)
    jobs = {(spec.slug, spec.lang) for spec in plan.jobs}
    return plan, records, {name: translation for name, translation in loaded.items() if name in jobs}


def gather_decision(project: Project, guide: Guide, lang: str,
                    options: BuildOptions) -> tuple[Decision, Translation | None]:
    """Gather what the policy needs for one language (check findings, coverage) and decide.

    Returns the decision and the loaded catalog, which the page is then rendered from.
    """
    try:
        facts_for(lang, project)  # a language no bundled font covers fails here, with what to do
    except GuideError as exc:
        return Fail(str(exc)), None
    findings = check_language(project, guide.slug, lang, options.include_fuzzy)
    findings += check_chrome(project, lang, options.include_fuzzy)  # the page's interface text
    translation, coverage, unreadable = None, 0.0, ""
    try:
        translation = load_translation(project, guide.slug, lang, options.include_fuzzy)
        coverage = translation.coverage_of(guide.messages())
    except GuideError as exc:
        unreadable = str(exc)
    return decide(findings, coverage, project.min_coverage_for(guide.slug), lang == project.source_language,
                  unreadable), translation


def next_state(project: Project, slugs: list[str], options: BuildOptions, state: JsonObject, finished: list[Finished],
               decisions: dict[str, JsonObject], report: BuildReport) -> JsonObject:
    """The state file after this build: published jobs' records, every decision, the whole-build record."""
    new_state = dict(state)
    for done in finished:
        name = f"{done.spec.slug}/{done.spec.lang}"
        if done.result.status is Status.PUBLISHED:
            new_state[name] = output_record(done.spec.key, done.result)
        else:
            new_state.pop(name, None)
    new_state["last_build"] = last_build_record(project, slugs, options, report)
    new_state["decisions"] = decisions
    new_state["titles"] = {**state.get("titles", {}), **report.titles}
    return new_state


def _write_state(out_dir: Path, state: JsonObject) -> None:
    data = (json.dumps(state, indent=1, sort_keys=True) + "\n").encode()
    path = out_dir / STATE_DIR / "state.json"
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)


def _clean_temp_files(out_dir: Path) -> None:
    """Remove temp files a killed build may have left in the staging folder."""
    staging = out_dir / STATE_DIR / "tmp"
    if staging.is_dir():
        shutil.rmtree(staging)
