"""Bad input: one line naming path:line and what to do, exit 1, nothing rewritten (issue 2)."""

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
                             "title, subtitle, summary, organization, version, date, license, contact\n")


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
