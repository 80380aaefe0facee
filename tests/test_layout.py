"""Layout promises of built pages: long URLs and wide tables fit a phone and the PDF page, phone
numbers are unbreakable tel: links, and the language picker draws every name in bundled fonts."""

from __future__ import annotations

import json
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import edit_guide
from test_site import GUIDES, LANGS, browser, server  # noqa: F401  (fixtures shared with the site tests)

URL = "https://www.example.org/a/very/long/path/that/goes/on/and/on/for-a-while/and/then-some-more/until-it-cannot-fit?with=query"
WIDE = f"""
## Wide things

Read {URL} before you go.

- See {URL} in a list.

| Link | Note |
|------|------|
| {URL} | Call 415-555-0199 or +1 415 555 0123 |

| Alpha | Bravo | Charlie | Delta | Echo | Foxtrot | Golf | Hotel |
|---|---|---|---|---|---|---|---|
| Telecommunications | Internationalization | Counterrevolutionary | Uncharacteristically | Incomprehensibilities | Disproportionately | Misunderstandings | Responsibilities |
"""  # noqa: E501  (a table row is one line of Markdown)
# Letter paper, 20 mm side margins (guide.css.j2), in PDF points.
PAGE_WIDTH, MARGIN = 612.0, 20 / 25.4 * 72


def _build(project: Path, cli, out: Path, *args: str):
    result = cli("build-guides", "--lang", "en", "--out", str(out), "--quiet", *args, cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    return result


def _append(project: Path, text: str) -> None:
    path = project / "guides" / "fixture" / "guide.md"
    path.write_text(path.read_text() + text)


def test_web_phone_numbers_are_tel_links_without_break_opportunities(project, cli, tmp_path):
    edit_guide(project, "Call **911** now.",
               "Call **911** now, or 415-555-0199, +1 415 555 0123 or "
               "[the desk at (415) 555-0111](https://www.example.org/d).")
    edit_guide(project, "### Level three", "### Level three: call 1-800-555-0199")
    _build(project, cli, tmp_path / "out", "--format", "html")
    html = (tmp_path / "out" / "fixture" / "en" / "index.html").read_text(encoding="utf-8")
    tel_links = re.findall(r'<a class="tel" href="([^"]+)">([^<]*)</a>', html)
    links = dict((unescape(text), href) for href, text in tel_links)
    assert links == {"(415)\u00a0555-0100": "tel:+14155550100", "911": "tel:911", "415-555-0199": "tel:+14155550199",
                     "+1\u00a0415\u00a0555\u00a00123": "tel:+14155550123"}
    for text in links:  # no space, <wbr> or zero-width space a line could break at
        assert not re.search(r"[ \u200b]|<wbr>", text)
    assert re.search(r"\.tel \{ white-space: nowrap; \}", html)
    # Inside a link, and in a heading (the contents link to it), a number is not a second link.
    desk = re.search(r'<a href="https://www.example.org/d">(.*?)</a>', html).group(1)
    assert desk == 'the desk at <span class="tel">(415)\u00a0555-0111</span>'
    assert re.search(r'<h4 id="s\d+">Level three: call <span class="tel">1-800-555-0199</span></h4>', html)


def test_web_phone_number_in_urdu_stays_isolated_left_to_right(project, cli, tmp_path):
    result = cli("build-guides", "--lang", "ur", "--format", "html", "--out", str(tmp_path / "out"), "--quiet",
                 cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    html = (tmp_path / "out" / "fixture" / "ur" / "index.html").read_text(encoding="utf-8")
    assert '<bdi dir="ltr"><a class="tel" href="tel:+14155550100">(415)\u00a0555-0100</a></bdi>' in html


def test_pdf_keeps_long_urls_and_wide_tables_inside_the_margins(project, cli, tmp_path):
    _append(project, WIDE)
    result = _build(project, cli, tmp_path / "out", "--format", "pdf")
    assert "table wider than the page" not in result.stderr
    pdf = tmp_path / "out" / "fixture" / "en" / "fixture-en.pdf"
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', done.stdout)
    assert any("Incompre" in w for _, _, w in words) and any("until-it" in w for _, _, w in words)
    outside = [(w, float(x1)) for x0, x1, w in words if float(x1) > PAGE_WIDTH - MARGIN + 0.5]
    assert not outside, outside
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Hotel" in text and "Responsibili" in text  # the eighth column is on the page


def test_pdf_table_that_cannot_fit_is_named_in_the_build_report(project, cli, tmp_path):
    columns = 60
    # The table's first row follows a blank line, its heading and a blank line.
    line = len((project / "guides" / "fixture" / "guide.md").read_text().splitlines()) + 4
    _append(project, "\n## Too wide\n\n" + "| " + " | ".join(f"C{i}" for i in range(columns)) + " |\n"
            + "|" + "---|" * columns + "\n" + "| " + " | ".join("x" for _ in range(columns)) + " |\n")
    result = _build(project, cli, tmp_path / "out", "--format", "pdf")
    found = re.search(rf"warning: guides/fixture/guide\.md:{line}: table wider than the page by (\d+) pt in the en PDF",
                      result.stderr)
    assert found and int(found.group(1)) > 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    entry = manifest["guides"][0]["languages"][0]
    assert entry["lang"] == "en" and f"guide.md:{line}: table wider" in entry["warnings"][0]
    again = _build(project, cli, tmp_path / "out", "--format", "pdf")  # nothing rebuilt: the warning stays
    assert f"guide.md:{line}: table wider than the page" in again.stderr


def test_phone_width_page_with_long_url_and_wide_table_does_not_scroll_sideways(
        project, cli, tmp_path, browser):  # noqa: F811  (the fixture imported from test_site)
    _append(project, WIDE)
    _build(project, cli, tmp_path / "out", "--format", "html")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((tmp_path / "out" / "fixture" / "en" / "index.html").as_uri())
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Every phone number is drawn on one line (one box), the URL in its table cell wraps.
    rects = page.evaluate("[...document.querySelectorAll('a.tel')].map(a => a.getClientRects().length)")
    assert len(rects) >= 5 and set(rects) == {1}
    cell = page.evaluate("(() => { const r = document.querySelector('td .url').getBoundingClientRect();"
                         " return [r.left, r.right, r.height]; })()")
    assert cell[0] >= 0 and cell[1] <= 390 and cell[2] > 40
    page.close()


def _picker_names(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    return {tag: unescape(name) for tag, name in re.findall(r'lang="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def _faces(html: str, page_dir: Path) -> dict[str, list[set[int]]]:
    """Family name -> code points of each of its @font-face files (weight 400)."""
    faces: dict[str, list[set[int]]] = {}
    for family, url in re.findall(r'font-family: "([^"]+)"; src: url\("([^"]+)"\)[^}]*font-weight: 400', html):
        with TTFont(page_dir / url) as font:
            faces.setdefault(family, []).append(set(font.getBestCmap()))
    return faces


@pytest.mark.parametrize("lang", ["en", "ur", "zh_Hant"])
def test_language_picker_names_have_subset_faces_in_the_page(site, lang):
    page = site / "responding-to-hate" / lang / "index.html"
    html = page.read_text(encoding="utf-8")
    faces = _faces(html, page.parent)
    page_stack = re.search(r"html \{\n  font-family: ([^;]+);", html).group(1)
    names = _picker_names(html)
    assert len(names) == len(LANGS)
    for tag, name in names.items():
        rule = re.search(rf'nav\.languages \[lang="{tag}"\] \{{ font-family: ([^;]+); \}}', html)
        stack = rule.group(1) if rule else page_stack
        families = re.findall(r'"([^"]+)"', stack)
        for char in name:
            assert any(ord(char) in cmap for family in families for cmap in faces.get(family, [])), (tag, char)


def test_language_picker_draws_every_name_with_the_pages_fonts_in_chromium(site, server, browser):  # noqa: F811  (fixtures imported from test_site)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    for slug in GUIDES:
        for lang in ("en", "ur", "ko"):
            page.goto(f"{server}/{slug}/{lang}/index.html")
            page.evaluate("document.fonts.ready")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "nav.languages a"})["nodeIds"]:
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                system = [f["familyName"] for f in fonts if not f["isCustomFont"]]
                assert not system, (slug, lang, system)
    page.close()
