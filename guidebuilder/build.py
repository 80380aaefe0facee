"""Build engine: every guide x language to HTML and PDF, in parallel and incrementally.

Stages per (guide, language): read the guide and catalog, decide whether to
publish, render the print page, typeset the PDF, render the web page with its
subset web fonts. Everything a page needs is gathered before its files are
written, and every file is written through a temp file and a rename, so a
killed build leaves the previous outputs intact.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from . import __version__
from .catalogs import atomic_write
from .check import check_language
from .chrome import check_chrome, chrome_or_default, load_chrome
from .config import CHROME_DOMAIN, Project, guide_slugs
from .errors import GuideError
from .fonts import (Face, cache_root, face_css, facts_families, font_stack, fonts_for, isolate_fontconfig, load_manifest,
                    page_chars, subset_font, cmap)
from .locales import LocaleFacts, facts_for
from .render import PageLinks, jinja_env, render_page, size_label
from .source import Guide, read_guide
from .state import (STATE_DIR, BuildOptions, BuildReport, LanguageResult, _hash_tree, harfbuzz_subset_warning,
                    last_build_record, load_state, package_digest)
from .translate import load_translation

if TYPE_CHECKING:
    from .pdf import PdfResult, WideTable

def input_key(project: Project, slug: str, lang: str, published: list[str], options: BuildOptions) -> str:
    """Checksum of everything an output depends on."""
    digest = hashlib.sha256(package_digest().encode())
    _hash_tree(digest, project.guides_dir / slug)
    for path in (project.po_path(lang, slug), project.po_path(lang, CHROME_DOMAIN), project.fonts_dir / "manifest.json",
                 project.config_path):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    settings = [lang, published, sorted(options.formats), options.include_fuzzy, options.proof,
                options.paper or project.paper]
    digest.update(json.dumps(settings).encode())
    return digest.hexdigest()


def _job_dir(options: BuildOptions, slug: str, lang: str) -> Path:
    return options.out_dir / slug / lang


def _css(project: Project, lang: str, source_lang: str, faces: str, paper: str, target: str) -> str:
    """The page's stylesheet: WeasyPrint's paged media for print, browser CSS for the web."""
    facts = facts_for(lang, project)
    source = facts_for(source_lang, project)
    return jinja_env().get_template("guide.css.j2").render(
        facts=facts, source=source, font_faces=faces, paper=paper, target=target,
        font_stack=font_stack(facts_families(facts, source)), source_stack=font_stack(source.fonts))


def _drawn(html: str, facts: LocaleFacts) -> dict[Face, set[str]]:
    """Characters a page draws per face, with the locale's digits (list markers and page numbers)."""
    chars = page_chars(html)
    digits = set(facts.digits("0123456789"))
    return {face: found | digits if face[1] == "normal" else found for face, found in chars.items()}


def _subset_faces(project: Project, families: tuple[str, ...], chars: dict[Face, set[str]], flavor: str | None,
                  cache: Path, first_match: bool = False) -> list[tuple]:
    """Subset every face of the families to the characters drawn in its weight and style.

    With first_match, a face gets only the characters no earlier family of the
    stack has, as a browser's per-character font matching would draw them. A
    family without an italic face draws italic text with its upright face
    (synthesized slant), so those characters go to the upright face.
    """
    manifest = load_manifest(project)
    out = []
    taken: dict[Face, set[str]] = {face: set() for face in chars}
    stack = fonts_for(manifest, families)
    styles = {(font.family, font.weight, font.style) for font in stack}
    for font in stack:
        face = (font.weight, font.style)
        wanted = set(chars.get(face, set()))
        if font.style == "normal" and (font.family, font.weight, "italic") not in styles:
            wanted |= chars.get((font.weight, "italic"), set())
        if first_match:
            covered = {c for c in wanted if ord(c) in cmap(project.fonts_dir / font.file)}
            wanted = covered - taken[face]
            taken[face] |= covered
        if flavor == "woff2" and font.web_bold_synthesized:
            if font.weight == 700:
                continue
            wanted = set().union(*chars.values())  # the regular face draws the bold text too
        if flavor is None:
            wanted = set().union(*chars.values())  # WeasyPrint subsets again; one file per face is enough
        path = subset_font(project, font, wanted, flavor, cache)
        if path is not None:
            out.append((font, path))
    return out


def _picker_fonts(project: Project, lang: str, published: list[str], families: tuple[str, ...],
                  cache: Path) -> tuple[list[tuple], str]:
    """Web faces and CSS that draw each language's native name in the language picker in its own fonts.

    A name the page's own families cannot draw (বাংলা on an English page) gets the
    first family of its language's stack that has each character, subset to the
    names' characters only (a few KB). Every other language's link gets a rule on
    nav.languages [lang=xx] naming those families, then the page's stack: the page's
    subsets hold every character of the picker its families draw, while the source
    language's own stack may have none (a Korean page draws Latin with its CJK face).
    """
    manifest = load_manifest(project)
    wanted: dict[str, set[str]] = {}  # family -> characters of the names it draws
    stacks: dict[str, list[str]] = {}  # bcp47 -> families the name needs beyond the page's
    for code in published:
        facts = facts_for(code, project)
        if code == lang:
            continue
        stacks.setdefault(facts.bcp47, [])
        for char in facts.native_name:
            for family in facts.fonts:
                regular = [f for f in fonts_for(manifest, (family,)) if f.weight == 400]
                if regular and ord(char) in cmap(project.fonts_dir / regular[0].file):
                    if family not in families:
                        wanted.setdefault(family, set()).add(char)
                        if family not in stacks[facts.bcp47]:
                            stacks[facts.bcp47].append(family)
                    break
    faces = []
    for family, chars in sorted(wanted.items()):
        for font in fonts_for(manifest, (family,)):
            if font.weight == 400:
                path = subset_font(project, font, chars, "woff2", cache)
                if path is not None:
                    faces.append((font, path))
    rules = []
    for tag, stack in sorted(stacks.items()):
        value = ", ".join(filter(None, [font_stack(tuple(stack)), font_stack(families)]))
        rules.append(f'\nnav.languages [lang="{tag}"] {{ font-family: {value}; }}')
    return faces, "".join(rules)


def build_one(project: Project, slug: str, lang: str, published: list[str], options: BuildOptions) -> LanguageResult:
    """Build one guide in one language: PDF then HTML. Runs in a worker process."""
    started = time.monotonic()
    facts = facts_for(lang, project)
    source_facts = facts_for(project.source_language, project)
    out_dir = _job_dir(options, slug, lang)
    cache = cache_root() / "fonts"
    isolate_fontconfig(options.out_dir / STATE_DIR)
    guide = read_guide(project.root, slug)
    translation = load_translation(project, slug, lang, options.include_fuzzy)
    chrome = load_chrome(project, lang, options.include_fuzzy)
    source_lang = project.source_language
    paper = options.paper or project.paper
    families = facts_families(facts, source_facts)
    languages = [(other.bcp47, other.native_name, f"../{code}/index.html", other.direction)
                 for code, other in ((code, facts_for(code, project)) for code in published)]
    result = LanguageResult(slug, lang, facts.direction, "published",
                            coverage=round(translation.coverage_of(guide.messages()), 4), rebuilt=True)
    pdf_name = f"{slug}-{lang}.pdf"
    writes: list[tuple[Path, bytes]] = []
    pdf_bytes = None
    if "pdf" in options.formats:
        draft, _ = render_page(guide, translation, facts, source_facts, "print", "", PageLinks(languages),
                                options.proof, chrome)
        faces = _subset_faces(project, families, _drawn(draft, facts), None, cache)
        css = _css(project, lang, source_lang, face_css([(f, p.resolve().as_uri(), "opentype") for f, p in faces]),
                   paper, "print")
        from .pdf import write_pdf

        def typeset(extra_css: str):
            html, _renderer = render_page(guide, translation, facts, source_facts, "print", css + extra_css,
                                          PageLinks(languages), options.proof, chrome)
            return write_pdf(html, guide.abs_dir, [guide.abs_dir, project.fonts_dir, cache],
                             identifier=f"{slug}/{lang}")

        pdf = _typeset_fitting_tables(typeset)
        result.warnings = [f"{guide.src_path}:{table.line}: table wider than the page by {table.overflow_pt:.0f} pt "
                           f"in the {lang} PDF, even in 7.5 pt type with words broken; give it fewer columns or "
                           f"split it" for table in pdf.wide_tables]
        writes.append((out_dir / pdf_name, pdf.data))
        pdf_bytes = len(pdf.data)
        result.pdf = f"{slug}/{lang}/{pdf_name}"
        result.pdf_pages = pdf.pages
        result.pdf_bytes = pdf_bytes
        result.sha256 = hashlib.sha256(pdf.data).hexdigest()
    elif (out_dir / pdf_name).is_file():
        pdf_bytes = (out_dir / pdf_name).stat().st_size
    if "html" in options.formats:
        links = PageLinks(languages, pdf_name if pdf_bytes else None, pdf_bytes)
        draft, renderer = render_page(guide, translation, facts, source_facts, "web", "", links, options.proof, chrome)
        # Without fallback blocks the page draws in its own stack only (see _subset_faces).
        faces = _subset_faces(project, families, _drawn(draft, facts), "woff2", cache,
                              first_match=not renderer.fallbacks)
        picker_faces, picker_css = _picker_fonts(project, lang, published, families, cache)
        faces += picker_faces
        web_faces = [(f, f"fonts/{p.name}", "woff2") for f, p in faces]
        css = _css(project, lang, source_lang, face_css(web_faces) + picker_css, paper, "web")
        html, renderer = render_page(guide, translation, facts, source_facts, "web", css, links, options.proof, chrome)
        writes.append((out_dir / "index.html", html.encode("utf-8")))
        for _font, path in faces:
            writes.append((out_dir / "fonts" / path.name, path.read_bytes()))
        for asset in _assets(guide, lang):
            writes.append((out_dir / asset, (guide.abs_dir / asset).read_bytes()))
        result.html = f"{slug}/{lang}/index.html"
    staging = options.out_dir / STATE_DIR / "tmp"
    for path, data in writes:  # gather first, then write
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data, staging)
    if "html" in options.formats:  # old web fonts go only once the new page is in place
        keep = {path for path, _ in writes}
        for stale in (out_dir / "fonts").glob("*"):
            if stale not in keep:
                stale.unlink()
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _typeset_fitting_tables(typeset: Callable[[str], PdfResult]) -> PdfResult:
    """Typeset a PDF (typeset(extra_css)); a table wider than the page is set smaller and typeset again.

    First its type shrinks to fit with words whole, down to 7.5 pt; then its words may
    also break anywhere. Tables still too wide stay in the result's wide_tables.
    """
    from .pdf import fit_tables_css

    pdf = typeset("")
    measured: dict[int, WideTable] = {}  # line -> the table as first laid out
    anywhere: set[int] = set()
    for _attempt in range(2):
        if not pdf.wide_tables:
            break
        for table in pdf.wide_tables:
            if table.line in measured:
                anywhere.add(table.line)  # smaller type alone was not enough
            else:
                measured[table.line] = table
        pdf = typeset("\n" + fit_tables_css(list(measured.values()), anywhere))
    return pdf


def _assets(guide: Guide, lang: str) -> list[str]:
    """Relative paths of the images a guide's page uses in one language."""
    from .render import localized_asset

    found: list[str] = []

    def walk(blocks):
        for block in blocks:
            if block.kind == "image":
                src = localized_asset(guide.abs_dir, block.attrs["src"], lang)
                if "://" not in src and (guide.abs_dir / src).is_file():
                    found.append(src)
            walk(block.children)

    walk(guide.blocks)
    return sorted(set(found))


def _clean_temp_files(out_dir: Path) -> None:
    """Remove temp files a killed build may have left in the staging folder."""
    staging = out_dir / STATE_DIR / "tmp"
    if staging.is_dir():
        shutil.rmtree(staging)


def build(project: Project, slugs: list[str], options: BuildOptions,
          progress: Callable[[str, LanguageResult | None], None] | None = None) -> BuildReport:
    """Build the guides; returns the report (the caller decides the exit code)."""
    report = BuildReport()
    warning = harfbuzz_subset_warning()
    if warning:
        report.warnings.append(warning)
    out_dir = options.out_dir
    _clean_temp_files(out_dir)
    load_manifest(project)  # fail early when fonts are missing
    langs = options.langs or project.all_languages()
    state = load_state(out_dir)
    jobs: list[tuple[str, str, list[str], str]] = []
    planned: dict[tuple[str, str], LanguageResult] = {}
    new_decisions = dict(state.get("decisions", {}))
    for slug in slugs:
        try:
            guide = read_guide(project.root, slug)
            report.titles[slug] = guide.meta.get("title", slug)
        except GuideError as exc:
            report.titles[slug] = slug
            for lang in langs:
                planned[(slug, lang)] = LanguageResult(slug, lang, facts_for(lang).direction, "failed", str(exc))
            continue
        published: list[str] = []
        decisions: dict[str, LanguageResult | None] = {}
        for lang in project.all_languages():
            dkey = decision_key(project, slug, lang, options)
            remembered = state.get("decisions", {}).get(f"{slug}/{lang}")
            if remembered and remembered["key"] == dkey and not options.force:
                decided = LanguageResult(**remembered["result"]) if remembered["result"] else None
            else:
                decided = _decide(project, guide, lang, options)
            new_decisions[f"{slug}/{lang}"] = {"key": dkey, "result": asdict(decided) if decided else None}
            decisions[lang] = decided
            if decided is None:
                published.append(lang)
        for lang in langs:
            decided = decisions.get(lang)
            if decided is not None:
                planned[(slug, lang)] = decided
                continue
            key = input_key(project, slug, lang, published, options)
            previous = state.get(f"{slug}/{lang}")
            if (not options.force and previous and previous.get("key") == key
                    and _outputs_exist(out_dir, previous["record"])):
                record = dict(previous["record"])
                planned[(slug, lang)] = LanguageResult(slug=slug, **{**record, "rebuilt": False, "seconds": 0.0})
            else:
                jobs.append((slug, lang, published, key))
    if progress:
        progress("start", None)
        for result in planned.values():
            progress("done", result)
    results = dict(planned)
    new_state = {k: v for k, v in state.items()}
    for slug, lang, result in _run_jobs(project, jobs, options, progress):
        results[(slug, lang)] = result
    for slug, lang, _published, key in jobs:
        result = results[(slug, lang)]
        if result.status == "published":
            new_state[f"{slug}/{lang}"] = {"key": key, "record": _record(result)}
        else:
            new_state.pop(f"{slug}/{lang}", None)
    report.results = [results[(slug, lang)] for slug in slugs for lang in langs if (slug, lang) in results]
    report.warnings += [warning for result in report.results for warning in result.warnings]
    new_state["last_build"] = last_build_record(project, slugs, options, report)
    new_state["decisions"] = new_decisions
    new_state["titles"] = {**state.get("titles", {}), **report.titles}
    site = _whole_site(project, report, new_state)
    _write_site(project, out_dir, site, langs)
    report.manifest_path = site.manifest_path
    state_bytes = (json.dumps(new_state, indent=1, sort_keys=True) + "\n").encode()
    state_path = out_dir / STATE_DIR / "state.json"
    if not state_path.is_file() or state_path.read_bytes() != state_bytes:
        atomic_write(state_path, state_bytes)
    return report


def decision_key(project: Project, slug: str, lang: str, options: BuildOptions) -> str:
    """Checksum of what decides whether a language is published: its catalog, the guide, the checks."""
    digest = hashlib.sha256(package_digest().encode())
    _hash_tree(digest, project.guides_dir / slug)
    for path in (project.po_path(lang, slug), project.po_path(lang, CHROME_DOMAIN), project.fonts_dir / "manifest.json",
                 project.config_path):
        digest.update(path.read_bytes() if path.is_file() else b"-")
    digest.update(json.dumps([lang, options.include_fuzzy]).encode())
    return digest.hexdigest()


def _decide(project: Project, guide: Guide, lang: str, options: BuildOptions) -> LanguageResult | None:
    """None when the language is published; else why it is skipped or failed (check errors, coverage)."""
    slug = guide.slug
    try:
        facts_for(lang, project)  # a language no bundled font covers fails here, with what to do
    except GuideError as exc:
        return LanguageResult(slug, lang, facts_for(lang).direction, "failed", str(exc))
    findings = check_language(project, slug, lang, options.include_fuzzy)
    findings += check_chrome(project, lang, options.include_fuzzy)  # the page's interface text
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more; run 'guidebuilder check')" if len(errors) > 1 else ""
        return LanguageResult(slug, lang, facts_for(lang).direction, "failed", f"{errors[0]}{more}")
    try:
        translation = load_translation(project, slug, lang, options.include_fuzzy)
    except GuideError as exc:
        return LanguageResult(slug, lang, facts_for(lang).direction, "failed", str(exc))
    ratio = translation.coverage_of(guide.messages())
    threshold = project.min_coverage_for(slug)
    if lang != project.source_language and ratio < threshold:
        return LanguageResult(slug, lang, facts_for(lang).direction, "skipped",
                              f"translated {ratio:.0%} of the guide's words, below min_coverage {threshold:.0%}",
                              coverage=round(ratio, 4))
    return None


def _whole_site(project: Project, report: BuildReport, state: dict) -> BuildReport:
    """This build's results plus what earlier builds left for the guides and languages it did not touch.

    A build of one guide or one language must not drop the others from the manifest and portal.
    """
    built = {(r.slug, r.lang): r for r in report.results}
    results = []
    titles = {}
    for slug in guide_slugs(project.root):
        for lang in project.all_languages():
            result = built.get((slug, lang))
            if result is None:
                record = state.get(f"{slug}/{lang}", {}).get("record")
                decided = state.get("decisions", {}).get(f"{slug}/{lang}", {}).get("result")
                if record:
                    result = LanguageResult(slug=slug, **record)
                elif decided:
                    result = LanguageResult(**decided)
            if result is not None:
                results.append(result)
                titles[slug] = report.titles.get(slug) or state.get("titles", {}).get(slug, slug)
    return BuildReport(results=results, titles=titles, warnings=report.warnings, manifest_path=report.manifest_path)


def _record(result: LanguageResult) -> dict:
    record = asdict(result)
    for key in ("slug", "rebuilt", "seconds"):
        record.pop(key)
    return record


def _outputs_exist(out_dir: Path, record: dict) -> bool:
    return all((out_dir / record[k]).is_file() for k in ("html", "pdf") if record.get(k))


def _run_jobs(project: Project, jobs, options: BuildOptions, progress):
    """Run build_one for each job, in worker processes when there are several."""
    workers = options.jobs or os.cpu_count() or 1
    workers = max(1, min(workers, len(jobs)))

    def failed(slug, lang, exc):
        return LanguageResult(slug, lang, facts_for(lang).direction, "failed", str(exc) or type(exc).__name__)

    if workers == 1:
        isolate_fontconfig(options.out_dir / STATE_DIR)
        for slug, lang, published, _key in jobs:
            try:
                result = build_one(project, slug, lang, published, options)
            except Exception as exc:  # one language failing never stops the others
                result = failed(slug, lang, exc)
            if progress:
                progress("done", result)
            yield slug, lang, result
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=isolate_fontconfig,
                             initargs=(options.out_dir / STATE_DIR,)) as pool:
        futures = {pool.submit(build_one, project, slug, lang, published, options): (slug, lang)
                   for slug, lang, published, _key in jobs}
        for future in as_completed(futures):
            slug, lang = futures[future]
            try:
                result = future.result()
            except Exception as exc:
                result = failed(slug, lang, exc)
            if progress:
                progress("done", result)
            yield slug, lang, result


def _write_site(project: Project, out_dir: Path, report: BuildReport, langs: list[str]) -> None:
    """build/manifest.json and the portal build/index.html (written only when changed)."""
    guides = []
    for slug, title in report.titles.items():
        entries = [r.manifest_entry() for r in report.results if r.slug == slug]
        guides.append({"slug": slug, "title": title, "languages": entries})
    manifest = {"generator": f"guidebuilder {__version__}", "guides": guides}
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    path = out_dir / "manifest.json"
    report.manifest_path = str(path)
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data, out_dir / STATE_DIR / "tmp")
    _write_portal(project, out_dir, report)


def _write_portal(project: Project, out_dir: Path, report: BuildReport) -> None:
    source = facts_for(project.source_language, project)
    chromes = {code: chrome_or_default(project, code) for code in project.all_languages()}
    cards = []
    for slug, title in report.titles.items():
        rows = []
        for r in report.results:
            if r.slug != slug or r.status != "published":
                continue
            facts = facts_for(r.lang, project)
            rows.append({"lang": facts.bcp47, "dir": facts.direction, "name": facts.native_name,
                         "match": facts.match_tags,
                         "html": r.html, "pdf": r.pdf,
                         "pdf_label": size_label(chromes[r.lang], r.pdf_bytes, facts) if r.pdf_bytes else None})
        cards.append({"slug": slug, "title": title, "languages": rows})
    template = jinja_env().get_template("portal.html.j2")
    _ = chromes[project.source_language].text
    draft = template.render(cards=cards, lang=source.bcp47, _=_, css="")
    shown = [project.source_language, *(r.lang for r in report.results if r.status == "published")]
    families = tuple(dict.fromkeys(f for code in dict.fromkeys(shown) for f in facts_for(code, project).fonts))
    faces = _subset_faces(project, families, page_chars(draft), "woff2", cache_root() / "fonts", first_match=True)
    css = face_css([(f, f"fonts/{p.name}", "woff2") for f, p in faces])
    css += "\n" + jinja_env().get_template("portal.css.j2").render(stack=font_stack(families))
    html = template.render(cards=cards, lang=source.bcp47, _=_, css=css)
    writes = [(out_dir / "index.html", html.encode("utf-8"))]
    writes += [(out_dir / "fonts" / p.name, p.read_bytes()) for _f, p in faces]
    for path, data in writes:
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data, out_dir / STATE_DIR / "tmp")
