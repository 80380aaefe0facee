"""guidebuilder benchmark: speed and size against bare WeasyPrint and Chromium, and how it scales.

Run with `make bench`. Every figure is the median of --runs runs; the peers render the same
HTML files in the same run. Writes benchmarks/results.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from warm import bench_warm, warm_targets

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
GB = [sys.executable, "-m", "guidebuilder"]
CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]
CJK = {"zh_Hant", "ko"}
SCALE_SOURCES = ("responding-to-hate", "know-your-rights-card", "hotline-card")  # the generated guides' material
SCALE_SECTIONS = 2  # sections per generated guide: 100 guides x 9 languages stay affordable on 2 cores


def run_measured(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of a command and all its children, sampled at 50 Hz."""
    seconds, peak, _worker = run_tree(cmd, cwd, env)
    return seconds, peak


def _is_worker(process: psutil.Process) -> bool:
    """A build worker: a process multiprocessing spawned (not a short-lived helper such as msgcat)."""
    return "spawn_main" in " ".join(process.cmdline())


def run_tree(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) of the whole process tree, and peak RSS (MB) of its largest build worker."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak = worker_peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak, worker_peak
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        workers: dict[int, bool] = {}
        while not done.is_set():
            try:
                procs = [parent, *parent.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        rss = p.memory_info().rss
                        if not workers.get(p.pid):  # asked again: a child just forked has its parent's command line
                            workers[p.pid] = _is_worker(p)
                    except psutil.Error:
                        continue
                    total += rss
                    if workers[p.pid]:
                        worker_peak = max(worker_peak, rss)
                peak = max(peak, total)
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return elapsed, peak / 2**20, worker_peak / 2**20


def prepare_project() -> Path:
    """A copy of the sample project to edit freely."""
    project = WORK / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for name in ("guides", "locales", "guidebuilder.toml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    (project / "fonts").symlink_to(ROOT / "fonts")
    return project


def make_long_guide(project: Path, factor: int) -> str:
    """guides/long-xN: the sample guide's body repeated N times, translations carried over."""
    slug = f"long-x{factor}"
    source = (ROOT / "guides" / "responding-to-hate" / "guide.md").read_text(encoding="utf-8")
    front, body = re.match(r"(---\n.*?\n---\n)(.*)", source, re.S).groups()
    body = re.sub(r"\n\[\^1\]:.*", "", body, flags=re.S)  # one footnote definition, at the end
    footnote = re.search(r"\n\[\^1\]:.*", source, re.S).group(0)
    target = project / "guides" / slug
    shutil.copytree(ROOT / "guides" / "responding-to-hate", target)
    (target / "guide.md").write_text(front + body * factor + footnote, encoding="utf-8")
    for lang_dir in (project / "locales").iterdir():
        po = lang_dir / "LC_MESSAGES" / "responding-to-hate.po"
        if po.is_file():
            shutil.copy(po, lang_dir / "LC_MESSAGES" / f"{slug}.po")
    subprocess.run([*GB, "extract", "--guide", slug], cwd=project, check=True, capture_output=True)
    subprocess.run([*GB, "update", "--guide", slug], cwd=project, check=True, capture_output=True)
    return slug


def source_sections() -> tuple[list[str], list[str]]:
    """The sample guides' front matters (without extra formats) and their sections, each a heading and its blocks.

    A section with a footnote is left out (its definition would have to follow it); every heading
    becomes level 2 (its text, the msgid, is unchanged) so that any order is a valid outline.
    """
    fronts, sections = [], []
    for slug in SCALE_SOURCES:
        text = (ROOT / "guides" / slug / "guide.md").read_text(encoding="utf-8")
        front, body = re.match(r"(---\n.*?\n---\n)(.*)", text, re.S).groups()
        fronts.append(re.sub(r"^formats:.*\n", "", front, flags=re.M))
        for chunk in re.split(r"\n(?=#{1,6} )", "\n" + body):
            chunk = chunk.strip("\n")
            if chunk and "[^" not in chunk:
                sections.append(re.sub(r"\A#{1,6} ", "## ", chunk) + "\n")
    return fronts, sections


def merged_catalog(lang_dir: Path):
    """One catalog with every translated entry of the sample guides' catalogs of a language (first guide wins)."""
    import polib

    merged = None
    seen: set[tuple[str | None, str]] = set()
    for slug in SCALE_SOURCES:
        catalog = polib.pofile(str(lang_dir / "LC_MESSAGES" / f"{slug}.po"))
        if merged is None:
            merged = polib.POFile()
            merged.metadata = dict(catalog.metadata)
            merged.header = catalog.header
        for entry in catalog:
            if not entry.obsolete and (entry.msgctxt, entry.msgid) not in seen:
                seen.add((entry.msgctxt, entry.msgid))
                merged.append(entry)
    return merged


def make_guides_base(count: int) -> Path:
    """A project of `count` generated guides, each SCALE_SECTIONS sections of the sample guides in its own order.

    Guide i takes its sections by random.Random(i), so the guides are the same on every run. Every
    language's catalog of a generated guide starts as the merge of the sample guides' catalogs, then
    `extract` and `update` make it the guide's own (entries it does not use removed), so every
    language has the sample's real translations.
    """
    import random

    import polib

    base = WORK / "guides-base"
    shutil.rmtree(base, ignore_errors=True)
    fronts, sections = source_sections()
    base.mkdir(parents=True)
    shutil.copy(ROOT / "guidebuilder.toml", base / "guidebuilder.toml")
    (base / "fonts").symlink_to(ROOT / "fonts")
    shutil.copytree(ROOT / "locales", base / "locales",
                    ignore=lambda _dir, names: [n for n in names if n.endswith((".po", ".pot"))
                                                and not n.startswith("guidebuilder.")])
    merged = {lang_dir.name: merged_catalog(ROOT / "locales" / lang_dir.name)
              for lang_dir in sorted((ROOT / "locales").iterdir()) if lang_dir.is_dir()}
    for index in range(1, count + 1):
        slug = f"scale-{index:03d}"
        picked = random.Random(index).sample(range(len(sections)), SCALE_SECTIONS)
        guide = base / "guides" / slug
        guide.mkdir(parents=True)
        (guide / "guide.md").write_text(fronts[index % len(fronts)] + "\n" + "\n".join(sections[i] for i in picked),
                                        encoding="utf-8")
        shutil.copytree(ROOT / "guides" / "responding-to-hate" / "images", guide / "images")
        for lang, catalog in merged.items():
            catalog.save(str(base / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"))
    subprocess.run([*GB, "extract"], cwd=base, check=True, capture_output=True)
    subprocess.run([*GB, "update"], cwd=base, check=True, capture_output=True)
    for po in sorted(base.glob("locales/*/LC_MESSAGES/scale-*.po")):
        catalog = polib.pofile(str(po))
        for entry in [e for e in catalog if e.obsolete]:
            catalog.remove(entry)
        catalog.save(str(po))
    return base


def make_scale_guides(base: Path, count: int) -> Path:
    """A project of the first `count` guides of the generated base project, with their catalogs."""
    slugs = [f"scale-{index:03d}" for index in range(1, count + 1)]
    project = WORK / f"guides-{count}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copy(base / "guidebuilder.toml", project / "guidebuilder.toml")
    (project / "fonts").symlink_to(ROOT / "fonts")
    for slug in slugs:
        shutil.copytree(base / "guides" / slug, project / "guides" / slug)
    for path in sorted((base / "locales").rglob("*")):
        if path.is_file() and (path.name.startswith("guidebuilder.") or path.stem in slugs):
            target = project / path.relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return project


def edit_catalog(path: Path, counter: int) -> None:
    """A translator's save: one message of a catalog changes (a paragraph's when there is one)."""
    import polib

    catalog = polib.pofile(str(path))
    entries = catalog.translated_entries()
    entry = next((e for e in entries if "Paragraph" in e.comment), entries[0])
    entry.msgstr = entry.msgstr.rstrip("ক ") + " " + "ক" * (counter + 1)  # no digits: `check` compares numbers
    catalog.save(str(path))


def bench_scale_guides(runs: int, counts: list[int]) -> list[dict]:
    """Cold, no-op and one-catalog-edit builds of 1 to 100 generated guides in every language (PDF and HTML)."""
    results = []
    base = make_guides_base(max(counts))
    for count in counts:
        project = make_scale_guides(base, count)
        out = WORK / f"guides-{count}-build" / "site"
        cold, noop, one, rss, worker = [], [], [], [], []
        for index in range(runs):
            shutil.rmtree(out.parent, ignore_errors=True)
            cache = WORK / f"guides-cache-{count}-{index}"
            shutil.rmtree(cache, ignore_errors=True)
            env = {"GUIDEBUILDER_CACHE": str(cache)}
            command = [*GB, "build-guides", "--quiet", "--out", str(out)]
            seconds, peak, worker_peak = run_tree(command, project, env)
            cold.append(seconds)
            rss.append(peak)
            worker.append(worker_peak)
            noop.append(run_tree(command, project, env)[0])
            edit_catalog(project / "locales" / "bn" / "LC_MESSAGES" / "scale-001.po", index)
            one.append(run_tree(command, project, env)[0])
            shutil.rmtree(cache, ignore_errors=True)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        entries = [entry for guide in manifest["guides"] for entry in guide["languages"]]
        pages = sum(entry.get("pdf_pages") or 0 for entry in entries)
        published = sum(1 for entry in entries if entry.get("status") == "published")
        results.append({"guides": count, "pairs": len(entries), "published": published, "pages": pages,
                        "cold_s": median(cold), "noop_s": median(noop), "one_po_edit_s": median(one),
                        "seconds_per_page": round(median(cold) / pages, 4), "peak_rss_mb": median(rss),
                        "worker_peak_rss_mb": median(worker),
                        "runs": {"cold_s": cold, "noop_s": noop, "one_po_edit_s": one, "peak_rss_mb": rss,
                                 "worker_peak_rss_mb": worker}})
        print(f"guides x{count}: {json.dumps(results[-1])}", flush=True)
    return results


def scale_guides_targets(scale: list[dict]) -> dict:
    """Seconds per page flat from 1 to 100 guides; a worker's memory bounded (flat, and within WORKER_MEMORY)."""
    sys.path.insert(0, str(ROOT))
    from guidebuilder.executor import WORKER_MEMORY

    per_page = [s["seconds_per_page"] for s in scale]
    workers = [s["worker_peak_rss_mb"] for s in scale]
    budget = WORKER_MEMORY / 2**20
    out = {
        f"seconds per page flat from {scale[0]['guides']} to {scale[-1]['guides']} guides (max/min)":
            {"value": round(max(per_page) / min(per_page), 3), "limit": 1.5},
        f"peak RSS per worker flat from {scale[0]['guides']} to {scale[-1]['guides']} guides (max/min)":
            {"value": round(max(workers) / min(workers), 3), "limit": 1.25},
        f"peak RSS per worker <= {budget:.0f} MB (the workers' memory budget)":
            {"value": max(workers), "limit": budget},
    }
    for item in out.values():
        item["holds"] = item["value"] <= item["limit"]
    return out


def edit_one_catalog(project: Path, counter: int) -> None:
    """A translator's save: one Bangla message changes."""
    import polib

    path = project / "locales" / "bn" / "LC_MESSAGES" / "responding-to-hate.po"
    catalog = polib.pofile(str(path))
    entry = next(e for e in catalog if e.msgid == "Stay safe." or e.comment.startswith("Paragraph"))
    entry.msgstr = entry.msgstr.rstrip("ক ") + " " + "ক" * (counter + 1)  # no digits: `check` compares numbers
    catalog.save(str(path))


def bench_preview(project: Path, saves: int) -> dict:
    """guidebuilder serve: seconds from a translator's save to the reload event of the page, then of its PDF."""
    import http.client
    import queue
    import signal

    proc = subprocess.Popen([*GB, "serve", "--port", "0", "--out", str(WORK / "serve")], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in iter(proc.stdout.readline, "")], daemon=True).start()
    page, pdf = [], []
    try:
        address = lines.get(timeout=600)
        found = re.search(r"127\.0\.0\.1:(\d+)/", address)
        if not found:
            raise SystemExit(f"serve did not start: {address}")
        lines.get(timeout=600)  # the first build's report
        connection = http.client.HTTPConnection("127.0.0.1", int(found.group(1)), timeout=600)
        connection.request("GET", "/__reload")
        stream = connection.getresponse()
        events: queue.Queue = queue.Queue()

        def read() -> None:
            for raw in iter(stream.fp.readline, b""):
                if raw.startswith(b"data: "):
                    events.put((time.perf_counter(), raw[6:].decode().strip()))

        threading.Thread(target=read, daemon=True).start()
        for index in range(saves):
            edit_one_catalog(project, 100 + index)
            saved = time.perf_counter()
            seen: dict[str, float] = {}
            while not {"page", "pdf"} <= set(seen):
                at, path = events.get(timeout=120)
                if path == "responding-to-hate/bn/index.html":
                    seen.setdefault("page", at - saved)
                elif path == "responding-to-hate/bn/responding-to-hate-bn.pdf":
                    seen.setdefault("pdf", at - saved)
            page.append(round(seen["page"], 3))
            pdf.append(round(seen["pdf"], 3))
            time.sleep(1.0)  # the full build's last events (portal) pass before the next save
            while not events.empty():
                events.get()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    return {"page_s": {"median": median(page), "runs": page}, "pdf_s": {"median": median(pdf), "runs": pdf}}


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def bench_builds(project: Path, runs: int) -> dict:
    """cold, no-op and one-language builds, median of runs."""
    out = WORK / "build" / "site"
    cold, noop, one, rss = [], [], [], []
    for index in range(runs):
        shutil.rmtree(out.parent, ignore_errors=True)  # the site and its build state beside it
        cache = WORK / f"cache-{index}"
        shutil.rmtree(cache, ignore_errors=True)
        env = {"GUIDEBUILDER_CACHE": str(cache)}  # a cold font cache too
        seconds, peak = run_measured([*GB, "build-guides", "--quiet", "--out", str(out)], project, env)
        cold.append(seconds)
        rss.append(peak)
        seconds, _ = run_measured([*GB, "build-guides", "--quiet", "--out", str(out)], project, env)
        noop.append(seconds)
        edit_one_catalog(project, index)
        seconds, _ = run_measured([*GB, "build-guides", "--quiet", "--out", str(out)], project, env)
        one.append(seconds)
    return {"cold_s": {"median": median(cold), "runs": cold}, "noop_s": {"median": median(noop), "runs": noop},
            "one_language_s": {"median": median(one), "runs": one},
            "cold_peak_rss_mb": {"median": median(rss), "runs": rss}}


def peer_pages(project: Path) -> dict[tuple[str, str], Path]:
    """The HTML guidebuilder typesets (build-guides --keep-print-html), without its @font-face rules
    (so with system fonts), beside the kept file.
    """
    out = WORK / "print-build"
    subprocess.run([*GB, "build-guides", "--quiet", "--force", "--format", "pdf", "--keep-print-html", "--out",
                    str(out)], cwd=project, check=True, capture_output=True)
    pages = {}
    for kept in sorted((out.parent / ".guidebuilder" / out.name / "print").glob("*/*.html")):
        html = re.sub(r"@font-face\s*\{[^}]*\}", "", kept.read_text(encoding="utf-8"))
        path = kept.with_name(f"peer-{kept.stem}.html")
        path.write_text(html, encoding="utf-8")
        pages[(kept.parent.name, kept.stem)] = path
    return pages


def bench_peers(project: Path, runs: int) -> dict:
    """Bare WeasyPrint and Chromium on the same HTML, one process per file, system fonts, default options."""
    out = WORK / "build" / "site"
    peers_dir = WORK / "peers"
    shutil.rmtree(peers_dir, ignore_errors=True)
    peers_dir.mkdir(parents=True)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    weasyprint = Path(sys.executable).parent / "weasyprint"
    pages = peer_pages(project)
    rows = []
    for guide in manifest["guides"]:
        for entry in guide["languages"]:
            html = pages[(guide["slug"], entry["lang"])]
            name = f"{guide['slug']}-{entry['lang']}"
            row = {"guide": guide["slug"], "lang": entry["lang"], "ours_bytes": entry["pdf_bytes"],
                   "ours_pages": entry["pdf_pages"]}
            times = []
            for _ in range(runs):
                seconds, _ = run_measured([str(weasyprint), str(html), str(peers_dir / f"{name}-weasyprint.pdf")],
                                          out)
                times.append(seconds)
            row["weasyprint_s"] = median(times)
            row["weasyprint_bytes"] = (peers_dir / f"{name}-weasyprint.pdf").stat().st_size
            if CHROMIUM:
                times = []
                for index in range(runs):
                    target = peers_dir / f"{name}-chromium.pdf"
                    seconds, _ = run_measured([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={WORK / 'chromium'}",
                                               f"--print-to-pdf={target}", html.as_uri()], out)
                    times.append(seconds)
                row["chromium_s"] = median(times)
                row["chromium_bytes"] = (peers_dir / f"{name}-chromium.pdf").stat().st_size
            rows.append(row)
    return {"rows": rows, "chromium": CHROMIUM or None}


def bench_scale(project: Path, runs: int, factors: list[int]) -> list[dict]:
    """Seconds per page and peak memory as the guide grows, all languages."""
    results = []
    for factor in factors:
        slug = make_long_guide(project, factor)
        out = WORK / f"scale-{factor}"
        times, rss = [], []
        for _ in range(runs):
            seconds, peak = run_measured([*GB, "build-guides", "--quiet", "--force", "--format", "pdf",
                                          "--guide", slug, "--out", str(out)], project)
            times.append(seconds)
            rss.append(peak)
        pages = sum(page_count(p) for p in (out / slug).glob("*/*.pdf"))
        results.append({"factor": factor, "pages": pages, "seconds": median(times),
                        "seconds_per_page": round(median(times) / pages, 4), "peak_rss_mb": median(rss),
                        "runs": times})
    return results


def machine() -> dict:
    """What the figures were measured on."""
    cpu = ""
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    import weasyprint

    from weasyprint.text.ffi import pango as pango_lib

    number = pango_lib.pango_version()  # e.g. 15012 for 1.50.12
    pango = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    hb_subset = bool(__import__("ctypes.util").util.find_library("harfbuzz-subset"))
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip() if CHROMIUM else None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "os": platform.platform(), "python": platform.python_version(), "weasyprint": weasyprint.__version__,
            "pango": pango, "libharfbuzz_subset": hb_subset, "chromium": chromium}


def targets(builds: dict, peers: dict, scale: list[dict]) -> dict:
    """Each performance target with its measured figure and whether it holds."""
    rows = peers["rows"]
    weasy_sum = sum(r["weasyprint_s"] for r in rows)
    cold = builds["cold_s"]["median"]
    out = {
        "cold <= 0.6 x summed bare WeasyPrint": {"value": round(cold / weasy_sum, 3), "limit": 0.6},
        "no-op rebuild <= 0.3 s": {"value": builds["noop_s"]["median"], "limit": 0.3},
        "one-language rebuild <= 1/5 of cold": {"value": round(builds["one_language_s"]["median"] / cold, 3),
                                                "limit": 0.2},
        "peak RSS of cold build <= 500 MB": {"value": builds["cold_peak_rss_mb"]["median"], "limit": 500},
    }
    if peers["chromium"]:
        worst_cjk = max(r["ours_bytes"] / min(r["weasyprint_bytes"], r["chromium_bytes"])
                        for r in rows if r["lang"] in CJK)
        worst_other = max(r["ours_bytes"] / min(r["weasyprint_bytes"], r["chromium_bytes"])
                          for r in rows if r["lang"] not in CJK)
        out["every CJK PDF <= 0.5 x smaller peer"] = {"value": round(worst_cjk, 3), "limit": 0.5}
        out["no other PDF larger than smaller peer"] = {"value": round(worst_other, 3), "limit": 1.0}
    per_page = [s["seconds_per_page"] for s in scale]
    out["seconds per page flat from 1x to 10x (max/min)"] = {"value": round(max(per_page) / min(per_page), 3),
                                                           "limit": 1.5}
    for item in out.values():
        item["holds"] = item["value"] <= item["limit"]
    return out


def preview_targets(preview: dict) -> dict:
    """The preview's target: the saved catalog's web page within half a second (median)."""
    value = preview["page_s"]["median"]
    return {"preview: saved catalog's page reloads <= 0.5 s (median)": {"value": value, "limit": 0.5,
                                                                      "holds": value <= 0.5}}


def update_results(key: str, section: dict, targets: dict) -> dict:
    """Replace one section of benchmarks/results.json and its targets, keeping the rest; returns the whole."""
    path = ROOT / "benchmarks" / "results.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    results[key] = section
    results.setdefault("targets", {}).update(targets)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return results


def main() -> int:
    """Run every benchmark and write benchmarks/results.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", default="1,3,10", help="guide length factors")
    parser.add_argument("--warm-runs", type=int, default=2, help="timed passes of the warm peers (after one warm-up)")
    parser.add_argument("--guides", default="1,10,100", help="how many generated guides each scale build has")
    parser.add_argument("--guides-runs", type=int, default=1,
                        help="runs of each generated-guides build (100 guides take minutes cold on 2 cores)")
    parser.add_argument("--only", choices=["all", "warm", "scale"], default="all",
                        help="warm: only the warm peers; scale: only the generated guides "
                             "(each updates its part of results.json)")
    parser.add_argument("--saves", type=int, default=7, help="catalog saves the preview latency is the median of")
    parser.add_argument("--only-preview", action="store_true",
                        help="measure the preview latency alone and update it in results.json")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    project = prepare_project()
    if args.only_preview:
        preview = bench_preview(project, args.saves)
        print(f"preview: {json.dumps(preview)}", flush=True)
        update_results("preview", preview, preview_targets(preview))
        return 0
    print(f"machine: {json.dumps(machine())}", flush=True)
    counts = [int(n) for n in args.guides.split(",")]
    if args.only == "scale":
        scale_guides = bench_scale_guides(args.guides_runs, counts)
        print_scale_guides(update_results("scale_guides", scale_guides, scale_guides_targets(scale_guides)))
        return 0
    warm = bench_warm(project, WORK, args.warm_runs)
    print(f"warm: {json.dumps(warm['totals'])}", flush=True)
    if args.only == "warm":
        update_results("warm", warm, warm_targets(warm))
        print_warm(warm)
        return 0
    builds = bench_builds(project, args.runs)
    print(f"builds: {json.dumps(builds)}", flush=True)
    peers = bench_peers(project, args.runs)
    print(f"peers: {len(peers['rows'])} files", flush=True)
    scale = bench_scale(project, args.runs, [int(f) for f in args.scale.split(",")])
    print(f"scale: {json.dumps(scale)}", flush=True)
    scale_guides = bench_scale_guides(args.guides_runs, counts)
    preview = bench_preview(project, args.saves)
    print(f"preview: {json.dumps(preview)}", flush=True)
    results = {"runs": args.runs, "machine": machine(), "builds": builds, "peers": peers, "scale": scale,
               "scale_guides": scale_guides, "warm": warm, "preview": preview,
               "targets": {**targets(builds, peers, scale), **scale_guides_targets(scale_guides),
                           **warm_targets(warm), **preview_targets(preview)}}
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
    print_table(results)
    return 0


def print_table(results: dict) -> None:
    """The figures as a reader of the README sees them."""
    b = results["builds"]
    print(f"\ncold {b['cold_s']['median']} s, no-op {b['noop_s']['median']} s, one language "
          f"{b['one_language_s']['median']} s, peak RSS {b['cold_peak_rss_mb']['median']} MB")
    print(f"{'guide':24} {'lang':8} {'ours KB':>8} {'weasy s':>8} {'weasy KB':>9} {'chrome s':>9} {'chrome KB':>10}")
    for r in results["peers"]["rows"]:
        print(f"{r['guide']:24} {r['lang']:8} {r['ours_bytes'] // 1024:>8} {r['weasyprint_s']:>8} "
              f"{r['weasyprint_bytes'] // 1024:>9} {r.get('chromium_s', '-'):>9} "
              f"{(r.get('chromium_bytes') or 0) // 1024:>10}")
    for s in results["scale"]:
        print(f"scale x{s['factor']}: {s['pages']} pages, {s['seconds']} s, {s['seconds_per_page']} s/page, "
              f"{s['peak_rss_mb']} MB")
    print_scale_guides(results)
    print_warm(results["warm"])
    if "preview" in results:
        p = results["preview"]
        print(f"preview: page {p['page_s']['median']} s, PDF {p['pdf_s']['median']} s after the save (median)")
    for name, t in results["targets"].items():
        print(f"{'OK  ' if t['holds'] else 'MISS'} {name}: {t['value']} (limit {t['limit']})")


def print_scale_guides(results: dict) -> None:
    """The generated guides' builds, one line per count."""
    for s in results.get("scale_guides", []):
        print(f"{s['guides']} guides x 9 languages: {s['pages']} pages, cold {s['cold_s']} s "
              f"({s['seconds_per_page']} s/page), no-op {s['noop_s']} s, one .po edited {s['one_po_edit_s']} s, "
              f"peak RSS {s['peak_rss_mb']} MB, a worker {s['worker_peak_rss_mb']} MB")


def print_warm(warm: dict) -> None:
    """The warm peers' medians and quality figures."""
    kinds = ("ours", "weasyprint", "weasyprint_ua", "chromium", "typst")
    print(f"\nwarm ({warm['runs']} runs): seconds per PDF, blocks back of {'{blocks}'}, missing glyphs")
    print(f"{'guide':24} {'lang':8} " + " ".join(f"{k + ' s':>12}" for k in kinds) + " "
          + " ".join(f"{k + ' back':>15}" for k in kinds))
    for r in warm["rows"]:
        print(f"{r['guide']:24} {r['lang']:8} " + " ".join(f"{str(r.get(k + '_s')):>12}" for k in kinds) + " "
              + " ".join(f"{str(r.get(k + '_blocks_back')) + '/' + str(r['blocks']):>15}" for k in kinds))
    print(json.dumps(warm["totals"]))
    for kind, error in warm["errors"].items():
        print(f"{kind} failed: {error}")


if __name__ == "__main__":
    sys.exit(main())
