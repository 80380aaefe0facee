"""guidebuilder serve: a translator saves a .po file and sees the page change (issue 5)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request


def test_serve_rebuilds_a_saved_catalog(project, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "guidebuilder", "serve", "--port", "0", "--out",
                             str(tmp_path / "out")], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        assert proc.stdout.readline().startswith("rebuilt")
        page = f"{url}fixture/bn/index.html"
        assert "নিরাপদে থাকুন।" in urllib.request.urlopen(page).read().decode()
        po = project / "locales/bn/LC_MESSAGES/fixture.po"
        po.write_text(po.read_text().replace('msgstr "নিরাপদে থাকুন।"', 'msgstr "সাবধানে থাকুন।"'))
        assert proc.stdout.readline().strip() == "rebuilt 1: fixture/bn"
        assert "সাবধানে থাকুন।" in urllib.request.urlopen(page).read().decode()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
