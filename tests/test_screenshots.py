"""`guidebuilder screenshots`: one PNG per block of the web page, and a JSON index for Weblate."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import polib
import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_available():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make setup installs Debian's chromium where apt is usable)")
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")


def test_screenshots_one_png_per_block_with_a_json_index(project, cli, browser_available):
    from PIL import Image

    assert cli("extract", cwd=project).code == 0
    done = cli("screenshots", "--lang", "bn", cwd=project)
    assert done.code == 0, done.stderr
    folder = project / "build" / ".guidebuilder" / "screenshots" / "fixture" / "bn"
    assert done.stdout.strip() == "build/.guidebuilder/screenshots/fixture/bn: 25 screenshot(s)"
    index = json.loads((folder / "screenshots.json").read_text(encoding="utf-8"))
    pot = polib.pofile(str(project / "locales" / "fixture.pot"))
    # every message of the template has its picture, at the template's locations
    expected = {(e.msgctxt, e.msgid): [f"{path}:{line}" for path, line in e.occurrences] for e in pot}
    assert {(s["msgctxt"], s["msgid"]): s["locations"] for s in index["screenshots"]} == expected
    pngs = sorted(p.name for p in folder.glob("*.png"))
    assert pngs == sorted(s["file"] for s in index["screenshots"])
    assert len(pngs) == len(pot) == 25
    for name in pngs:
        image = Image.open(folder / name).convert("L")
        assert image.width > 20 and image.height > 10, name
        dark = sum(count for value, count in enumerate(image.histogram()) if value < 128)
        assert dark > 30, f"{name} has no text drawn"
    # the file names are the blocks' anchors: the same on a second run
    assert cli("screenshots", "--lang", "bn", cwd=project).code == 0
    assert sorted(p.name for p in folder.glob("*.png")) == pngs
    assert not (project / "build" / "site" / "fixture").exists()  # the published folder is left alone


def test_screenshots_of_an_unconfigured_language_is_one_line_error(project, cli):
    done = cli("screenshots", "--lang", "fr", cwd=project)
    assert done.code == 1
    assert done.stderr.strip() == ("error: language 'fr' is not configured in guidebuilder.toml; "
                                   "add it with 'guidebuilder init fr'")


def test_screenshots_leave_nothing_beside_their_temporary_build(project, cli, browser_available):
    # A short folder: Chromium's sockets under a long TMPDIR exceed the length a socket path may have.
    with tempfile.TemporaryDirectory(prefix="gb-", dir="/tmp") as temp:
        done = cli("screenshots", "--lang", "bn", cwd=project, env={"TMPDIR": temp})
        assert done.code == 0, done.stderr
        assert sorted(p.name for p in Path(temp).iterdir()) == []  # the page's build state went with its folder


def test_a_browser_that_cannot_start_is_one_line_error(project, cli, browser_available, monkeypatch):
    from guidebuilder import screenshots
    from guidebuilder.config import load_project
    from guidebuilder.errors import RenderError

    monkeypatch.setattr(screenshots, "chromium_path", lambda: "/bin/false")
    with pytest.raises(RenderError) as raised:
        screenshots.take_screenshots(load_project(project), "fixture", "bn", project / "build")
    message = str(raised.value)
    assert message.startswith("Chromium (/bin/false) did not show the bn web page of 'fixture': ")
    assert message.endswith("; check that Debian's chromium starts (chromium --headless --version)")
    assert "\n" not in message
