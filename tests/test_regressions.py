"""Regression tests for problems found in review (see each docstring)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
from fontTools.ttLib import TTFont

from conftest import FIXTURE_EPOCH, edit_guide

EPOCH = {"SOURCE_DATE_EPOCH": FIXTURE_EPOCH}



def _build(cli, project: Path, out: Path, *args: str):
    result = cli("build-guides", "--out", str(out), "--quiet", *args, cwd=project)
    manifest = json.loads((out / "manifest.json").read_text())
    return result, {(g["slug"], row["lang"]): row for g in manifest["guides"] for row in g["languages"]}


def test_bold_italic_together_extracts_and_renders(project, cli, tmp_path):
    """`***a***` used to give a msgid the markup parser rejected, crashing the build."""
    edit_guide(project, "A literal \\*asterisk\\* stays.", "A ***very*** important line.")
    assert cli("extract", cwd=project, env=EPOCH).code == 0
    assert 'msgid "A ***very*** important line."' in (project / "locales/fixture.pot").read_text()
    result, _ = _build(cli, project, tmp_path / "out", "--lang", "en")
    assert result.code == 0
    assert "<strong><em>very</em></strong>" in (tmp_path / "out/fixture/en/index.html").read_text()


def test_unkeepable_emphasis_is_a_source_error(project, cli):
    edit_guide(project, "A literal \\*asterisk\\* stays.", "A ***very** odd* line.")
    result = cli("extract", cwd=project, env=EPOCH)
    assert result.code == 1
    assert result.stderr.startswith("error: guides/fixture/guide.md:41: emphasis that a translation cannot keep")


def test_empty_table_cell_and_hard_break(project, cli, tmp_path):
    edit_guide(project, "| Hotline | (415) 555-0100 |", "| Hotline | (415) 555-0100 |\n| Office |  |")
    edit_guide(project, "Stay safe.\n", "Stay safe.\n\nHarbor Street 1  \nHarbor City\n")
    result, _ = _build(cli, project, tmp_path / "out", "--lang", "en")
    assert result.code == 0, result.stdout
    html = (tmp_path / "out/fixture/en/index.html").read_text()
    assert '<tr><td>Office</td><td class="align-center"></td></tr>' in html
    assert "<p>Harbor Street 1<br>Harbor City</p>" in html


def test_image_without_description_and_unquoted_version(project, cli):
    edit_guide(project, "![A drawing of a house](images/pic.svg)", "![](images/pic.svg)")
    result = cli("extract", cwd=project)
    assert result.stderr == ("error: guides/fixture/guide.md:37: image has no description; write one for screen "
                             "readers: ![what it shows](...)\n")
    edit_guide(project, "![](images/pic.svg)", "![A house](images/pic.svg)")
    edit_guide(project, 'version: "2.1"', "version: 1.10")
    result = cli("extract", cwd=project)
    assert result.stderr == 'error: guides/fixture/guide.md:6: version must be text in quotes, e.g. version: "1.1"\n'


def test_url_map_reaches_the_links(project, cli, tmp_path):
    with (project / "guidebuilder.toml").open("a") as config:
        config.write('\n[urls.bn]\n"https://www.example.org/a" = "https://www.example.org/bn/a"\n')
    _build(cli, project, tmp_path / "out")
    assert 'href="https://www.example.org/bn/a"' in (tmp_path / "out/fixture/bn/index.html").read_text()
    assert 'href="https://www.example.org/a"' in (tmp_path / "out/fixture/ur/index.html").read_text()


def test_update_keeps_translator_comments(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    path = project / "locales/bn/LC_MESSAGES/fixture.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid == "Hotline").tcomment = "Reviewer: keep the English word, it is common"
    po.save(str(path))
    assert cli("update", cwd=project).code == 0
    assert "# Reviewer: keep the English word, it is common\n" in path.read_text()


def test_native_digits_are_in_the_font_subsets(project, cli, tmp_path):
    """Bengali list numbers and page numbers need every Bengali digit in the page's fonts."""
    _build(cli, project, tmp_path / "out", "--lang", "bn")
    fonts = list((tmp_path / "out/fixture/bn/fonts").glob("NotoSansBengali-Regular-*.woff2"))
    cmap = TTFont(fonts[0]).getBestCmap()
    assert all(0x09E6 + d in cmap for d in range(10))


def test_building_one_language_keeps_the_others_in_the_manifest(project, cli, tmp_path):
    out = tmp_path / "out"
    _build(cli, project, out)
    result, manifest = _build(cli, project, out, "--lang", "bn", "--force")
    assert result.code == 0
    assert sorted(lang for _slug, lang in manifest) == ["bn", "en", "ur"]
    assert ">اردو</a>" in (out / "index.html").read_text()


def test_init_refuses_a_language_it_cannot_typeset(project, cli):
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text().replace('languages = ["bn", "ur"]', 'languages = ["bn", "ur",]'))
    result = cli("init", "si", cwd=project)  # Sinhala: no bundled font
    assert result.code == 1
    assert result.stderr == ("error: no bundled font covers the Sinhala script (Sinh) of 'si'; add one with "
                             "'guidebuilder fonts add FILE.ttf' (Debian's fonts-noto-core has Noto fonts for most "
                             "scripts), then run this again\n")
    assert 'languages = ["bn", "ur",]' in config.read_text() and not (project / "locales" / "si").exists()
    cli("extract", cwd=project, env=EPOCH)
    assert cli("init", "es", cwd=project).code == 0
    assert 'languages = ["bn", "ur", "es"]' in config.read_text()


def test_localized_image_and_a4_paper(project, cli, tmp_path):
    """images/pic.bn.svg replaces images/pic.svg in Bangla; --paper a4 gives A4 pages."""
    import subprocess

    _build(cli, project, tmp_path / "out", "--paper", "a4")
    assert 'src="images/pic.bn.svg"' in (tmp_path / "out/fixture/bn/index.html").read_text()
    assert (tmp_path / "out/fixture/bn/images/pic.bn.svg").is_file()
    assert 'src="images/pic.svg"' in (tmp_path / "out/fixture/ur/index.html").read_text()
    info = subprocess.run(["pdfinfo", str(tmp_path / "out/fixture/bn/fixture-bn.pdf")], capture_output=True,
                          text=True).stdout
    assert re.search(r"Page size: +595.276 x 841.89 pts \(A4\)", info)
    info = subprocess.run(["pdfinfo", str(tmp_path / "out/fixture/en/fixture-en.pdf")], capture_output=True,
                          text=True).stdout
    assert "(A4)" in info
