"""The trifold: six panels of a letter fold on one landscape sheet, cover outside right, mirrored right to left."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from pypdf import PdfReader

from conftest import ROOT, copy_fixture_project, run_cli
from pdfglyphs import drawn_glyphs, missing

SITE = "https://guides.example.org"
SLUG = "know-your-rights-card"
LANGS = ["en", "bn", "zh_Hant", "hi", "km", "ko", "tl", "vi", "ur"]
# Letter landscape is 792 x 612 pt. The fold-in panel is 1/16 in (4.5 pt) narrower than the other two:
# 265.5 + 265.5 + 261 = 792. Panels as (left, right) edges, measured from the sheet's left edge.
LTR_OUTSIDE = {"fold-in": (0, 261), "back": (261, 526.5), "cover": (526.5, 792)}
LTR_INSIDE = [(0, 265.5), (265.5, 531), (531, 792)]  # text panels 1, 2, 3 in reading order
RTL_OUTSIDE = {"cover": (0, 265.5), "back": (265.5, 531), "fold-in": (531, 792)}
RTL_INSIDE = [(526.5, 792), (261, 526.5), (0, 261)]


def sample_project(target: Path) -> Path:
    """A copy of the sample project (its guides, nine languages), which publishes its web pages at SITE."""
    target.mkdir(parents=True)
    for name in ("guides", "locales"):
        shutil.copytree(ROOT / name, target / name)
    config = (ROOT / "guidebuilder.toml").read_text()
    assert f'site_url = "{SITE}"' in config  # the sample publishes its pages at SITE
    shutil.copy(ROOT / "guidebuilder.toml", target / "guidebuilder.toml")
    (target / "fonts").symlink_to(ROOT / "fonts")
    return target


def trifold_file(project: Path, lang: str, slug: str = SLUG, out: str = "build/site") -> Path:
    return project / out / slug / lang / f"{slug}-{lang}-trifold.pdf"


def words(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) of every word pdftotext finds on a page, from the page's top-left."""
    done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(path), "-"],
                          capture_output=True, text=True, check=True)
    return [(w, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                       done.stdout)]


def within(panel: tuple[float, float], x0: float, x1: float) -> bool:
    return panel[0] <= x0 and x1 <= panel[1]


def panel_of(panels: list[tuple[float, float]], x0: float, x1: float) -> int:
    [index] = [i for i, panel in enumerate(panels) if within(panel, x0, x1)]
    return index


def manifest_rows(project: Path, out: str = "build/site") -> dict[tuple[str, str], dict]:
    manifest = json.loads((project / out / "manifest.json").read_text())
    return {(guide["slug"], entry["lang"]): entry for guide in manifest["guides"] for entry in guide["languages"]}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The sample card guide as a trifold in all nine languages, and its print PDF in Khmer and Korean."""
    project = sample_project(tmp_path_factory.mktemp("trifold") / "sample")
    done = run_cli("build-guides", "--guide", SLUG, "--format", "trifold", "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    done = run_cli("build-guides", "--guide", SLUG, "--lang", "km", "--lang", "ko", "--format", "pdf", "--quiet",
                   "--out", "build-pdf", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    return project


@pytest.mark.parametrize("lang", LANGS)
def test_two_letter_landscape_pages_in_the_manifest(sample, lang):
    reader = PdfReader(trifold_file(sample, lang))
    assert [[round(float(v), 2) for v in page.mediabox] for page in reader.pages] == [[0, 0, 792, 612]] * 2
    [row] = [o for o in manifest_rows(sample)[(SLUG, lang)]["outputs"] if o["kind"] == "trifold"]
    assert (row["path"], row["pages"], row["width_pt"], row["height_pt"]) == (
        f"{SLUG}/{lang}/{SLUG}-{lang}-trifold.pdf", 2, 792, 612)


@pytest.mark.parametrize("lang", LANGS)
def test_every_glyph_is_drawn(sample, lang):
    assert missing(drawn_glyphs(trifold_file(sample, lang))) == []


@pytest.mark.parametrize("lang", LANGS)
def test_cover_outside_and_stamp_on_the_back(sample, lang):
    """The largest type on the outside is the cover's title: on the right panel, or the left right to left."""
    outside = RTL_OUTSIDE if lang == "ur" else LTR_OUTSIDE
    found = words(trifold_file(sample, lang), 1)
    tallest = max(y1 - y0 for _w, _x0, y0, _x1, y1 in found)
    title = [(x0, x1) for _w, x0, y0, x1, y1 in found if y1 - y0 > tallest - 0.5]
    assert title and all(within(outside["cover"], x0, x1) for x0, x1 in title), (title, outside)
    [(x0, x1)] = [(x0, x1) for w, x0, _y0, x1, _y1 in found if w.startswith(f"{SITE}/{SLUG}/")]
    assert within(outside["back"], x0, x1)
    assert not [w for w, x0, _y0, x1, _y1 in found if within(outside["fold-in"], x0, x1)]  # a short guide


@pytest.mark.parametrize("lang", LANGS)
def test_text_runs_across_the_inside_in_reading_order(sample, lang):
    """The first panel in reading order is full; step 5 of What to do (its web address) comes before the hotline box."""
    inside = RTL_INSIDE if lang == "ur" else LTR_INSIDE
    found = words(trifold_file(sample, lang), 2)
    panels = [panel_of(inside, x0, x1) for _w, x0, _y0, x1, _y1 in found]
    report = [panel for panel, (w, *_) in zip(panels, found, strict=True) if "www.example.org" in w]
    email = [panel for panel, (w, *_) in zip(panels, found, strict=True) if "help@example.org" in w]
    assert report and email
    assert panels.count(0) > 20 and report[0] <= email[0]


def test_same_fonts_as_the_guide_pdf(sample):
    def families(path: Path) -> set[str]:
        reader = PdfReader(path)
        return {str(font["/BaseFont"]).split("+", 1)[-1] for page in reader.pages
                for font in (f.get_object() for f in page["/Resources"].get("/Font", {}).values())}

    for lang in ("km", "ko"):
        guide = sample / "build-pdf" / SLUG / lang / f"{SLUG}-{lang}.pdf"
        assert families(trifold_file(sample, lang)) == families(guide)


def test_korean_breaks_only_between_words(sample):
    """Korean keeps its words whole (keep-all): every Hangul word on the inside is a word of the catalog."""
    def bare(word: str) -> str:
        return re.sub(r"[^\w]", "", word)

    catalog = polib.pofile(str(sample / "locales" / "ko" / "LC_MESSAGES" / f"{SLUG}.po"))
    known = {bare(token) for entry in catalog for token in entry.msgstr.split()}
    hangul = re.compile(r"[\uac00-\ud7a3]")
    drawn = [bare(w) for w, *_ in words(trifold_file(sample, "ko"), 2) if hangul.search(w)]
    assert len(drawn) > 40
    assert [w for w in drawn if w not in known] == []


def test_a4_landscape(sample):
    done = run_cli("build-guides", "--guide", SLUG, "--lang", "en", "--format", "trifold", "--paper", "a4",
                   "--out", "build-a4", "--quiet", cwd=sample)
    assert done.code == 0, done.stdout + done.stderr
    path = trifold_file(sample, "en", out="build-a4")
    reader = PdfReader(path)
    assert [[round(float(v), 2) for v in page.mediabox] for page in reader.pages] == [[0, 0, 841.89, 595.28]] * 2
    # (841.89 + 4.5) / 3 = 282.13 for the back and the cover: the cover starts at 841.89 - 282.13.
    title = [x0 for w, x0, *_ in words(path, 1) if w == "Know"]
    assert title and title[0] > 559.76


def test_overflow_fails_that_guide_and_language_only(sample):
    done = run_cli("build-guides", "--lang", "en", "--format", "trifold", "--out", "build-over", "--quiet",
                   cwd=sample)
    assert done.code == 1
    rows = manifest_rows(sample, "build-over")
    found = re.fullmatch(r"guides/responding-to-hate/guide\.md: the trifold overflows its 4 text panels by (\d+) "
                         r"lines; shorten the guide or drop trifold from formats",
                         rows[("responding-to-hate", "en")]["reason"])
    assert found and int(found.group(1)) > 50, rows[("responding-to-hate", "en")]["reason"]
    assert not trifold_file(sample, "en", "responding-to-hate", "build-over").exists()
    assert rows[(SLUG, "en")]["status"] == "published"
    assert trifold_file(sample, "en", out="build-over").is_file()


LONG = """---
title: Panels
formats: [trifold]
---

""" + "".join(f"Paragraph {n} of a guide that runs across every panel of the sheet, in order.\n\n"
              for n in range(1, 51))


@pytest.fixture(scope="module")
def long_guide(tmp_path_factory) -> Path:
    """A guide that fills all four text panels of the fixture project, in English."""
    project = copy_fixture_project(tmp_path_factory.mktemp("trifold-long") / "project")
    (project / "guides" / "panels").mkdir()
    (project / "guides" / "panels" / "guide.md").write_text(LONG)
    done = run_cli("build-guides", "--guide", "panels", "--lang", "en", "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    return project


def test_text_flows_inside_left_to_right_then_onto_the_fold_in_panel(long_guide):
    path = trifold_file(long_guide, "en", "panels")
    placed: list[tuple[int, float, int]] = []  # (reading-order panel, top, paragraph number)
    for page, panels, offset in ((2, LTR_INSIDE, 0), (1, [LTR_OUTSIDE["fold-in"]], 3)):
        found = words(path, page)
        for index, (w, x0, y0, x1, _y1) in enumerate(found):
            if w == "Paragraph":
                placed.append((offset + panel_of(panels, x0, x1), y0, int(found[index + 1][0])))
    # Read panel by panel, top to bottom, the paragraphs come in order, each once.
    assert [number for _panel, _top, number in sorted(placed)] == list(range(1, 51))
    assert {panel for panel, _top, _n in placed} == {0, 1, 2, 3}


def test_a_longer_guide_fails_with_how_much_is_over(long_guide):
    path = long_guide / "guides" / "panels" / "guide.md"
    path.write_text(LONG + "".join(f"Paragraph {n} too many.\n\n" for n in range(51, 120)))
    done = run_cli("build-guides", "--guide", "panels", "--lang", "en", "--quiet", "--out", "build-long",
                   cwd=long_guide)
    assert done.code == 1
    reason = manifest_rows(long_guide, "build-long")[("panels", "en")]["reason"]
    assert re.fullmatch(r"guides/panels/guide\.md: the trifold overflows its 4 text panels by \d+ lines; "
                        r"shorten the guide or drop trifold from formats", reason), reason


PHOTO = """---
title: Harbour
---

A guide with one photo.

![The harbour](images/harbour.jpg)
"""


@pytest.mark.parametrize("kind, suffix", [("trifold", "trifold"), ("booklet", "booklet")])
def test_printed_photo_is_the_published_one(tmp_path, kind, suffix):
    from io import BytesIO

    from PIL import Image

    project = copy_fixture_project(tmp_path / "project")
    folder = project / "guides" / "harbour"
    (folder / "images").mkdir(parents=True)
    (folder / "guide.md").write_text(PHOTO)
    grain = random.Random(7).randbytes(3000 * 2250)  # grain keeps the JPEG over 1 MB, worth a warning
    photo = Image.frombytes("L", (3000, 2250), grain).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    photo.save(folder / "images" / "harbour.jpg", "JPEG", quality=90, exif=exif)
    done = run_cli("build-guides", "--guide", "harbour", "--lang", "en", "--format", kind, "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    assert re.search(r"^warning: guides/harbour/images/harbour\.jpg is [\d.]+ MB; published cut to 1344 x 1008 px",
                     done.stderr, re.MULTILINE), done.stderr
    reader = PdfReader(project / "build/site/harbour/en" / f"harbour-en-{suffix}.pdf")
    embedded = [image for page in reader.pages for image in page.images]
    # The web page's column is 42rem at 16 px, drawn at 2x: 1344 px wide, as the published photo is.
    assert {image.image.size for image in embedded} == {(1344, 1008)}
    assert all(dict(Image.open(BytesIO(image.data)).getexif()) == {} for image in embedded)
