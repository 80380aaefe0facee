"""Honest pages and an honest site: notices on partly translated pages, outdated editions kept, and a
published folder that holds exactly what the manifest lists."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import lxml.html
import polib

from conftest import ROOT, copy_fixture_project

# Guides whose word counts are easy to reason about: the title "Guide" (one word), then paragraphs
# of ten words ("Paragraph 3: one two ... eight"); a translator has done the title and the first ones.
HEADERS = {"ur": "nplurals=2; plural=(n != 1);", "ko": "nplurals=1; plural=0;"}
TITLES = {"ur": "رہنما", "ko": "안내서"}
NOTICE = "Parts of this page are not yet translated."
FOLLOWS = "This translation follows the {language} edition of {date}."


def _paragraph(n: int, words: int = 10) -> str:
    return " ".join([f"Paragraph {n}:", *(f"w{n}x{i}" for i in range(words - 2))])


def _guide(paragraphs: list[str], date: str = "2026-03-15") -> str:
    body = "\n\n".join(paragraphs)
    return f"---\ntitle: Guide\nversion: \"1.0\"\ndate: {date}\n---\n\n{body}\n"


def _catalog(lang: str, translated: list[str]) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Project-Id-Version": "simple", "Language": lang, "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
                   "Plural-Forms": HEADERS[lang]}
    po.append(polib.POEntry(msgid="Guide", msgstr=TITLES[lang]))
    for msgid in translated:
        po.append(polib.POEntry(msgid=msgid, msgstr=f"{TITLES[lang]} {msgid}"))
    return po


def _project(tmp_path: Path, languages: list[str], min_coverage: float, paragraphs: list[str],
             translated: dict[str, list[str]], extra: str = "") -> Path:
    project = copy_fixture_project(tmp_path / "project")
    shutil.rmtree(project / "guides" / "fixture")
    shutil.rmtree(project / "locales")
    (project / "guides" / "simple").mkdir(parents=True)
    (project / "guides" / "simple" / "guide.md").write_text(_guide(paragraphs))
    for lang, msgids in translated.items():
        folder = project / "locales" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        _catalog(lang, msgids).save(str(folder / "simple.po"))
    (project / "guidebuilder.toml").write_text(
        f'[project]\nlanguages = {json.dumps(languages)}\nmin_coverage = {min_coverage}\n{extra}')
    return project


# 30 of 100 words translated: the title and a 29-word paragraph, then seven paragraphs of ten words.
THIRTY = [_paragraph(1, 29), *(_paragraph(n) for n in range(2, 9))]
# A source edit adds a 4-word paragraph: 30 of 104 words, 29%.
TWENTY_NINE = [*THIRTY, _paragraph(9, 4)]
# 41 of 81 words: the title and four of eight paragraphs.
HALF = [_paragraph(n) for n in range(1, 9)]


def _entries(site: Path) -> dict[tuple[str, str], dict]:
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return {(g["slug"], row["lang"]): row for g in manifest["guides"] for row in g["languages"]}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _ui(lang: str, msgid: str) -> str:
    entry = polib.pofile(str(ROOT / "guidebuilder" / "ui" / f"{lang}.po")).find(msgid)
    assert entry is not None and entry.msgstr
    return entry.msgstr


def _lang_of(element) -> str | None:
    while element is not None:
        if element.get("lang"):
            return element.get("lang")
        element = element.getparent()
    return None


def _notice(page: Path) -> list[tuple[str, str | None]]:
    """(text, language) of each paragraph of the page's notice, in order."""
    tree = lxml.html.fromstring(page.read_bytes())
    return [(p.text_content(), _lang_of(p)) for p in tree.xpath('//div[@class="notice"]/p')]


def test_half_translated_page_says_so_in_its_own_language(tmp_path, cli):
    project = _project(tmp_path, ["ur", "ko"], 0.5, HALF, {"ur": HALF[:4], "ko": HALF[:4]})
    result = cli("build-guides", "--quiet", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    site = project / "build" / "site"
    for lang, tag in (("ur", "ur"), ("ko", "ko")):
        assert _entries(site)[("simple", lang)]["status"] == "published"
        assert _notice(site / "simple" / lang / "index.html") == [(_ui(lang, NOTICE), tag)]
    # The source language and a complete translation carry no notice.
    assert _notice(site / "simple" / "en" / "index.html") == []
    pdf = subprocess.run(["pdftotext", str(site / "simple/ko/simple-ko.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert _ui("ko", NOTICE) in pdf.replace("\n", " ")


def test_complete_page_has_no_notice(tmp_path, cli):
    project = _project(tmp_path, ["ko"], 0.5, HALF[:2], {"ko": HALF[:2]})
    assert cli("build-guides", "--quiet", "--format", "html", cwd=project).code == 0
    assert _notice(project / "build/site/simple/ko/index.html") == []


def test_source_edit_below_threshold_keeps_the_last_edition_marked_outdated(tmp_path, cli):
    project = _project(tmp_path, ["ur"], 0.3, THIRTY, {"ur": THIRTY[:1]})
    first = cli("build-guides", "--quiet", cwd=project)
    assert first.code == 0, first.stdout + first.stderr
    assert "│ simple │ ur   │ published │ 30%" in first.stdout
    site = project / "build" / "site"
    before = _files(site / "simple" / "ur")
    assert "simple-ur.pdf" in before and "index.html" in before
    (project / "guides/simple/guide.md").write_text(_guide(TWENTY_NINE))
    second = cli("build-guides", "--quiet", cwd=project)
    assert second.code == 0, second.stdout + second.stderr
    assert _files(site / "simple" / "ur") == before  # byte for byte what was published
    ur = _entries(site)[("simple", "ur")]
    assert ur["status"] == "outdated"
    assert ur["reason"] == ("translated 29% of the guide's words, below min_coverage 30%; the last published "
                            "edition stays until translators catch up")
    assert [o["path"] for o in ur["outputs"]] == ["simple/ur/simple-ur.pdf", "simple/ur/index.html"]
    assert "│ simple │ ur   │ outdated  │ 29%" in second.stdout
    assert "1 published (1 rebuilt), 1 outdated (last edition kept), 0 skipped, 0 failed" in second.stdout
    # The English page still offers the kept Urdu edition.
    assert 'hreflang="ur"' in (site / "simple/en/index.html").read_text()
    # A build with nothing changed says the same.
    third = cli("build-guides", "--quiet", cwd=project)
    assert "1 outdated (last edition kept)" in third.stdout and _files(site / "simple" / "ur") == before

    # Deleting the catalog withdraws the language: its files go, the manifest says why.
    shutil.rmtree(project / "locales" / "ur")
    fourth = cli("build-guides", "--quiet", cwd=project)
    assert fourth.code == 0, fourth.stdout + fourth.stderr
    assert not (site / "simple" / "ur").exists()
    assert _entries(site)[("simple", "ur")]["status"] == "skipped"
    assert 'hreflang="ur"' not in (site / "simple/en/index.html").read_text()


def test_withdraw_below_coverage_setting_removes_the_edition(tmp_path, cli):
    project = _project(tmp_path, ["ur"], 0.3, THIRTY, {"ur": THIRTY[:1]}, extra="withdraw_below_coverage = true\n")
    assert cli("build-guides", "--quiet", "--format", "html", cwd=project).code == 0
    site = project / "build" / "site"
    assert (site / "simple/ur/index.html").is_file()
    (project / "guides/simple/guide.md").write_text(_guide(TWENTY_NINE))
    result = cli("build-guides", "--quiet", "--format", "html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    ur = _entries(site)[("simple", "ur")]
    assert (ur["status"], ur["reason"]) == ("skipped", "translated 29% of the guide's words, below min_coverage 30%")
    assert not (site / "simple" / "ur").exists()


def test_incomplete_translation_names_the_edition_it_follows(tmp_path, cli):
    project = _project(tmp_path, ["ko"], 0.5, HALF[:2], {"ko": HALF[:2]})
    assert cli("build-guides", "--quiet", "--format", "html", cwd=project).code == 0
    # A new edition adds a paragraph the translator has not done yet.
    (project / "guides/simple/guide.md").write_text(_guide(HALF[:3], date="2026-12-01"))
    result = cli("build-guides", "--quiet", "--format", "html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    site = project / "build" / "site"
    follows = _ui("ko", FOLLOWS).format(language="영어", date="2026년 3월 15일")
    assert _notice(site / "simple/ko/index.html") == [(_ui("ko", NOTICE), "ko"), (follows, "ko")]
    assert _entries(site)[("simple", "ko")]["follows"] == {"version": "1.0", "date": "2026-03-15"}


def test_deleted_guide_leaves_the_published_folder(project, cli):
    second = project / "guides" / "second"
    shutil.copytree(project / "guides" / "fixture", second)
    catalogs = project / "locales" / "bn" / "LC_MESSAGES"
    shutil.copy(catalogs / "fixture.po", catalogs / "second.po")
    assert cli("build-guides", "--quiet", "--format", "html", cwd=project).code == 0
    site = project / "build" / "site"
    (site / "notes.txt").write_text("a file of the user's own")  # never guidebuilder's to remove
    assert (site / "second/bn/index.html").is_file() and (site / "second/en/index.html").is_file()
    shutil.rmtree(second)
    result = cli("build-guides", "--quiet", "--format", "html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    assert not (site / "second").exists()
    assert [g["slug"] for g in json.loads((site / "manifest.json").read_text())["guides"]] == ["fixture"]
    assert (site / "notes.txt").read_text() == "a file of the user's own"
    assert "second/" not in (site / "index.html").read_text()


def test_published_folder_holds_exactly_what_the_manifest_lists(project, cli):
    assert cli("build-guides", "--quiet", "--format", "html", cwd=project).code == 0
    assert cli("build-guides", "--quiet", "--proof", "--format", "html", "--lang", "bn", cwd=project).code == 0
    assert cli("pseudo", "--quiet", cwd=project).code == 0
    build = project / "build"
    assert sorted(p.name for p in build.iterdir()) == [".guidebuilder", "proof", "pseudo", "site", "status"]
    site = build / "site"
    manifest = json.loads((site / "manifest.json").read_text())
    listed = {"manifest.json", *manifest["files"]}
    for guide in manifest["guides"]:
        for row in guide["languages"]:
            for output in row["outputs"]:
                listed |= {output["path"], *output.get("files", [])}
    assert set(_files(site)) == listed
    assert not any(part in ("proof", "pseudo", "en_XA", ".guidebuilder") for path in listed for part in path.split("/"))


def test_removal_touches_only_what_a_manifest_listed(tmp_path):
    from guidebuilder.site import remove_listed

    site = tmp_path / "site"
    (site / "guide" / "ko" / "fonts").mkdir(parents=True)
    (site / "guide" / "ko" / "index.html").write_text("page")
    (site / "guide" / "ko" / "fonts" / "a.woff2").write_text("font")
    (site / "guide" / "ko" / "mine.txt").write_text("a user's file")
    (tmp_path / "outside.txt").write_text("outside")
    remove_listed(site, ["guide/ko/index.html", "guide/ko/fonts/a.woff2", "../outside.txt",
                         str(tmp_path / "outside.txt"), "guide/ko/missing.html"])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "outside.txt", "site", "site/guide", "site/guide/ko", "site/guide/ko/mine.txt"]


def test_policy_keeps_only_an_earlier_edition_below_the_threshold():
    from guidebuilder.policy import Fail, Keep, Publish, Skip, decide

    class Error:
        severity = "error"

        def __str__(self) -> str:
            return "x.po:3: error: phone: changed"

    kept = ("translated 29% of the guide's words, below min_coverage 30%; the last published edition stays "
            "until translators catch up")
    assert decide([], 0.29, 0.3, earlier_edition=True) == Keep(kept, 0.29)
    assert decide([], 0.29, 0.3) == Skip("translated 29% of the guide's words, below min_coverage 30%", 0.29)
    assert decide([], 0.3, 0.3, earlier_edition=True) == Publish(0.3)
    assert decide([Error()], 0.29, 0.3, earlier_edition=True) == Fail("x.po:3: error: phone: changed", 0.29)


def test_withdraw_setting_must_be_true_or_false(tmp_path, cli):
    (tmp_path / "guidebuilder.toml").write_text('[project]\nlanguages = []\nwithdraw_below_coverage = "yes"\n')
    result = cli("build-guides", "--quiet", cwd=tmp_path)
    assert (result.code, result.stderr) == (
        1, "error: guidebuilder.toml:3: [project] 'withdraw_below_coverage' must be true or false, not \"yes\"\n")
    assert not (tmp_path / "build").exists()


def test_rebuilding_one_kind_keeps_the_others_on_the_site(project, cli):
    """`--format html` for one language rebuilds its page; its PDF stays published and listed."""
    assert cli("build-guides", "--quiet", "--lang", "bn", "--lang", "en", cwd=project).code == 0
    site = project / "build" / "site"
    pdf = site / "fixture" / "bn" / "fixture-bn.pdf"
    before = pdf.read_bytes()
    result = cli("build-guides", "--quiet", "--lang", "bn", "--format", "html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    assert pdf.read_bytes() == before
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    bn = next(e for e in manifest["guides"][0]["languages"] if e["lang"] == "bn")
    assert sorted(o["kind"] for o in bn["outputs"]) == ["html", "pdf"]
    assert 'href="fixture-bn.pdf"' in (site / "fixture" / "bn" / "index.html").read_text(encoding="utf-8")
