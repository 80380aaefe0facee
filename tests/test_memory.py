"""Translation memory across guides and TMX files, and an update --check that ignores wrapping."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest

from conftest import DATA, FIXTURE_EPOCH

EPOCH = {"SOURCE_DATE_EPOCH": FIXTURE_EPOCH}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Two sentences of the fixture guide exactly ("Call **911** now.", "Stay safe."), one with a
# small change ("Second nested bullet" + " point"), and sentences no catalog has.
SECOND_GUIDE = """---
title: Second Guide
subtitle: Sentences shared with the fixture
summary: A second guide that repeats some of the fixture's sentences.
organization: Another Group
version: "1.0"
date: 2026-03-15
license: CC BY 4.0
contact: test@example.org
---

# Getting help

Call **911** now.

- Stay safe.
- Second nested bullet point
- Bring a friend you trust.
"""


def _fixture_translations(lang: str) -> dict[str, str]:
    """The committed fixture catalog's translations, by msgid (no msgctxt collisions among those used)."""
    po = polib.pofile(str(DATA / "project" / "locales" / lang / "LC_MESSAGES" / "fixture.po"))
    return {e.msgid: e.msgstr for e in po if not e.msgctxt}


def _add_second_guide(project: Path) -> None:
    (project / "guides" / "second").mkdir()
    (project / "guides" / "second" / "guide.md").write_text(SECOND_GUIDE, encoding="utf-8")


def _entries(path: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.mark.parametrize("lang", ["bn", "ur"])
def test_update_fills_new_guide_from_other_guides(project, cli, lang):
    _add_second_guide(project)
    cli("extract", cwd=project, env=EPOCH)
    result = cli("update", cwd=project)
    assert result.code == 0, result.stderr
    fixture = _fixture_translations(lang)
    po_path = project / "locales" / lang / "LC_MESSAGES" / "second.po"
    entries = _entries(po_path)
    for msgid in ("Call **911** now.", "Stay safe."):
        assert entries[msgid].msgstr == fixture[msgid]
        assert entries[msgid].flags == []
        assert entries[msgid].tcomment == "Translation memory: from fixture"
    near = entries["Second nested bullet point"]
    assert near.msgstr == fixture["Second nested bullet"]
    assert near.flags == ["fuzzy"] and near.previous_msgid == "Second nested bullet"
    assert near.tcomment == "Translation memory: from fixture"
    text = po_path.read_text(encoding="utf-8")
    assert ('# Translation memory: from fixture\n#. Bulleted list item\n#: guides/second/guide.md:17\n'
            '#, fuzzy\n#| msgid "Second nested bullet"\nmsgid "Second nested bullet point"\n') in text
    for msgid in ("Second Guide", "Getting help", "Bring a friend you trust.", "Another Group"):
        assert entries[msgid].msgstr == "" and entries[msgid].tcomment == ""
    # The fixture's own catalog gains nothing from the new guide's (empty) work.
    assert "Translation memory" not in (project / "locales" / lang / "LC_MESSAGES" / "fixture.po").read_text()
    # The note lives where merge keeps it: the next update changes nothing, and --check agrees.
    before = po_path.read_bytes()
    again = cli("update", cwd=project)
    assert again.code == 0 and po_path.read_bytes() == before
    assert cli("update", "--check", cwd=project).code == 0
    stats = json.loads(cli("stats", "--format", "json", cwd=project).stdout)
    memory = {(g["slug"], row["lang"]): row["memory"] for g in stats["guides"] for row in g["languages"]}
    assert memory[("second", lang)] == 3 and memory[("fixture", lang)] == 0
    assert " memory " in cli("stats", cwd=project).stdout


def test_memory_never_overwrites_a_translation(project, cli):
    _add_second_guide(project)
    cli("extract", cwd=project, env=EPOCH)
    po_path = project / "locales" / "bn" / "LC_MESSAGES" / "second.po"
    cli("update", cwd=project)
    po = polib.pofile(str(po_path))
    own = po.find("Call **911** now.")
    own.msgstr, own.tcomment = "অনুবাদকের নিজের অনুবাদ **911**", ""
    near = po.find("Second nested bullet point")
    near.msgstr, near.flags, near.previous_msgid = "অনুবাদকের বুলেট", [], None
    po.save(str(po_path))
    assert cli("update", cwd=project).code == 0
    entries = _entries(po_path)
    assert entries["Call **911** now."].msgstr == "অনুবাদকের নিজের অনুবাদ **911**"
    assert entries["Call **911** now."].tcomment == ""
    assert entries["Second nested bullet point"].msgstr == "অনুবাদকের বুলেট"
    assert entries["Second nested bullet point"].flags == []


def test_changed_source_sentence_takes_an_exact_match_over_its_fuzzy_guess(project, cli):
    _add_second_guide(project)
    cli("extract", cwd=project, env=EPOCH)
    cli("update", cwd=project)
    po_path = project / "locales" / "bn" / "LC_MESSAGES" / "second.po"
    po = polib.pofile(str(po_path))
    po.find("Bring a friend you trust.").msgstr = "বিশ্বস্ত একজন বন্ধুকে সঙ্গে নিন।"
    po.save(str(po_path))
    # The second guide's sentence becomes the fixture's: merge makes a fuzzy guess, memory has it exactly.
    guide = project / "guides" / "second" / "guide.md"
    guide.write_text(guide.read_text().replace("- Bring a friend you trust.", "- Stay safe now."))
    fixture = project / "guides" / "fixture" / "guide.md"
    fixture.write_text(fixture.read_text().replace("Stay safe.\n\nMore", "Stay safe now.\n\nMore"))
    cli("extract", cwd=project, env=EPOCH)
    fixture_po = project / "locales" / "bn" / "LC_MESSAGES" / "fixture.po"
    po = polib.pofile(str(fixture_po))
    po.append(polib.POEntry(msgid="Stay safe now.", msgstr="এখনই নিরাপদে থাকুন।",
                            occurrences=[("guides/fixture/guide.md", "45")]))
    po.save(str(fixture_po))
    assert cli("update", "--lang", "bn", cwd=project).code == 0
    entry = _entries(po_path)["Stay safe now."]
    assert (entry.msgstr, entry.flags, entry.previous_msgid) == ("এখনই নিরাপদে থাকুন।", [], None)
    assert entry.tcomment == "Translation memory: from fixture"


def test_tmx_round_trip_fills_a_fresh_project(project, cli, tmp_path):
    cli("extract", cwd=project, env=EPOCH)
    tmx = tmp_path / "org-bn.tmx"
    result = cli("tm", "export", "--lang", "bn", "--out", str(tmx), cwd=project)
    assert result.code == 0, result.stderr
    root = ET.parse(tmx).getroot()
    assert root.get("version") == "1.4" and root.find("header").get("srclang") == "en"
    units = root.findall("body/tu")
    assert len(units) == 25  # every message of the fixture, translated in bn
    pairs = [tuple(tuv.get(XML_LANG) for tuv in tu.findall("tuv")) for tu in units]
    assert set(pairs) == {("en", "bn")}
    heading = [tu for tu in units if tu.find("prop") is not None and tu.find("prop").text == "heading"]
    assert [tu.find("tuv/seg").text for tu in heading] == ["Phone"]
    # Deterministic: stdout gives the same bytes.
    assert cli("tm", "export", "--lang", "bn", cwd=project).stdout.encode() == tmx.read_bytes()

    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, symlinks=True)
    shutil.rmtree(fresh / "guides" / "fixture")
    for po in fresh.glob("locales/**/*.po*"):
        po.unlink()
    (fresh / "locales" / "fixture.pot").unlink(missing_ok=True)
    _add_second_guide(fresh)
    result = cli("tm", "import", str(tmx), cwd=fresh)
    assert result.code == 0, result.stderr
    assert (fresh / "memory" / "org-bn.tmx").read_bytes() == tmx.read_bytes()
    assert (fresh / "guidebuilder.toml").read_text().endswith('\n[memory]\ntmx = ["memory/org-bn.tmx"]\n')
    cli("extract", cwd=fresh, env=EPOCH)
    assert cli("update", cwd=fresh).code == 0
    fixture = _fixture_translations("bn")
    entries = _entries(fresh / "locales" / "bn" / "LC_MESSAGES" / "second.po")
    assert entries["Stay safe."].msgstr == fixture["Stay safe."]
    assert entries["Stay safe."].tcomment == "Translation memory: from memory/org-bn.tmx"
    assert entries["Second nested bullet point"].flags == ["fuzzy"]
    assert all(not e.msgstr for e in _entries(fresh / "locales" / "ur" / "LC_MESSAGES" / "second.po").values())
    # Importing again lists it once.
    assert cli("tm", "import", str(tmx), cwd=fresh).code == 0
    assert (fresh / "guidebuilder.toml").read_text().count("org-bn.tmx") == 1


def test_invalid_tmx_is_refused_with_its_line(project, cli):
    bad = project / "broken.tmx"
    bad.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
                   '<tu><tuv xml:lang="en"><seg>Hi</tuv></tu>\n</body>\n</tmx>\n', encoding="utf-8")
    config = (project / "guidebuilder.toml").read_bytes()
    result = cli("tm", "import", "broken.tmx", cwd=project)
    assert result.code == 1
    assert result.stderr == ("error: broken.tmx:5: not well-formed XML (mismatched tag) at column 33; "
                             "fix the file or export it again\n")
    assert not (project / "memory").exists() and (project / "guidebuilder.toml").read_bytes() == config
    bad.write_text('<tmx version="1.4">\n<header srclang="en"/>\n<body>\n<tu>\n'
                   '<tuv xml:lang="bn"><seg>হ্যালো</seg></tuv>\n</tu>\n</body>\n</tmx>\n', encoding="utf-8")
    result = cli("tm", "import", "broken.tmx", cwd=project)
    assert result.stderr == ('error: broken.tmx:4: <tu> has no <tuv xml:lang="en"> with the source text; '
                             "add it or delete the <tu>\n")


@pytest.mark.parametrize(("setting", "message"), [
    ('tmx = ["../org.tmx"]', "guidebuilder.toml:8: [memory] 'tmx' lists \"../org.tmx\", outside the project "
                             "folder; copy it into the project (guidebuilder tm import FILE)"),
    ('tmx = ["memory/org.tmx"]', "guidebuilder.toml:8: [memory] 'tmx' lists \"memory/org.tmx\", which does not "
                                 "exist; add the file or remove it from the list"),
    ('tmx = "memory/org.tmx"', "guidebuilder.toml:8: [memory] 'tmx' must be a list of paths, not "
                               "\"memory/org.tmx\"; write [\"memory/org.tmx\"]"),
])
def test_memory_setting_errors_name_their_line(project, cli, setting, message):
    (project.parent / "org.tmx").write_text("<tmx/>")
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text() + f"\n[memory]\n{setting}\n")
    result = cli("update", cwd=project)
    assert (result.code, result.stderr) == (1, f"error: {message}\n")


# -- update --check: content, not layout ----------------------------------------------


def test_update_check_ignores_rewrapping_but_not_content(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    assert cli("update", cwd=project).code == 0
    po_path = project / "locales" / "bn" / "LC_MESSAGES" / "fixture.po"
    laid_out = po_path.read_bytes()
    po = polib.pofile(str(po_path))
    po.wrapwidth = 78  # polib's default, as a script saving with polib writes
    po.save(str(po_path))
    assert po_path.read_bytes() != laid_out  # the layout really differs
    result = cli("update", "--check", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    assert "locales/bn/LC_MESSAGES/fixture.po: wrapped differently (not stale)" in result.stdout
    # update still lays the file out as msgmerge does.
    result = cli("update", cwd=project)
    assert "locales/bn/LC_MESSAGES/fixture.po: relaid" in result.stdout
    assert po_path.read_bytes() == laid_out
    po.save(str(po_path))
    guide = project / "guides" / "fixture" / "guide.md"
    guide.write_text(guide.read_text().replace("First step", "First step now"))
    cli("extract", cwd=project, env=EPOCH)
    result = cli("update", "--check", cwd=project)
    assert result.code == 1
    assert "locales/bn/LC_MESSAGES/fixture.po: is stale" in result.stdout
