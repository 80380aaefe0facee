"""Bad input: one line naming path:line and what to do, exit 1, nothing rewritten."""

from __future__ import annotations

from conftest import FIXTURE_EPOCH

EPOCH = {"SOURCE_DATE_EPOCH": FIXTURE_EPOCH}


def _snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _catalogs(project, cli) -> dict:
    """Extract and update the fixture project; its catalogs by language."""
    cli("extract", cwd=project, env=EPOCH)
    cli("update", cwd=project)
    return {lang: project / "locales" / lang / "LC_MESSAGES" / "fixture.po" for lang in ("bn", "ur")}


def test_malformed_front_matter(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    bad = project / "guides" / "bad"
    bad.mkdir()
    (bad / "guide.md").write_text("---\ntitle: Bad\nsubtitle: [unclosed\n---\n\nText.\n")
    before = _snapshot(project / "locales")
    result = cli("extract", cwd=project, env=EPOCH)
    assert result.code == 1
    assert result.stderr == ("error: guides/bad/guide.md:3: front matter is not valid YAML (expected ',' or ']', "
                             "but got '<stream end>'); fix the YAML between the --- lines\n")
    assert _snapshot(project / "locales") == before  # the good guide's template is not rewritten either


def test_unknown_front_matter_key(project, cli):
    guide = project / "guides" / "fixture" / "guide.md"
    guide.write_text(guide.read_text().replace("license:", "licence:"))
    result = cli("extract", cwd=project, env=EPOCH)
    assert result.code == 1
    assert result.stderr == ("error: guides/fixture/guide.md:8: unknown front matter key 'licence'; known keys: "
                             "title, subtitle, summary, organization, version, date, license, contact, formats\n")


def test_guide_folder_without_guide_md(project, cli):
    (project / "guides" / "empty").mkdir()
    result = cli("extract", cwd=project, env=EPOCH)
    assert result.code == 1
    assert result.stderr == ("error: guides/empty/guide.md:1: guide folder has no guide.md; add one or move "
                             "the folder out of guides/\n")
    assert not (project / "locales" / "fixture.pot").exists()


def test_po_syntax_error(project, cli):
    po = _catalogs(project, cli)["bn"]
    lines = po.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line == 'msgid "First step"\n')
    lines[index + 1] = 'msgstr "Prothom dhap\n'  # the closing quote is missing
    po.write_text("".join(lines))
    before = _snapshot(project / "locales")
    result = cli("update", cwd=project)
    assert result.code == 1
    assert result.stderr == (f"error: locales/bn/LC_MESSAGES/fixture.po:{index + 2}: PO syntax error "
                             "(end-of-line within string); every entry needs msgid \"...\" then msgstr \"...\" "
                             "with closed quotes\n")
    assert _snapshot(project / "locales") == before  # ur was not rewritten either


def test_po_language_disagrees_with_folder(project, cli):
    po = _catalogs(project, cli)["ur"]
    text = po.read_text()
    line = text[: text.index('"Language: ur')].count("\n") + 1
    po.write_text(text.replace('"Language: ur', '"Language: hi'))
    result = cli("update", cwd=project)
    assert result.code == 1
    assert result.stderr == (f"error: locales/ur/LC_MESSAGES/fixture.po:{line}: header says Language: hi but the "
                             "catalog is in the 'ur' folder; set \"Language: ur\\n\"\n")


def test_duplicate_msgid(project, cli):
    po = _catalogs(project, cli)["bn"]
    text = po.read_text()
    line = text.count("\n") + 2
    po.write_text(text + '\nmsgid "First step"\nmsgstr "again"\n')
    result = cli("update", cwd=project)
    assert result.code == 1
    assert result.stderr == (f"error: locales/bn/LC_MESSAGES/fixture.po:{line}: duplicate message definition; "
                             "delete one of the two entries\n")


def test_all_errors_of_a_pass_are_reported_together(project, cli):
    for lang, po in _catalogs(project, cli).items():
        po.write_text(po.read_text().replace(f'"Language: {lang}', '"Language: km'))
    result = cli("update", cwd=project)
    assert result.code == 1
    assert [line.split(":")[1] for line in result.stderr.splitlines()] == [
        " locales/bn/LC_MESSAGES/fixture.po", " locales/ur/LC_MESSAGES/fixture.po"]


def test_init_of_an_unknown_language_code(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    before = _snapshot(project)
    result = cli("init", "xx", cwd=project)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == "error: 'xx' is not a CLDR locale identifier (examples: bn, zh_Hant, ur)\n"
    assert _snapshot(project) == before


def _config_error(project, cli, table: str) -> str:
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text() + table)
    cli("extract", cwd=project, env=EPOCH)
    before = _snapshot(project)
    result = cli("update", cwd=project)
    assert (result.code, result.stdout) == (1, "")
    assert _snapshot(project) == before
    return result.stderr


def test_locale_override_with_an_unknown_key(project, cli):
    stderr = _config_error(project, cli, '\n[locales.bn]\ndigits = "latn"\nline_hieght = 1.9\n')
    assert stderr == ("error: guidebuilder.toml:9: [locales.bn] unknown setting 'line_hieght'; "
                      "did you mean 'line_height'?\n")


def test_locale_override_of_a_wrong_type(project, cli):
    stderr = _config_error(project, cli, '\n[locales.ur]\njustify = "no"\n')
    assert stderr == "error: guidebuilder.toml:8: [locales.ur] 'justify' must be true or false, not \"no\"\n"


def test_locale_override_with_unknown_digits(project, cli):
    stderr = _config_error(project, cli, '\n[locales.ur]\ndigits = "urdu"\n')
    assert stderr == ("error: guidebuilder.toml:8: [locales.ur] 'digits' must be a CLDR numbering system such as "
                      "latn, beng, arab, arabext, mymr, not \"urdu\"\n")


def test_locale_override_changes_the_page(project, cli, tmp_path):
    """[locales.bn] digits = "latn" and line_height take effect without touching the package."""
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text() + '\n[locales.bn]\ndigits = "latn"\nline_height = 1.9\n')
    cli("extract", cwd=project, env=EPOCH)
    cli("update", cwd=project)
    result = cli("build-guides", "--quiet", "--format", "html", "--out", str(tmp_path / "out"), cwd=project)
    assert result.code == 0, result.stderr
    html = (tmp_path / "out" / "fixture" / "bn" / "index.html").read_text()
    assert "line-height: 1.9;" in html
    assert "list-style-type: decimal;" in html and "bengali" not in html
    assert "২০২৬" not in html and "2026" in html  # the cover date in Latin digits
