"""Each malformed guide or catalog gives the one line a user sees: where, what is wrong, what to do."""

from __future__ import annotations

import time

import pytest

from conftest import FIXTURE_EPOCH, edit_guide

EPOCH = {"SOURCE_DATE_EPOCH": FIXTURE_EPOCH}
GUIDE = "guides/fixture/guide.md"
PO = "locales/bn/LC_MESSAGES/fixture.po"


def _snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _extract_fails(project, cli) -> str:
    """Run extract on a broken guide: exit 1, nothing written, the stderr returned."""
    before = _snapshot(project / "locales")
    result = cli("extract", cwd=project, env=EPOCH)
    assert (result.code, result.stdout) == (1, "")
    assert _snapshot(project / "locales") == before
    return result.stderr


@pytest.mark.parametrize("date,reason", [
    ("2026-13-45", "month must be in 1..12"),
    ("2026-02-30", "day is out of range for month"),
    ("2026-11-01 25:00:00", "hour must be in 0..23"),
])
def test_impossible_date(project, cli, date, reason):
    edit_guide(project, "date: 2026-03-15", f"date: {date}")
    assert _extract_fails(project, cli) == (f"error: {GUIDE}:7: date '{date}' is not a real date ({reason}); "
                                            "write it as YYYY-MM-DD, e.g. 2026-11-01\n")


@pytest.mark.parametrize("old,new,expected", [
    ("date: 2026-03-15", "date: March 2026",
     f"error: {GUIDE}:7: date 'March 2026' is not an ISO date; write it as YYYY-MM-DD, e.g. 2026-11-01\n"),
    ("title: Fixture Guide", '<<: {title: "x"}',
     f"error: {GUIDE}:1: front matter needs a 'title'; add a line 'title: ...'\n"
     f"error: {GUIDE}:2: merge keys (<<) are not supported in front matter; write each key on its own line\n"),
    # a later empty title: overriding a good one
    ("contact: test@example.org", "title:",
     f"error: {GUIDE}:9: 'title' is set twice (lines 2 and 9); keep one\n"),
    ("title: Fixture Guide", "title:",
     f"error: {GUIDE}:2: 'title' is empty; write a value after 'title:'\n"),
    # the closing --- deleted
    ("contact: test@example.org\n---\n", "contact: test@example.org\n",
     f"error: {GUIDE}:1: front matter is not closed; add a '---' line after its last key: value line\n"),
    ("organization: Test Organization", "organization Test Organization",
     f"error: {GUIDE}:5: front matter line 'organization Test Organization' has no ':'; write it as key: value\n"),
    ("organization: Test Organization", "organization: Test\x7f Organization",
     f"error: {GUIDE}:5: invisible control character U+007F at column 19; delete it\n"),
], ids=["not-a-date", "merge-key", "later-empty-title", "empty-title", "unclosed", "no-colon", "del-byte"])
def test_malformed_front_matter_line(project, cli, old, new, expected):
    edit_guide(project, old, new)
    assert _extract_fails(project, cli) == expected


def test_every_front_matter_problem_at_once(project, cli):
    edit_guide(project, 'version: "2.1"\ndate: 2026-03-15', "version: 2.1\ndate: 2026-02-30\nlicence: x")
    assert _extract_fails(project, cli) == (
        f"error: {GUIDE}:6: version must be text in quotes, e.g. version: \"2.1\"\n"
        f"error: {GUIDE}:7: date '2026-02-30' is not a real date (day is out of range for month); "
        "write it as YYYY-MM-DD, e.g. 2026-11-01\n"
        f"error: {GUIDE}:8: unknown front matter key 'licence'; known keys: title, subtitle, summary, "
        "organization, version, date, license, contact, formats\n")


def test_line_over_the_limit(project, cli):
    edit_guide(project, "# Level one\n", "# Level one\n\n" + "word " * 14000 + "\n")
    assert _extract_fails(project, cli) == (f"error: {GUIDE}:14: line is 68 KB long, over the 64 KB limit for "
                                            "one line; split it into paragraphs\n")


def test_run_of_footnote_openers_is_refused_quickly(project, cli):
    edit_guide(project, "# Level one\n", "# Level one\n\n" + "[^" * 30000 + "\n")
    started = time.monotonic()
    stderr = _extract_fails(project, cli)
    assert time.monotonic() - started < 20  # markdown-it alone would take minutes on this line
    assert stderr == (f"error: {GUIDE}:14: 30000 footnote openers '[^' without a closing ']'; write each "
                      "footnote reference as [^label]\n")


def _catalogs(project, cli):
    assert cli("extract", cwd=project, env=EPOCH).code == 0
    assert cli("update", cwd=project).code == 0
    return project / PO


def _update_fails(project, cli) -> str:
    before = _snapshot(project / "locales")
    result = cli("update", cwd=project)
    assert (result.code, result.stdout) == (1, "")
    assert _snapshot(project / "locales") == before
    return result.stderr


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_catalog_without_header(project, cli):
    po = _catalogs(project, cli)
    text = po.read_text()
    start = text.index('msgid ""')
    end = text.index("\n\n", start) + 2
    po.write_text(text[:start] + text[end:])
    first = _line(po.read_text(), "msgid ")
    assert _update_fails(project, cli) == (
        f"error: {PO}:{first}: catalog has no header entry; put back msgid \"\" and msgstr \"...\" with "
        "\"Content-Type: text/plain; charset=UTF-8\\n\" at the top\n")


def test_catalog_with_placeholder_charset(project, cli):
    po = _catalogs(project, cli)
    po.write_text(po.read_text().replace("charset=UTF-8", "charset=CHARSET"))
    line = _line(po.read_text(), '"Content-Type:')
    assert _update_fails(project, cli) == (
        f"error: {PO}:{line}: header says 'Content-Type: text/plain; charset=CHARSET'; catalogs must be UTF-8 "
        "(Content-Type: text/plain; charset=UTF-8)\n")


def test_catalog_without_content_type(project, cli):
    po = _catalogs(project, cli)
    text = po.read_text()
    po.write_text("".join(line for line in text.splitlines(keepends=True) if "Content-Type:" not in line))
    line = _line(text, 'msgid ""') + 1
    assert _update_fails(project, cli) == (
        f"error: {PO}:{line}: header has no Content-Type; add \"Content-Type: text/plain; charset=UTF-8\\n\" "
        "to the msgstr of the msgid \"\" entry\n")


def test_stray_newline_escape_between_entries(project, cli):
    po = _catalogs(project, cli)
    lines = po.read_text().splitlines(keepends=True)
    index = lines.index('msgid "First step"\n')
    lines.insert(index, "\\n\n")  # between the #: line and the msgid
    po.write_text("".join(lines))
    assert _update_fails(project, cli) == (
        f"error: {PO}:{index + 1}: stray text '\\n'; a line must start with msgid, msgstr, msgctxt, # or a "
        "\"quoted\" string: delete it or move it inside the quotes\n")


def test_check_names_the_header_problem_on_one_line(project, cli):
    po = _catalogs(project, cli)
    po.write_text(po.read_text().replace("charset=UTF-8", "charset=CHARSET"))
    line = _line(po.read_text(), '"Content-Type:')
    result = cli("check", cwd=project)
    assert result.code == 1
    assert (f"{PO}:{line}: error: header: header says 'Content-Type: text/plain; charset=CHARSET'; catalogs must "
            "be UTF-8 (Content-Type: text/plain; charset=UTF-8)") in result.stdout.splitlines()
    assert "/tmp" not in result.stdout + result.stderr
