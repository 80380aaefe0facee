"""Shared-library lookups: remembered across processes, forgotten when the machine's libraries change."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lookup(cache: Path, name: str, env_extra: dict[str, str] | None = None) -> str:
    """find_library(name) as a fresh process with the library cache in `cache` answers it."""
    code = f"from guidebuilder.libraries import find_library; print(find_library({name!r}))"
    env = {"PYTHONPATH": str(ROOT), "GUIDEBUILDER_CACHE": str(cache), "PATH": "/usr/bin:/bin:/sbin:/usr/sbin",
           **(env_extra or {})}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_answers_like_ctypes_and_remembers_them(tmp_path: Path) -> None:
    assert lookup(tmp_path, "fontconfig") == str(ctypes.util.find_library("fontconfig"))
    assert lookup(tmp_path, "no-such-library-here") == "None"
    found = json.loads((tmp_path / "libraries.json").read_text())["found"]
    assert found["no-such-library-here"] is None
    assert found["fontconfig"] == ctypes.util.find_library("fontconfig")


def test_a_remembered_answer_is_used_until_the_library_path_changes(tmp_path: Path) -> None:
    lookup(tmp_path, "fontconfig")
    data = json.loads((tmp_path / "libraries.json").read_text())
    data["found"]["fontconfig"] = "libremembered.so.9"  # proves the answer comes from the file
    (tmp_path / "libraries.json").write_text(json.dumps(data))
    assert lookup(tmp_path, "fontconfig") == "libremembered.so.9"
    assert lookup(tmp_path, "fontconfig", {"LD_LIBRARY_PATH": str(tmp_path)}) == str(
        ctypes.util.find_library("fontconfig"))
