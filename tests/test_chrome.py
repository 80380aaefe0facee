"""Page chrome: the pages' interface text as the project's gettext domain "guidebuilder"."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib
import pytest

from guidebuilder.catalogs import format_catalog
from guidebuilder.chrome import placeholder_problems

from conftest import DATA, FIXTURE_EPOCH, ROOT

EPOCH = {"SOURCE_DATE_EPOCH": FIXTURE_EPOCH}
BN_CHROME = "locales/bn/LC_MESSAGES/guidebuilder.po"


def _catalogs(project: Path, cli) -> None:
    assert cli("extract", cwd=project, env=EPOCH).code == 0
    result = cli("update", cwd=project)
    assert result.code == 0, result.stderr


def _set(path: Path, msgid: str, msgstr: str, fuzzy: bool = False) -> int:
    """Give msgid a new translation in a chrome catalog; return its msgstr line."""
    po = polib.pofile(str(path))
    entry = po.find(msgid)
    entry.msgstr = msgstr
    if fuzzy:
        entry.flags.append("fuzzy")
    path.write_bytes(format_catalog(po))
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f'msgid "{msgid}"')
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr")) + 1


def _build_html(project: Path, cli, lang: str, *extra: str):
    out = project / "build"
    result = cli("build-guides", "--lang", lang, "--format", "html", "--out", str(out), "--quiet", *extra,
                 cwd=project)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["guides"][0]["languages"] if e["lang"] == lang)
    html = (out / "fixture" / lang / "index.html")
    return result, entry, html.read_text(encoding="utf-8") if html.is_file() else None


def test_extract_writes_the_chrome_template(project, cli):
    result = cli("extract", cwd=project, env=EPOCH)
    assert result.code == 0, result.stderr
    assert "locales/guidebuilder.pot: 19 messages (written)\n" in result.stdout
    pot = project / "locales" / "guidebuilder.pot"
    assert pot.read_text(encoding="utf-8") == (DATA / "golden" / "guidebuilder.pot").read_text(encoding="utf-8")
    # Every location points at the template line that calls _() with that text.
    for entry in polib.pofile(str(pot)):
        for path, line in entry.occurrences:
            source = (ROOT / "guidebuilder" / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
            assert f'_("{entry.msgid}"' in source or f"_('{entry.msgid}'" in source, (path, line)
    first = pot.read_bytes()
    again = cli("extract", cwd=project, env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert "locales/guidebuilder.pot: 19 messages (unchanged)\n" in again.stdout
    assert pot.read_bytes() == first  # only the date would change: not rewritten


def test_init_creates_the_chrome_catalog_from_the_package_translation(project, cli):
    cli("extract", cwd=project, env=EPOCH)
    result = cli("init", "km", cwd=project)
    assert result.code == 0, result.stderr
    assert "locales/km/LC_MESSAGES/guidebuilder.po: created\n" in result.stdout
    path = project / "locales/km/LC_MESSAGES/guidebuilder.po"
    po = polib.pofile(str(path))
    package = polib.pofile(str(ROOT / "guidebuilder/ui/km.po"))
    assert po.metadata["Language"] == "km"
    assert len(po) == 19 and not po.untranslated_entries() and not po.obsolete_entries()
    for entry in po:
        assert entry.msgstr == package.find(entry.msgid).msgstr
    assert po.find("Download PDF ({size})").flags == ["python-brace-format"]
    assert po.find("Contents").flags == []
    done = subprocess.run(["msgfmt", "--check", "--check-format", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_project_translation_shows_in_the_page(project, cli):
    _catalogs(project, cli)
    path = project / BN_CHROME
    _, _, html = _build_html(project, cli, "bn")
    assert '<a class="skip" href="#main">মূল লেখায় যান</a>' in html  # the package's translation
    _set(path, "Skip to content", "সরাসরি মূল লেখায়")
    _set(path, "Notes", "পাদটীকা", fuzzy=True)
    result, entry, html = _build_html(project, cli, "bn")
    assert entry["status"] == "published", result.stdout + result.stderr
    assert '<a class="skip" href="#main">সরাসরি মূল লেখায়</a>' in html
    # A fuzzy project translation is not published: the package's translation stands.
    assert '<h2 id="notes-title">টীকা</h2>' in html
    _, _, html = _build_html(project, cli, "bn", "--include-fuzzy")
    assert '<h2 id="notes-title">পাদটীকা</h2>' in html


def test_a_language_without_chrome_translations_falls_back_to_english(project, cli):
    _catalogs(project, cli)
    assert cli("init", "es", cwd=project).code == 0
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text().replace("min_coverage = 0.8", "min_coverage = 0.0"))
    result, entry, html = _build_html(project, cli, "es")
    assert entry["status"] == "published", result.stdout + result.stderr
    assert '<html lang="es" dir="ltr">' in html
    assert '<a class="skip" href="#main">Skip to content</a>' in html
    assert '<h2 id="notes-title">Notes</h2>' in html
    assert "<p>License: CC BY 4.0</p>" in html
    data = json.loads(cli("stats", "--format", "json", cwd=project).stdout)
    chrome = {row["lang"]: row for row in data["chrome"]["languages"]}
    assert data["chrome"]["domain"] == "guidebuilder"
    assert (chrome["es"]["chrome"], chrome["es"]["messages"]["english"]) == ("en (fallback)", 19)
    assert (chrome["bn"]["chrome"], chrome["bn"]["messages"]["translated"]) == ("bn", 19)
    text = cli("stats", cwd=project).stdout
    row = next(line for line in text.splitlines() if line.startswith("│ es ") and "fallback" in line)
    assert row.split("│")[1:-1] == [" es       ", "       0 ", "       0 ", "      19 ", "     0 ", " en (fallback) "]


def test_stats_counts_a_missing_project_catalog_from_the_package(project, cli):
    _catalogs(project, cli)
    (project / BN_CHROME).unlink()
    data = json.loads(cli("stats", "--format", "json", cwd=project).stdout)
    bn = next(row for row in data["chrome"]["languages"] if row["lang"] == "bn")
    assert bn["exists"] is False and bn["chrome"] == "bn"
    assert bn["messages"] == {"translated": 0, "from_package": 19, "english": 0, "fuzzy": 0, "total": 19}


def test_misspelled_placeholder_is_an_error_that_stops_only_that_language(project, cli):
    _catalogs(project, cli)
    path = project / BN_CHROME
    line = _set(path, "Download PDF ({size})", "পিডিএফ ডাউনলোড করুন ({sise})")
    finding = f"{BN_CHROME}:{line}: error: placeholder: '{{sise}}' is not in the source; keep '{{size}}' exactly"
    result = cli("check", cwd=project)
    assert result.code == 1
    assert finding in result.stdout.splitlines()
    done = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert f"guidebuilder.po:{line}: a format specification for argument 'sise' doesn't exist in 'msgid'" \
        in done.stderr
    result, entry, html = _build_html(project, cli, "bn")
    assert result.code == 1 and html is None
    assert (entry["status"], entry["reason"]) == ("failed", finding)


@pytest.mark.parametrize("msgid, msgstr, problems", [
    ("Version {version}", "সংস্করণ {version}", []),
    ("Download PDF ({size})", "PDF ({sise})", ["'{sise}' is not in the source; keep '{size}' exactly"]),
    ("Download PDF ({size})", "PDF", ["'{size}' is missing; copy it exactly from the source"]),
    ("Published by {organization}", "{organization} {year}",
     ["'{year}' is not in the source; remove it (only {organization} is replaced)"]),
    ("Contents", "{0}", ["'{0}' is not in the source; remove it (this text has no placeholders)"]),
    ("Contents", "Index {", ["a lone '{'; remove it, or write it twice ('{{') to print it"]),
    ("Contents", "Index {{x}}", []),
])
def test_placeholder_problems(msgid, msgstr, problems):
    assert placeholder_problems(msgid, msgstr) == problems


def test_a_translation_that_cannot_be_filled_in_prints_english():
    from guidebuilder.chrome import Chrome

    chrome = Chrome("bn", {"Download PDF ({size})": "পিডিএফ ({sise})", "Contents": "সূচিপত্র"})
    assert chrome.text("Download PDF ({size})", size="1 KB") == "Download PDF (1 KB)"
    assert chrome.text("Contents") == "সূচিপত্র"
    assert chrome.text("Notes") == "Notes"


def test_serve_rebuilds_every_guide_when_the_chrome_catalog_is_saved(project):
    from guidebuilder.config import load_project
    from guidebuilder.serve import affected

    proj = load_project(project)
    chrome_po = project / "locales/bn/LC_MESSAGES/guidebuilder.po"
    guide_po = project / "locales/bn/LC_MESSAGES/fixture.po"
    assert affected(proj, {(2, str(chrome_po))}) is None  # every guide
    assert affected(proj, {(2, str(guide_po))}) == {"fixture"}
