"""Shared fixtures: a copy of the fixture project, and the CLI run as a user runs it."""

from __future__ import annotations

import fcntl
import io
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
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
    """What a user sees of a command: its exit code and what it wrote on each stream."""

    code: int
    stdout: str
    stderr: str


# The settings every run gets: a wide terminal, and a build's jobs one after another in the same process
# (pytest-xdist already runs a test on every core).
RUN_ENV = {"COLUMNS": "200", "GUIDEBUILDER_JOBS": "1"}
# Python's own warning filters (`python -W` unset): what a user's terminal shows, not pytest's.
PYTHON_WARNING_FILTERS = [("default", DeprecationWarning, "__main__"), ("ignore", DeprecationWarning, ""),
                          ("ignore", PendingDeprecationWarning, ""), ("ignore", ImportWarning, ""),
                          ("ignore", ResourceWarning, "")]


def run_cli(*args: str, cwd: Path, env: dict | None = None, process: bool = False) -> Run:
    """Run `python -m guidebuilder ARGS` in cwd, as a user runs it: its exit code, stdout and stderr.

    By default the command runs in this process (no interpreter start-up, WeasyPrint imported
    once): what a real process would print is captured, tracebacks included. process=True runs
    a real `python -m guidebuilder`, for tests that signal it, run a pool of workers (--jobs > 1),
    or need a fresh interpreter.
    """
    run_env = {**RUN_ENV, **(env or {})}
    if process:
        done = subprocess.run([sys.executable, "-m", "guidebuilder", *args], cwd=cwd, capture_output=True,
                              text=True, env={**os.environ, **run_env})
        return Run(done.returncode, done.stdout, done.stderr)
    with _process_state(cwd, run_env, list(args)) as (stdout, stderr):
        code = _main(list(args))
    return Run(code, stdout.getvalue().decode(), stderr.getvalue().decode())


def _main(args: list[str]) -> int:
    """The CLI as `python -m guidebuilder` runs it; the exit code the interpreter would end with.

    An exception that escapes goes to the hook typer installed, as in the real process: its
    traceback on stderr, exit code 1.
    """
    from guidebuilder.cli import app

    try:
        app(args=args, prog_name="python -m guidebuilder")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException as exc:  # noqa: BLE001  shown as the interpreter shows it, through the hook typer set
        sys.excepthook(type(exc), exc, exc.__traceback__.tb_next if exc.__traceback__ else None)
        return 1
    return 0


@contextmanager
def _process_state(cwd: Path, env: dict[str, str], args: list[str]) -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    """This process made to look like a fresh `python -m guidebuilder ARGS` in cwd, and put back afterwards.

    Standard streams, working folder, environment, argv, exception hook, tempfile's folder,
    logging's handlers and warning filters are the process's own; the CLI changes some
    (FONTCONFIG_FILE) and the test must not see them, nor the command see pytest's.
    """
    import guidebuilder

    stdout, stderr = io.BytesIO(), io.BytesIO()
    saved_env = dict(os.environ)
    saved = (sys.stdin, sys.stdout, sys.stderr, sys.argv, sys.excepthook, tempfile.tempdir, os.getcwd())
    root = logging.getLogger()
    saved_handlers = root.handlers[:]
    # Python's own stdio settings under a UTF-8 locale.
    streams = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8"),
               io.TextIOWrapper(stdout, encoding="utf-8", errors="surrogateescape"),
               io.TextIOWrapper(stderr, encoding="utf-8", errors="backslashreplace"))
    try:
        sys.stdin, sys.stdout, sys.stderr = streams
        sys.argv = [str(Path(guidebuilder.__file__).with_name("__main__.py")), *args]
        tempfile.tempdir = None  # chosen again from this environment's TMPDIR
        root.handlers = []  # unconfigured logging: warnings go to stderr, as in a fresh interpreter
        os.environ.update(env)
        os.chdir(cwd)
        with warnings.catch_warnings():
            warnings.resetwarnings()
            for action, category, module in reversed(PYTHON_WARNING_FILTERS):
                warnings.filterwarnings(action, category=category, module=module)
            warnings.showwarning = _show_warning
            yield stdout, stderr
    finally:
        for stream in streams:  # the bytes stay readable once the text layer is gone
            stream.flush()
            stream.detach()
        sys.stdin, sys.stdout, sys.stderr, sys.argv, sys.excepthook, tempfile.tempdir, cwd_before = saved
        os.chdir(cwd_before)
        root.handlers = saved_handlers
        _restore_environment(saved_env)


def _restore_environment(saved: dict[str, str]) -> None:
    """os.environ as it was saved, key by key (os.environ itself stays the same object)."""
    for key in [k for k in os.environ if k not in saved]:
        del os.environ[key]
    for key, value in saved.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """warnings.showwarning as Python's own: on the standard error of the moment."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def copy_fixture_project(target: Path) -> Path:
    """A copy of tests/data/project at target, its fonts/ a link to the bundled fonts (not a 100 MB copy)."""
    shutil.copytree(DATA / "project", target, symlinks=True)
    (target / "fonts").unlink()
    (target / "fonts").symlink_to(ROOT / "fonts")
    return target


@pytest.fixture(autouse=True)
def _environment():
    """Each test starts with the environment the last one started with.

    A test that calls guidebuilder's functions directly (a build, screenshots) lets them set
    FONTCONFIG_FILE, possibly to a file in a folder they remove; a later `serve` process must not inherit it.
    """
    saved = dict(os.environ)
    yield
    _restore_environment(saved)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of tests/data/project."""
    return copy_fixture_project(tmp_path / "project")


@pytest.fixture
def cli():
    """run_cli: the CLI run as a user runs it (in this process unless process=True)."""
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
    out, done, failed = root / "sample-site", root / "sample-site.done", root / "sample-site.failed"
    with open(root / "sample-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.is_file():  # another worker's build failed: say so rather than build again
            pytest.fail(failed.read_text(encoding="utf-8"))
        if not done.is_file():
            shutil.rmtree(out, ignore_errors=True)
            result = run_cli("build-guides", "--out", str(out), "--quiet", cwd=ROOT)
            if result.code != 0:
                failed.write_text(result.stdout + result.stderr, encoding="utf-8")
                pytest.fail(result.stdout + result.stderr)
            done.touch()
    return out


def edit_guide(project: Path, old: str, new: str) -> None:
    """Replace text in the fixture guide (the text must be there)."""
    path = project / "guides" / "fixture" / "guide.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


# The modules that use the sample site, in the order pytest-xdist should hand them out (`--dist loadfile`
# sends whole modules in collection order): test_site first, the longest (it builds the site, then runs the
# accessibility pass); the others last, longest first, so that no worker waits for the site while it is
# built, nor idles at the end while the other finishes a long module.
SITE_FIRST = "test_site"
SITE_LAST = ("test_shards", "test_build", "test_layout", "test_hotline_card")


def pytest_collection_modifyitems(config, items) -> None:
    """Order the modules for pytest-xdist: SITE_FIRST, then every module without the site, then SITE_LAST."""

    def rank(item) -> tuple[int, int]:
        name = item.module.__name__
        if name == SITE_FIRST:
            return (0, 0)
        if name in SITE_LAST:
            return (2, SITE_LAST.index(name))
        return (1, 0)

    items.sort(key=rank)  # stable: the order within each module is kept
