"""guidebuilder serve: a translator saves a .po file and sees the page change (issue 5)."""

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
        line = next_line("the server's address")
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        url = found.group(0)
        assert next_line("the first build").startswith("rebuilt")
        page = f"{url}fixture/bn/index.html"
        assert "নিরাপদে থাকুন।" in urllib.request.urlopen(page).read().decode()
        po = project / "locales/bn/LC_MESSAGES/fixture.po"
        po.write_text(po.read_text().replace('msgstr "নিরাপদে থাকুন।"', 'msgstr "সাবধানে থাকুন।"'))
        assert next_line("the rebuild after saving the catalog").strip() == "rebuilt 1: fixture/bn"
        assert "সাবধানে থাকুন।" in urllib.request.urlopen(page).read().decode()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
