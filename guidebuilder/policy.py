"""Publishing policy: whether a language is published, skipped or failed, and why.

A pure function of what the build already gathered (check findings, the share of
the guide translated, the threshold); it reads no file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Finding(Protocol):
    """What policy needs of a check finding (check.Finding has it)."""

    @property
    def severity(self) -> str: ...


@dataclass(frozen=True)
class Publish:
    """The language is published (held: why it would not be, outside a reviewers' proof)."""

    coverage: float
    held: str = ""


@dataclass(frozen=True)
class Skip:
    """The language is not published yet: too little of it is translated."""

    reason: str
    coverage: float


@dataclass(frozen=True)
class Keep:
    """The language fell below the threshold: its last published edition stays, marked outdated."""

    reason: str
    coverage: float


@dataclass(frozen=True)
class Fail:
    """The language cannot be published until someone fixes what reason says."""

    reason: str
    coverage: float = 0.0


Decision = Publish | Keep | Skip | Fail


def decide(findings: Sequence[Finding], coverage: float, threshold: float, is_source: bool = False,
           unreadable: str = "", proof: bool = False, earlier_edition: bool = False) -> Decision:
    """Publish, or skip below the threshold, or fail on the first check error (the count of the others).

    unreadable says why the catalog could not be loaded for rendering, when it could not;
    earlier_edition, that an earlier build published the language and may keep it below the threshold.
    A proof publishes whatever a reviewer can read: check errors and low coverage only
    become the reason it would be held; an unreadable catalog still fails.
    """
    share = round(coverage, 4)
    errors = [f for f in findings if f.severity == "error"]
    first_error = ""
    if errors:
        more = f" (and {len(errors) - 1} more; run 'guidebuilder check')" if len(errors) > 1 else ""
        first_error = f"{errors[0]}{more}"
        if not proof:
            return Fail(first_error, share)
    if unreadable:
        return Fail(unreadable)
    if first_error:
        return Publish(share, first_error)
    if not is_source and coverage < threshold:
        reason = f"translated {coverage:.0%} of the guide's words, below min_coverage {threshold:.0%}"
        if proof:
            return Publish(share, reason)
        if earlier_edition:
            return Keep(f"{reason}; the last published edition stays until translators catch up", share)
        return Skip(reason, share)
    return Publish(share)
