"""For the print shop and the copier: crop marks and bleed (--marks), the grayscale PDF and its contrast check."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import copy_fixture_project, run_cli
from pdfglyphs import drawn_glyphs, missing
from pdfpixels import coloured_pixels

ACCENT = "#0b7a3e"  # a green, dark enough in gray
LOGO_RGB = (220, 30, 40)


def guide_pdf(project: Path, out: str, lang: str = "en", kind: str = "") -> Path:
    suffix = f"-{kind}" if kind else ""
    return project / out / "fixture" / lang / f"fixture-{lang}{suffix}.pdf"


def boxes(path: Path) -> list[dict[str, list[float]]]:
    return [{name: [round(float(v), 2) for v in getattr(page, name)] for name in ("mediabox", "bleedbox", "trimbox")}
            | {"has_trim": "/TrimBox" in page} for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture project with a red logo and a green accent: its guide with and without --marks, and in gray."""
    project = copy_fixture_project(tmp_path_factory.mktemp("print-shop") / "project")
    (project / "brand").mkdir()
    Image.new("RGB", (120, 40), LOGO_RGB).save(project / "brand" / "logo.png")
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text() + f'\n[brand]\nlogo = "brand/logo.png"\naccent = "{ACCENT}"\n')
    for args in (("--format", "pdf", "--out", "plain"), ("--format", "pdf", "--marks", "--out", "marked"),
                 ("--format", "pdf-grayscale", "--out", "gray")):
        done = run_cli("build-guides", "--guide", "fixture", *args, "--quiet", cwd=project)
        assert done.code == 0, done.stdout + done.stderr
    return project


def test_marks_add_bleed_around_the_trim(built):
    pages = boxes(guide_pdf(built, "marked"))
    assert len(pages) > 1
    for page in pages:
        assert page == {"trimbox": [0, 0, 612, 792], "bleedbox": [-9, -9, 621, 801], "mediabox": [-9, -9, 621, 801],
                        "has_trim": True}


def test_marks_draw_crop_marks_outside_the_trim(built, tmp_path):
    # Rendered at 72 dpi, the 9 pt bleed is 9 pixels: the marks are the only ink in the top-left corner.
    page = pdfium.PdfDocument(str(guide_pdf(built, "marked")))[0]
    image = page.render(scale=1).to_pil().convert("L")
    corner = [image.getpixel((x, y)) for x in range(9) for y in range(9)]
    assert min(corner) < 128


def test_without_marks_the_pdf_is_the_paper_alone(built):
    for page in boxes(guide_pdf(built, "plain")):
        assert page == {"trimbox": [0, 0, 612, 792], "bleedbox": [0, 0, 612, 792], "mediabox": [0, 0, 612, 792],
                        "has_trim": True}


def test_marks_leave_the_pdf_unchanged_without_the_flag(built):
    """--marks is not remembered: the next build without it writes the same bytes as one that never had it."""
    done = run_cli("build-guides", "--guide", "fixture", "--format", "pdf", "--quiet", "--out", "marked",
                   cwd=built)
    assert done.code == 0, done.stdout + done.stderr
    digest = hashlib.sha256(guide_pdf(built, "marked").read_bytes()).hexdigest()
    assert digest == hashlib.sha256(guide_pdf(built, "plain").read_bytes()).hexdigest()


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_grayscale_pdf_has_no_colour(built, lang):
    gray = guide_pdf(built, "gray", lang, "grayscale")
    assert coloured_pixels(gray) == 0
    assert missing(drawn_glyphs(gray)) == []


def test_the_colour_pdf_has_colour(built):
    """The same guide in colour: the logo and the accent are coloured (what the grayscale PDF turns gray)."""
    assert coloured_pixels(guide_pdf(built, "plain")) > 1000


def test_grayscale_in_the_manifest(built):
    manifest = json.loads((built / "gray" / "manifest.json").read_text())
    [guide] = manifest["guides"]
    [entry] = [e for e in guide["languages"] if e["lang"] == "en"]
    [row] = entry["outputs"]
    assert (row["kind"], row["path"], row["width_pt"], row["height_pt"]) == (
        "pdf-grayscale", "fixture/en/fixture-en-grayscale.pdf", 612, 792)
    assert row["pages"] == len(PdfReader(guide_pdf(built, "gray", "en", "grayscale")).pages) > 1


# '#ffcc00' in gray (0.299 R + 0.587 G + 0.114 B) is 196 of 255: relative luminance ((196/255 + 0.055) / 1.055)
# ** 2.4 = 0.552, against white's 1.0 a contrast of 1.05 / 0.602 = 1.74, printed rounded down. The callout's
# #fff4e5 is gray 246, luminance 0.922: 0.972 / 0.602 = 1.61.
@pytest.mark.parametrize(("accent", "message"), [
    ("#ffcc00", "[brand] accent '#ffcc00' gives 1.7:1 against white, 1.6:1 against the callout's background in "
                "grayscale; use a darker colour"),
    # gold (255, 215, 0) is 202: luminance 0.591, 1.05 / 0.641 = 1.63; 0.972 / 0.641 = 1.51.
    ("gold", "[brand] accent 'gold' gives 1.6:1 against white, 1.5:1 against the callout's background in "
             "grayscale; use a darker colour"),
    # #767676 is gray 118, luminance 0.181: 1.05 / 0.231 = 4.54 passes against white; 0.972 / 0.231 = 4.2.
    ("#767676", "[brand] accent '#767676' gives 4.2:1 against the callout's background in grayscale; use a darker "
                "colour"),
])
def test_light_accent_fails_the_grayscale_pdf(project, cli, accent, message):
    config = project / "guidebuilder.toml"
    text = config.read_text() + f'\n[brand]\naccent = "{accent}"\n'
    config.write_text(text)
    line = text.splitlines().index(f'accent = "{accent}"') + 1
    done = cli("build-guides", "--guide", "fixture", "--lang", "en", "--format", "pdf-grayscale", "--quiet",
               cwd=project)
    assert done.code == 1
    manifest = json.loads((project / "build" / "site" / "manifest.json").read_text())
    [entry] = [e for e in manifest["guides"][0]["languages"] if e["lang"] == "en"]
    assert entry["reason"] == f"guidebuilder.toml:{line}: {message}"
    assert not (project / "build" / "site" / "fixture" / "en" / "fixture-en-grayscale.pdf").exists()


def test_light_accent_is_fine_in_colour(project, cli):
    """The contrast check belongs to the grayscale PDF: the colour PDF builds."""
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text() + '\n[brand]\naccent = "#ffcc00"\n')
    done = cli("build-guides", "--guide", "fixture", "--lang", "en", "--format", "pdf", "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr


def test_panels_of_a_letter_fold():
    """(role, text panel, left edge, width) left to right: 265.5 + 265.5 + 261 = 792, the fold-in panel narrower."""
    from guidebuilder.outputs.trifold import sides

    def plain(side):
        return [(p.role, p.index, p.x, p.width) for p in side]

    outside, inside = sides("letter")
    assert plain(outside) == [("text", 3, 0, 261), ("back", 0, 261, 265.5), ("cover", 0, 526.5, 265.5)]
    assert plain(inside) == [("text", 0, 0, 265.5), ("text", 1, 265.5, 265.5), ("text", 2, 531, 261)]
    outside, inside = sides("letter", rtl=True)
    assert plain(outside) == [("cover", 0, 0, 265.5), ("back", 0, 265.5, 265.5), ("text", 3, 531, 261)]
    assert plain(inside) == [("text", 2, 0, 261), ("text", 1, 261, 265.5), ("text", 0, 526.5, 265.5)]


def test_grayscale_css_and_svg():
    from guidebuilder.grayscale import grayscale_css, grayscale_svg

    # (138, 28, 28): 0.299 * 138 + 0.587 * 28 + 0.114 * 28 = 60.9 -> 61 = 0x3d; #fff stays white.
    assert grayscale_css("h2 { color: #8a1c1c; background: #fff; }") == "h2 { color: #3d3d3d; background: #ffffff; }"
    # red (255, 0, 0): 76.2 -> 76 = 0x4c; none is no colour.
    assert grayscale_svg('<path fill="red" stroke="none" style="fill:#ff0000"/>') == (
        '<path fill="#4c4c4c" stroke="none" style="fill:#4c4c4c"/>')


def test_the_default_colours_pass_in_gray():
    from guidebuilder.grayscale import low_contrast
    from guidebuilder.pagestyle import PALETTE

    assert low_contrast(PALETTE) == []
