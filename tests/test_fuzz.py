"""Malformed guides and catalogs never crash or hang: seeded mutants, hypothesis, and the CLI on a few."""

from __future__ import annotations

import random
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from fuzz.campaign import GUIDE_FRAGMENTS, PO_FRAGMENTS, TIME_LIMIT, campaign, make_project, mutate

# Deterministic in CI, and patient with a loaded two-core machine.
FUZZ = settings(derandomize=True, deadline=2000, max_examples=150, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CLI_ERROR = re.compile(r"^error: (guides/[\w-]+/guide\.md|locales/[\w/-]+\.pot?):\d+: \S.*$")


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("fuzz") / "project")


def _assert_clean(tallies) -> None:
    for kind, tally in tallies.items():
        details = [f"{outcome.status}: {outcome.detail[-600:]}" for _mutant, outcome in tally.failures[:3]]
        assert (tally.tracebacks, tally.bad_messages, tally.over_time) == (0, 0, 0), (kind, details)
        assert tally.errors > tally.mutants // 4, kind  # the mutants really are malformed, mostly


def test_guide_mutants_give_path_line_errors_in_time(fuzz_root):
    _assert_clean(campaign(fuzz_root, 170, seed=1, kinds=("guide",), limit=TIME_LIMIT))


def test_catalog_mutants_give_path_line_errors_in_time(fuzz_root):
    _assert_clean(campaign(fuzz_root, 150, seed=2, kinds=("po",), limit=TIME_LIMIT))


MARKUP = st.lists(st.sampled_from(list("ab *`[]{}^\\1_") + ["**", "]{1}", "[^n]", "\u0645"]), max_size=40).map("".join)


@FUZZ
@given(MARKUP)
def test_inline_markup_parses_or_says_why_and_round_trips(text):
    from guidebuilder.inline import MarkupError, parse, serialize

    try:
        nodes = parse(text)
    except MarkupError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert parse(serialize(nodes)) == nodes


FRONT_MATTER_LINE = st.one_of(
    st.sampled_from(["title: T", "title:", "date: 2026-02-30", "date: 2026-03-15", "<<: {title: x}", "version: 1.5",
                     "subtitle: [a", "summary: >", "  folded", "organization x", "- a", "? x", ": y", "&a x", "*a",
                     "license: !!binary x", "contact: {a: b}", "date: 2026-11-01 25:00:00", "\"title\": 'q'"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
)


@FUZZ
@given(st.lists(FRONT_MATTER_LINE, max_size=8))
def test_any_front_matter_reads_or_gives_one_path_line_error_per_problem(fuzz_root, lines):
    from guidebuilder.errors import SourceError
    from guidebuilder.source import read_guide

    guide = fuzz_root / "guides" / "fixture" / "guide.md"
    original = guide.read_bytes()
    guide.write_text("---\n" + "\n".join(lines) + "\n---\n\nText.\n", encoding="utf-8")
    try:
        read_guide(fuzz_root, "fixture")
    except SourceError as exc:
        for line in str(exc).splitlines():
            assert re.match(r"^guides/fixture/guide\.md:\d+: \S", line), line
    finally:
        guide.write_bytes(original)


def _snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("kind,seed", [("guide", 11), ("guide", 12), ("guide", 13), ("po", 21), ("po", 22)])
def test_cli_on_a_mutant_prints_error_lines_and_keeps_earlier_outputs(project, kind, seed):
    """Through the command a user runs: exit 0, or exit 1 with only `error: path:line: ...` lines."""
    shutil.copytree(ROOT / "tests/data/project/locales", project / "locales", dirs_exist_ok=True)
    env = {"SOURCE_DATE_EPOCH": "1773532800"}
    assert run_cli("extract", cwd=project, env=env).code == 0
    assert run_cli("update", cwd=project).code == 0
    target = (project / "guides/fixture/guide.md" if kind == "guide"
              else project / "locales/bn/LC_MESSAGES/fixture.po")
    rng = random.Random(seed)
    while True:  # a mutant the readers refuse, so the test exercises the error path
        mutant = mutate(target.read_bytes(), GUIDE_FRAGMENTS if kind == "guide" else PO_FRAGMENTS, rng)
        if b"\x00" not in mutant and mutant != target.read_bytes():
            break
    before = _snapshot(project / "locales")
    target.write_bytes(mutant)
    result = run_cli("extract" if kind == "guide" else "update", cwd=project, env=env)
    assert "Traceback" not in result.stderr
    assert result.code in (0, 1), result.stderr
    if result.code == 1:
        assert all(CLI_ERROR.match(line) for line in result.stderr.splitlines()), result.stderr
        if kind == "po":
            after = _snapshot(project / "locales")
            after[target] = before[target]
            assert after == before
        else:
            assert _snapshot(project / "locales") == before
