"""init --from: a zh_Hans catalog seeded from zh_Hant by OpenCC, fuzzy and marked for review."""

from __future__ import annotations

import subprocess

import polib
import pytest

from guidebuilder.check import check_language
from guidebuilder.config import load_project
from guidebuilder.seed import conversion_for, convert_text

from conftest import FIXTURE_EPOCH, ROOT

EPOCH = {"SOURCE_DATE_EPOCH": FIXTURE_EPOCH}
NOTE = ("Converted automatically from zh_Hant with OpenCC (tw2sp); review the vocabulary before publishing, "
        "then remove this note and the fuzzy flag.")

HEADER = '''msgid ""
msgstr ""
"Language: zh_Hant\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
'''

# Taiwan vocabulary (網路, 軟體, 資訊, 公車, 計程車, 巢狀) inside the fixture guide's markup.
ZH_HANT = HEADER + '''
msgid ""
"A paragraph with **bold**, *italic* and a [link]{1} plus [another link]{2}."
msgstr "這段有**粗體**、*斜體*，以及[網路連結]{1}和[另一個連結]{2}。"

msgid "Nested bullet with *emphasis*"
msgstr "巢狀項目：*重點*是軟體"

msgid "Call (415) 555-0100 or write to help@example.org.[^note]"
msgstr "請撥打 (415) 555-0100，或寫信到 help@example.org 索取資訊。[^note]"

msgid "Second step"
msgstr "第二步：搭公車或計程車前往"

msgctxt "heading"
msgid "Phone"
msgstr "電話"

#, fuzzy
msgid "Hotline"
msgstr "熱線網路"

#~ msgid "An old sentence"
#~ msgstr "舊的軟體"
'''

# Read by hand as mainland Simplified Chinese: 网络链接, 嵌套, 软件, 信息, 出租车 are the mainland words.
# OpenCC keeps 公车, understood on the mainland where 公交车 is more usual: why a reviewer reads it.
EXPECTED = {
    (None, "A paragraph with **bold**, *italic* and a [link]{1} plus [another link]{2}."):
        "这段有**粗体**、*斜体*，以及[网络链接]{1}和[另一个链接]{2}。",
    (None, "Nested bullet with *emphasis*"): "嵌套项目：*重点*是软件",
    (None, "Call (415) 555-0100 or write to help@example.org.[^note]"):
        "请拨打 (415) 555-0100，或写信到 help@example.org 索取信息。[^note]",
    (None, "Second step"): "第二步：搭公车或出租车前往",
    ("heading", "Phone"): "电话",
}


def _with_zh_hant(project, cli) -> None:
    """The fixture project with zh_Hant configured and partly translated."""
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text().replace('languages = ["bn", "ur"]', 'languages = ["bn", "ur", "zh_Hant"]'))
    assert cli("extract", cwd=project, env=EPOCH).code == 0
    po = project / "locales" / "zh_Hant" / "LC_MESSAGES" / "fixture.po"
    po.parent.mkdir(parents=True)
    po.write_text(ZH_HANT, encoding="utf-8")


def _snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_seeded_entries_are_converted_fuzzy_and_noted(project, cli):
    _with_zh_hant(project, cli)
    result = cli("init", "zh_Hans", "--from", "zh_Hant", cwd=project)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("locales/zh_Hans/LC_MESSAGES/fixture.po: created; "
                                             "5 entries seeded from zh_Hant (fuzzy, to review)")
    assert 'languages = ["bn", "ur", "zh_Hant", "zh_Hans"]' in (project / "guidebuilder.toml").read_text()
    path = project / "locales" / "zh_Hans" / "LC_MESSAGES" / "fixture.po"
    po = polib.pofile(str(path))
    assert po.metadata["Language"] == "zh_Hans"
    seeded = {(e.msgctxt, e.msgid): e for e in po if e.msgstr}
    assert {key: e.msgstr for key, e in seeded.items()} == EXPECTED
    for entry in seeded.values():
        assert entry.flags == ["fuzzy"]
        assert " ".join(entry.tcomment.split()) == NOTE  # msgcat wraps it over two lines
        assert entry.comment  # the template's own extracted comment stays beside the note
    by_key = {(e.msgctxt, e.msgid): e for e in po}
    assert by_key[("table header", "Phone")].msgstr == ""  # same msgid, other context: not translated
    assert by_key[(None, "Hotline")].msgstr == ""  # fuzzy in zh_Hant: nothing reviewed to convert
    assert not po.obsolete_entries()  # zh_Hant's obsolete entry is not carried over
    assert "舊" not in path.read_text(encoding="utf-8") and "旧的软件" not in path.read_text(encoding="utf-8")
    msgfmt = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert msgfmt.returncode == 0, msgfmt.stderr


def test_seeded_catalog_passes_check(project, cli):
    _with_zh_hant(project, cli)
    assert cli("init", "zh_Hans", "--from", "zh_Hant", cwd=project).code == 0
    result = cli("check", "--lang", "zh_Hans", cwd=project)
    assert result.code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "0 error(s), 2 warning(s)"  # fuzzy and untranslated counts
    # check leaves fuzzy entries alone; checked as --include-fuzzy would publish them, markup,
    # links, phone numbers, emails and glyphs are still right.
    findings = check_language(load_project(project), "fixture", "zh_Hans", include_fuzzy=True)
    assert [f for f in findings if f.severity == "error"] == []


def test_build_does_not_publish_seeded_text(project, cli, tmp_path):
    _with_zh_hant(project, cli)
    assert cli("init", "zh_Hans", "--from", "zh_Hant", cwd=project).code == 0
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text().replace("min_coverage = 0.8", "min_coverage = 0"))
    out = tmp_path / "out"
    result = cli("build-guides", "--lang", "zh_Hans", "--format", "html", "--out", str(out), "--quiet", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    html = (out / "fixture" / "zh_Hans" / "index.html").read_text(encoding="utf-8")
    assert "Second step" in html and "出租车" not in html and "软件" not in html
    fuzzy_out = tmp_path / "fuzzy"
    result = cli("build-guides", "--lang", "zh_Hans", "--format", "html", "--out", str(fuzzy_out), "--quiet",
                 "--include-fuzzy", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    html = (fuzzy_out / "fixture" / "zh_Hans" / "index.html").read_text(encoding="utf-8")
    assert "第二步：搭公车或出租车前往" in html  # only when asked for


def test_from_a_language_opencc_cannot_convert(project, cli):
    _with_zh_hant(project, cli)
    before = _snapshot(project)
    result = cli("init", "zh_Hans", "--from", "ko", cwd=project)
    assert result.code == 1
    assert result.stderr == ("error: --from ko: no automatic conversion from ko to zh_Hans; "
                             "OpenCC converts only between zh_Hant and zh_Hans\n")
    assert result.stdout == ""
    assert _snapshot(project) == before  # guidebuilder.toml untouched, no zh_Hans catalogs


@pytest.mark.parametrize("languages,expected", [
    ('["bn", "ur"]', "error: --from zh_Hant: zh_Hant is not a language of this project; add and translate "
                     "it first ('guidebuilder init zh_Hant')\n"),
    ('["bn", "ur", "zh_Hant"]', "error: --from zh_Hant: no catalogs in locales/zh_Hant/LC_MESSAGES to convert; "
                                "translate zh_Hant first\n"),
], ids=["not-in-the-project", "without-catalogs"])
def test_from_a_language_that_cannot_seed(project, cli, languages, expected):
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text().replace('languages = ["bn", "ur"]', f"languages = {languages}"))
    assert cli("extract", cwd=project, env=EPOCH).code == 0
    before = _snapshot(project)
    result = cli("init", "zh_Hans", "--from", "zh_Hant", cwd=project)
    assert result.code == 1
    assert result.stderr == expected
    assert _snapshot(project) == before


def test_interface_catalog_is_seeded_too(project, cli):
    _with_zh_hant(project, cli)
    chrome = project / "locales" / "zh_Hant" / "LC_MESSAGES" / "guidebuilder.po"
    chrome.write_text(HEADER + '''
msgid "Contents"
msgstr "目錄"

msgid "Download PDF ({size})"
msgstr "下載 PDF（{size}）"

msgid "Notes"
msgstr ""
''', encoding="utf-8")
    result = cli("init", "zh_Hans", "--from", "zh_Hant", cwd=project)
    assert result.code == 0, result.stderr
    # guidebuilder's own reviewed zh_Hans interface translations come first; the conversion
    # fills only what they leave empty, so here it seeds nothing.
    assert result.stdout.splitlines() == [
        "locales/zh_Hans/LC_MESSAGES/fixture.po: created; 5 entries seeded from zh_Hant (fuzzy, to review)",
        "locales/zh_Hans/LC_MESSAGES/guidebuilder.po: created; 0 entries seeded from zh_Hant (fuzzy, to review)",
    ]
    path = project / "locales" / "zh_Hans" / "LC_MESSAGES" / "guidebuilder.po"
    po = polib.pofile(str(path))
    assert po.metadata["Language"] == "zh_Hans"
    package = {e.msgid: e.msgstr for e in polib.pofile(str(ROOT / "guidebuilder" / "ui" / "zh_Hans.po")) if e.msgstr}
    contents = po.find("Contents")
    assert contents.msgstr == package["Contents"] and "fuzzy" not in contents.flags
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)]).returncode == 0


def test_code_spans_urls_and_emails_are_not_converted():
    # An IRI's path, a code sample and an email's local part may hold Han characters; only prose changes.
    text = "安裝`網路`軟體：https://例子.tw/網路 或 資訊@例子.tw"
    assert convert_text(text, "tw2sp") == "安装`網路`软件：https://例子.tw/網路 或 資訊@例子.tw"


def test_conversion_follows_the_traditional_side_region():
    # zh_Hant means Taiwan usage (CLDR's likely region): phrases too, both ways.
    assert convert_text("网络软件信息，打印机", conversion_for("zh_Hans", "zh_Hant")) == "網路軟體資訊，印表機"
    assert convert_text("網路軟體資訊，印表機", conversion_for("zh_Hant", "zh_Hans")) == "网络软件信息，打印机"
    # Hong Kong's vocabulary is not Taiwan's: characters only.
    assert convert_text("網路軟體資訊", conversion_for("zh_Hant_HK", "zh_Hans")) == "网路软体资讯"


def test_existing_translations_are_kept(project, cli):
    _with_zh_hant(project, cli)
    assert cli("init", "zh_Hans", cwd=project).code == 0
    path = project / "locales" / "zh_Hans" / "LC_MESSAGES" / "fixture.po"
    po = polib.pofile(str(path))
    po.find("Second step").msgstr = "第二步"
    po.save()
    result = cli("init", "zh_Hans", "--from", "zh_Hant", cwd=project)
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("locales/zh_Hans/LC_MESSAGES/fixture.po: updated; "
                                             "4 entries seeded from zh_Hant (fuzzy, to review)")
    entry = polib.pofile(str(path)).find("Second step")
    assert (entry.msgstr, entry.flags, entry.tcomment) == ("第二步", [], "")
    assert (project / "guidebuilder.toml").read_text().count('"zh_Hans"') == 1
