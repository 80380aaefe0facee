"""Planning: which guide x language jobs run, and which earlier results are reused.

Pure functions of the state file's contents, this build's keys and decisions, and
whether the earlier outputs are still on disk (asked through a callable); they
build and write nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .model import RUN_ONLY, JsonObject, LanguageResult, Status
from .policy import Decision, Fail, Keep, Publish, Skip


@dataclass(frozen=True)
class JobSpec:
    """One guide x language to build, with the languages its page links to and its output key."""

    slug: str
    lang: str
    published: tuple[str, ...]
    key: str
    coverage: float
    formats: tuple[str, ...] = ()  # the kinds the guide asks for besides the build's own (front matter formats:)
    held: str = ""  # a proof's: why the language would not be published outside the proof
    follows: JsonObject | None = None  # the source edition an incomplete translation follows, for its notice


@dataclass
class Plan:
    """The jobs to run, and the results known without running anything."""

    jobs: list[JobSpec] = field(default_factory=list)
    known: dict[tuple[str, str], LanguageResult] = field(default_factory=dict)


_KINDS: dict[str, type[Decision]] = {Status.PUBLISHED.value: Publish, Status.OUTDATED.value: Keep,
                                     Status.SKIPPED.value: Skip, Status.FAILED.value: Fail}
_STATUS = {Publish: Status.PUBLISHED, Keep: Status.OUTDATED, Skip: Status.SKIPPED, Fail: Status.FAILED}


def decision_record(key: str, decision: Decision, direction: str) -> JsonObject:
    """A decision as the state file keeps it."""
    status = _STATUS[type(decision)]
    reason = decision.held if isinstance(decision, Publish) else decision.reason
    return {"key": key, "dir": direction, "status": status.value, "reason": reason, "coverage": decision.coverage}


def _decision(record: JsonObject) -> Decision:
    kind = _KINDS[record["status"]]
    if issubclass(kind, Publish):
        return Publish(record["coverage"], record.get("reason", ""))
    return kind(record["reason"], record["coverage"])


def remembered(state: JsonObject, slug: str, lang: str, key: str, force: bool) -> Decision | None:
    """The decision an earlier build took on the same inputs, or None when it must be taken again."""
    record = state.get("decisions", {}).get(f"{slug}/{lang}")
    if force or not record or record.get("key") != key or record.get("status") not in _KINDS:
        return None
    return _decision(record)


def decided_result(slug: str, lang: str, direction: str, decision: Skip | Fail) -> LanguageResult:
    """The result of a language that is not published."""
    status = Status.SKIPPED if isinstance(decision, Skip) else Status.FAILED
    return LanguageResult(slug, lang, direction, status, decision.reason, coverage=decision.coverage)


def published(decisions: dict[str, Decision]) -> tuple[str, ...]:
    """The languages on the site, kept outdated editions too, in the given order (every page's language menu)."""
    return tuple(lang for lang, decision in decisions.items() if isinstance(decision, (Publish, Keep)))


def kept_result(state: JsonObject, slug: str, lang: str, decision: Keep,
                exists: Callable[[str], bool] | None = None) -> LanguageResult | None:
    """The last published edition, marked outdated, when its record (and, asked through exists, its files) remain."""
    record = state.get(f"{slug}/{lang}", {}).get("record")
    if not record:
        return None
    try:
        result = LanguageResult.from_dict({"slug": slug, **record}, status=Status.OUTDATED, reason=decision.reason,
                                          coverage=decision.coverage)
    except (KeyError, TypeError, ValueError):
        return None  # written by an older guidebuilder
    if not result.outputs or (exists and not all(exists(path) for o in result.outputs for path in o.paths())):
        return None
    return result


def plan_guide(slug: str, langs: Iterable[str], decisions: dict[str, Decision], directions: dict[str, str],
               keys: dict[str, str], state: JsonObject, exists: Callable[[str], bool], force: bool,
               formats: tuple[str, ...] = ()) -> Plan:
    """Plan one guide's languages: decided ones as they are, unchanged published ones reused, the rest as jobs.

    keys holds the output key of every language to publish; an earlier result is
    reused when its key matches and all its outputs are still there.
    """
    plan = Plan()
    menu = published(decisions)
    for lang in langs:
        decision = decisions[lang]
        if isinstance(decision, Keep):
            kept = kept_result(state, slug, lang, decision, exists)
            plan.known[(slug, lang)] = kept or decided_result(
                slug, lang, directions[lang], Skip(f"{decision.reason.split(';')[0]}; no earlier edition to keep",
                                                   decision.coverage))
            continue
        if not isinstance(decision, Publish):
            plan.known[(slug, lang)] = decided_result(slug, lang, directions[lang], decision)
            continue
        previous = state.get(f"{slug}/{lang}")
        if not force and previous and previous.get("key") == keys[lang]:
            try:
                result = LanguageResult.from_dict({"slug": slug, **previous["record"]})
            except (KeyError, TypeError, ValueError):
                result = None  # written by an older guidebuilder
            if result is not None and result.outputs and all(exists(path) for output in result.outputs
                                                             for path in output.paths()):
                plan.known[(slug, lang)] = result
                continue
        plan.jobs.append(JobSpec(slug, lang, menu, keys[lang], decision.coverage, formats, decision.held))
    return plan


def output_record(key: str, result: LanguageResult) -> JsonObject:
    """A published result as the state file keeps it, for the next build to reuse."""
    return {"key": key, "record": result.to_dict(omit=("slug", *RUN_ONLY))}


def remembered_result(state: JsonObject, slug: str, lang: str) -> LanguageResult | None:
    """What earlier builds left for a guide x language this build did not touch."""
    decided = state.get("decisions", {}).get(f"{slug}/{lang}")
    decision = _decision(decided) if decided and decided.get("status") in _KINDS else None
    if isinstance(decision, Keep):
        return kept_result(state, slug, lang, decision)
    record = state.get(f"{slug}/{lang}", {}).get("record")
    if record:
        return LanguageResult.from_dict({"slug": slug, **record})
    if isinstance(decision, (Skip, Fail)):
        return decided_result(slug, lang, decided["dir"], decision)
    return None
