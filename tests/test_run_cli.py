"""run_cli in this process shows what a real `python -m guidebuilder` shows, and leaves this process as it was."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

from conftest import run_cli


def test_in_process_runs_print_what_the_real_process_prints(project, tmp_path):
    for args in (["extract", "--nope"], ["build-guides", "--lang", "xx", "--quiet"],
                 ["stats", "--format", "json"]):
        real = run_cli(*args, cwd=project, process=True)
        here = run_cli(*args, cwd=project)
        assert (here.code, here.stdout, here.stderr) == (real.code, real.stdout, real.stderr), args
    # Usage errors and GuideErrors alike: one stream each, nothing on the other.
    assert run_cli("extract", "--nope", cwd=project).stdout == ""
    assert run_cli("build-guides", "--lang", "xx", cwd=project).stderr == (
        "error: language 'xx' is not configured in guidebuilder.toml; add it with 'guidebuilder init xx'\n")


def test_an_escaping_exception_is_a_traceback_on_stderr(project, monkeypatch):
    from guidebuilder import extract

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in a stage")

    monkeypatch.setattr(extract, "extract", broken)
    result = run_cli("extract", cwd=project)
    assert result.code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith("RuntimeError: a bug in a stage")
    assert result.stdout == ""


def test_exit_codes_are_the_interpreters(project, monkeypatch):
    from guidebuilder import extract

    def leave(message):
        def stop(*args, **kwargs):
            sys.exit(message)
        return stop

    monkeypatch.setattr(extract, "extract", leave(3))
    assert run_cli("extract", cwd=project).code == 3
    monkeypatch.setattr(extract, "extract", leave("stopped"))
    assert (run_cli("extract", cwd=project).code, run_cli("extract", cwd=project).stderr) == (1, "stopped\n")


def test_warnings_and_log_records_reach_stderr_as_in_a_fresh_interpreter(project, monkeypatch):
    from guidebuilder import extract

    def noisy(*args, **kwargs):
        warnings.warn("a library's warning", UserWarning, stacklevel=1)
        logging.getLogger("somelibrary").warning("a library's log record")
        return []

    monkeypatch.setattr(extract, "extract", noisy)
    result = run_cli("extract", cwd=project)
    assert result.code == 0
    assert "UserWarning: a library's warning" in result.stderr
    assert "a library's log record\n" in result.stderr


def test_the_process_is_left_as_it_was(project, tmp_path):
    env, cwd, streams = dict(os.environ), os.getcwd(), (sys.stdin, sys.stdout, sys.stderr)
    hook, argv, temp, handlers = sys.excepthook, sys.argv[:], tempfile.gettempdir(), logging.getLogger().handlers[:]
    filters = warnings.filters[:]
    temp_dir = tmp_path / "temp"
    temp_dir.mkdir()
    # A build sets FONTCONFIG_FILE for WeasyPrint; TMPDIR is the caller's own setting.
    result = run_cli("build-guides", "--quiet", "--lang", "bn", "--format", "pdf", "--out", str(tmp_path / "out"),
                     cwd=project, env={"TMPDIR": str(temp_dir)})
    assert result.code == 0, result.stderr
    assert dict(os.environ) == env and os.getcwd() == cwd and (sys.stdin, sys.stdout, sys.stderr) == streams
    assert (sys.excepthook, sys.argv, tempfile.gettempdir()) == (hook, argv, temp)
    assert logging.getLogger().handlers == handlers and warnings.filters == filters


def test_the_build_guides_command_is_build_guides_of_the_package(project, tmp_path):
    """The console script staff run (`build-guides`, installed beside this Python) builds like the CLI's command."""
    script = Path(sys.executable).with_name("build-guides")
    if not script.is_file():
        pytest.skip("the package is not installed in this environment (make setup installs it)")
    done = subprocess.run([str(script), "--quiet", "--lang", "bn", "--format", "html", "--out", str(tmp_path / "out")],
                          cwd=project, capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "1 published (1 rebuilt), 0 skipped, 0 failed" in done.stdout
    assert (tmp_path / "out" / "fixture" / "bn" / "index.html").is_file()
    usage = subprocess.run([str(script), "--nope"], cwd=project, capture_output=True, text=True)
    assert usage.returncode == 2 and "Usage: build-guides [OPTIONS]\n" in usage.stderr
