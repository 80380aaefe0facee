"""[brand] in guidebuilder.toml: the logo on the printed outputs, the accent colour everywhere."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image
from test_cards import card_project
from test_config import FIXTURE, _refused
from test_share import SHARE_CARD, fresh_project, share_file

from conftest import run_cli

LOGO_RGB = (0, 160, 80)
ACCENT = "#0b5394"
ACCENT_RGB = (0x0B, 0x53, 0x94)


@pytest.mark.parametrize(("brand", "message"), [
    ('logo = "../outside.svg"', "[brand] 'logo' is \"../outside.svg\", outside the project folder; copy the file "
                                "into the project and give its path from there"),
    ('logo = "brand/none.svg"', "[brand] 'logo' is \"brand/none.svg\", which does not exist; add the file or fix "
                                "the path"),
    ('logo = "brand/logo.gif"', "[brand] 'logo' must be an SVG or PNG file in the project (e.g. \"brand/logo.svg\"), "
                                "not \"brand/logo.gif\""),
    ('accent = "#12345"', "[brand] 'accent' must be a CSS colour: \"#rgb\", \"#rrggbb\" or a CSS colour name (e.g. "
                          "\"#0b5394\" or \"teal\"), not \"#12345\""),
    ('accent = "blurple"', "[brand] 'accent' must be a CSS colour: \"#rgb\", \"#rrggbb\" or a CSS colour name (e.g. "
                           "\"#0b5394\" or \"teal\"), not \"blurple\""),
])
def test_brand_errors_name_the_line(project, cli, brand, message):
    (project.parent / "outside.svg").write_text("<svg/>")
    assert _refused(project, cli, FIXTURE + f"\n[brand]\n{brand}\n") == f"error: guidebuilder.toml:8: {message}\n"


def test_named_colour_and_logo_are_accepted(project, cli):
    (project / "brand").mkdir()
    (project / "brand" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 1"/>')
    (project / "guidebuilder.toml").write_text(FIXTURE + '\n[brand]\naccent = "Teal"\nlogo = "brand/logo.svg"\n')
    done = cli("extract", cwd=project)
    assert done.code == 0 and done.stderr == "", done.stderr


def pixels(image: Image.Image, rgb: tuple[int, int, int]) -> int:
    """How many pixels of an image are exactly one colour."""
    rgb_image = image.convert("RGB")
    return sum(count for count, colour in rgb_image.getcolors(rgb_image.width * rgb_image.height) if colour == rgb)


def page_image(pdf: Path, page: int, tmp_path: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp_path / f"{pdf.stem}-{page}")], check=True)
    [image] = tmp_path.glob(f"{pdf.stem}-{page}*.png")
    return Image.open(image)


@pytest.fixture(scope="module")
def branded(tmp_path_factory) -> Path:
    project = card_project(fresh_project(tmp_path_factory, "brand"), run_cli, card=SHARE_CARD)
    (project / "brand").mkdir()
    Image.new("RGB", (120, 40), LOGO_RGB).save(project / "brand" / "logo.png")
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text() + f'\n[brand]\nlogo = "brand/logo.png"\naccent = "{ACCENT}"\n')
    for args in (("--guide", "card", "--lang", "en"),
                 ("--guide", "fixture", "--lang", "en", "--format", "pdf", "--format", "share-image")):
        done = run_cli("build-guides", *args, "--quiet", cwd=project)
        assert done.code == 0, done.stdout + done.stderr
    return project


def test_logo_on_the_guide_cover_card_back_and_share_image(branded, tmp_path):
    assert pixels(page_image(branded / "build/site/fixture/en/fixture-en.pdf", 1, tmp_path), LOGO_RGB) > 500
    card = branded / "build" / "site" / "card" / "en" / "card-en-card.pdf"
    assert pixels(page_image(card, 1, tmp_path), LOGO_RGB) == 0
    assert pixels(page_image(card, 2, tmp_path), LOGO_RGB) > 500
    assert pixels(Image.open(share_file(branded, "card", "en")), LOGO_RGB) > 5000


def test_accent_colours_the_organization_line_and_the_portal(branded, tmp_path):
    # The fixture guide's cover names its organization in the accent colour.
    assert pixels(Image.open(share_file(branded, "fixture", "en")), ACCENT_RGB) > 500
    assert pixels(page_image(branded / "build/site/fixture/en/fixture-en.pdf", 1, tmp_path), ACCENT_RGB) > 50
    portal = (branded / "build" / "site" / "index.html").read_text()
    assert f"h1, .guide h2 {{ color: {ACCENT}; }}" in portal
