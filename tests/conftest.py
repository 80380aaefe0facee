"""Shared fixtures: a copy of the fixture project, and the CLI run as a user runs it."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FIXTURE_EPOCH = "1773532800"  # 2026-03-15, the fixture guide's date
# Invisible characters left out when comparing a PDF's text layer: the bidi controls poppler
# writes around right-to-left lines, and the marks and zero-width spaces of guidebuilder.pdftext.
CONTROLS = dict.fromkeys([0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C])


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> Run:
    """Run `python -m guidebuilder ARGS` in cwd."""
    import os

    # pytest-xdist already runs a test on every core: a build's jobs run in its own process, one after another.
    full_env = {**os.environ, "COLUMNS": "200", "GUIDEBUILDER_JOBS": "1", **(env or {})}
    done = subprocess.run([sys.executable, "-m", "guidebuilder", *args], cwd=cwd, capture_output=True,
                          text=True, env=full_env)
    return Run(done.returncode, done.stdout, done.stderr)


def copy_fixture_project(target: Path) -> Path:
    """A copy of tests/data/project at target, its fonts/ a link to the bundled fonts (not a 100 MB copy)."""
    shutil.copytree(DATA / "project", target, symlinks=True)
    (target / "fonts").unlink()
    (target / "fonts").symlink_to(ROOT / "fonts")
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of tests/data/project."""
    return copy_fixture_project(tmp_path / "project")


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def site(tmp_path_factory, worker_id) -> Path:
    """The sample guides in all nine languages, built once for the whole run.

    pytest-xdist's workers share it: the first to need it builds it while holding a lock,
    the others wait for it and then read it.
    """
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the run's folder, above each worker's own
    out, done = root / "sample-site", root / "sample-site.done"
    with open(root / "sample-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.is_file():
            shutil.rmtree(out, ignore_errors=True)
            result = run_cli("build-guides", "--out", str(out), "--quiet", cwd=ROOT)
            assert result.code == 0, result.stdout + result.stderr
            done.touch()
    return out


def edit_guide(project: Path, old: str, new: str) -> None:
    """Replace text in the fixture guide (the text must be there)."""
    path = project / "guides" / "fixture" / "guide.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
