"""The font registry: facts read from the bundled fonts, `guidebuilder fonts add` and `fonts list`."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont

from guidebuilder.config import Project
from guidebuilder.errors import ConfigError
from guidebuilder.fontfiles import add_fonts, read_facts
from guidebuilder.fonts import FontFile, face_css, load_manifest

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_nastaliq_bold_is_700_although_its_os2_says_400():
    with TTFont(FONTS / "NotoNastaliqUrdu-Bold.ttf", lazy=True) as font:
        assert font["OS/2"].usWeightClass == 400  # the font's own inconsistency
    facts = read_facts(FONTS / "NotoNastaliqUrdu-Bold.ttf")
    assert (facts.family, facts.weight, facts.style, facts.scripts) == ("Noto Nastaliq Urdu", 700, "normal", ("Arab",))


@pytest.mark.parametrize("file, weight, style", [
    ("NotoSans-Regular.ttf", 400, "normal"), ("NotoSans-Bold.ttf", 700, "normal"),
    ("NotoSans-Italic.ttf", 400, "italic"), ("NotoSans-BoldItalic.ttf", 700, "italic")])
def test_noto_sans_faces_weight_and_style(file, weight, style):
    facts = read_facts(FONTS / file)
    assert (facts.family, facts.weight, facts.style) == ("Noto Sans", weight, style)
    assert facts.scripts == ("Latn", "Cyrl", "Grek")
    assert facts.license == "OFL-1.1"


@pytest.mark.parametrize("file, scripts", [
    ("NotoNaskhArabic-Regular.ttf", ("Arab",)), ("NotoSansThai-Regular.ttf", ("Thai",)),
    ("NotoSansMyanmar-Bold.ttf", ("Mymr",)), ("NotoSansEthiopic-Regular.ttf", ("Ethi",)),
    ("NotoSansGurmukhi-Regular.ttf", ("Guru",)), ("NotoSansLao-Bold.ttf", ("Laoo",)),
    ("NotoSansBengali-Regular.ttf", ("Beng",)), ("NotoSansDevanagari-Bold.ttf", ("Deva",)),
    ("NotoSansKhmer-Regular.ttf", ("Khmr",)), ("NotoSansSymbols2-Regular.ttf", ("Zsym",))])
def test_scripts_from_the_cmap(file, scripts):
    assert read_facts(FONTS / file).scripts == scripts


@pytest.mark.parametrize("file, region", [
    ("NotoSansCJKjp-Regular.otf", "Jpan"), ("NotoSansCJKjp-Bold.otf", "Jpan"), ("NotoSansCJKkr-Regular.otf", "Kore"),
    ("NotoSansCJKsc-Regular.otf", "Hans"), ("NotoSansCJKtc-Bold.otf", "Hant")])
def test_cjk_faces_are_told_apart_by_their_localized_names(file, region):
    with TTFont(FONTS / file, lazy=True) as font:
        assert "meta" not in font  # Debian's faces have no design-language table
    assert read_facts(FONTS / file).scripts == (region,)


def test_symbols_face_draws_the_nested_list_bullets_noto_sans_lacks():
    with TTFont(FONTS / "NotoSans-Regular.ttf", lazy=True) as sans, \
            TTFont(FONTS / "NotoSansSymbols2-Regular.ttf", lazy=True) as symbols:
        for char in "◦▪":
            assert ord(char) not in sans.getBestCmap()
            assert ord(char) in symbols.getBestCmap()


def test_bundled_manifest_lists_the_new_languages_fonts():
    entries = {f["file"]: f for f in json.loads((FONTS / "manifest.json").read_text())["fonts"]}
    assert entries["NotoSans-Italic.ttf"]["style"] == "italic"
    assert entries["NotoSansCJKjp-Regular.otf"]["scripts"] == ["Jpan"]
    assert entries["NotoSansCJKtc-Regular.otf"]["scripts"] == ["Hant", "Bopo"]  # kept: no `meta` to say otherwise
    assert entries["NotoNastaliqUrdu-Bold.ttf"]["weight"] == 700
    for entry in entries.values():
        assert entry["sha256"] == _sha(FONTS / entry["file"])
        assert entry["license"] == "OFL-1.1"


def test_face_css_writes_the_style():
    font = FontFile("Noto Sans", "NotoSans-BoldItalic.ttf", 700, ("Latn",), "0" * 64, "italic", "OFL-1.1")
    assert face_css([(font, "f.woff2", "woff2")]) == (
        '@font-face { font-family: "Noto Sans"; src: url("f.woff2") format("woff2"); font-weight: 700;'
        ' font-style: italic; font-display: swap; }')


def test_a_manifest_without_style_and_license_still_loads(tmp_path):
    (tmp_path / "fonts").mkdir()
    shutil.copyfile(FONTS / "NotoSansLao-Regular.ttf", tmp_path / "fonts" / "NotoSansLao-Regular.ttf")
    (tmp_path / "fonts" / "manifest.json").write_text(json.dumps({"fonts": [
        {"family": "Noto Sans Lao", "file": "NotoSansLao-Regular.ttf", "weight": 400, "scripts": ["Laoo"],
         "sha256": _sha(FONTS / "NotoSansLao-Regular.ttf")}]}))
    [font] = load_manifest(Project(root=tmp_path))
    assert (font.style, font.license, font.scripts) == ("normal", "", ("Laoo",))


# `guidebuilder fonts add` / `fonts list` on a scratch project


@pytest.fixture
def scratch(tmp_path) -> Path:
    """An empty project folder beside copies of two bundled fonts."""
    for name in ("NotoSansThai-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf", "NotoSansLao-Regular.ttf"):
        shutil.copyfile(FONTS / name, tmp_path / name)
    (tmp_path / "proj").mkdir()
    return tmp_path


def _add(cli, scratch: Path, *args: str):
    return cli("fonts", "add", *args, "--project", "proj", cwd=scratch)


def test_fonts_add_copies_the_fonts_and_writes_the_manifest(cli, scratch):
    result = _add(cli, scratch, "NotoSansThai-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf")
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == ["NotoNastaliqUrdu-Bold.ttf: Noto Nastaliq Urdu, 700 normal, Arab",
                                          "NotoSansThai-Regular.ttf: Noto Sans Thai, 400 normal, Thai"]
    fonts = scratch / "proj" / "fonts"
    for name in ("NotoSansThai-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf"):
        assert (fonts / name).read_bytes() == (FONTS / name).read_bytes()
    manifest = json.loads((fonts / "manifest.json").read_text())
    assert manifest == {"fonts": [
        {"family": "Noto Nastaliq Urdu", "file": "NotoNastaliqUrdu-Bold.ttf", "weight": 700, "style": "normal",
         "scripts": ["Arab"], "license": "OFL-1.1", "sha256": _sha(FONTS / "NotoNastaliqUrdu-Bold.ttf")},
        {"family": "Noto Sans Thai", "file": "NotoSansThai-Regular.ttf", "weight": 400, "style": "normal",
         "scripts": ["Thai"], "license": "OFL-1.1", "sha256": _sha(FONTS / "NotoSansThai-Regular.ttf")}]}
    before = (fonts / "manifest.json").read_bytes()
    again = _add(cli, scratch, "NotoSansThai-Regular.ttf", "--script", "Thai")
    assert again.code == 0 and again.stdout == "NotoSansThai-Regular.ttf: Noto Sans Thai, 400 normal, Thai\n"
    assert (fonts / "manifest.json").read_bytes() == before  # re-adding rewrites the same bytes
    [thai] = [f for f in load_manifest(Project(root=scratch / "proj")) if f.family == "Noto Sans Thai"]
    assert thai.scripts == ("Thai",)


def test_fonts_add_stores_a_woff2_decompressed(cli, scratch):
    with TTFont(scratch / "NotoSansLao-Regular.ttf") as font:
        font.flavor = "woff2"
        font.save(scratch / "NotoSansLao-Regular.woff2")
    result = _add(cli, scratch, "NotoSansLao-Regular.woff2")
    assert result.code == 0, result.stderr
    assert result.stdout == "NotoSansLao-Regular.ttf: Noto Sans Lao, 400 normal, Laoo\n"
    stored = scratch / "proj" / "fonts" / "NotoSansLao-Regular.ttf"
    assert stored.read_bytes()[:4] == b"\x00\x01\x00\x00"
    with TTFont(stored) as font, TTFont(FONTS / "NotoSansLao-Regular.ttf") as original:
        assert font.getBestCmap() == original.getBestCmap()


def _table_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_fonts_list_shows_each_scripts_families(cli, scratch):
    assert _add(cli, scratch, "NotoSansThai-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf").code == 0
    text = cli("fonts", "list", "--project", "proj", cwd=scratch)
    assert text.code == 0
    assert "┃ script ┃ regular        ┃ bold               ┃ italic ┃ bold italic ┃" in text.stdout
    assert _table_rows(text.stdout) == {"Arab": ["-", "Noto Nastaliq Urdu", "-", "-"],
                                        "Thai": ["Noto Sans Thai", "-", "-", "-"]}
    data = json.loads(cli("fonts", "list", "--project", "proj", "--format", "json", cwd=scratch).stdout)
    assert data == {"scripts": {
        "Arab": {"regular": [], "bold": ["Noto Nastaliq Urdu"], "italic": [], "bold italic": []},
        "Thai": {"regular": ["Noto Sans Thai"], "bold": [], "italic": [], "bold italic": []}}}


def test_fonts_list_of_the_bundled_fonts(cli):
    rows = _table_rows(cli("fonts", "list", cwd=ROOT).stdout)
    assert rows["Latn"] == ["Noto Sans"] * 4
    assert rows["Jpan"] == ["Noto Sans CJK JP", "Noto Sans CJK JP", "-", "-"]
    assert rows["Arab"] == ["Noto Naskh Arabic, Noto Nastaliq Urdu"] * 2 + ["-", "-"]
    assert rows["Zsym"] == ["Noto Sans Symbols2", "-", "-", "-"]


def _non_ofl_copy(scratch: Path) -> Path:
    path = scratch / "Proprietary-Regular.ttf"
    with TTFont(scratch / "NotoSansLao-Regular.ttf") as font:
        font["name"].setName("All rights reserved.", 13, 3, 1, 0x409)
        font["name"].removeNames(nameID=14)
        for name_id in (1, 4, 16):
            font["name"].removeNames(nameID=name_id)
        font["name"].setName("Proprietary Lao", 1, 3, 1, 0x409)
        font.save(path)
    return path


def test_a_license_other_than_the_ofl_is_a_warning(cli, scratch):
    _non_ofl_copy(scratch)
    result = _add(cli, scratch, "Proprietary-Regular.ttf")
    assert result.code == 0
    assert result.stderr == ("warning: Proprietary-Regular.ttf: license is not the SIL OFL 1.1 "
                             "('All rights reserved.'); make sure it allows embedding the font in PDFs and web pages\n")
    entry = json.loads((scratch / "proj" / "fonts" / "manifest.json").read_text())["fonts"][0]
    assert (entry["family"], entry["license"]) == ("Proprietary Lao", "All rights reserved.")


def _collection(scratch: Path) -> None:
    collection = TTCollection()
    collection.fonts = [TTFont(FONTS / "NotoSansLao-Regular.ttf"), TTFont(FONTS / "NotoSansLao-Bold.ttf")]
    collection.save(scratch / "Lao.ttc")


@pytest.mark.parametrize("args, message", [
    (("notes.txt",), "error: notes.txt: not a font file (OpenType/TrueType/WOFF expected)"),
    (("missing.ttf",), "error: missing.ttf: no such file"),
    (("NotoSansThai-Regular.ttf", "--script", "Arab"),
     "error: NotoSansThai-Regular.ttf: has no Arab letters; it covers Thai (use a font made for Arab, "
     "or leave out --script)"),
    (("NotoSansLao-Regular.ttf", "NotoSansThai-Regular.ttf", "--script", "Thai"),
     "error: NotoSansLao-Regular.ttf: has no Thai letters; it covers Laoo (use a font made for Thai, "
     "or leave out --script)"),
    (("NotoSansThai-Regular.ttf", "--script", "Thaii"),
     "error: --script Thaii: not an ISO 15924 script code (e.g. Latn, Arab, Thai, Jpan)"),
    (("Lao.ttc",), "error: Lao.ttc: is a font collection (TTC/OTC) of several faces; save the face you need as "
                   "its own .ttf/.otf first (fonts/import_debian_fonts.py shows how with fontTools)"),
    (("Thai-Copy.ttf",), "error: Thai-Copy.ttf: is Noto Sans Thai 400 normal, which fonts/NotoSansThai-Regular.ttf "
                         "already is; remove that file and its manifest entry first"),
])
def test_bad_input_is_one_line_and_writes_nothing(cli, scratch, args, message):
    (scratch / "notes.txt").write_text("not a font\n")
    shutil.copyfile(FONTS / "NotoSansThai-Regular.ttf", scratch / "Thai-Copy.ttf")
    _collection(scratch)
    fonts = scratch / "proj" / "fonts"
    add_fonts(fonts, [scratch / "NotoSansThai-Regular.ttf"])
    before = {path.name: path.read_bytes() for path in fonts.iterdir()}
    result = _add(cli, scratch, *args)
    assert (result.code, result.stdout, result.stderr) == (1, "", message + "\n")
    assert {path.name: path.read_bytes() for path in fonts.iterdir()} == before


@pytest.mark.parametrize("text, message", [
    ('{"fonts": [\n', "error: fonts/manifest.json:2: Expecting value (column 1); fix the JSON or run "
                      "'guidebuilder fonts add' on the font files to rewrite it"),
    ('{"fonts": [{"family": "Noto Sans Thai", "file": "NotoSansThai-Regular.ttf", "weight": 400, '
     '"scripts": ["Thai"]}]}',
     "error: fonts/manifest.json: font NotoSansThai-Regular.ttf lacks \"sha256\"; run 'guidebuilder fonts add' "
     "on the font files to rewrite it"),
    ('{"fonts": [{"family": "Noto Sans Thai", "file": "NotoSansThai-Regular.ttf", "weight": "bold", '
     '"scripts": ["Thai"], "sha256": ""}]}',
     "error: fonts/manifest.json: font NotoSansThai-Regular.ttf: \"weight\" must be a number; run "
     "'guidebuilder fonts add' on the font files to rewrite it"),
    ('["NotoSansThai-Regular.ttf"]', "error: fonts/manifest.json: must be an object with a \"fonts\" list; "
                                     "run 'guidebuilder fonts add' on the font files to rewrite it"),
])
def test_a_malformed_manifest_is_a_config_error(cli, scratch, text, message):
    fonts = scratch / "proj" / "fonts"
    fonts.mkdir()
    (fonts / "manifest.json").write_text(text)
    for command in (("fonts", "list", "--project", "proj"),
                    ("fonts", "add", "NotoSansLao-Regular.ttf", "--project", "proj")):
        result = cli(*command, cwd=scratch)
        assert (result.code, result.stderr) == (1, message + "\n")
    assert (fonts / "manifest.json").read_text() == text
    assert sorted(path.name for path in fonts.iterdir()) == ["manifest.json"]


def test_a_changed_font_file_is_an_error_until_added_again(cli, scratch):
    assert _add(cli, scratch, "NotoSansThai-Regular.ttf").code == 0
    project = scratch / "proj"
    shutil.copyfile(FONTS / "NotoSansThai-Bold.ttf", project / "fonts" / "NotoSansThai-Regular.ttf")
    with pytest.raises(ConfigError) as raised:
        load_manifest(Project(root=project))
    assert str(raised.value) == ("fonts/manifest.json: fonts/NotoSansThai-Regular.ttf differs from its sha256 in "
                                 "the manifest; run 'guidebuilder fonts add fonts/NotoSansThai-Regular.ttf' again")
    build = cli("build-guides", "--quiet", "--out", "out", cwd=project)
    assert (build.code, build.stderr) == (1, f"error: {raised.value}\n")
    again = cli("fonts", "add", "fonts/NotoSansThai-Regular.ttf", cwd=project)
    assert again.stdout == "NotoSansThai-Regular.ttf: Noto Sans Thai, 700 normal, Thai\n"
    [font] = load_manifest(Project(root=project))
    assert (font.weight, font.sha256) == (700, _sha(FONTS / "NotoSansThai-Bold.ttf"))


def test_a_font_replaced_under_its_name_is_read_again(tmp_path):
    """`serve` builds many times in one process; a font updated with 'fonts add' between builds is the new one."""
    import os

    from guidebuilder.fonts import cmap

    path = tmp_path / "Body-Regular.ttf"
    shutil.copyfile(FONTS / "NotoSans-Regular.ttf", path)
    assert 0x0995 not in cmap(path)  # BENGALI LETTER KA
    shutil.copyfile(FONTS / "NotoSansBengali-Regular.ttf", tmp_path / "new.ttf")
    os.replace(tmp_path / "new.ttf", path)  # as fonts add writes it: a new file under the old name
    assert 0x0995 in cmap(path)
