"""Publishing policy, proofs and pseudo-locales."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polib

PO = "locales/bn/LC_MESSAGES/fixture.po"


def _mark(project: Path, untranslated: str | None = None, fuzzy: str | None = None) -> dict[str, int]:
    """Empty one entry and flag another fuzzy in the bn catalog; return their entry lines."""
    path = project / PO
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid == untranslated:
            entry.msgstr = ""
        if entry.msgid == fuzzy:
            entry.flags.append("fuzzy")
    po.save(str(path))
    text = path.read_text().splitlines()
    return {msgid: next(i for i, line in enumerate(text) if line == f'msgid "{msgid}"') + 2  # its msgstr line
            for msgid in (untranslated, fuzzy) if msgid}


def _manifest(out: Path) -> dict:
    data = json.loads((out / "manifest.json").read_text())
    return {row["lang"]: row for row in data["guides"][0]["languages"]}


def test_fuzzy_is_published_only_when_asked(project, cli, tmp_path):
    _mark(project, fuzzy="Second step")
    out = tmp_path / "out"
    assert cli("build-guides", "--out", str(out), "--quiet", "--lang", "bn", cwd=project).code == 0
    html = (out / "fixture/bn/index.html").read_text()
    assert '<li lang="en" dir="ltr">Second step</li>' in html and "দ্বিতীয় ধাপ" not in html
    assert cli("build-guides", "--out", str(out), "--quiet", "--lang", "bn", "--include-fuzzy", cwd=project).code == 0
    assert "<li>দ্বিতীয় ধাপ</li>" in (out / "fixture/bn/index.html").read_text()


def test_low_coverage_is_skipped_with_reason(project, cli, tmp_path):
    path = project / PO
    po = polib.pofile(str(path))
    for entry in po[:20]:
        entry.msgstr = ""
    po.save(str(path))
    out = tmp_path / "out"
    # Two worker processes (a spawn pool): a real process, not this one.
    result = cli("build-guides", "--out", str(out), "--quiet", "--jobs", "2", cwd=project, process=True)
    assert result.code == 0
    bn = _manifest(out)["bn"]
    assert bn["status"] == "skipped"
    assert bn["reason"] == "translated 27% of the guide's words, below min_coverage 80%"
    assert not (out / "fixture/bn").exists()
    assert "2 published (2 rebuilt), 1 skipped, 0 failed; 2 workers; manifest: " in result.stdout
    assert ">বাংলা</a>" not in (out / "fixture/en/index.html").read_text()  # not offered in the switcher
    # A per-guide threshold overrides the project's.
    with (project / "guidebuilder.toml").open("a") as config:
        config.write("\n[guides.fixture]\nmin_coverage = 0.25\n")
    cli("build-guides", "--out", str(out), "--quiet", cwd=project)
    assert _manifest(out)["bn"]["status"] == "published"


def test_proof_marks_untranslated_and_fuzzy_blocks(project, cli):
    lines = _mark(project, untranslated="First step", fuzzy="Second step")
    result = cli("build-guides", "--proof", "--quiet", "--lang", "bn", cwd=project)
    assert result.code == 0, result.stdout
    out = project / "build" / "proof"  # proofs are never in the published site
    html = (out / "fixture/bn/index.html").read_text()
    first = f'untranslated {PO}:{lines["First step"]}'
    second = f'fuzzy {PO}:{lines["Second step"]}'
    assert f'class="proof-untranslated" data-proof="{first}"' in html
    assert f'class="proof-fuzzy" data-proof="{second}"' in html
    pdf_text = subprocess.run(["pdftotext", "-raw", str(out / "fixture/bn/fixture-bn.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert first.replace(" ", "") in pdf_text.replace("\n", "").replace(" ", "")
    assert not (project / "build" / "site").exists()


def test_pseudo_locales_build_and_pass_check(project, cli):
    result = cli("pseudo", "--quiet", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    out = project / "build" / "pseudo"
    accented = (out / "fixture/en_XA/index.html").read_text()
    assert '<html lang="en-XA" dir="ltr">' in accented
    assert "‹Ƒîẋţûŕé Ĝûîđé ƥàđ ƥàđ›" in accented
    assert "(415)\u00a0555-0100" in accented and "help@example.org" in accented  # contacts stay intact
    rtl = (out / "fixture/ar_XB/index.html").read_text()
    assert '<html lang="ar-XB" dir="rtl">' in rtl and "\u202eEvery\u202c" in rtl
    assert (out / "fixture/ar_XB/fixture-ar_XB.pdf").is_file()
    po = polib.pofile(str(project / "build/.guidebuilder/pseudo/locales/en_XA/LC_MESSAGES/fixture.po"))
    for entry in po:
        assert len(entry.msgstr) >= 1.3 * len(entry.msgid)
    assert {row["status"] for row in _manifest(out).values()} == {"published"}
