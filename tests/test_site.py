"""The community-facing site and accessible PDFs, checked in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT

LANGS = ["en", "bn", "zh_Hant", "hi", "km", "ko", "tl", "vi", "ur"]
GUIDES = ["hotline-card", "know-your-rights-card", "responding-to-hate"]
BROWSER_TOOLS = ROOT / "tests" / "browser" / "node_modules"
AXE = BROWSER_TOOLS / "axe-core" / "axe.min.js"
VNU = BROWSER_TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
LIMIT = 150 * 1024


def _pages(site: Path) -> list[Path]:
    return [site / "index.html"] + [site / slug / lang / "index.html" for slug in GUIDES for lang in LANGS]


@pytest.mark.parametrize("slug", GUIDES)
@pytest.mark.parametrize("lang", LANGS)
def test_page_weight_with_css_and_fonts_is_under_150_kb(site, slug, lang):
    page = site / slug / lang / "index.html"
    html = page.read_text(encoding="utf-8")
    fonts = re.findall(r'url\("(fonts/[^"]+)"\)', html)
    assert fonts, "the page loads its own fonts"
    assert not re.search(r'<link[^>]+stylesheet|<script[^>]+src=|url\("?(https?:)?//', html)  # nothing external
    weight = page.stat().st_size + sum((page.parent / f).stat().st_size for f in fonts)
    assert weight < LIMIT, f"{weight / 1024:.0f} KB"


def test_pages_are_valid_html5(site):
    if not VNU.is_file() or not shutil.which("java"):
        pytest.skip("the Nu HTML checker needs `make setup` (npm) and Java")
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", *map(str, _pages(site))],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[:3000]


@pytest.fixture(scope="module")
def server(site):
    """The built site over HTTP on 127.0.0.1, as a reader's browser fetches it."""
    from guidebuilder.serve import start_server

    httpd = start_server(site, 0)
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make setup installs Debian's chromium where apt is usable)")
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (make setup runs npm ci in tests/browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


def _relative(site: Path, page: Path) -> str:
    return page.relative_to(site).as_posix()


def test_every_page_in_chromium_has_no_serious_accessibility_violations(site, server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        for path in _pages(site):
            rel = _relative(site, path)
            page.goto(f"{server}/{rel}")
            page.evaluate("document.fonts.ready")
            failed = page.evaluate("[...document.fonts].filter(f => f.status === 'error').map(f => f.family)")
            assert not failed, (rel, failed)
            shot = ARTIFACTS / (rel.replace("/index.html", "").replace("/", "-").replace("index.html", "portal")
                                + f"-{name}.png")
            page.screenshot(path=str(shot), full_page=True)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("""async () => (await axe.run()).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.nodes[0].html.slice(0, 100))""")
            if violations:
                problems[f"{rel} ({name})"] = violations
        assert all(url.startswith(server) for url in requests), [u for u in requests if not u.startswith(server)]
        context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_urdu_page_mirrors_in_the_browser(site, server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server}/responding-to-hate/ur/index.html")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    box = page.locator("h1.title").bounding_box()
    paragraph = page.evaluate("""(() => { const r = document.createRange();
        const p = document.querySelector('main p'); r.selectNodeContents(p);
        const rects = [...r.getClientRects()]; return [rects[0].right, rects[0].left]; })()""")
    assert paragraph[0] > 390 - 40  # the first line starts at the right margin
    callout = page.evaluate("getComputedStyle(document.querySelector('.callout')).borderRightWidth")
    assert callout == "6px"  # border-inline-start is on the right
    assert box["x"] + box["width"] > 390 - 40
    phone = page.locator("bdi", has_text="555-0142").first
    assert phone.evaluate("e => getComputedStyle(e).direction") == "ltr"
    page.close()


def test_chinese_khmer_and_korean_paragraphs_are_not_justified_in_the_browser(site, server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for lang, align in (("zh_Hant", "start"), ("km", "start"), ("ko", "start"), ("en", "justify")):
        page.goto(f"{server}/responding-to-hate/{lang}/index.html")
        found = page.evaluate(
            "[...document.querySelectorAll('main p, main li')].map(e => getComputedStyle(e).textAlign)")
        assert found and set(found) == {align}, (lang, sorted(set(found)))
    page.close()


def test_portal_suggests_the_readers_language(site, server, browser):
    context = browser.new_context(locale="ur-PK")
    page = context.new_page()
    page.goto(f"{server}/index.html")
    first = page.locator("section.guide ul.langs li").first
    assert first.get_attribute("data-lang") == "ur" and "suggested" in first.get_attribute("class")
    context.close()
    context = browser.new_context(locale="zh-TW")  # a regional tag picks Traditional Chinese
    page = context.new_page()
    page.goto(f"{server}/index.html")
    assert page.locator("section.guide ul.langs li").first.get_attribute("data-lang") == "zh-Hant"
    context.close()
    context = browser.new_context(java_script_enabled=False)  # progressive: every language is there without JS
    page = context.new_page()
    page.goto(f"{server}/index.html")
    assert page.locator("section.guide").first.locator("li").count() == len(LANGS)
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_is_tagged_with_language_title_outlines_and_alt_text(site, lang):
    reader = PdfReader(str(site / "responding-to-hate" / lang / f"responding-to-hate-{lang}.pdf"))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang.replace("_", "-")
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.outline and len(reader.outline) >= 1
    html = (site / "responding-to-hate" / lang / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert reader.metadata.title == title
    # PDF/UA-1: identified in the XMP metadata, whose title the viewer shows.
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp and f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    alt = re.search(r'<img src="[^"]+" alt="([^"]+)"', html).group(1)
    figures, headings = [], []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure":
            figures.append(node.get("/Alt"))
        if re.fullmatch("/H[1-6]", str(node.get("/S"))):
            headings.append(int(node["/S"][2]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert alt in figures
    # Headings start at H1 and never skip a level going down (screen readers navigate by them).
    assert headings[0] == 1 and all(b <= a + 1 for a, b in pairwise(headings)), headings
