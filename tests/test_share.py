"""The share image: a 1080 x 1350 PNG per language, typeset like the guide, with the page's QR code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image
from test_cards import CARD, SITE, card_project, reason

from conftest import copy_fixture_project, run_cli
from pdfglyphs import drawn_glyphs, missing

SHARE_CARD = CARD.replace("formats: [wallet-card, text]", "formats: [wallet-card, share-image]")


def share_file(project: Path, slug: str, lang: str) -> Path:
    return project / "build" / "site" / slug / lang / f"{slug}-{lang}-share.png"


def fresh_project(tmp_path_factory, name: str) -> Path:
    return copy_fixture_project(tmp_path_factory.mktemp(name) / "project")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The card project (a wallet card guide, and the long fixture guide) with share images in every language."""
    project = card_project(fresh_project(tmp_path_factory, "share"), run_cli, card=SHARE_CARD)
    done = run_cli("build-guides", "--guide", "card", "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    done = run_cli("build-guides", "--guide", "fixture", "--lang", "en", "--format", "share-image", "--quiet",
                   cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    return project


def dark_share(image: Image.Image) -> float:
    """The share of pixels darker than mid grey."""
    grey = image.convert("L")
    return sum(grey.histogram()[:128]) / (grey.width * grey.height)


@pytest.mark.parametrize(("slug", "lang"), [("card", "en"), ("card", "km"), ("card", "ur"), ("fixture", "en")])
def test_share_image_is_1080_by_1350_and_not_blank(built, slug, lang):
    image = Image.open(share_file(built, slug, lang))
    assert image.format == "PNG" and image.size == (1080, 1350)
    assert dark_share(image) > 0.01
    assert not image.info  # no dpi, text or time chunks


def test_share_image_bytes_are_the_same_in_a_second_build(built, tmp_path):
    first = share_file(built, "card", "km").read_bytes()
    done = run_cli("build-guides", "--guide", "card", "--lang", "km", "--format", "share-image", "--force",
                   "--out", str(tmp_path / "again"), "--quiet", cwd=built)
    assert done.code == 0, done.stdout + done.stderr
    assert (tmp_path / "again" / "card" / "km" / "card-km-share.png").read_bytes() == first


@pytest.mark.parametrize(("slug", "lang"), [("card", "ur"), ("fixture", "en")])
def test_share_image_qr_code_leads_to_the_page(built, slug, lang):
    zxingcpp = pytest.importorskip("zxingcpp")
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(share_file(built, slug, lang)))]
    assert found == [f"{SITE}/{slug}/{lang}/"]


def test_urdu_share_image_sets_the_qr_code_on_the_left(built):
    zxingcpp = pytest.importorskip("zxingcpp")
    [code] = zxingcpp.read_barcodes(Image.open(share_file(built, "card", "ur")))
    assert code.position.top_right.x < 540  # the mirrored page: text on the right, the code on the left
    [code] = zxingcpp.read_barcodes(Image.open(share_file(built, "card", "en")))
    assert code.position.top_left.x > 540


def test_manifest_lists_the_share_image_in_pixels(built):
    manifest = json.loads((built / "build" / "site" / "manifest.json").read_text())
    [guide] = [g for g in manifest["guides"] if g["slug"] == "card"]
    [entry] = [e for e in guide["languages"] if e["lang"] == "ur"]
    [share] = [o for o in entry["outputs"] if o["kind"] == "share-image"]
    data = share_file(built, "card", "ur").read_bytes()
    assert share["path"] == "card/ur/card-ur-share.png" and share["bytes"] == len(data)
    assert (share["width_px"], share["height_px"]) == (1080, 1350)
    [pdf] = [o for o in entry["outputs"] if o["kind"] == "pdf"]
    assert "width_px" not in pdf


@pytest.mark.parametrize(("slug", "lang", "text"), [
    ("card", "km", "អ្នកអាចស្នើសុំអ្នកបកប្រែដោយឥតគិតថ្លៃ។"),
    ("card", "ur", "آپ مفت ترجمان مانگ سکتے ہیں۔"),
    ("fixture", "en", "A small guide that uses every construct the extractor knows."),
])
def test_share_page_draws_every_glyph_in_14_pt_or_more(built, tmp_path, slug, lang, text):
    """The PDF page the image is drawn from: its text, its glyphs and its smallest type."""
    import subprocess

    from guidebuilder.config import load_project
    from guidebuilder.job import load_job
    from guidebuilder.outputs.share_image import typeset
    from guidebuilder.planner import JobSpec
    from guidebuilder.state import BuildOptions

    project = load_project(built)
    job = load_job(project, JobSpec(slug, lang, (lang,), "", 1.0), BuildOptions(out_dir=tmp_path / "build"))
    pdf = tmp_path / "share.pdf"
    pdf.write_bytes(typeset(job).data)
    assert missing(drawn_glyphs(pdf)) == []
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    plain = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.split()[0] in plain
    heights = [float(y1) - float(y0) for y0, y1 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"',
                                                              done.stdout)]
    assert heights and min(heights) >= 14  # pdftotext's word box is the font size, 14 pt = 28 px at 144 dpi


def test_too_long_share_card_fails(tmp_path_factory):
    long = SHARE_CARD.replace("- You can ask for a free interpreter.\n",
                              "".join(f"- Line {n} of a card far too long to fit on one share image.\n"
                                      for n in range(40)))
    project = card_project(fresh_project(tmp_path_factory, "longshare"), run_cli, card=long)
    done = run_cli("build-guides", "--guide", "card", "--lang", "en", "--format", "share-image", "--quiet",
                   cwd=project)
    assert done.code == 1
    found = re.fullmatch(r"guides/card/guide\.md: the share image overflows by (\d+) lines at 14 pt; shorten the "
                         r"guide \(or its summary\) or drop share-image from formats", reason(project, "en"))
    assert found and int(found.group(1)) > 10, reason(project, "en")
    assert not share_file(project, "card", "en").exists()
