"""Extract and update: the catalogs translators work in."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib
import pytest

from guidebuilder.catalogs import format_catalog, read_catalog

from conftest import DATA, FIXTURE_EPOCH, ROOT

EPOCH = {"SOURCE_DATE_EPOCH": FIXTURE_EPOCH}


def test_extract_matches_golden_pot(project, cli):
    result = cli("extract", cwd=project, env=EPOCH)
    assert result.code == 0, result.stderr
    assert result.stdout == ("locales/fixture.pot: 25 messages (written)\n"
                             "locales/guidebuilder.pot: 19 messages (written)\n")
    expected = (DATA / "golden" / "fixture.pot").read_text(encoding="utf-8")
    assert (project / "locales" / "fixture.pot").read_text(encoding="utf-8") == expected


def test_extract_is_deterministic_and_skips_date_only_changes(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    pot = project / "locales" / "fixture.pot"
    first = pot.read_bytes()
    again = cli("extract", cwd=project, env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert again.stdout == ("locales/fixture.pot: 25 messages (unchanged)\n"
                            "locales/guidebuilder.pot: 19 messages (unchanged)\n")
    assert pot.read_bytes() == first  # only the creation date would differ: not rewritten
    guide = project / "guides" / "fixture" / "guide.md"
    guide.write_text(guide.read_text().replace("Second step", "Second step, carefully"))
    cli("extract", cwd=project, env=EPOCH)
    assert 'msgid "Second step, carefully"' in pot.read_text()


def test_every_construct_is_a_message_with_comment_and_location(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    pot = polib.pofile(str(project / "locales" / "fixture.pot"))
    by_id = {(e.msgctxt, e.msgid): e for e in pot}
    assert by_id[(None, "A drawing of a house")].comment == "Image description (alt text)"
    assert by_id[(None, "Emergency")].comment == "Callout box title"
    assert by_id[(None, "Name")].comment == "Table header"
    assert by_id[(None, "A footnote with a [link]{1}.")].comment.startswith("Footnote. Link text: keep the […]{1}")
    # The same text as a heading and as a table header gets two entries told apart by msgctxt.
    assert by_id[("heading", "Phone")].occurrences == [("guides/fixture/guide.md", "16")]
    assert by_id[("table header", "Phone")].occurrences == [("guides/fixture/guide.md", "27")]
    # The same text twice in the same role is one entry with both locations.
    assert by_id[(None, "Stay safe.")].occurrences == [("guides/fixture/guide.md", "34"),
                                                       ("guides/fixture/guide.md", "45")]
    # Link targets stay out of the catalog.
    assert not any("example.org/a" in e.msgid for e in pot)


def _translate_all(po_path: Path, prefix: str = "T: ") -> None:
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = prefix + entry.msgid
    po.save(str(po_path))


def test_update_keeps_work_as_fuzzy_and_obsolete(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    assert cli("update", cwd=project).code == 0
    po_path = project / "locales" / "bn" / "LC_MESSAGES" / "fixture.po"
    _translate_all(po_path)
    guide = project / "guides" / "fixture" / "guide.md"
    text = guide.read_text()
    text = text.replace("Second nested bullet", "Second nested bullet point")  # small edit: fuzzy
    text = text.replace("A literal \\*asterisk\\* stays.\n", "")  # removed: obsolete
    guide.write_text(text)
    cli("extract", cwd=project, env=EPOCH)
    result = cli("update", cwd=project)
    assert result.code == 0, result.stderr
    content = po_path.read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgid "Second nested bullet"\nmsgid "Second nested bullet point"\n'
            'msgstr "T: Second nested bullet"\n') in content
    assert ('#~ msgid "A literal \\\\*asterisk\\\\* stays."\n'
            '#~ msgstr "T: A literal \\\\*asterisk\\\\* stays."\n') in content
    po = polib.pofile(str(po_path))
    assert po.metadata["Language"] == "bn"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    # A second update changes nothing, and --check agrees.
    before = po_path.read_bytes()
    assert cli("update", cwd=project).code == 0
    assert po_path.read_bytes() == before
    assert cli("update", "--check", cwd=project).code == 0


def test_update_check_fails_on_stale_catalogs(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    cli("update", cwd=project)
    guide = project / "guides" / "fixture" / "guide.md"
    guide.write_text(guide.read_text().replace("First step", "First step now"))
    cli("extract", cwd=project, env=EPOCH)
    po = project / "locales" / "ur" / "LC_MESSAGES" / "fixture.po"
    before = po.read_bytes()
    result = cli("update", "--check", cwd=project)
    assert result.code == 1
    assert "locales/ur/LC_MESSAGES/fixture.po: is stale" in result.stdout
    assert "error: 2 catalog(s) out of date; run 'guidebuilder update'" in result.stderr
    assert po.read_bytes() == before


def test_init_adds_a_language(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    result = cli("init", "km", cwd=project)
    assert result.code == 0, result.stderr
    assert result.stdout == ("locales/km/LC_MESSAGES/fixture.po: created\n"
                             "locales/km/LC_MESSAGES/guidebuilder.po: created\n")
    assert 'languages = ["bn", "ur", "km"]' in (project / "guidebuilder.toml").read_text()
    assert polib.pofile(str(project / "locales/km/LC_MESSAGES/fixture.po")).metadata["Language"] == "km"


def test_stats_json_counts_messages_and_words(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    (project / "locales" / "ur" / "LC_MESSAGES" / "fixture.po").unlink()  # no Urdu catalog yet
    result = cli("stats", "--format", "json", cwd=project)
    data = json.loads(result.stdout)
    langs = {row["lang"]: row for row in data["guides"][0]["languages"]}
    assert langs["bn"]["percent"] == 100.0
    assert langs["bn"]["messages"] == {"translated": 25, "fuzzy": 0, "untranslated": 0, "total": 25}
    assert langs["ur"]["percent"] == 0.0 and langs["ur"]["exists"] is False
    assert langs["ur"]["words"]["untranslated"] == langs["bn"]["words"]["translated"]
    text = cli("stats", cwd=project)
    assert "fixture" in text.stdout and "100.0" in text.stdout


# -- the sample project ------------------------------------------------------------------

SAMPLE_CATALOGS = sorted((ROOT / "locales").glob("*.pot")) + sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po"))
UI_CATALOGS = sorted((ROOT / "guidebuilder" / "ui").glob("*.po"))


@pytest.mark.parametrize("path", SAMPLE_CATALOGS + UI_CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_msgfmt_check_passes(path):
    done = subprocess.run(["msgfmt", "--check", "--check-format", "--check-header", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("path", SAMPLE_CATALOGS + UI_CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_round_trip_gives_identical_bytes(path):
    catalog = read_catalog(path, str(path))
    assert format_catalog(catalog) == path.read_bytes()


def test_sample_catalogs_are_current_and_complete(cli):
    assert cli("update", "--check", cwd=ROOT).code == 0
    data = json.loads(cli("stats", "--format", "json", cwd=ROOT).stdout)
    slugs = {g["slug"] for g in data["guides"]}
    assert slugs == {"responding-to-hate", "know-your-rights-card", "hotline-card"}
    for guide in data["guides"]:
        assert len(guide["languages"]) == 8
        for lang in guide["languages"]:
            assert (lang["percent"], lang["messages"]["fuzzy"]) == (100.0, 0), (guide["slug"], lang["lang"])


def test_sample_guide_is_large_enough():
    pot = polib.pofile(str(ROOT / "locales" / "responding-to-hate.pot"))
    words = sum(len(e.msgid.split()) for e in pot)
    assert len(pot) >= 80 and words >= 1500


def test_a_saved_catalog_is_read_anew_and_its_old_copy_let_go(tmp_path):
    """serve reads a catalog on every save: each read must not keep the versions before it."""
    import gc
    import os
    import weakref

    from guidebuilder.catalogs import read_catalog_shared

    po = tmp_path / "bn.po"
    text = (DATA / "project" / "locales" / "bn" / "LC_MESSAGES" / "fixture.po").read_text(encoding="utf-8")
    po.write_text(text, encoding="utf-8")
    first = read_catalog_shared(po, "bn.po", "bn")
    assert read_catalog_shared(po, "bn.po", "bn") is first  # unchanged: read once
    old = weakref.ref(first)
    del first
    po.write_text(text.replace('msgstr "নিরাপদে থাকুন।"', 'msgstr "সাবধানে থাকুন।"'), encoding="utf-8")
    os.utime(po, ns=(1, 1))  # a different modification time however fast the two writes came
    second = read_catalog_shared(po, "bn.po", "bn")
    assert any(entry.msgstr == "সাবধানে থাকুন।" for entry in second)
    gc.collect()
    assert old() is None


def test_a_catalog_rewritten_with_its_size_and_time_kept_is_read_anew(tmp_path):
    """A tool that keeps the modification time (cp -p, rsync -t), or two saves in one clock tick."""
    import os

    from guidebuilder.catalogs import read_catalog_shared

    po = tmp_path / "bn.po"
    text = (DATA / "project" / "locales" / "bn" / "LC_MESSAGES" / "fixture.po").read_text(encoding="utf-8")
    po.write_text(text, encoding="utf-8")
    assert any(entry.msgstr == "নিরাপদে থাকুন।" for entry in read_catalog_shared(po, "bn.po", "bn"))
    stat = po.stat()
    changed = text.replace('msgstr "নিরাপদে থাকুন।"', 'msgstr "সাবধানে থাকুন।"')
    assert len(changed.encode()) == len(text.encode())
    po.write_text(changed, encoding="utf-8")
    os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (po.stat().st_size, po.stat().st_mtime_ns, po.stat().st_ino) == (stat.st_size, stat.st_mtime_ns,
                                                                            stat.st_ino)
    assert any(entry.msgstr == "সাবধানে থাকুন।" for entry in read_catalog_shared(po, "bn.po", "bn"))
