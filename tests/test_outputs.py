"""Output kinds: a kind registered from outside the package is built, written and listed in the manifest."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from guidebuilder import job as job_module
from guidebuilder.build import build
from guidebuilder.config import load_project
from guidebuilder.errors import GuideError
from guidebuilder.outputs import Job, Made, register, selected, unregister
from guidebuilder.state import BuildOptions


@pytest.fixture(autouse=True)
def own_fontconfig():
    """build() in this process points fontconfig at the build's font-less configuration; undo it for later tests.

    A browser started by a later test would inherit it and fail to load every web font.
    """
    before = os.environ.get("FONTCONFIG_FILE")
    yield
    if before is None:
        os.environ.pop("FONTCONFIG_FILE", None)
    else:
        os.environ["FONTCONFIG_FILE"] = before


class TitleText:
    """A test-only kind: the guide's title in the page's language, as a .txt file."""

    name = "title"
    needs: tuple[str, ...] = ()

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        title = job.translation.resolve(job.guide.meta_messages["title"]).text
        path = job.out_dir / "title.txt"
        data = f"{title}\n".encode()
        return Made(job.output(self.name, path, data), [(path, data)])


@pytest.fixture
def title_kind():
    register(TitleText())
    yield
    unregister("title")


def _languages(out: Path) -> dict[str, dict]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {entry["lang"]: entry for entry in manifest["guides"][0]["languages"]}


def test_a_registered_kind_is_written_and_listed(project, tmp_path, title_kind):
    out = tmp_path / "out"
    options = BuildOptions(out_dir=out, langs=["bn"], formats=("html", "title"), jobs=1)
    report = build(load_project(project), ["fixture"], options)
    assert not report.failed
    assert (out / "fixture/bn/title.txt").read_text(encoding="utf-8") == "ফিক্সচার নির্দেশিকা\n"
    entry = _languages(out)["bn"]
    listed = {o["kind"]: o for o in entry["outputs"]}
    assert sorted(listed) == ["html", "title"]
    data = (out / "fixture/bn/title.txt").read_bytes()
    assert listed["title"] == {"kind": "title", "path": "fixture/bn/title.txt", "bytes": len(data),
                               "sha256": hashlib.sha256(data).hexdigest(), "pages": None, "width_pt": None,
                               "height_pt": None}
    assert entry["html"] == "fixture/bn/index.html" and entry["pdf"] is None


class LabelledTitle(TitleText):
    """The title kind with a download label: pages and the portal offer its file."""

    name = "labelled-title"
    label = "Title, plain text ({size})"
    media_type = "text/plain"

    def path(self, job: Job) -> Path:
        return job.out_dir / "title.txt"


def test_a_kind_registered_later_is_offered_by_the_page_and_the_portal(project, tmp_path):
    register(LabelledTitle())
    try:
        out = tmp_path / "out"
        report = build(load_project(project), ["fixture"],
                       BuildOptions(out_dir=out, langs=["bn"], formats=("html", "labelled-title"), jobs=1))
    finally:
        unregister("labelled-title")
    assert not report.failed
    # No translation of the label in Bangla: English words, Bangla digits, the size as the file's.
    assert (out / "fixture/bn/title.txt").stat().st_size < 500
    page = (out / "fixture/bn/index.html").read_text(encoding="utf-8")
    assert '<li><a href="title.txt" type="text/plain" download>Title, plain text (১\u00a0kB)</a></li>' in page
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="fixture/bn/title.txt" lang="bn" dir="ltr" type="text/plain" download>Title, plain text (' in portal


def test_manifest_lists_the_pdf_with_its_page_size(project, tmp_path):
    out = tmp_path / "out"
    report = build(load_project(project), ["fixture"], BuildOptions(out_dir=out, langs=["en"], formats=("pdf",),
                                                                   jobs=1))
    assert not report.failed
    pdf = _languages(out)["en"]["outputs"][0]
    data = (out / "fixture/en/fixture-en.pdf").read_bytes()
    assert (pdf["kind"], pdf["path"], pdf["bytes"]) == ("pdf", "fixture/en/fixture-en.pdf", len(data))
    assert (pdf["width_pt"], pdf["height_pt"]) == (612.0, 792.0)  # paper = "letter" in the fixture project
    assert pdf["pages"] == _languages(out)["en"]["pdf_pages"] and pdf["pages"] >= 1


def test_unknown_format_is_refused_before_anything_is_written(project, cli, tmp_path):
    result = cli("build-guides", "--format", "epub", "--out", str(tmp_path / "out"), "--quiet", cwd=project)
    assert (result.code, result.stderr) == (
        1, "error: --format must be pdf, pdf-grayscale, booklet, wallet-card, wallet-card-sheet, trifold, text, "
           "share-image or html, not 'epub'\n")
    assert not (tmp_path / "out").exists()


def test_unknown_format_names_every_registered_kind(title_kind):
    with pytest.raises(GuideError) as caught:
        selected(("html", "epub"))
    assert str(caught.value) == ("--format must be pdf, pdf-grayscale, booklet, wallet-card, wallet-card-sheet, "
                                 "trifold, text, share-image, html or title, not 'epub'")


def test_a_kind_runs_after_the_kinds_it_needs():
    assert [kind.name for kind in selected(("html", "pdf"))] == ["pdf", "html"]
    assert [kind.name for kind in selected(("html",))] == ["html"]


class Broken:
    """A kind with a bug in it."""

    name = "broken"
    needs: tuple[str, ...] = ()

    def build(self, job: Job, made: dict[str, Made]) -> Made:
        return {}["src"]


def test_a_bug_in_a_kind_fails_that_language_with_its_line_and_logs_the_traceback(project, tmp_path):
    register(Broken())
    try:
        out = tmp_path / "out"
        report = build(load_project(project), ["fixture"], BuildOptions(out_dir=out, langs=["en"],
                                                                       formats=("broken",), jobs=1))
    finally:
        unregister("broken")
    job_py = Path(job_module.__file__).read_text().splitlines()
    line = next(n for n, text in enumerate(job_py, 1) if "kind.build(job, made)" in text)
    reason = f"KeyError: 'src' (guidebuilder/job.py:{line})"
    assert [(r.lang, r.status.value, r.reason) for r in report.results] == [("en", "failed", reason)]
    assert _languages(out)["en"]["reason"] == reason
    log = (tmp_path / ".guidebuilder/out/errors.log").read_text()
    assert log.startswith(f"fixture/en: {reason}\nTraceback") and 'return {}["src"]' in log
    assert report.warnings[-1] == ("unexpected errors (a bug in guidebuilder); their tracebacks are in "
                                   f"{tmp_path / '.guidebuilder/out/errors.log'}")
