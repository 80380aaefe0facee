"""The publishing policy, the planner and the executor (error lines, worker count), as plain functions, no build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guidebuilder import executor, planner
from guidebuilder.errors import CatalogError
from guidebuilder.executor import available_memory, describe, run_guarded, worker_count, write_errors_log
from guidebuilder.model import LanguageResult, Output, Status
from guidebuilder.planner import JobSpec, decision_record, output_record, plan_guide, remembered, remembered_result
from guidebuilder.policy import Fail, Publish, Skip, decide

PLANNER = Path(planner.__file__)


@dataclass
class F:
    """A check finding as policy sees it."""

    severity: str
    text: str

    def __str__(self) -> str:
        return self.text


# --- policy ---------------------------------------------------------------------------------------------------------

def test_policy_fails_on_the_first_error_and_counts_the_others():
    findings = [F("warning", "w"), F("error", "bn.po:12: error: placeholder: a"), F("error", "bn.po:30: b")]
    assert decide(findings, 1.0, 0.8) == Fail(
        "bn.po:12: error: placeholder: a (and 1 more; run 'guidebuilder check')", 1.0)
    assert decide(findings[:2], 1.0, 0.8) == Fail("bn.po:12: error: placeholder: a", 1.0)
    assert decide(findings[:2], 0.3214, 0.8).coverage == 0.3214  # a failed language still says how much is done


def test_policy_publishes_a_proof_whatever_is_wrong_and_says_why_it_would_be_held():
    assert decide([F("error", "bn.po:12: x")], 0.32, 0.8, proof=True) == Publish(0.32, "bn.po:12: x")
    assert decide([], 0.32, 0.8, proof=True) == Publish(
        0.32, "translated 32% of the guide's words, below min_coverage 80%")
    assert decide([], 0.0, 0.8, unreadable="bn.po:3: bad header", proof=True) == Fail("bn.po:3: bad header")


def test_policy_skips_below_the_threshold_and_says_by_how_much():
    assert decide([F("warning", "w")], 0.51234, 0.8) == Skip(
        "translated 51% of the guide's words, below min_coverage 80%", 0.5123)
    assert decide([], 0.8, 0.8) == Publish(0.8)


def test_policy_publishes_the_source_language_whatever_its_coverage():
    assert decide([], 0.0, 0.8, is_source=True) == Publish(0.0)


def test_policy_check_errors_come_before_an_unreadable_catalog():
    assert decide([], 0.0, 0.8, unreadable="bn.po:3: bad header") == Fail("bn.po:3: bad header")
    assert decide([F("error", "bn.po:1: x")], 0.0, 0.8, unreadable="bn.po:3: bad header") == Fail("bn.po:1: x")


# --- planner --------------------------------------------------------------------------------------------------------

def _published(slug: str, lang: str) -> LanguageResult:
    return LanguageResult(slug, lang, "ltr", Status.PUBLISHED, coverage=1.0, rebuilt=True, seconds=2.5,
                          outputs=[Output("pdf", f"{slug}/{lang}/{slug}-{lang}.pdf", 10, "ab", pages=2),
                                   Output("html", f"{slug}/{lang}/index.html", 5, "cd")])


def test_a_decision_is_remembered_only_for_the_same_key_and_without_force():
    state = {"decisions": {"g/bn": decision_record("k1", Skip("too little", 0.5), "ltr")}}
    assert remembered(state, "g", "bn", "k1", force=False) == Skip("too little", 0.5)
    assert remembered(state, "g", "bn", "k2", force=False) is None
    assert remembered(state, "g", "bn", "k1", force=True) is None
    assert remembered(state, "g", "ur", "k1", force=False) is None


def test_plan_reuses_an_unchanged_result_whose_outputs_are_there():
    state = {"g/bn": output_record("key-bn", _published("g", "bn"))}
    decisions = {"en": Publish(1.0), "bn": Publish(1.0), "ur": Skip("translated 10%", 0.1)}
    directions = {"en": "ltr", "bn": "ltr", "ur": "rtl"}
    plan = plan_guide("g", ["en", "bn", "ur"], decisions, directions, {"en": "key-en", "bn": "key-bn"}, state,
                      exists=lambda rel: True, force=False)
    assert plan.jobs == [JobSpec("g", "en", ("en", "bn"), "key-en", 1.0)]
    reused = plan.known[("g", "bn")]
    assert (reused.status, reused.rebuilt, reused.seconds, reused.pdf, reused.pdf_pages) == (
        Status.PUBLISHED, False, 0.0, "g/bn/g-bn.pdf", 2)
    skipped = plan.known[("g", "ur")]
    assert (skipped.status, skipped.reason, skipped.coverage, skipped.dir) == (Status.SKIPPED, "translated 10%", 0.1,
                                                                              "rtl")


def test_plan_rebuilds_when_an_output_is_gone_the_key_changed_or_forced():
    state = {"g/bn": output_record("key-bn", _published("g", "bn"))}
    decisions = {"bn": Publish(1.0)}
    gone = plan_guide("g", ["bn"], decisions, {"bn": "ltr"}, {"bn": "key-bn"}, state,
                      exists=lambda rel: not rel.endswith(".pdf"), force=False)
    changed = plan_guide("g", ["bn"], decisions, {"bn": "ltr"}, {"bn": "key-new"}, state, lambda rel: True, False)
    forced = plan_guide("g", ["bn"], decisions, {"bn": "ltr"}, {"bn": "key-bn"}, state, lambda rel: True, True)
    for plan in (gone, changed, forced):
        assert [(j.slug, j.lang) for j in plan.jobs] == [("g", "bn")] and not plan.known


def test_untouched_languages_come_back_from_the_state_file():
    state = {"g/bn": output_record("k", _published("g", "bn")),
             "decisions": {"g/ur": decision_record("k", Fail("ur.po:4: broken"), "rtl"),
                           "g/en": decision_record("k", Publish(1.0), "ltr")}}
    bn = remembered_result(state, "g", "bn")
    assert bn is not None and bn.to_dict(omit=("rebuilt", "seconds")) == _published("g", "bn").to_dict(
        omit=("rebuilt", "seconds"))
    ur = remembered_result(state, "g", "ur")
    assert ur is not None and (ur.status, ur.reason, ur.dir) == (Status.FAILED, "ur.po:4: broken", "rtl")
    assert remembered_result(state, "g", "en") is None  # published, but no outputs recorded


def test_one_serializer_round_trips_a_result():
    result = _published("g", "bn")
    assert LanguageResult.from_dict(result.to_dict()) == result
    entry = result.manifest_entry()
    assert list(entry) == ["lang", "dir", "status", "reason", "coverage", "html", "pdf", "pdf_pages", "pdf_bytes",
                           "sha256", "outputs"]
    assert entry["status"] == "published" and entry["pdf_bytes"] == 10 and entry["sha256"] == "ab"


# --- executor -------------------------------------------------------------------------------------------------------

def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_an_unexpected_exception_names_its_type_and_guidebuilder_line(tmp_path):
    spec = JobSpec("g", "bn", ("bn",), "k", 1.0)
    broken = {"decisions": {"g/bn": {"key": "k", "status": "published"}}}  # no coverage

    def run(project, spec, options, kinds, translation):
        remembered(broken, "g", "bn", "k", False)

    done = run_guarded(run, None, spec, None, [])
    line = _line_of(PLANNER, 'return Publish(record["coverage"], ')
    assert done.result.status is Status.FAILED
    assert done.result.reason == f"KeyError: 'coverage' (guidebuilder/planner.py:{line})"
    log = write_errors_log(tmp_path, [done])
    text = log.read_text()
    assert text.startswith(f"g/bn: KeyError: 'coverage' (guidebuilder/planner.py:{line})\nTraceback")
    assert f'planner.py", line {line}' in text


def test_a_guide_error_is_reported_as_it_is_without_a_traceback(tmp_path):
    def run(project, spec, options, kinds, translation):
        raise CatalogError("bad header; fix it", "locales/bn/LC_MESSAGES/g.po", 3)

    done = run_guarded(run, None, JobSpec("g", "bn", ("bn",), "k", 1.0), None, [])
    assert done.result.reason == "locales/bn/LC_MESSAGES/g.po:3: bad header; fix it" and done.trace == ""
    assert write_errors_log(tmp_path, [done]) is None and not (tmp_path / ".guidebuilder/errors.log").exists()


def test_describe_without_a_message_gives_the_type():
    try:
        raise MemoryError()
    except MemoryError as exc:
        assert describe(exc) == "MemoryError"


MB = 2**20


def test_workers_are_one_per_cpu_when_memory_holds_them():
    assert worker_count(cpus=2, available=23 * 1024 * MB, budget=400 * MB) == 2
    assert worker_count(cpus=16, available=8 * 1024 * MB, budget=400 * MB) == 16  # 8 GB holds 20


def test_workers_are_as_many_as_the_free_memory_holds():
    assert worker_count(cpus=16, available=2000 * MB, budget=400 * MB) == 5
    assert worker_count(cpus=8, available=1199 * MB, budget=400 * MB) == 2


def test_there_is_always_one_worker():
    assert worker_count(cpus=8, available=100 * MB, budget=400 * MB) == 1
    assert worker_count(cpus=None, available=None) == 1
    assert worker_count(cpus=4, available=None) == 4  # memory unknown: one per CPU


def test_available_memory_is_read_from_meminfo(tmp_path, monkeypatch):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24641848 kB\nMemFree:         1048576 kB\nMemAvailable:    2097152 kB\n")
    monkeypatch.setattr(executor, "MEMINFO", meminfo)
    assert available_memory() == 2048 * MB
    assert worker_count(cpus=8, available=available_memory(), budget=400 * MB) == 5
