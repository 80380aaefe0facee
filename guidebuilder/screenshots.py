"""Screenshots: a PNG of each block of a guide's web page, for translators' context (Weblate screenshots).

The web page is built into a temporary folder (the published build/ is left
alone), served on 127.0.0.1 and opened in Chromium through Playwright; each
message's first block (its id, anchors.py) is photographed as an element
screenshot. Files are named by anchor, so they keep their names when other
blocks change; ``screenshots.json`` maps every file to its msgid, msgctxt and
``guide.md:LINE`` locations.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .anchors import Anchors, colliding_texts
from .catalogs import atomic_write
from .config import Project
from .errors import RenderError
from .source import read_guide
from .state import STATE_DIR, BuildOptions

VIEWPORT_WIDTH, VIEWPORT_HEIGHT = 800, 1000  # about a tablet's width: blocks wrap as most readers see them
INDEX = "screenshots.json"


@dataclass(frozen=True)
class Shot:
    """One message's block: where it is in the page and in the guide, and its picture's file name."""

    anchor: str
    msgid: str
    msgctxt: str | None
    locations: tuple[str, ...]  # guides/<slug>/guide.md:LINE, every occurrence

    @property
    def file(self) -> str:
        return f"{self.anchor}.png"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "anchor": self.anchor, "msgctxt": self.msgctxt, "msgid": self.msgid,
                "locations": list(self.locations)}


def plan_shots(project: Project, slug: str) -> list[Shot]:
    """One Shot per catalog entry of a guide, in document order, at the first block that shows it."""
    guide = read_guide(project.root, slug)
    messages = guide.messages()
    colliding = colliding_texts(messages)
    anchors = Anchors()
    found: dict[tuple[str | None, str], tuple[str, list[str]]] = {}
    for message in messages:  # the order BodyRenderer hands out ids in
        context = message.role.context if message.text in colliding else None
        key = (context, message.text)
        anchor = anchors.next(context, message.text)
        location = f"{guide.src_path}:{message.line}"
        if key not in found:
            found[key] = (anchor, [location])
        elif location not in found[key][1]:
            found[key][1].append(location)
    return [Shot(anchor, msgid, msgctxt, tuple(locations)) for (msgctxt, msgid), (anchor, locations) in found.items()]


def screenshots_dir(out_dir: Path, slug: str, lang: str) -> Path:
    """build/.guidebuilder/screenshots/<slug>/<lang>/: beside the build, never published."""
    return out_dir / STATE_DIR / "screenshots" / slug / lang


def chromium_path() -> str:
    """Debian's Chromium; RenderError saying how to install it when missing."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RenderError("Chromium is not installed; install Debian's chromium (apt-get install chromium)")
    return path


def take_screenshots(project: Project, slug: str, lang: str, out_dir: Path) -> tuple[Path, list[Shot], list[Shot]]:
    """Photograph each block of the guide's web page in lang; the folder, the shots taken, those not shown."""
    from .build import build
    from .serve import start_server

    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise RenderError("screenshots need Playwright; install it (pip install guidebuilder[screenshots]), "
                          "no browser download needed: Debian's chromium is used") from exc
    executable = chromium_path()
    shots = plan_shots(project, slug)
    target = screenshots_dir(out_dir, slug, lang)
    taken: list[Shot] = []
    missing: list[Shot] = []
    with tempfile.TemporaryDirectory(prefix="guidebuilder-shots-") as tmp:
        site = Path(tmp) / "site"  # its build state goes beside it (BuildOptions.state_dir), inside tmp too
        report = build(project, [slug], BuildOptions(out_dir=site, guides=[slug], langs=[lang], formats=("html",),
                                                     only_formats=True, jobs=1, block_ids=True))
        result = next((r for r in report.results if r.slug == slug and r.lang == lang), None)
        if result is None or result.output("html") is None:
            why = f" ({result.reason})" if result is not None and result.reason else ""
            raise RenderError(f"the {lang} web page of '{slug}' is not published{why}; "
                              "screenshots show published pages only")
        server = start_server(site, 0)
        pictures: dict[str, bytes] = {}
        try:
            with sync_playwright() as playwright:
                # The build points FONTCONFIG_FILE at a configuration without font folders (for
                # WeasyPrint); Chromium given that paints no text at all, so it gets the machine's.
                env: dict[str, str | float | bool] = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
                browser = playwright.chromium.launch(executable_path=executable, env=env, args=[
                    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--font-render-hinting=none"])
                try:
                    page = browser.new_page(viewport={"width": VIEWPORT_WIDTH, "height": VIEWPORT_HEIGHT},
                                            device_scale_factor=1)
                    page.goto(f"http://127.0.0.1:{server.server_address[1]}/{slug}/{lang}/", wait_until="load")
                    page.evaluate("document.fonts.ready")
                    for shot in shots:
                        element = page.locator(f"#{shot.anchor}")
                        if element.count() != 1 or not element.is_visible():
                            missing.append(shot)  # e.g. a summary shown only in the page's metadata
                            continue
                        pictures[shot.file] = element.screenshot(animations="disabled", caret="hide")
                        taken.append(shot)
                finally:
                    browser.close()
        except PlaywrightError as exc:  # its message runs to many lines of browser log: the first says what failed
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise RenderError(f"Chromium ({executable}) did not show the {lang} web page of '{slug}': {first}; "
                              "check that Debian's chromium starts (chromium --headless --version)") from exc
        finally:
            server.shutdown()
            server.server_close()
    for name, data in pictures.items():
        atomic_write(target / name, data)
    for old in target.glob("*.png"):  # blocks gone from the guide
        if old.name not in pictures:
            old.unlink()
    index = {"guide": slug, "lang": lang, "page": f"{slug}/{lang}/", "screenshots": [s.as_dict() for s in taken]}
    atomic_write(target / INDEX, (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return target, taken, missing
