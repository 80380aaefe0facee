"""Glossaries: check findings at the msgstr line, #. comments in written catalogs, stable block anchors."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from guidebuilder.config import load_project
from guidebuilder.glossary import Glossary, Term, comment_lines, parse_glossary, problems
from guidebuilder.render import PageLinks, render_page
from guidebuilder.source import read_guide
from guidebuilder.translate import load_translation

GLOSSARY = """term,translation,forbidden,note
Test Organization,Test Organization,,the organization's name
step,ধাপ,পদক্ষেপ,
"""
PO = "locales/bn/LC_MESSAGES/fixture.po"


def _write_glossary(project: Path, text: str = GLOSSARY, lang: str = "bn") -> None:
    (project / "glossary").mkdir(exist_ok=True)
    (project / "glossary" / f"{lang}.csv").write_text(text, encoding="utf-8")


def _msgstr_line(path: Path, msgstr: str) -> int:
    """The line of `msgstr "<msgstr>"` in a catalog, found by reading the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(f'msgstr "{msgstr}"') + 1


def _glossary(*rows: tuple[str, str, str]) -> Glossary:
    return Glossary("xx", "glossary/xx.csv", tuple(Term(term, translation, tuple(f for f in forbidden.split("|") if f),
                                                        "", number + 2)
                                                   for number, (term, translation, forbidden) in enumerate(rows)))


# -- the check, on the fixture project ------------------------------------------------------

def test_forbidden_translation_and_missing_name_are_reported_at_their_msgstr_lines(project, cli):
    _write_glossary(project)
    po = project / PO
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "দ্বিতীয় ধাপ"', 'msgstr "দ্বিতীয় পদক্ষেপ"'),
                  encoding="utf-8")
    done = cli("check", "--lang", "bn", "--only", "glossary", cwd=project)
    org_line = _msgstr_line(po, "পরীক্ষা সংস্থা")
    step_line = _msgstr_line(po, "দ্বিতীয় পদক্ষেপ")
    assert done.stdout.splitlines() == [
        f"{PO}:{org_line}: warning: glossary: 'Test Organization' is missing; the glossary keeps it as in the "
        "source (do not translate): copy it exactly (glossary/bn.csv:2)",
        f"{PO}:{step_line}: warning: glossary: 'পদক্ষেপ' is a forbidden translation of 'step'; use 'ধাপ' "
        "(glossary/bn.csv:3)",
        "0 error(s), 2 warning(s)",
    ]
    assert done.code == 0
    assert cli("check", "--lang", "bn", "--only", "glossary", "--strict", cwd=project).code == 1


def test_approved_translation_present_gives_no_finding(project, cli):
    _write_glossary(project, "term,translation,forbidden,note\nstep,ধাপ,পদক্ষেপ,\n")
    done = cli("check", "--lang", "bn", "--only", "glossary", cwd=project)
    # "First step" -> "প্রথম ধাপ", "Second step" -> "দ্বিতীয় ধাপ": both use the approved word
    assert done.stdout.splitlines() == ["0 error(s), 0 warning(s)"]


def test_name_kept_as_in_the_source_is_not_same_as_source(project, cli):
    _write_glossary(project)
    po = project / PO
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "পরীক্ষা সংস্থা"', 'msgstr "Test Organization"'),
                  encoding="utf-8")
    done = cli("check", "--lang", "bn", "--only", "glossary", "--only", "same-as-source", cwd=project)
    assert done.stdout.splitlines() == ["0 error(s), 0 warning(s)"]


def test_bad_glossary_is_one_line_error_and_nothing_is_written(project, cli):
    assert cli("extract", cwd=project).code == 0
    _write_glossary(project, GLOSSARY + "witness,saksi\n")
    before = (project / PO).read_bytes()
    for command in (["check", "--lang", "bn"], ["update"]):
        done = cli(*command, cwd=project)
        assert done.code == 1
        assert done.stderr.strip() == ("error: glossary/bn.csv:4: 2 columns where the header has 4; write "
                                       "term,translation,forbidden,note and quote a cell that holds a comma")
    assert (project / PO).read_bytes() == before


@pytest.mark.parametrize(("text", "message"), [
    ("term;translation\n", "glossary/ko.csv:1: the first row is 'term;translation'; it must be the header "
                           "'term,translation,forbidden,note'"),
    ("term,translation,forbidden,note\nbystander,,,\n",
     "glossary/ko.csv:2: 'bystander' has no translation; write the approved translation (the term itself for a "
     "name not to translate)"),
    ("term,translation,forbidden,note\nadvocate,a,b,\nAdvocate,c,,\n",
     "glossary/ko.csv:3: 'Advocate' is already on line 2; keep one row per term"),
    ("term,translation,forbidden,note\nadvocate,옹호자,활동가|옹호자,\n",
     "glossary/ko.csv:2: '옹호자' is both the approved and a forbidden translation of 'advocate'; remove it from "
     "the forbidden column"),
])
def test_glossary_errors_name_the_row(text, message):
    with pytest.raises(Exception) as raised:
        parse_glossary(text.encode("utf-8"), "glossary/ko.csv", "ko")
    assert str(raised.value) == message


# -- matching ---------------------------------------------------------------------------------

def test_source_terms_match_inflections_at_word_boundaries():
    glossary = _glossary(("bystander", "bystander", "saksi"), ("witness", "saksi", ""), ("advocate", "X", ""))
    assert [t.term for t in _terms(glossary, "Bystanders and witnesses")] == ["bystander", "witness"]
    assert [t.term for t in _terms(glossary, "She witnessed it; advocates helped")] == ["witness", "advocate"]
    assert _terms(glossary, "advocacy groups, eyewitnessing") == []


def test_terms_of_scripts_without_spaces_are_found_inside_the_running_text():
    """Chinese, Japanese kana and Tai Tham (Lanna) write words without spaces between them."""
    glossary = _glossary(("避难所", "shelter", ""), ("ひなんじょ", "shelter", ""), ("ᨠᩣ", "x", ""),
                         ("abri", "shelter", ""))
    assert [t.term for t in _terms(glossary, "请去最近的避难所。")] == ["避难所"]
    assert [t.term for t in _terms(glossary, "ちかくのひなんじょへ")] == ["ひなんじょ"]
    assert [t.term for t in _terms(glossary, "ᨾᩦᨠᩣᨡᩬᨦ")] == ["ᨠᩣ"]
    assert _terms(glossary, "un abrigo") == []  # a spaced script: whole words only


def _terms(glossary: Glossary, source: str) -> list[Term]:
    from guidebuilder.glossary import terms_in

    return terms_in(glossary, source)


def test_a_forbidden_word_that_another_terms_translation_needs_is_not_reported():
    glossary = _glossary(("bystander", "bystander", "saksi"), ("witness", "saksi", ""))
    assert problems(glossary, "A bystander may be a witness", "Ang bystander ay maaaring saksi") == []
    assert problems(glossary, "Safe bystander intervention", "Ligtas na pagtulong ng saksi") == [
        "'saksi' is a forbidden translation of 'bystander'; use 'bystander' (glossary/xx.csv:2)"]


def test_a_longer_term_hides_the_shorter_one_inside_it():
    glossary = _glossary(("Harbor City", "海港市", ""),
                         ("Harbor City Community Safety Network", "Harbor City Community Safety Network", ""))
    assert problems(glossary, "Harbor City Community Safety Network", "Harbor City Community Safety Network") == []
    assert comment_lines(glossary, "**Harbor City** Hotline") == ["Glossary: Harbor City = 海港市"]


# -- catalogs: #. glossary and preview lines ---------------------------------------------------

def test_update_writes_glossary_and_preview_comments_that_msgfmt_accepts(project, cli):
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[project]\n", '[project]\nsite_url = "https://guides.example.org"\npreview_links = true\n'), encoding="utf-8")
    _write_glossary(project)
    assert cli("extract", cwd=project).code == 0
    assert cli("update", cwd=project).code == 0
    po = polib.pofile(str(project / PO))
    step = po.find("Second step")
    lines = step.comment.split("\n")
    assert "Glossary: step = ধাপ (not: পদক্ষেপ)" in lines
    preview = [line for line in lines if line.startswith("Preview: ")]
    assert len(preview) == 1
    assert re.fullmatch(r"Preview: https://guides\.example\.org/fixture/bn/#t-[0-9a-f]{10}", preview[0])
    # msgcat wraps a long comment at 79 columns, as msgmerge does
    assert po.find("Test Organization").comment.replace("\n", " ").endswith(
        "Glossary: Test Organization = Test Organization (do not translate) - the organization's name")
    pot = polib.pofile(str(project / "locales" / "fixture.pot"))
    assert f"Preview: https://guides.example.org/fixture/en/#{preview[0].rsplit('#', 1)[1]}" in \
        pot.find("Second step").comment.split("\n")
    assert not any("Glossary:" in entry.comment for entry in pot)
    if shutil.which("msgfmt"):
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(project / PO)], capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr
    assert cli("update", "--check", cwd=project).code == 0
    # the anchor is the id of the block that shows the message on the web page
    assert cli("build-guides", "--lang", "bn", "--format", "html", "-q", cwd=project).code == 0
    html = (project / "build" / "site" / "fixture" / "bn" / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<li id="{preview[0].rsplit("#", 1)[1]}">দ্বিতীয় ধাপ', html)


def test_a_changed_glossary_makes_catalogs_stale(project, cli):
    assert cli("extract", cwd=project).code == 0
    assert cli("update", cwd=project).code == 0
    assert cli("update", "--check", cwd=project).code == 0
    _write_glossary(project)
    done = cli("update", "--check", cwd=project)
    assert done.code == 1
    assert f"{PO}: is stale" in done.stdout


# -- anchors ------------------------------------------------------------------------------------

def _ids(project: Path) -> dict[str, str]:
    proj = load_project(project)
    guide = read_guide(proj.root, "fixture")
    from guidebuilder.locales import facts_for

    html, _ = render_page(guide, load_translation(proj, "fixture", "en"), facts_for("en", proj), facts_for("en", proj),
                          "web", "", PageLinks([]), block_ids=True)
    return dict(re.findall(r'<[a-z0-9]+[^>]* id="(t-[0-9a-f]{10}(?:-\d+)?)"[^>]*>([^<]*)', html))


def test_anchors_stay_when_an_unrelated_paragraph_is_inserted(project):
    before = _ids(project)
    guide = project / "guides" / "fixture" / "guide.md"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("# Level one\n", "# Level one\n\nA new paragraph written later.\n", 1),
                     encoding="utf-8")
    after = _ids(project)
    assert len(before) >= 20
    assert {k: v for k, v in after.items() if k in before} == before
    assert [v for k, v in after.items() if k not in before] == ["A new paragraph written later."]


# -- TBX import -----------------------------------------------------------------------------------

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en">
  <text>
    <body>
      <termEntry id="c1">
        <descrip type="definition">A stage of a procedure</descrip>
        <langSet xml:lang="en-US"><tig><term>step</term></tig></langSet>
        <langSet xml:lang="bn">
          <tig><term>ধাপ</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
          <tig><term>পদক্ষেপ</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
        </langSet>
      </termEntry>
      <termEntry id="c2">
        <langSet xml:lang="en"><tig><term>Test Organization</term></tig></langSet>
        <langSet xml:lang="bn"><tig><term>Test Organization</term></tig></langSet>
      </termEntry>
      <termEntry id="c3">
        <langSet xml:lang="en"><tig><term>hotline</term></tig></langSet>
        <langSet xml:lang="ur"><tig><term>ہاٹ لائن</term></tig></langSet>
      </termEntry>
    </body>
  </text>
</martif>
"""


def test_tbx_import_writes_the_glossary_rows(project, cli):
    (project / "terms.tbx").write_text(TBX, encoding="utf-8")
    done = cli("glossary", "import", "terms.tbx", "--lang", "bn", cwd=project)
    assert done.code == 0, done.stderr
    assert done.stdout.strip() == ("glossary/bn.csv: 2 term(s) added, 0 updated, 1 concept(s) without a bn or "
                                   "source term skipped")
    assert (project / "glossary" / "bn.csv").read_text(encoding="utf-8") == (
        "term,translation,forbidden,note\n"
        "step,ধাপ,পদক্ষেপ,A stage of a procedure\n"
        "Test Organization,Test Organization,,\n")
    again = cli("glossary", "import", "terms.tbx", "--lang", "bn", cwd=project)
    assert again.stdout.startswith("glossary/bn.csv: 0 term(s) added, 0 updated")


def test_tbx_that_is_not_xml_is_one_line_error(project, cli):
    (project / "terms.tbx").write_text(TBX.replace("</termEntry>", "", 1), encoding="utf-8")
    done = cli("glossary", "import", "terms.tbx", "--lang", "bn", cwd=project)
    assert done.code == 1
    assert done.stderr.strip() == ("error: terms.tbx:21: not well-formed XML (mismatched tag) at column 7; "
                                   "fix the file or export it again")
    assert not (project / "glossary").exists()
