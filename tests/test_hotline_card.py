"""The sample hotline card in all nine languages, card settings, and the downloads every page offers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import CONTROLS, ROOT, run_cli
from pdfglyphs import drawn_glyphs, missing
from pdflines import read_lines

SLUG = "hotline-card"
SITE = "https://guides.example.org"  # guidebuilder.toml's site_url
TITLES = {
    "en": "After a Hate Incident",
    "bn": "বিদ্বেষমূলক ঘটনার পরে",
    "zh_Hant": "遭遇仇恨事件之後",
    "hi": "नफ़रत की घटना के बाद",
    "km": "បន្ទាប់ពីឧប្បត្តិហេតុស្អប់ខ្ពើម",
    "ko": "증오 사건을 겪은 후",
    "tl": "Pagkatapos ng Insidente ng Pagkapoot",
    "vi": "Sau một sự cố thù ghét",
    "ur": "نفرت پر مبنی واقعے کے بعد",
}
LANGS = list(TITLES)
# What each page calls the card's files: the chrome's translation, as a reader sees it.
LABELS = {
    "en": {"wallet-card": "Wallet card, PDF", "wallet-card-sheet": "Sheet of 10 wallet cards, PDF",
           "share-image": "Image to share, PNG", "text": "Text message"},
    "ko": {"wallet-card": "지갑용 카드 PDF", "wallet-card-sheet": "한 장에 10개씩 인쇄하는 지갑용 카드 PDF",
           "share-image": "공유용 이미지 PNG", "text": "문자 메시지"},
    "bn": {"wallet-card": "মানিব্যাগে রাখার কার্ড, PDF", "wallet-card-sheet": "এক পাতায় ১০টি কার্ড, PDF",
           "share-image": "শেয়ার করার ছবি, PNG", "text": "টেক্সট বার্তা"},
}
DIGITS = {"bn": str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")}
UNIT_SPACE = {"ko": ""}  # CLDR writes Korean sizes as "25kB"


def out_file(site: Path, lang: str, suffix: str) -> Path:
    return site / SLUG / lang / f"{SLUG}-{lang}{suffix}"


def pdftotext(path: Path, page: int, *extra: str) -> str:
    done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), *extra, str(path), "-"],
                          capture_output=True, text=True, check=True)
    return done.stdout.translate(CONTROLS)


def one_line(text: str) -> str:
    """pdftotext's lines joined with spaces, so that a title wrapped on the card still reads whole."""
    return " ".join(text.split())


# -- the card in every language (the whole sample site, built once per session) -----------------

@pytest.mark.parametrize("lang", LANGS)
def test_card_is_a_business_card_in_every_language(site, lang):
    reader = PdfReader(out_file(site, lang, "-card.pdf"))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert [round(float(v), 2) for v in page.trimbox] == [0, 0, 252, 144]


@pytest.mark.parametrize("lang", LANGS)
def test_card_and_sheet_draw_every_glyph(site, lang):
    assert missing(drawn_glyphs(out_file(site, lang, "-card.pdf"))) == []
    assert missing(drawn_glyphs(out_file(site, lang, "-card-sheet.pdf"))) == []


@pytest.mark.parametrize("lang", LANGS)
def test_card_text_layer_reads_back_the_translated_title(site, lang):
    front = one_line(pdftotext(out_file(site, lang, "-card.pdf"), 1))
    assert TITLES[lang] in front
    back = one_line(pdftotext(out_file(site, lang, "-card.pdf"), 2))
    assert "After a Hate Incident" in back  # the back is in the source language
    assert f"{SITE}/{SLUG}/{lang}/" in back.replace(" ", "")


def test_urdu_card_front_is_right_aligned(site):
    lines = read_lines(out_file(site, "ur", "-card.pdf"), 1, 1)
    assert len(lines) >= 6
    # From the bleed's edge: the trim runs from 9 to 261 with a 9 pt margin, so text ends by 252
    # (a bulleted item's text a few points before, its bullet outside the text layer).
    ends = [line.x1 for line in lines]
    assert all(245 < end < 253.5 for end in ends), ends
    assert min(line.x0 for line in lines) > 30  # ragged on the left


def dark_share(image: Image.Image) -> float:
    grey = image.convert("L")
    return sum(grey.histogram()[:128]) / (grey.width * grey.height)


@pytest.mark.parametrize("lang", LANGS)
def test_share_image_and_its_qr_code(site, lang):
    zxingcpp = pytest.importorskip("zxingcpp")
    image = Image.open(out_file(site, lang, "-share.png"))
    assert image.format == "PNG" and image.size == (1080, 1350)
    assert dark_share(image) > 0.01
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [f"{SITE}/{SLUG}/{lang}/"]


# -- the downloads a page and the portal offer ----------------------------------------------------

def size_shown(path: Path, lang: str) -> str:
    """The size a page shows for a file under 1 MB: whole kilobytes, in the language's digits."""
    space = UNIT_SPACE.get(lang, "\u00a0")
    return f"{max(1, round(path.stat().st_size / 1000))}{space}kB".translate(DIGITS.get(lang, {}))


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_page_offers_every_file_made_with_its_label_and_size(site, lang):
    manifest = json.loads((site / "manifest.json").read_text())
    [guide] = [g for g in manifest["guides"] if g["slug"] == SLUG]
    [entry] = [e for e in guide["languages"] if e["lang"] == lang]
    offered = {o["kind"]: o["path"] for o in entry["outputs"] if o["kind"] not in ("html", "pdf")}
    assert set(offered) == {"wallet-card", "wallet-card-sheet", "share-image", "text"}
    page = (site / SLUG / lang / "index.html").read_text()
    items = re.findall(r'<li><a href="([^"]+)" type="([^"]+)" download>(.*?)</a></li>', page)
    assert [href for href, _, _ in items] == [Path(offered[k]).name for k in
                                              ("wallet-card", "wallet-card-sheet", "text", "share-image")]
    for kind, path in offered.items():
        [(_, media, label)] = [item for item in items if item[0] == Path(path).name]
        assert media == {"text": "text/plain", "share-image": "image/png"}.get(kind, "application/pdf")
        assert label == f"{LABELS[lang][kind]} ({size_shown(site / path, lang)})"


def test_portal_offers_every_file_of_every_language(site):
    portal = (site / "index.html").read_text()
    for lang in LANGS:
        for suffix in ("-card.pdf", "-card-sheet.pdf", "-share.png", ".txt"):
            assert f'href="{SLUG}/{lang}/{SLUG}-{lang}{suffix}"' in portal, (lang, suffix)
    row = re.search(rf'<li data-lang="ko"[^>]*><a href="{SLUG}/ko/index.html".*?</li>', portal)
    assert row is not None
    assert "공유용 이미지 PNG (" in row.group(0) and "한 장에 10개씩 인쇄하는 지갑용 카드 PDF (" in row.group(0)


# -- card_size and card_back, on a copy of the sample project --------------------------------------

def sample_copy(root: Path, settings: str) -> Path:
    """The sample project's guides, catalogs and settings (plus settings under [project]), fonts linked."""
    root.mkdir(parents=True)
    shutil.copytree(ROOT / "guides", root / "guides")
    shutil.copytree(ROOT / "locales", root / "locales")
    (root / "fonts").symlink_to(ROOT / "fonts")
    config = (ROOT / "guidebuilder.toml").read_text()
    (root / "guidebuilder.toml").write_text(config.replace("[project]\n", f"[project]\n{settings}\n", 1))
    return root


def build_card(project: Path, lang: str) -> Path:
    done = run_cli("build-guides", "--guide", SLUG, "--lang", lang, "--format", "wallet-card", "--quiet",
                   cwd=project)
    assert done.code == 0, done.stdout + done.stderr
    return project / "build" / "site" / SLUG / lang / f"{SLUG}-{lang}-card.pdf"


def test_cr80_card_with_a_korean_back(tmp_path):
    card = build_card(sample_copy(tmp_path / "p", 'card_size = "cr80"\ncard_back = "ko"'), "km")
    reader = PdfReader(card)
    assert len(reader.pages) == 2
    for page in reader.pages:
        # CR80 is 85.6 x 54 mm: 242.65 x 153.07 pt, with 9 pt of bleed around it.
        assert [round(float(v), 2) for v in page.trimbox] == [0, 0, 242.65, 153.07]
        assert [round(float(v), 2) for v in page.mediabox] == [-9, -9, 251.65, 162.07]
    assert TITLES["km"] in one_line(pdftotext(card, 1))
    back = one_line(pdftotext(card, 2))
    assert TITLES["ko"] in back and "여러분의 권리" in back
    assert "After a Hate Incident" not in back and TITLES["km"] not in back


def test_card_back_none_is_the_qr_code_and_stamp_alone(tmp_path):
    card = build_card(sample_copy(tmp_path / "p", 'card_back = "none"'), "vi")
    reader = PdfReader(card)
    assert len(reader.pages) == 2
    back = one_line(pdftotext(card, 2))
    assert f"{SITE}/{SLUG}/vi/" in back.replace(" ", "") and "1.0" in back
    assert TITLES["en"] not in back and TITLES["vi"] not in back and "555-0142" not in back
