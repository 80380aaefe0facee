"""The wallet card and text message outputs, their front matter formats and the site_url they link to."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import polib
import pytest
from pypdf import PdfReader

from conftest import CONTROLS
from pdfglyphs import drawn_glyphs, missing

SITE = "https://guides.example.org"
CARD = """---
title: Know your rights
summary: Your rights after a hate incident.
version: "1.2"
date: 2026-03-15
formats: [wallet-card, text]
---

## Your rights

- You can report without giving your name.
- You can ask for a free interpreter.

## Get help

Call **911** in an emergency. Hotline: **(415) 555-0142**
"""
TRANSLATIONS = {
    "ur": {
        "Know your rights": "اپنے حقوق جانیں",
        "Your rights after a hate incident.": "نفرت پر مبنی واقعے کے بعد آپ کے حقوق۔",
        "Your rights": "آپ کے حقوق",
        "You can report without giving your name.": "آپ اپنا نام بتائے بغیر رپورٹ کر سکتے ہیں۔",
        "You can ask for a free interpreter.": "آپ مفت ترجمان مانگ سکتے ہیں۔",
        "Get help": "مدد حاصل کریں",
        "Call **911** in an emergency. Hotline: **(415) 555-0142**":
            "ہنگامی صورت میں **911** پر کال کریں۔ ہاٹ لائن: **(415) 555-0142**",
    },
    "km": {
        "Know your rights": "ដឹងពីសិទ្ធិរបស់អ្នក",
        "Your rights after a hate incident.": "សិទ្ធិរបស់អ្នកបន្ទាប់ពីឧប្បត្តិហេតុស្អប់។",
        "Your rights": "សិទ្ធិរបស់អ្នក",
        "You can report without giving your name.": "អ្នកអាចរាយការណ៍ដោយមិនចាំបាច់ប្រាប់ឈ្មោះរបស់អ្នក។",
        "You can ask for a free interpreter.": "អ្នកអាចស្នើសុំអ្នកបកប្រែដោយឥតគិតថ្លៃ។",
        "Get help": "ស្វែងរកជំនួយ",
        "Call **911** in an emergency. Hotline: **(415) 555-0142**":
            "ហៅលេខ **911** ក្នុងករណីបន្ទាន់។ ខ្សែទូរស័ព្ទជំនួយ៖ **(415) 555-0142**",
    },
}


def card_project(project: Path, cli, site_url: str | None = SITE, card: str = CARD) -> Path:
    """The fixture project with a short card guide in Khmer and Urdu, fully translated."""
    config = project / "guidebuilder.toml"
    text = config.read_text().replace('languages = ["bn", "ur"]', 'languages = ["km", "ur"]')
    if site_url:
        text = text.replace("[project]\n", f'[project]\nsite_url = "{site_url}"\n')
    config.write_text(text)
    (project / "guides" / "card").mkdir()
    (project / "guides" / "card" / "guide.md").write_text(card)
    for args in (("extract",), ("init", "km"), ("update",)):
        done = cli(*args, cwd=project)
        assert done.code == 0, done.stdout + done.stderr
    for lang, strings in TRANSLATIONS.items():
        path = project / "locales" / lang / "LC_MESSAGES" / "card.po"
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = strings.get(entry.msgid, "")
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
        catalog.save()
    return project


def card_file(project: Path, lang: str) -> Path:
    return project / "build" / "site" / "card" / lang / f"card-{lang}-card.pdf"


def pdftotext(path: Path, page: int) -> str:
    done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True)
    return done.stdout.translate(CONTROLS)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The card project built once: every language's card, text message, PDF and page."""
    from conftest import copy_fixture_project, run_cli

    project = copy_fixture_project(tmp_path_factory.mktemp("cards") / "project")
    card_project(project, run_cli)
    done = run_cli("build-guides", "--guide", "card", "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    return project


@pytest.mark.parametrize("lang", ["en", "km", "ur"])
def test_card_trim_bleed_and_media_boxes(built, lang):
    reader = PdfReader(card_file(built, lang))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert [round(float(v), 2) for v in page.trimbox] == [0, 0, 252, 144]
        assert [round(float(v), 2) for v in page.bleedbox] == [-9, -9, 261, 153]
        assert [round(float(v), 2) for v in page.mediabox] == [-9, -9, 261, 153]


def test_card_front_in_language_back_in_source_language(built):
    path = card_file(built, "km")
    assert "សិទ្ធិរបស់អ្នក" in pdftotext(path, 1)
    back = pdftotext(path, 2)
    assert "You can report without giving your name." in back
    assert "ខ្មែរ" in back  # the stamp names the card's language
    assert "Version 1.2" in back


@pytest.mark.parametrize("lang", ["km", "ur"])
def test_card_draws_every_glyph(built, lang):
    assert missing(drawn_glyphs(card_file(built, lang))) == []


def test_card_qr_code_leads_to_the_page(built, tmp_path):
    assert decoded(card_file(built, "ur"), 2, tmp_path) == [f"{SITE}/card/ur/"]


def test_urdu_card_is_right_aligned(built):
    done = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(card_file(built, "ur")), "-"],
                          capture_output=True, text=True, check=True)
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', done.stdout))
    # pdftotext measures from the bleed's edge: the trim runs from 9 to 261, its right margin (9 pt) at 252.
    assert 250 < right < 253.5
    left = min(float(x) for x in re.findall(r'xMin="([\d.]+)"', done.stdout))
    assert left > 30  # and its lines are ragged on the left, not set from it


def decoded(pdf: Path, page: int, tmp_path: Path) -> list[str]:
    """The texts of the QR codes on one page of a PDF, rasterized at 300 dpi."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp_path / "page")], check=True)
    [image] = tmp_path.glob("page*.png")
    return [r.text for r in zxingcpp.read_barcodes(Image.open(image))]


def test_guide_pdf_colophon_has_the_qr_code_and_stamp(built, tmp_path):
    path = built / "build" / "site" / "card" / "ur" / "card-ur.pdf"
    last = len(PdfReader(path).pages)
    text = pdftotext(path, last)
    assert f"{SITE}/card/ur/" in text and "اردو" in text
    assert decoded(path, last, tmp_path) == [f"{SITE}/card/ur/"]


def test_text_message_and_manifest(built):
    text = (built / "build" / "site" / "card" / "ur" / "card-ur.txt").read_text(encoding="utf-8")
    assert text.startswith("اپنے حقوق جانیں\n\n")
    assert "- آپ مفت ترجمان مانگ سکتے ہیں۔" in text
    assert text.endswith(f"\n\n{SITE}/card/ur/\n")
    manifest = json.loads((built / "build" / "site" / "manifest.json").read_text())
    [guide] = [g for g in manifest["guides"] if g["slug"] == "card"]
    entries = {e["lang"]: {o["kind"]: o for o in e["outputs"]} for e in guide["languages"]}
    ur_text = entries["ur"]["text"]
    assert ur_text["path"] == "card/ur/card-ur.txt"
    assert ur_text["chars"] == len(text) - 1 and ur_text["sms_encoding"] == "UCS-2"
    assert ur_text["sms_segments"] == -(-len(text.rstrip("\n")) // 67)
    assert entries["en"]["text"]["sms_encoding"] == "GSM-7"
    assert entries["ur"]["wallet-card"]["path"] == "card/ur/card-ur-card.pdf"


def test_web_page_and_portal_offer_the_card(built):
    page = (built / "build" / "site" / "card" / "ur" / "index.html").read_text()
    assert 'href="card-ur-card.pdf" type="application/pdf" download>' in page
    assert 'href="card-ur.txt" type="text/plain" download>' in page
    portal = (built / "build" / "site" / "index.html").read_text()
    assert 'href="card/km/card-km-card.pdf"' in portal and 'href="card/km/card-km.txt"' in portal


def test_format_text_alone(project, cli):
    card_project(project, cli)
    done = cli("build-guides", "--guide", "card", "--format", "text", "--quiet", cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    assert (project / "build" / "site" / "card" / "km" / "card-km.txt").read_text().endswith(f"{SITE}/card/km/\n")
    assert not card_file(project, "km").exists()
    manifest = json.loads((project / "build" / "site" / "manifest.json").read_text())
    kinds = {o["kind"] for g in manifest["guides"] for e in g["languages"] for o in e["outputs"]}
    assert kinds == {"text"}


def test_too_long_card_fails_with_no_card(project, cli):
    long = CARD.replace("- You can ask for a free interpreter.\n",
                        "".join(f"- Line {n} of a card far too long to fit on one face at any size.\n"
                                for n in range(30)))
    card_project(project, cli, card=long)
    done = cli("build-guides", "--guide", "card", "--lang", "en", "--format", "wallet-card", "--quiet", cwd=project)
    assert done.code == 1
    found = re.fullmatch(r"guides/card/guide\.md: the wallet card overflows by (\d+) lines at 6\.5 pt; shorten the "
                         r"guide or drop wallet-card from formats", reason(project, "en"))
    assert found and int(found.group(1)) > 10, reason(project, "en")
    assert not card_file(project, "en").exists()


def reason(project: Path, lang: str) -> str:
    manifest = json.loads((project / "build" / "site" / "manifest.json").read_text())
    [guide] = [g for g in manifest["guides"] if g["slug"] == "card"]
    [entry] = [e for e in guide["languages"] if e["lang"] == lang]
    return entry["reason"]


def test_unknown_kind_in_formats(project, cli):
    card_project(project, cli)
    path = project / "guides" / "card" / "guide.md"
    path.write_text(CARD.replace("[wallet-card, text]", "[walet-card]"))
    done = cli("build-guides", "--guide", "card", "--lang", "en", "--quiet", cwd=project)
    assert done.code == 1
    assert reason(project, "en") == ("guides/card/guide.md:6: unknown output kind 'walet-card'; "
                                     "known kinds: pdf, pdf-grayscale, booklet, wallet-card, wallet-card-sheet, "
                                     "trifold, text, share-image, html")


def test_card_without_site_url(project, cli):
    card_project(project, cli, site_url=None)
    done = cli("build-guides", "--guide", "card", "--lang", "en", "--format", "wallet-card", "--quiet", cwd=project)
    assert done.code == 1
    assert reason(project, "en") == (
        "guidebuilder.toml:1: the wallet-card output links to the guide's web page, but [project] has no "
        'site_url; add site_url = "https://..." (where build/site/ is published) under [project]')
    assert "[project] has no" in done.stdout.replace("\n", " ")  # the summary prints it as it is


def test_site_url_must_be_https(project, cli):
    config = project / "guidebuilder.toml"
    config.write_text(config.read_text().replace("[project]\n", '[project]\nsite_url = "http://guides.example.org"\n'))
    done = cli("build-guides", "--quiet", cwd=project)
    assert done.code == 1
    assert done.stderr.strip() == ('error: guidebuilder.toml:2: [project] \'site_url\' must be the https:// address '
                                   'the guides are published at (e.g. "https://guides.example.org"), not '
                                   '"http://guides.example.org"')
