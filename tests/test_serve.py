"""guidebuilder serve: a translator saves a .po file and sees the page change."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.request

TIMEOUT = 120  # seconds for one line: a first build of the fixture takes a few


def _line_reader(stream):
    """A function that returns serve's next output line, failing the test after TIMEOUT seconds."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in iter(stream.readline, "")], daemon=True).start()
    seen: list[str] = []

    def next_line(waiting_for: str) -> str:
        try:
            line = lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"serve printed no line in {TIMEOUT} s while waiting for {waiting_for}; "
                                 f"it printed: {seen!r}") from None
        seen.append(line)
        return line

    return next_line


def test_serve_rebuilds_a_saved_catalog(project, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "guidebuilder", "serve", "--port", "0", "--out",
                             str(tmp_path / "out")], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        next_line = _line_reader(proc.stdout)
        assert next_line("the first build's notice").startswith(f"Building {tmp_path / 'out'} first")
        line = next_line("the server's address")
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        url = found.group(0)
        assert next_line("the first build").startswith("rebuilt")
        page = f"{url}fixture/bn/index.html"
        assert "নিরাপদে থাকুন।" in urllib.request.urlopen(page, timeout=30).read().decode()
        po = project / "locales/bn/LC_MESSAGES/fixture.po"
        po.write_text(po.read_text().replace('msgstr "নিরাপদে থাকুন।"', 'msgstr "সাবধানে থাকুন।"'))
        assert next_line("the page's preview").strip() == "preview fixture/bn/index.html"
        assert next_line("the rebuild after saving the catalog").strip() == "rebuilt 1: fixture/bn"
        assert "সাবধানে থাকুন।" in urllib.request.urlopen(page, timeout=30).read().decode()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def _events(url: str):
    """A function that returns the next page path /__reload announces, failing the test after TIMEOUT seconds."""
    stream = urllib.request.urlopen(f"{url}__reload", timeout=TIMEOUT)
    events: queue.Queue = queue.Queue()

    def read() -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode().strip()
            if line.startswith("data: "):
                events.put(line[len("data: "):])

    threading.Thread(target=read, daemon=True).start()

    def next_event(waiting_for: str) -> str:
        try:
            return events.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no reload event in {TIMEOUT} s while waiting for {waiting_for}") from None

    return next_event


def _start(project, out):
    proc = subprocess.Popen([sys.executable, "-m", "guidebuilder", "serve", "--port", "0", "--out", str(out)],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    next_line = _line_reader(proc.stdout)
    assert next_line("the first build's notice").startswith(f"Building {out} first")
    found = re.search(r"http://127\.0\.0\.1:\d+/", next_line("the server's address"))
    assert found
    assert next_line("the first build").startswith("rebuilt")
    return proc, found.group(0)


def test_saved_catalog_announces_its_page_then_its_pdf(project, tmp_path):
    proc, url = _start(project, tmp_path / "out")
    try:
        next_event = _events(url)
        po = project / "locales/bn/LC_MESSAGES/fixture.po"
        po.write_text(po.read_text().replace('msgstr "নিরাপদে থাকুন।"', 'msgstr "সাবধানে থাকুন।"'))
        assert next_event("the web page") == "fixture/bn/index.html"
        page = urllib.request.urlopen(f"{url}fixture/bn/index.html", timeout=30).read().decode()
        assert "সাবধানে থাকুন।" in page  # already rebuilt when announced
        assert '<script>new EventSource("/__reload")' in page  # the preview's pages reload themselves
        later = [next_event("the full build") for _ in range(3)]
        assert later == ["fixture/bn/fixture-bn.pdf", "fixture/bn/index.html", "index.html"]
        built = (tmp_path / "out/fixture/bn/index.html").read_text(encoding="utf-8")
        assert "EventSource" not in built  # the built files stay as they are published
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def test_browser_reloads_the_page_by_itself(project, tmp_path):
    import shutil

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        import pytest

        pytest.skip("Chromium is not installed (make setup installs Debian's chromium where apt is usable)")
    from playwright.sync_api import sync_playwright

    proc, url = _start(project, tmp_path / "out")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT * 1000)
            page.goto(f"{url}fixture/bn/")
            page.wait_for_function("document.body.textContent.includes('নিরাপদে থাকুন।')")
            po = project / "locales/bn/LC_MESSAGES/fixture.po"
            po.write_text(po.read_text().replace('msgstr "নিরাপদে থাকুন।"', 'msgstr "সাবধানে থাকুন।"'))
            page.wait_for_function("document.body.textContent.includes('সাবধানে থাকুন।')")  # no reload asked
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
