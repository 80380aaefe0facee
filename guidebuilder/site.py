"""The site: build/site/manifest.json and the portal build/site/index.html, over every guide and language built so far.

The manifest lists every file of the site, so the site folder holds exactly what
it lists: a file an earlier manifest listed and this one does not is removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from . import __version__
from .catalogs import atomic_write
from .chrome import chrome_or_default
from .config import Project, guide_slugs
from .fonts import cache_root, face_css, font_stack
from .locales import facts_for
from .model import BuildReport, JsonObject, LanguageResult
from .outputs import offered
from .pagestyle import web_chars, web_faces
from .planner import remembered_result
from .render import jinja_env, size_label, size_text
from .state import BuildOptions

MANIFEST = "manifest.json"
Writes = list[tuple[Path, bytes]]


def whole_site(project: Project, report: BuildReport, state: JsonObject,
               pairs: frozenset[tuple[str, str]] | None = None, earlier: BuildReport | None = None) -> BuildReport:
    """This build's results plus what earlier builds left for the guides and languages it did not touch.

    A build of one guide or one language must not drop the others from the manifest and portal;
    a shard's (pairs given) lists its own pairs only, for the merge to put together. What the
    state file does not remember comes from earlier, the site's previous manifest (a site merged
    by `site --from`, or restored without its build state).
    """
    built = {(r.slug, r.lang): r for r in report.results}
    listed = {(r.slug, r.lang): r for r in earlier.results} if earlier else {}
    results = []
    titles = {}
    for slug in guide_slugs(project.root):
        for lang in project.all_languages():
            if pairs is not None and (slug, lang) not in pairs:
                continue
            result = built.get((slug, lang))
            if result is None:
                result = remembered_result(state, slug, lang) or listed.get((slug, lang))
            if result is not None:
                results.append(result)
                titles[slug] = (report.titles.get(slug) or state.get("titles", {}).get(slug)
                                or (earlier.titles.get(slug) if earlier else None) or slug)
    return BuildReport(results=results, titles=titles, warnings=report.warnings, manifest_path=report.manifest_path)


def read_site_manifest(out_dir: Path) -> JsonObject:
    """The site's manifest.json as written, or {} when there is none or it cannot be read."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def manifest_report(out_dir: Path, manifest: JsonObject) -> BuildReport:
    """What the site's manifest lists whose files are all still there (nothing when it cannot be read)."""
    try:
        report = BuildReport()
        for guide in manifest["guides"]:
            report.titles[guide["slug"]] = guide["title"]
            for entry in guide["languages"]:
                result = LanguageResult.from_dict({"slug": guide["slug"], **entry})
                if all((out_dir / path).is_file() for output in result.outputs for path in output.paths()):
                    report.results.append(result)
        return report
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return BuildReport()


def site_files(project: Project, out_dir: Path, report: BuildReport,
               call: Callable[..., Any]) -> tuple[Writes, set[str]]:
    """The portal's files and then the manifest, and every path the manifest lists (relative to out_dir).

    call(fn, *args) runs fn where WeasyPrint may load (executor.where_weasyprint_runs).
    """
    portal = _portal_files(project, out_dir, report, call)
    guides = []
    for slug, title in report.titles.items():
        entries = [r.manifest_entry() for r in report.results if r.slug == slug]
        guides.append({"slug": slug, "title": title, "languages": entries})
    manifest = {"generator": f"guidebuilder {__version__}", "guides": guides,
                "files": [path.relative_to(out_dir).as_posix() for path, _data in portal]}
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return [*portal, (out_dir / MANIFEST, data)], listed_paths(manifest)


def write_site(options: BuildOptions, writes: Writes) -> None:
    """Write the site's files, each only when changed, the manifest last."""
    for path, data in writes:
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data, options.state_dir / "tmp")


def listed_paths(manifest: JsonObject) -> set[str]:
    """Every path a manifest lists: its outputs, their files, the portal's (none of a manifest that cannot be read)."""
    try:
        return _listed(manifest)
    except (TypeError, KeyError, AttributeError):
        return set()


def _listed(manifest: JsonObject) -> set[str]:
    paths = {MANIFEST, *manifest.get("files", [])}
    for guide in manifest.get("guides", []):
        for entry in guide.get("languages", []):
            for output in entry.get("outputs", []):
                paths.add(output["path"])
                paths.update(output.get("files") or [])
    return {path for path in paths if isinstance(path, str)}


def remove_listed(out_dir: Path, paths: list[str]) -> None:
    """Remove files an earlier manifest listed, then the folders that leaves empty; nothing outside out_dir."""
    folders: set[Path] = set()
    for rel in paths:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or "\\" in rel or not pure.parts:
            continue  # not a path guidebuilder writes
        path = out_dir.joinpath(*pure.parts)
        parent = path.parent.resolve()
        if parent != out_dir.resolve() and out_dir.resolve() not in parent.parents:
            continue  # a folder linked to somewhere else: not the site's to change
        if path.is_file() or path.is_symlink():
            path.unlink()
            folders.update(parent for parent in path.parents if out_dir in parent.parents)
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):  # deepest first
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _portal_files(project: Project, out_dir: Path, report: BuildReport, call: Callable[..., Any]) -> Writes:
    source = facts_for(project.source_language, project)
    chromes = {code: chrome_or_default(project, code) for code in project.all_languages()}
    kinds = {kind.name: kind for kind in offered() if kind.name != "pdf"}  # the PDF has a link of its own
    order = {name: index for index, name in enumerate(kinds)}  # registration order, as on the web page
    cards = []
    for slug, title in report.titles.items():
        rows = []
        for r in report.results:
            if r.slug != slug or not r.live:
                continue
            facts = facts_for(r.lang, project)
            rows.append({"lang": facts.bcp47, "dir": facts.direction, "name": facts.native_name,
                         "match": facts.match_tags,
                         "html": r.html, "pdf": r.pdf,
                         "pdf_label": size_label(chromes[r.lang], r.pdf_bytes, facts) if r.pdf_bytes else None,
                         "chrome": chromes[r.lang].text,
                         "extras": [{"kind": o.kind, "href": o.path, "type": kinds[o.kind].media_type,
                                     "size": size_text(facts, o.bytes), "label": kinds[o.kind].label}
                                    for o in sorted(r.outputs, key=lambda o: order.get(o.kind, len(order)))
                                    if o.kind in kinds]})
        cards.append({"slug": slug, "title": title, "languages": rows})
    template = jinja_env().get_template("portal.html.j2")
    _ = chromes[project.source_language].text
    shown = [project.source_language, *(r.lang for r in report.results if r.live)]
    families = tuple(dict.fromkeys(f for code in dict.fromkeys(shown) for f in facts_for(code, project).fonts))
    page_css = jinja_env().get_template("portal.css.j2").render(stack=font_stack(families), accent=project.brand_accent)
    drawn = call(web_chars, template.render(cards=cards, lang=source.bcp47, _=_, css=page_css), source)
    faces = web_faces(project, families, drawn, cache_root() / "fonts", first_match=True)
    css = face_css([(f, f"fonts/{p.name}", "woff2") for f, p in faces]) + "\n" + page_css
    html = template.render(cards=cards, lang=source.bcp47, _=_, css=css)
    writes = [(out_dir / "index.html", html.encode("utf-8"))]
    writes += [(out_dir / "fonts" / p.name, p.read_bytes()) for _f, p in faces]
    return writes
