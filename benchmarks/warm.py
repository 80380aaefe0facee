"""Warm peers: time per PDF with every renderer already loaded, and what each PDF gives back to a reader.

All renderers typeset the same pages: the print HTML guidebuilder typesets
(`build-guides --keep-print-html`: fonts by file path, the page's subsets).
Each runs in a process of its own that renders every page once to warm up,
then --runs more times; a figure is the median of those runs.

- ours: guidebuilder's job (render the page, subset fonts, typeset, text layer, write), as a worker
  runs it, in-process (build --jobs 1).
- bare WeasyPrint: `HTML(filename).write_pdf()` on the kept HTML, with the build's fontconfig.
- Chromium: one browser (Playwright, /usr/bin/chromium) for all pages, `page.pdf()` with the page's @page size.
- pandoc + Typst: pandoc (a binary, started per page) turns the kept HTML into Typst markup; the typst
  Python package compiles it in-process with the bundled fonts.

Quality, per PDF: how many of the page's text blocks pdftotext gives back word for word (whitespace
aside), Korean line ends that fall inside a word (pdftotext's lines against the page's text), and
glyphs drawn as the missing-glyph box (tests/pdfglyphs.py).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption", "caption"}
SKIP = {"style", "script", "head", "title"}
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


# --- workers (each runs in its own process, rendering the page it is sent) ----------------------------------------


def worker_bare(out_dir: Path, fontconfig: str, variant: str | None = None):
    """Bare WeasyPrint, warm: the kept HTML to PDF (variant: pdf/ua-1 tags it as guidebuilder does)."""
    os.environ["FONTCONFIG_FILE"] = fontconfig
    import weasyprint

    suffix = "weasyprint_ua" if variant else "weasyprint"

    def render(page: dict) -> dict:
        started = time.perf_counter()
        options = {"pdf_variant": variant} if variant else {}
        weasyprint.HTML(filename=page["html"]).write_pdf(out_dir / f"{page['name']}-{suffix}.pdf", **options)
        return {"seconds": time.perf_counter() - started}

    return render


def worker_ours(out_dir: Path, fontconfig: str):
    """guidebuilder's PDF job as a build worker runs it (build --jobs 1, in this process): the job's own seconds."""
    sys.path.insert(0, str(ROOT))
    from guidebuilder.build import build
    from guidebuilder.config import load_project
    from guidebuilder.state import BuildOptions

    projects: dict[str, object] = {}

    def render(page: dict) -> dict:
        project = projects.setdefault(page["project"], load_project(Path(page["project"])))
        options = BuildOptions(out_dir=out_dir, langs=[page["lang"]], formats=("pdf",), only_formats=True, jobs=1,
                               force=True)
        report = build(project, [page["guide"]], options)
        return {"seconds": report.results[0].seconds}

    return render


def worker_chromium(out_dir: Path, fontconfig: str):
    """Chromium, warm: one browser and one tab for all pages."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                         args=["--allow-file-access-from-files", "--disable-gpu"])
    tab = browser.new_page()

    def render(page: dict) -> dict:
        started = time.perf_counter()
        tab.goto(Path(page["html"]).as_uri(), wait_until="load")
        tab.pdf(path=str(out_dir / f"{page['name']}-chromium.pdf"), prefer_css_page_size=True, print_background=True)
        return {"seconds": time.perf_counter() - started}

    return render


def worker_typst(out_dir: Path, fontconfig: str):
    """pandoc (HTML -> Typst markup; a binary, started per page) then typst (in-process) with the bundled fonts."""
    import pypandoc
    import typst

    pandoc = pypandoc.get_pandoc_path()

    def render(page: dict) -> dict:
        typ = Path(page["guide_dir"]) / f"peer-{page['lang']}.typ"
        started = time.perf_counter()
        subprocess.run([pandoc, "-f", "html", "-t", "typst", "-s", "-M", f"lang={page['bcp47']}", "-o", str(typ),
                        page["html"]], check=True, capture_output=True)
        markup = typ.read_text(encoding="utf-8")  # pandoc writes images as file: URLs (the page's <base>)
        typ.write_text(re.sub(r'"file:(//)?(/[^"]*)"', r'"\2"', markup), encoding="utf-8")
        converted = time.perf_counter()
        typst.compile(str(typ), output=str(out_dir / f"{page['name']}-typst.pdf"), root="/",
                      font_paths=[str(ROOT / "fonts")])
        return {"seconds": time.perf_counter() - started, "pandoc": converted - started}

    return render


WORKERS = {"ours": worker_ours, "weasyprint": worker_bare,
           "weasyprint_ua": lambda out, fc: worker_bare(out, fc, "pdf/ua-1"),
           "chromium": worker_chromium, "typst": worker_typst}
PEERS = ("weasyprint", "chromium", "typst")  # weasyprint_ua is a measurement of ours, not a peer


class Worker:
    """A renderer in a process of its own, sent one page at a time (so all renderers see the same machine load)."""

    def __init__(self, kind: str, out_dir: Path, fontconfig: str) -> None:
        self.kind = kind
        self.error = ""
        self.proc = subprocess.Popen([sys.executable, __file__, kind, str(out_dir), fontconfig],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})

    def render(self, page: dict) -> dict | None:
        if self.error:
            return None
        self.proc.stdin.write(json.dumps(page) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        answer = json.loads(line) if line else {"error": "the worker stopped"}
        if "error" in answer:
            self.error = answer["error"]
            return None
        return answer

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def serve(kind: str, out_dir: Path, fontconfig: str) -> None:
    """Worker loop: a page (JSON) per line in, its timings (JSON) per line out."""
    import contextlib
    import io
    import traceback

    try:
        render = WORKERS[kind](out_dir, fontconfig)
    except Exception as exc:  # noqa: BLE001  reported as the renderer's error
        render, failure = None, f"{type(exc).__name__}: {exc}"
    for line in sys.stdin:
        if render is None:
            print(json.dumps({"error": failure}), flush=True)
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                answer = render(json.loads(line))
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc()
            answer = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
        print(json.dumps(answer), flush=True)


# --- quality -------------------------------------------------------------------------------------------------------


class _Blocks(HTMLParser):
    """The text of every block element of a page, each block's own text (nested blocks apart)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[list[str]] = []
        self.skip = 0
        self.blocks: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIP:
            self.skip += 1
        elif tag in BLOCKS:
            self.stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip -= 1
        elif tag in BLOCKS and self.stack:
            text = " ".join("".join(self.stack.pop()).split())
            if text:
                self.blocks.append(text)

    def handle_data(self, data: str) -> None:
        if not self.skip and self.stack:
            self.stack[-1].append(data)


def page_blocks(html: str) -> list[str]:
    """The text blocks of a page."""
    parser = _Blocks()
    parser.feed(html)
    return parser.blocks


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text).translate(INVISIBLE))


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def blocks_back(blocks: list[str], text: str) -> int:
    """How many blocks the PDF's extracted text holds word for word (whitespace and page breaks aside)."""
    flat = _squash(text.replace("\f", ""))
    return sum(1 for block in blocks if _squash(block) in flat)


def _hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def korean_breaks(blocks: list[str], text: str) -> tuple[int, int]:
    """(line ends inside a word, line ends between two Hangul syllables) of pdftotext's lines."""
    source = " ".join(blocks)
    inside = total = 0
    lines = [line.strip() for line in text.replace("\f", "\n").splitlines() if line.strip()]
    for first, second in zip(lines, lines[1:], strict=False):
        if not (_hangul(first[-1]) and _hangul(second[0])):
            continue
        before, after = first[-2:], second[:2]
        if before + after in source:
            total += 1
            inside += 1
        elif f"{before} {after}" in source:
            total += 1
    return inside, total


def tofu(pdf: Path) -> int | None:
    """Glyphs drawn as the missing-glyph box (None when the PDF's fonts cannot be read)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pdfglyphs import drawn_glyphs, missing

    try:
        return len(missing(drawn_glyphs(pdf)))
    except Exception:  # noqa: BLE001  a peer's font program the reader does not know
        return None


# --- the benchmark -------------------------------------------------------------------------------------------------


def bench_warm(project: Path, work: Path, runs: int = 2) -> dict:
    """Every renderer, warm, on the same pages: medians, ratios to ours, and quality figures."""
    sys.path.insert(0, str(ROOT))
    from guidebuilder.config import load_project
    from guidebuilder.locales import facts_for

    out = work / "warm-build"
    subprocess.run([sys.executable, "-m", "guidebuilder", "build-guides", "--quiet", "--force", "--format", "pdf",
                    "--keep-print-html", "--out", str(out)], cwd=project, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    proj = load_project(project)
    pages = []
    for html in sorted((out.parent / ".guidebuilder" / out.name / "print").glob("*/*.html")):
        slug, lang = html.parent.name, html.stem
        pages.append({"name": f"{slug}-{lang}", "guide": slug, "lang": lang, "html": str(html),
                      "bcp47": facts_for(lang, proj).bcp47, "guide_dir": str(project / "guides" / slug),
                      "project": str(project)})
    peers = work / "warm-peers"
    peers.mkdir(parents=True, exist_ok=True)
    fontconfig = str(out.parent / ".guidebuilder" / out.name / "fonts.conf")
    workers = {kind: Worker(kind, out if kind == "ours" else peers, fontconfig) for kind in WORKERS}
    times: dict[str, dict[str, list[float]]] = {kind: {} for kind in [*WORKERS, "pandoc"]}
    try:
        for run in range(runs + 1):  # the first pass warms up
            for page in pages:
                for kind, worker in workers.items():  # interleaved: a load spike hits every renderer alike
                    answer = worker.render(page)
                    if answer is None or not run:
                        continue
                    times[kind].setdefault(page["name"], []).append(answer["seconds"])
                    if "pandoc" in answer:
                        times["pandoc"].setdefault(page["name"], []).append(answer["pandoc"])
    finally:
        for worker in workers.values():
            worker.close()
    errors = {kind: worker.error for kind, worker in workers.items() if worker.error}
    pdfs = {"ours": lambda p: out / p["guide"] / p["lang"] / f"{p['name']}.pdf",
            "weasyprint": lambda p: peers / f"{p['name']}-weasyprint.pdf",
            "weasyprint_ua": lambda p: peers / f"{p['name']}-weasyprint_ua.pdf",
            "chromium": lambda p: peers / f"{p['name']}-chromium.pdf",
            "typst": lambda p: peers / f"{p['name']}-typst.pdf"}
    rows = []
    for page in pages:
        blocks = page_blocks(Path(page["html"]).read_text(encoding="utf-8"))
        row: dict = {"guide": page["guide"], "lang": page["lang"], "blocks": len(blocks)}
        for kind in WORKERS:
            measured = times[kind].get(page["name"]) if kind not in errors else None
            row[f"{kind}_s"] = round(statistics.median(measured), 3) if measured else None
            pdf = pdfs[kind](page)
            if not pdf.is_file() or measured is None:
                continue
            text = pdftotext(pdf)
            row[f"{kind}_blocks_back"] = blocks_back(blocks, text)
            row[f"{kind}_tofu"] = tofu(pdf)
            if page["lang"] == "ko":
                row[f"{kind}_ko_breaks_in_words"], row[f"{kind}_ko_breaks"] = korean_breaks(blocks, text)
        pandoc = times["pandoc"].get(page["name"]) if "typst" not in errors else None
        row["typst_pandoc_s"] = round(statistics.median(pandoc), 3) if pandoc else None
        rows.append(row)
    return {"runs": runs, "rows": rows, "errors": errors,
            "totals": warm_totals(rows)}


def warm_totals(rows: list[dict]) -> dict:
    """Summed medians, ratios of ours to each peer, and summed quality figures."""
    totals: dict = {}
    for kind in WORKERS:
        if all(r.get(f"{kind}_s") is not None for r in rows):
            totals[f"{kind}_s"] = round(sum(r[f"{kind}_s"] for r in rows), 3)
        back = [r.get(f"{kind}_blocks_back") for r in rows]
        if all(b is not None for b in back):
            totals[f"{kind}_blocks_back"] = sum(back)
        found = [r.get(f"{kind}_tofu") for r in rows]
        totals[f"{kind}_tofu"] = sum(t for t in found if t is not None) if any(t is not None for t in found) else None
        ko = [r for r in rows if r["lang"] == "ko" and f"{kind}_ko_breaks" in r]
        if ko:
            totals[f"{kind}_ko_breaks_in_words"] = sum(r[f"{kind}_ko_breaks_in_words"] for r in ko)
            totals[f"{kind}_ko_breaks"] = sum(r[f"{kind}_ko_breaks"] for r in ko)
    totals["blocks"] = sum(r["blocks"] for r in rows)
    for kind in ("weasyprint", "weasyprint_ua", "chromium", "typst"):
        if totals.get("ours_s") and totals.get(f"{kind}_s"):
            totals[f"ours_over_{kind}"] = round(totals["ours_s"] / totals[f"{kind}_s"], 3)
    return totals


def warm_targets(warm: dict) -> dict:
    """The warm targets with their measured figures."""
    t = warm["totals"]
    out = {}
    if "ours_over_weasyprint" in t:
        out["time per PDF <= 1.15 x bare warm WeasyPrint"] = {"value": t["ours_over_weasyprint"], "limit": 1.15}
    if "ours_over_chromium" in t:
        out["time per PDF <= 2.5 x warm Chromium"] = {"value": t["ours_over_chromium"], "limit": 2.5}
    peers = [k for k in PEERS if f"{k}_blocks_back" in t]
    if "ours_blocks_back" in t and peers:
        best = max(t[f"{k}_blocks_back"] for k in peers)
        out["blocks given back: ours - best peer (>= 0)"] = {"value": t["ours_blocks_back"] - best, "limit": 0,
                                                            "higher_is_better": True}
    if t.get("ours_tofu") is not None:
        out["missing glyphs in our PDFs (0)"] = {"value": t["ours_tofu"], "limit": 0}
    if "ours_ko_breaks_in_words" in t:
        best = min(t.get(f"{k}_ko_breaks_in_words", 10**9) for k in PEERS)
        out["Korean line ends inside words: ours - best peer (<= 0)"] = {
            "value": t["ours_ko_breaks_in_words"] - best, "limit": 0}
    for item in out.values():
        higher = item.pop("higher_is_better", False)
        item["holds"] = item["value"] >= item["limit"] if higher else item["value"] <= item["limit"]
    return out


def main() -> int:
    """Worker entry: warm.py KIND OUT_DIR FONTCONFIG_FILE, then pages on stdin."""
    serve(sys.argv[1], Path(sys.argv[2]), sys.argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
