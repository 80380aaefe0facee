"""Build: every guide x language to its outputs (PDF, web page), in parallel and incrementally.

The stages, in order: read each guide and decide which languages are published
(policy), plan which jobs run and which earlier results are reused (planner),
run the jobs (executor; each job makes its outputs, outputs/), then write the
manifest and portal (site) and the state the next build starts from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from . import outputs
from .catalogs import atomic_write
from .check import Finding, check_language
from .chrome import check_chrome
from .config import Project, guide_slugs
from .errors import GuideError
from .executor import Finished, build_workers, run_jobs, start_workers, where_weasyprint_runs, write_errors_log
from .fingerprint import job_key
from .fonts import load_manifest
from .job import build_one
from .locales import facts_for
from .model import BuildReport, JsonObject, LanguageResult, Status
from .planner import (
    Plan,
    decision_record,
    kept_result,
    output_record,
    plan_guide,
    published,
    remembered,
    remembered_result,
)
from .policy import Decision, Fail, Keep, Publish, decide
from .site import (
    MANIFEST,
    listed_paths,
    manifest_report,
    read_site_manifest,
    remove_listed,
    site_files,
    whole_site,
    write_site,
)
from .source import Guide, read_guide
from .state import BuildOptions, harfbuzz_subset_warning, last_build_record, load_state
from .translate import Translation, load_translation

Progress = Callable[[str, "LanguageResult | None"], None]


def build(project: Project, slugs: list[str], options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the guides; returns the report (the caller decides the exit code)."""
    report = BuildReport(warnings=[w for w in (harfbuzz_subset_warning(),) if w])
    _clean_temp_files(options.state_dir)
    load_manifest(project)  # fail early when fonts are missing
    kinds = outputs.selected(options.formats)
    langs = options.langs or project.all_languages()
    state = load_state(options.state_dir)
    # What the site held before: only these files may be removed (never a file guidebuilder did not list).
    previous = read_site_manifest(options.out_dir)
    listed_before = listed_paths(previous) | set(state.get("pending_removal", []))
    earlier = manifest_report(options.out_dir, previous)  # what the state file may not know: a merged or restored site
    finished: list[Finished] = []
    report.workers = build_workers(options.jobs)
    with start_workers(options, report.workers) as pool:  # the workers warm up while the build plans
        plan, decisions, editions, loaded = plan_build(project, slugs, langs, options, state, report)
        if progress:
            progress("start", None)
            for result in plan.known.values():
                progress("done", result)
        for done in run_jobs(project, plan.jobs, options, kinds, build_one, loaded, pool):
            finished.append(done)
            if progress:
                progress("done", done.result)
        if options.only_formats:  # --format: the kinds not asked for keep their earlier files on the site
            finished = [replace(f, result=with_earlier_outputs(f.result, state, options.out_dir, earlier))
                        for f in finished]
        results = {**plan.known, **{(f.spec.slug, f.spec.lang): f.result for f in finished}}
        report.results = [results[(slug, lang)] for slug in slugs for lang in langs if (slug, lang) in results]
        # One warning per problem: an image too large is the same in every language and output.
        report.warnings += dict.fromkeys(warning for result in report.results for warning in result.warnings)
        log = write_errors_log(options.state_dir, finished)
        if log:
            report.warnings.append(f"unexpected errors (a bug in guidebuilder); their tracebacks are in {log}")
        state = next_state(project, slugs, options, state, finished, decisions, editions, report)
        site = whole_site(project, report, state, options.pairs, earlier)
        # The portal is made while the workers, which have WeasyPrint loaded, are still there.
        writes, listed = site_files(project, options.out_dir, site, where_weasyprint_runs(options, pool))
    stale = sorted(path for path in listed_before - listed if _owned(path, options.pairs, slugs))
    if stale:  # recorded first: a build killed before removing them leaves the list for the next one
        _write_state(options.state_dir, {**state, "pending_removal": stale})
    write_site(options, writes)
    remove_listed(options.out_dir, stale)
    report.manifest_path = str(options.out_dir / MANIFEST)
    _write_state(options.state_dir, state)
    return report


def plan_build(project: Project, slugs: list[str], langs: list[str], options: BuildOptions, state: JsonObject,
               report: BuildReport) -> tuple[Plan, dict[str, JsonObject], dict[str, JsonObject],
                                             dict[tuple[str, str], Translation]]:
    """Read each guide, decide every language (or recall the decision), and plan the jobs.

    Returns the plan, the decisions as the state file keeps them, the source edition
    each language was last complete in (by "slug/lang"), and the catalogs the
    decisions loaded, for the jobs to render with.
    """
    plan = Plan()
    records: dict[str, JsonObject] = dict(state.get("decisions", {}))
    editions: dict[str, JsonObject] = dict(state.get("editions", {}))
    loaded: dict[tuple[str, str], Translation] = {}
    chrome_findings: dict[str, list[Finding]] = {}  # by language: the chrome catalog is every guide's
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
        follows: dict[str, JsonObject] = {}
        for lang in project.all_languages():  # every language's decision shapes the language menus
            key = job_key(project, slug, lang, [options.include_fuzzy, project.withdraw_below_coverage,
                                                *(["proof"] if options.proof else [])])
            # --force rebuilds what was asked for; another language's decision on the same inputs stands
            decision = remembered(state, slug, lang, key, options.force and lang in langs)
            if decision is None:
                decision, translation = gather_decision(project, guide, lang, options, state, chrome_findings)
                if translation is not None:
                    loaded[(slug, lang)] = translation
            decisions[lang] = decision
            directions[lang] = facts_for(lang).direction
            records[f"{slug}/{lang}"] = decision_record(key, decisions[lang], directions[lang])
            if lang != project.source_language and isinstance(decision, Publish):
                if decision.coverage >= 1:
                    editions[f"{slug}/{lang}"] = source_edition(guide.meta)
                elif f"{slug}/{lang}" in editions:
                    follows[lang] = editions[f"{slug}/{lang}"]
        menu = list(published(decisions))
        extra = () if options.only_formats else tuple(k for k in guide.formats if k not in options.formats)
        settings = [menu, sorted(options.formats + extra), options.include_fuzzy, options.proof,
                    options.paper or project.paper, *(["marks"] if options.marks else []),
                    *(["block ids"] if options.block_ids else [])]
        if extra:  # what the extra kinds print or link to
            settings += [project.site_url, project.card_size, project.card_back]
        keys = {lang: job_key(project, slug, lang, [*settings, follows.get(lang)]) for lang in langs if lang in menu}
        guide_plan = plan_guide(slug, langs, decisions, directions, keys, state,
                                lambda rel: (options.out_dir / rel).is_file(), options.force, extra)
        if options.pairs is not None:  # a shard: every decision is taken (the menus need them), its pairs built
            guide_plan.jobs = [spec for spec in guide_plan.jobs if (spec.slug, spec.lang) in options.pairs]
            guide_plan.known = {pair: known for pair, known in guide_plan.known.items() if pair in options.pairs}
        plan.jobs += [replace(spec, follows=follows.get(spec.lang)) for spec in guide_plan.jobs]
        plan.known.update(guide_plan.known)
    jobs = {(spec.slug, spec.lang) for spec in plan.jobs}
    return plan, records, editions, {name: translation for name, translation in loaded.items() if name in jobs}


def source_edition(meta: JsonObject) -> JsonObject:
    """The source's edition: front matter version and date; the build date (SOURCE_DATE_EPOCH) when it has no date."""
    date = meta.get("date")
    if not isinstance(date, dt.date):
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit() else dt.datetime.now(dt.UTC)
        date = when.date()
    version = meta.get("version")
    return {"version": str(version) if version is not None else None, "date": date.isoformat()}


def gather_decision(project: Project, guide: Guide, lang: str, options: BuildOptions,
                    state: JsonObject, chrome_findings: dict[str, list[Finding]] | None = None
                    ) -> tuple[Decision, Translation | None]:
    """Gather what the policy needs for one language (check findings, coverage) and decide.

    Returns the decision and the loaded catalog, which the page is then rendered from;
    chrome_findings keeps each language's chrome check for the next guide.
    """
    try:
        facts_for(lang, project)  # a language no bundled font covers fails here, with what to do
    except GuideError as exc:
        return Fail(str(exc)), None
    findings = check_language(project, guide.slug, lang, options.include_fuzzy)
    chrome = chrome_findings if chrome_findings is not None else {}
    if lang not in chrome:
        chrome[lang] = check_chrome(project, lang, options.include_fuzzy)
    findings += chrome[lang]  # the page's interface text
    translation, coverage, unreadable = None, 0.0, ""
    try:
        translation = load_translation(project, guide.slug, lang, options.include_fuzzy)
        coverage = translation.coverage_of(guide.messages())
    except GuideError as exc:
        unreadable = str(exc)
    # An earlier edition stays below the threshold while the catalog is there, its files are, and no setting says
    # to withdraw it.
    earlier = (not project.withdraw_below_coverage and project.po_path(lang, guide.slug).is_file()
               and kept_result(state, guide.slug, lang, Keep("", 0.0),
                               lambda rel: (options.out_dir / rel).is_file()) is not None)
    return decide(findings, coverage, project.min_coverage_for(guide.slug), lang == project.source_language,
                  unreadable, options.proof, earlier), translation


def _owned(rel: str, pairs: frozenset[tuple[str, str]] | None, slugs: list[str]) -> bool:
    """Whether this build may remove a file the site listed: a shard (pairs) only its own pairs' and the portal's.

    A shard run into a folder that holds a whole site leaves the other pairs' pages there.
    """
    parts = rel.split("/")
    if pairs is None or len(parts) < 3 or parts[0] not in slugs:
        return True
    return (parts[0], parts[1]) in pairs


def with_earlier_outputs(result: LanguageResult, state: JsonObject, out_dir: Path,
                         listed: BuildReport | None = None) -> LanguageResult:
    """A published result plus the earlier outputs of the kinds this build did not make, still on disk.

    `build-guides --format html` rebuilds the page alone: the PDF, cards and images an
    earlier build published stay listed (and so stay on the site), never removed as stale.
    listed, the site's previous manifest, stands in when the state file has no record.
    """
    earlier = remembered_result(state, result.slug, result.lang) or next(
        (r for r in (listed.results if listed else []) if (r.slug, r.lang) == (result.slug, result.lang)), None)
    if result.status is not Status.PUBLISHED or earlier is None or not earlier.live:
        return result
    made = {output.kind for output in result.outputs}
    kept = [output for output in earlier.outputs if output.kind not in made and (out_dir / output.path).is_file()]
    return replace(result, outputs=[*result.outputs, *kept]) if kept else result


def next_state(project: Project, slugs: list[str], options: BuildOptions, state: JsonObject, finished: list[Finished],
               decisions: dict[str, JsonObject], editions: dict[str, JsonObject], report: BuildReport) -> JsonObject:
    """The state file after this build: published jobs' records, every decision, the whole-build record.

    A language no longer on the site, and a guide or language no longer in the project, leave nothing behind.
    """
    new_state = dict(state)
    new_state.pop("pending_removal", None)
    for done in finished:
        name = f"{done.spec.slug}/{done.spec.lang}"
        if done.result.status is Status.PUBLISHED:
            new_state[name] = output_record(done.spec.key, done.result)
        else:
            new_state.pop(name, None)
    for result in report.results:
        if not result.live:
            new_state.pop(f"{result.slug}/{result.lang}", None)
    names = {f"{slug}/{lang}" for slug in guide_slugs(project.root) for lang in project.all_languages()}
    for name in [name for name in new_state if "/" in name and name not in names]:
        del new_state[name]
    new_state["last_build"] = last_build_record(project, slugs, options, report)
    new_state["decisions"] = {name: record for name, record in decisions.items() if name in names}
    new_state["editions"] = {name: record for name, record in editions.items() if name in names}
    titles = {**state.get("titles", {}), **report.titles}
    new_state["titles"] = {slug: title for slug, title in titles.items() if slug in guide_slugs(project.root)}
    return new_state


def _write_state(state_dir: Path, state: JsonObject) -> None:
    data = (json.dumps(state, indent=1, sort_keys=True) + "\n").encode()
    path = state_dir / "state.json"
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)


def _clean_temp_files(state_dir: Path) -> None:
    """Remove temp files a killed build may have left in the staging folder."""
    staging = state_dir / "tmp"
    if staging.is_dir():
        shutil.rmtree(staging)
