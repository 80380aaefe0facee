"""guidebuilder.toml read against its schema: each problem one line with its line number, all at once."""

from __future__ import annotations

import pytest

# The fixture's guidebuilder.toml: [project] on line 1, then source_language, languages, min_coverage, paper.
FIXTURE = '[project]\nsource_language = "en"\nlanguages = ["bn", "ur"]\nmin_coverage = 0.8\npaper = "letter"\n'
MIN_COVERAGE = "[project] 'min_coverage' must be a number from 0 to 1 (e.g. 0.8), not "
LANGUAGES = "[project] 'languages' must be a list of CLDR locale identifiers (e.g. [\"bn\", \"zh_Hant\"]), not "
SOURCE = "[project] 'source_language' must be a CLDR locale identifier in quotes (e.g. \"en\"), not "


def _snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _refused(project, cli, config: str | bytes) -> str:
    """stderr of `extract` with this guidebuilder.toml, which must fail having written nothing."""
    path = project / "guidebuilder.toml"
    assert path.read_text() == FIXTURE
    path.write_bytes(config if isinstance(config, bytes) else config.encode())
    before = _snapshot(project)
    result = cli("extract", cwd=project)
    assert (result.code, result.stdout) == (1, ""), result.stderr
    assert _snapshot(project) == before
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("config, message", [
    ("project = 1\n", "1: 'project' must be a table, e.g. [project] then languages = [\"bn\"], not 1"),
    ('project = "x"\n', "1: 'project' must be a table, e.g. [project] then languages = [\"bn\"], not \"x\""),
    ('[[project]]\nlanguages = ["bn"]\n', "1: [[project]] is an array of tables; write [project] with single brackets"),
    (FIXTURE.replace('["bn", "ur"]', "5"), f"3: {LANGUAGES}5"),
    (FIXTURE.replace('["bn", "ur"]', '"ko"'), ("3: [project] 'languages' must be a list of strings, not \"ko\"; "
                                              "write [\"ko\"]")),
    (FIXTURE.replace("0.8", '"high"'), f'4: {MIN_COVERAGE}"high"'),
    (FIXTURE.replace("0.8", "[]"), f"4: {MIN_COVERAGE}[]"),
    (FIXTURE.replace("0.8", "{a = 1}"), f"4: {MIN_COVERAGE}{{a = 1}}"),
    (FIXTURE.replace("0.8", "2026-03-15"), f"4: {MIN_COVERAGE}2026-03-15"),
    (FIXTURE.replace('["bn", "ur"]', '[["ko"]]'), f'3: {LANGUAGES}[["ko"]]'),
    (FIXTURE.replace('"en"', '["en"]'), f'2: {SOURCE}["en"]'),
    (FIXTURE.replace('["bn", "ur"]', "[1, 2]"), f"3: {LANGUAGES}[1, 2]"),
    (FIXTURE.replace('"en"', "1"), f"2: {SOURCE}1"),
    (FIXTURE + "\n[urls]\nko = 1\n", ("8: 'urls.ko' must be a table, e.g. [urls.ko] then "
                                     "\"https://a.org/\" = \"https://a.org/ko/\", not 1")),
])
def test_a_value_of_the_wrong_type_is_one_line(project, cli, config, message):
    assert _refused(project, cli, config) == f"error: guidebuilder.toml:{message}\n"


@pytest.mark.parametrize("value", ["-1", "2.0", "nan", "inf", "true", '"0.5"'])
def test_min_coverage_is_a_number_from_0_to_1(project, cli, value):
    stderr = _refused(project, cli, FIXTURE.replace("0.8", value))
    assert stderr == f"error: guidebuilder.toml:4: {MIN_COVERAGE}{value}\n"


@pytest.mark.parametrize("languages, message", [
    ("{ko = 1}", f"{LANGUAGES}{{ko = 1}}"),
    ('["ko", "ko"]', "[project] 'languages' lists \"ko\" twice; remove one"),
    ('["en", "bn"]', ("[project] 'languages' lists the source language \"en\"; remove it "
                     "(the source language is always published)")),
    ('["bn", "xx"]', "[project] 'languages': 'xx' is not a CLDR locale identifier (examples: bn, zh_Hant, ur)"),
])
def test_languages_that_cannot_be_published(project, cli, languages, message):
    stderr = _refused(project, cli, FIXTURE.replace('["bn", "ur"]', languages))
    assert stderr == f"error: guidebuilder.toml:3: {message}\n"


def test_a_guide_threshold_of_the_wrong_type(project, cli):
    stderr = _refused(project, cli, FIXTURE + '\n[guides.fixture]\nmin_coverage = "x"\n')
    assert stderr == ("error: guidebuilder.toml:8: [guides.fixture] 'min_coverage' must be a number from 0 to 1 "
                      "(e.g. 0.8), not \"x\"\n")


def test_paper_names_its_line(project, cli):
    stderr = _refused(project, cli, FIXTURE.replace('"letter"', '"a5"'))
    assert stderr == "error: guidebuilder.toml:5: [project] 'paper' must be 'letter' or 'a4', not \"a5\"\n"


def test_every_problem_of_the_file_at_once(project, cli):
    config = FIXTURE.replace("0.8", '"high"').replace("min_coverage", "min_coverge").replace('"letter"', '"a5"')
    stderr = _refused(project, cli, config.replace('"en"', "1") + '\n[urls.bn]\n"https://a.org/" = 1\n')
    assert stderr == (
        "warning: guidebuilder.toml:4: unknown key 'min_coverge' in [project]; did you mean 'min_coverage'?\n"
        f"error: guidebuilder.toml:2: {SOURCE}1\n"
        "error: guidebuilder.toml:5: [project] 'paper' must be 'letter' or 'a4', not \"a5\"\n"
        "error: guidebuilder.toml:8: [urls.bn] \"https://a.org/\" must map to the localized URL in quotes, not 1\n")


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe" + FIXTURE.encode("utf-16-le"), "1: UTF-16 text; save the file as UTF-8"),
    (FIXTURE.encode("utf-16-be"), "1: UTF-16 text; save the file as UTF-8"),  # no byte order mark
    (FIXTURE.replace('"letter"', '"lettre \xe9"').encode("latin-1"), ("5: not UTF-8 text (byte 0xe9); "
                                                                     "save the file as UTF-8")),
    (FIXTURE.replace("0.8", "").encode(), "4: invalid value at column 16; fix the TOML syntax"),
])
def test_a_file_that_is_not_utf8_toml(project, cli, data, message):
    assert _refused(project, cli, data) == f"error: guidebuilder.toml:{message}\n"


def test_a_utf8_byte_order_mark_is_accepted(project, cli):
    (project / "guidebuilder.toml").write_bytes(b"\xef\xbb\xbf" + FIXTURE.encode())
    result = cli("extract", cwd=project)
    assert (result.code, result.stderr) == (0, "")


@pytest.mark.parametrize("config, warning", [
    (FIXTURE.replace("min_coverage", "min_coverge"),
     "4: unknown key 'min_coverge' in [project]; did you mean 'min_coverage'?"),
    ('languages = ["bn"]\n' + FIXTURE,
     "1: 'languages' is outside [project] and has no effect; move it below the [project] header"),
    (FIXTURE + "\n[projcet]\npaper = \"a4\"\n", "7: unknown table [projcet]; did you mean [project]?"),
    (FIXTURE + "\n[guides.fixtrue]\nmin_coverage = 1.0\n",
     "7: [guides.fixtrue] names no folder under guides/; did you mean [guides.fixture]?"),
    (FIXTURE + "\n[guides.fixture]\nmin_coverge = 1.0\n",
     "8: unknown key 'min_coverge' in [guides.fixture]; did you mean 'min_coverage'?"),
    (FIXTURE + '\n[urls.km]\n"https://a.org/" = "https://a.org/km/"\n',
     "7: [urls.km] is for 'km', which is not in [project] languages; add the language or remove the table"),
])
def test_unknown_keys_warn_and_the_command_still_runs(project, cli, config, warning):
    (project / "guidebuilder.toml").write_text(config)
    result = cli("extract", cwd=project)
    assert result.code == 0
    assert result.stderr == f"warning: guidebuilder.toml:{warning}\n"
    assert "locales/fixture.pot" in result.stdout


def test_a_warning_is_printed_by_every_command(project, cli):
    (project / "guidebuilder.toml").write_text(FIXTURE.replace("paper", "papper"))
    for command in (["extract"], ["update"], ["stats", "--format", "json"], ["check"], ["fonts", "list"]):
        result = cli(*command, cwd=project)
        assert result.code == 0, result.stderr
        assert result.stderr == ("warning: guidebuilder.toml:5: unknown key 'papper' in [project]; "
                                 "did you mean 'paper'?\n"), command


def test_an_empty_language_list_is_a_project_in_its_source_language(project, cli):
    """languages = [] is how a project starts before `guidebuilder init <code>`: no warning."""
    (project / "guidebuilder.toml").write_text(FIXTURE.replace('["bn", "ur"]', "[]"))
    result = cli("extract", cwd=project)
    assert (result.code, result.stderr) == (0, "")
    result = cli("update", cwd=project)
    assert (result.code, result.stderr, result.stdout) == (0, "", "0 catalogs up to date\n")


def test_a_file_that_ends_inside_a_string_names_its_last_line(project, cli):
    stderr = _refused(project, cli, '[project]\nsource_language = "en')
    assert stderr == "error: guidebuilder.toml:2: unterminated string at the end of the file; fix the TOML syntax\n"


def test_preview_links_need_a_site_url(project, cli):
    stderr = _refused(project, cli, FIXTURE + "preview_links = true\n")
    assert stderr == ("error: guidebuilder.toml:6: [project] preview_links = true links to the blocks under site_url, "
                      "but there is no site_url; add site_url = \"https://...\" (where build/site/ is published) or "
                      "remove preview_links\n")
