"""guidebuilder check: each finding's exact text and line."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from guidebuilder.catalogs import format_catalog

from conftest import ROOT

PO = "locales/bn/LC_MESSAGES/fixture.po"


def _set(project: Path, msgid: str, msgstr: str, fuzzy: bool = False) -> int:
    """Give msgid a new translation in the bn fixture catalog; return its msgstr line."""
    path = project / PO
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid == msgid and e.msgctxt is None)
    entry.msgstr = msgstr
    if fuzzy:
        entry.flags.append("fuzzy")
    path.write_bytes(format_catalog(po))
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line in (f'msgid "{msgid}"', 'msgid ""')
                 and (line == f'msgid "{msgid}"' or msgid.startswith(lines[i + 1].strip('"')[:20])))
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr")) + 1


CASES = [
    ("markup", "Nested bullet with *emphasis*", "*জোর দেওয়া লেখাসহ ভেতরের বুলেট",
     "error: markup: '*' is never closed (the source is: Nested bullet with *emphasis*)"),
    ("markup-link", "A paragraph with **bold**, *italic* and a [link]{1} plus [another link]{2}.",
     "একটি অনুচ্ছেদ, যাতে **গাঢ়**, *তির্যক* লেখা আর একটি [লিংক]{1} আছে।",
     "error: markup: missing link [...]{2} compared with the source"),
    ("email", "Call (415) 555-0100 or write to help@example.org.",
     "(415) 555-0100 নম্বরে ফোন করুন অথবা help@example.com ঠিকানায় লিখুন।",
     "error: email: 'help@example.org' is missing or changed (found 'help@example.com'); "
     "copy it exactly from the source"),
    ("url", "More help: www.example.org/help", "আরও সাহায্য: www.example.org/halp",
     "error: url: 'www.example.org/help' is missing or changed (found 'www.example.org/halp'); "
     "copy it exactly from the source"),
    ("phone", "Hotline", "হটলাইন (415) 555-0199",
     "error: phone: '(415) 555-0199' is not in the source; remove it or copy the source's exactly"),
    ("number", "Call **911** now.", "এখনই **৯১২** নম্বরে ফোন করুন।",
     "error: number: numbers differ from the source: missing 911; added 912"),
    ("raw-html", "Stay safe.", "নিরাপদে থাকুন।<script>alert(1)</script>",
     "error: raw-html: '<script>' is HTML; only **bold**, *italic* and [link]{n} markup is allowed"),
    ("missing-glyph", "Second step", "দ্বিতীয় ধাপ 😀",
     "error: missing-glyph: '😀' U+1F600 GRINNING FACE is an emoji, and the bundled fonts draw no emoji; "
     "write its meaning in words"),
    ("same-as-source", "Second step", "Second step",
     "warning: same-as-source: translation is identical to the source text"),
    ("wrong-script", "Second step", "Ditiyo dhap",
     "warning: wrong-script: no letters of the Beng script; is this the right language?"),
    ("end-punctuation", "Stay safe.", "নিরাপদে থাকুন.",
     "warning: end-punctuation: ends with '.'; bn sentences end with '।'"),
    ("too-long", "Name", "নাম নাম নাম নাম নাম নাম নাম নাম নাম নাম নাম নাম নাম নাম",
     "warning: too-long: 55 characters against 4 in the source; check that nothing was pasted twice"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_each_check_reports_its_line(project, cli, case):
    _name, msgid, msgstr, expected = case
    line = _set(project, msgid, msgstr)
    result = cli("check", cwd=project)
    assert f"{PO}:{line}: {expected}" in result.stdout.splitlines(), result.stdout
    assert result.code == (1 if expected.startswith("error") else 0)


def test_phone_number_changed(project, cli):
    line = _set(project, "Call (415) 555-0100 or write to help@example.org.",
                "(415) 555-0101 নম্বরে ফোন করুন অথবা help@example.org ঠিকানায় লিখুন।")
    out = cli("check", cwd=project).stdout.splitlines()
    assert f"{PO}:{line}: error: phone: '(415) 555-0100' is missing or changed (found '(415) 555-0101'); " \
           "copy it exactly from the source" in out


def test_native_digits_count_as_the_same_number(project, cli):
    _set(project, "Call **911** now.", "এখনই **৯১১** নম্বরে ফোন করুন।")
    result = cli("check", cwd=project)
    assert result.code == 0 and result.stdout == "0 error(s), 0 warning(s)\n"


def test_url_map_localizes_a_url(project, cli):
    line = _set(project, "More help: www.example.org/help", "আরও সাহায্য: www.example.org/bn/help")
    before = cli("check", cwd=project)
    assert before.code == 1
    assert (f"{PO}:{line}: error: url: 'www.example.org/help' is missing or changed (found 'www.example.org/bn/help'); "
            "copy it exactly from the source") in before.stdout.splitlines(), before.stdout
    with (project / "guidebuilder.toml").open("a") as config:
        config.write('\n[urls.bn]\n"www.example.org/help" = "www.example.org/bn/help"\n')
    result = cli("check", cwd=project)
    assert result.code == 0 and result.stdout == "0 error(s), 0 warning(s)\n", result.stdout


def test_fuzzy_and_untranslated_counts_and_strict(project, cli):
    _set(project, "Second step", "দ্বিতীয় ধাপ", fuzzy=True)
    _set(project, "Level three", "")
    text = (project / PO).read_text().splitlines()
    header = next(i for i, row in enumerate(text) if row.startswith('"Language:')) + 1
    result = cli("check", cwd=project)
    assert result.code == 0
    assert result.stdout.splitlines() == [
        f"{PO}:{header}: warning: fuzzy: 1 fuzzy message(s) are not published until a translator reviews them",
        f"{PO}:{header}: warning: untranslated: 1 message(s) are untranslated and print in the source language",
        "0 error(s), 2 warning(s)"]
    assert cli("check", "--strict", cwd=project).code == 1


def test_header_checks(project, cli):
    path = project / PO
    text = path.read_text()
    line = text[: text.index('"Plural-Forms:')].count("\n") + 1
    path.write_text(text.replace("plural=(n > 1);", "plural=n>1;"))  # as Weblate writes it: the same meaning
    result = cli("check", cwd=project)
    assert result.code == 0 and result.stdout == "0 error(s), 0 warning(s)\n", result.stdout
    path.write_text(text.replace("plural=(n > 1);", "plural=(n != 1);"))
    result = cli("check", cwd=project)  # GNU gettext's formula for bn: the same forms, but 0 is singular
    assert f"{PO}:{line}: error: header: Plural-Forms is 'nplurals=2; plural=(n != 1);'; for n = 0 it picks " \
           "form 1 where bn uses form 0; for bn it must be 'nplurals=2; plural=(n > 1);'" in result.stdout
    path.write_text(text.replace("plural=(n > 1);", "plural=(n > 1;"))
    assert f"{PO}:{line}: error: header: Plural-Forms is 'nplurals=2; plural=(n > 1;'; its formula cannot be " \
           "read (expected ')'); for bn it must be 'nplurals=2; plural=(n > 1);'" in cli("check", cwd=project).stdout
    path.write_text(text.replace("nplurals=2; plural=(n > 1);", "nplurals=1; plural=0;"))
    result = cli("check", cwd=project)
    assert f"{PO}:{line}: error: header: Plural-Forms is 'nplurals=1; plural=0;'; for bn it must be " \
           "'nplurals=2; plural=(n > 1);'" in result.stdout
    path.write_text(text.replace('"Language: bn', '"Language: km'))
    line = text[: text.index('"Language:')].count("\n") + 1
    assert f"{PO}:{line}: error: header: header says Language: km but the catalog is in the 'bn' folder; " \
           "set \"Language: bn\\n\"" in cli("check", cwd=project).stdout


def test_json_output_has_the_same_fields(project, cli):
    line = _set(project, "Stay safe.", "নিরাপদে থাকুন.")
    data = json.loads(cli("check", "--format", "json", cwd=project).stdout)
    assert data["findings"] == [{"path": PO, "line": line, "severity": "warning", "check": "end-punctuation",
                                 "message": "ends with '.'; bn sentences end with '।'"}]
    assert (data["errors"], data["warnings"]) == (0, 1)


def test_catalog_for_unconfigured_language(project, cli):
    folder = project / "locales" / "km" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "fixture.po").write_text((project / PO).read_text().replace("Language: bn", "Language: km"))
    result = cli("check", cwd=project)
    assert "locales/km/LC_MESSAGES/fixture.po:1: error: unconfigured-language: 'km' is not in guidebuilder.toml " \
           "languages; add it with 'guidebuilder init km' or remove the folder" in result.stdout


def test_sample_project_has_no_errors(cli):
    result = cli("check", cwd=ROOT)
    assert result.code == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("0 error(s)")


def test_only_and_skip_choose_the_checks(project, cli):
    line = _set(project, "Stay safe.", "<b>নিরাপদে থাকুন.")
    both = [f"{PO}:{line}: error: raw-html: '<b>' is HTML; only **bold**, *italic* and [link]{{n}} markup is allowed",
            f"{PO}:{line}: warning: end-punctuation: ends with '.'; bn sentences end with '।'"]
    assert cli("check", cwd=project).stdout.splitlines()[:2] == both
    result = cli("check", "--only", "end-punctuation", cwd=project)
    assert (result.code, result.stdout.splitlines()) == (0, [both[1], "0 error(s), 1 warning(s)"])
    result = cli("check", "--skip", "raw-html", "--skip", "end-punctuation", cwd=project)
    assert (result.code, result.stdout) == (0, "0 error(s), 0 warning(s)\n")


def test_unknown_check_name_is_one_line(project, cli):
    result = cli("check", "--skip", "emial", cwd=project)
    assert result.code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: --skip: no check named 'emial'; known checks: double-space, email, ")
    assert len(result.stderr.splitlines()) == 1 and "url, wrong-script" in result.stderr


def test_byte_order_mark_is_named(project, cli):
    path = project / PO
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = cli("check", cwd=project)
    assert f"{PO}:1: error: po-syntax: starts with a byte order mark (BOM); save it as UTF-8 without BOM" \
        in result.stdout.splitlines()


def test_huge_msgstr_is_refused_quickly(project):
    import time

    from guidebuilder.check import check_language
    from guidebuilder.config import load_project

    line = _set(project, "Stay safe.", "a" * 200_000)
    proj = load_project(project)
    check_language(proj, "fixture", "ur")  # fonts and locale data loaded before timing
    start = time.perf_counter()
    findings = check_language(proj, "fixture", "bn")
    assert time.perf_counter() - start < 2.0
    assert [str(f) for f in findings if f.line == line] == [
        f"{PO}:{line}: error: message-size: msgstr is 195 KB; the limit is 64 KB per message"]


def test_update_keeps_an_equivalent_plural_forms(project, cli):
    path = project / PO
    text = path.read_text()
    assert cli("extract", cwd=project).code == 0
    path.write_text(text.replace("plural=(n > 1);", "plural=n > 1;"))
    assert cli("update", cwd=project).code == 0
    assert '"Plural-Forms: nplurals=2; plural=n > 1;\\n"' in path.read_text()
    path.write_text(text.replace("plural=(n > 1);", "plural=(n != 1);"))  # a different meaning is corrected
    assert cli("update", cwd=project).code == 0
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in path.read_text()
