"""Hostile and broken input: nothing outside the project is read, fetched or clobbered."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guidebuilder.pdf import FetchLog, make_fetcher

from conftest import edit_guide, run_cli


def _manifest(out: Path) -> dict:
    data = json.loads((out / "manifest.json").read_text())
    return {entry["lang"]: entry for entry in data["guides"][0]["languages"]}


def test_image_path_traversal_is_refused(project, cli, tmp_path):
    edit_guide(project, "](images/pic.svg)", "](../../../../../../etc/passwd)")
    result = cli("build-guides", "--out", str(tmp_path / "out"), "--quiet", cwd=project)
    assert result.code == 1
    assert {entry["reason"] for entry in _manifest(tmp_path / "out").values()} == {
        "guides/fixture/guide.md:37: image '../../../../../../etc/passwd' is outside the guide folder; "
        "put images in guides/fixture/images/"}
    assert not list((tmp_path / "out").rglob("passwd"))


@pytest.mark.parametrize("src", ["https://evil.example/x.svg", "/etc/hostname", "images/../../../fixture.md"])
def test_remote_and_absolute_images_are_refused(project, cli, src):
    edit_guide(project, "](images/pic.svg)", f"]({src})")
    result = cli("extract", cwd=project)
    assert result.code == 1
    assert result.stderr == (f"error: guides/fixture/guide.md:37: image '{src}' is outside the guide folder; "
                             "put images in guides/fixture/images/\n")


def test_unsafe_link_targets_are_refused(project, cli):
    edit_guide(project, "(https://www.example.org/a)", "(../../secrets.html)")
    result = cli("extract", cwd=project)
    assert result.code == 1
    assert result.stderr == ("error: guides/fixture/guide.md:14: link target '../../secrets.html' is not allowed; "
                             "use an https://, mailto: or tel: address\n")


def test_fetcher_serves_only_allowed_folders(tmp_path):
    allowed = tmp_path / "guide"
    allowed.mkdir()
    (allowed / "ok.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    log = FetchLog()
    fetch = make_fetcher([allowed], log)
    assert fetch.fetch((allowed / "ok.svg").as_uri()).read().startswith(b"<svg")
    for url in ["https://www.example.org/tracker.png", "file:///etc/passwd",
                (allowed / ".." / ".." / "etc" / "passwd").as_uri()]:
        with pytest.raises(ValueError, match="refused"):
            fetch.fetch(url)
    assert log.refused == ["https://www.example.org/tracker.png", "file:///etc/passwd",
                           (allowed / ".." / ".." / "etc" / "passwd").as_uri()]


def test_translations_are_escaped(project, cli, tmp_path):
    po = project / "locales/ur/LC_MESSAGES/fixture.po"
    po.write_text(po.read_text().replace('msgstr "محفوظ رہیں۔"', 'msgstr "محفوظ رہیں۔<img src=x onerror=alert(1)>"'))
    result = cli("build-guides", "--out", str(tmp_path / "out"), "--quiet", "--include-fuzzy", cwd=project)
    manifest = _manifest(tmp_path / "out")
    assert manifest["ur"]["status"] == "failed"
    assert "error: raw-html: '<img src=x onerror=alert(1)>' is HTML" in manifest["ur"]["reason"]
    assert manifest["bn"]["status"] == "published" and result.code == 1


def test_escaping_holds_even_without_the_check(project):
    """The renderer escapes whatever a catalog holds (defence in depth behind `check`)."""
    from guidebuilder.config import load_project
    from guidebuilder.locales import facts_for
    from guidebuilder.render import PageLinks, render_page
    from guidebuilder.source import read_guide
    from guidebuilder.translate import load_translation

    po = project / "locales/bn/LC_MESSAGES/fixture.po"
    po.write_text(po.read_text().replace('msgstr "নিরাপদে থাকুন।"', 'msgstr "<script>alert(1)</script>"'))
    proj = load_project(project)
    html, _ = render_page(read_guide(proj.root, "fixture"), load_translation(proj, "fixture", "bn"),
                          facts_for("bn", proj), facts_for("en", proj), "web", "", PageLinks([]))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("content,expected", [
    (b"", "locales/bn/LC_MESSAGES/fixture.po:1: error: po-syntax: catalog is empty; "
          "run 'guidebuilder update' to recreate it"),
    (b'msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "Name"\nmsgstr "N\xe1me"\n',
     "locales/bn/LC_MESSAGES/fixture.po:5: error: po-syntax: not valid UTF-8; save the file as UTF-8 "
     "(Content-Type: text/plain; charset=UTF-8)"),
])
def test_broken_catalog_fails_its_language_only(project, cli, tmp_path, content, expected):
    out = tmp_path / "out"
    assert cli("build-guides", "--out", str(out), "--quiet", cwd=project).code == 0
    pdf = out / "fixture/ur/fixture-ur.pdf"
    before = pdf.read_bytes()
    (project / "locales/bn/LC_MESSAGES/fixture.po").write_bytes(content)
    result = cli("build-guides", "--out", str(out), "--quiet", cwd=project)
    assert result.code == 1
    manifest = _manifest(out)
    assert manifest["bn"]["status"] == "failed"
    assert manifest["bn"]["reason"] == expected
    assert manifest["ur"]["status"] == manifest["en"]["status"] == "published"
    assert pdf.read_bytes() == before  # the others untouched (their web pages drop bn from the menu)
    assert 'hreflang="bn"' not in (out / "fixture/ur/index.html").read_text()
    # The site holds what the manifest lists: the failed language's earlier files are gone.
    assert not (out / "fixture/bn").exists()


def test_enormous_catalog_is_refused(project, cli):
    po = project / "locales/bn/LC_MESSAGES/fixture.po"
    with po.open("ab") as handle:
        handle.write(b"# " + b"x" * (21 * 1024 * 1024) + b"\n")
    result = cli("check", cwd=project)
    assert ("locales/bn/LC_MESSAGES/fixture.po:1: error: po-syntax: catalog is 21 MB, over the 20 MB limit; "
            "is this the right file?") in result.stdout


# Runs build-guides with its writes wrapped: once the first PDF is in place, the build writes
# a marker file and waits forever, so the test kills it at that point every time.
PAUSE_AFTER_FIRST_PDF = """
import runpy, sys, threading
from pathlib import Path
import guidebuilder.job as job  # where a guide x language job writes its files

marker, original = Path(sys.argv[1]), job.atomic_write

def atomic_write(path, data, *args, **kwargs):
    original(path, data, *args, **kwargs)
    if Path(path).suffix == ".pdf":
        marker.write_text(str(path))
        threading.Event().wait()

job.atomic_write = atomic_write
sys.argv = ["guidebuilder", *sys.argv[2:]]
runpy.run_module("guidebuilder", run_name="__main__")
"""


def test_killed_build_leaves_no_partial_outputs_and_next_build_recovers(project, tmp_path):
    out, marker = tmp_path / "out", tmp_path / "paused"
    env = {**os.environ, "GUIDEBUILDER_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-c", PAUSE_AFTER_FIRST_PDF, str(marker), "build-guides", "--out",
                             str(out), "--quiet", "--jobs", "1"], cwd=project, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 180
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    stderr = proc.communicate()[1].decode(errors="replace")
    assert marker.exists(), f"the build did not reach its first PDF write (exit {proc.returncode}): {stderr[-2000:]}"
    published = [p for p in out.rglob("*") if p.is_file() and ".guidebuilder" not in p.parts]
    assert Path(marker.read_text()) in published, "the PDF written before the kill is not in place"
    for path in published:
        data = path.read_bytes()
        if path.suffix == ".pdf":
            assert data.rstrip().endswith(b"%%EOF"), path
        elif path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
    assert not (out / "manifest.json").exists()  # the manifest is written last
    done = run_cli("build-guides", "--out", str(out), "--quiet", cwd=project,
                   env={"GUIDEBUILDER_CACHE": env["GUIDEBUILDER_CACHE"]})
    assert done.code == 0, done.stdout + done.stderr
    assert {entry["status"] for entry in _manifest(out).values()} == {"published"}
    assert not list((out.parent / ".guidebuilder" / out.name).glob("tmp/*"))
    assert not (out / ".guidebuilder").exists()  # the build state is never in the published folder
