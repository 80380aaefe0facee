"""The site: build/manifest.json and the portal build/index.html, over every guide and language built so far."""

from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .catalogs import atomic_write
from .chrome import chrome_or_default
from .config import Project, guide_slugs
from .fonts import cache_root, face_css, font_stack, page_chars
from .locales import facts_for
from .model import BuildReport, JsonObject, Status
from .outputs import offered
from .pagestyle import subset_faces
from .planner import remembered_result
from .render import jinja_env, size_label, size_text
from .state import STATE_DIR


def whole_site(project: Project, report: BuildReport, state: JsonObject) -> BuildReport:
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
                result = remembered_result(state, slug, lang)
            if result is not None:
                results.append(result)
                titles[slug] = report.titles.get(slug) or state.get("titles", {}).get(slug, slug)
    return BuildReport(results=results, titles=titles, warnings=report.warnings, manifest_path=report.manifest_path)


def write_site(project: Project, out_dir: Path, report: BuildReport, langs: list[str]) -> None:
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
    kinds = {kind.name: kind for kind in offered() if kind.name != "pdf"}  # the PDF has a link of its own
    order = {name: index for index, name in enumerate(kinds)}  # registration order, as on the web page
    cards = []
    for slug, title in report.titles.items():
        rows = []
        for r in report.results:
            if r.slug != slug or r.status is not Status.PUBLISHED:
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
    draft = template.render(cards=cards, lang=source.bcp47, _=_, css="")
    shown = [project.source_language, *(r.lang for r in report.results if r.status is Status.PUBLISHED)]
    families = tuple(dict.fromkeys(f for code in dict.fromkeys(shown) for f in facts_for(code, project).fonts))
    faces = subset_faces(project, families, page_chars(draft), "woff2", cache_root() / "fonts", first_match=True)
    css = face_css([(f, f"fonts/{p.name}", "woff2") for f, p in faces])
    css += "\n" + jinja_env().get_template("portal.css.j2").render(stack=font_stack(families),
                                                                  accent=project.brand_accent)
    html = template.render(cards=cards, lang=source.bcp47, _=_, css=css)
    writes = [(out_dir / "index.html", html.encode("utf-8"))]
    writes += [(out_dir / "fonts" / p.name, p.read_bytes()) for _f, p in faces]
    for path, data in writes:
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data, out_dir / STATE_DIR / "tmp")
