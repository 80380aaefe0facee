"""Update stage: merge each template into every language's catalog; init a language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import polib

from .anchors import annotate
from .catalogs import atomic_write, format_catalog, merge, plural_forms, read_catalog
from .config import Project
from .errors import CatalogError, ConfigError
from .glossary import comment_lines, glossary_path, load_glossary
from .locales import facts_for
from .plurals import equivalent


@dataclass
class UpdateResult:
    """What update did (or would do) for one catalog."""

    lang: str
    slug: str
    po_path: str
    status: str  # "created", "updated", "relaid" (same content, wrapped anew), "unchanged"
    seeded: int | None = None  # entries converted from another language (init --from)


def new_catalog(project: Project, lang: str, pot: polib.POFile) -> polib.POFile:
    """An empty catalog for a language, headers filled in."""
    po = polib.POFile(wrapwidth=79)
    name = facts_for(lang).babel.english_name
    po.header = f"{name} translation of {pot.metadata.get('Project-Id-Version', '')}."
    po.metadata = {
        "Project-Id-Version": pot.metadata.get("Project-Id-Version", ""),
        "Report-Msgid-Bugs-To": pot.metadata.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": pot.metadata.get("POT-Creation-Date", ""),
        "PO-Revision-Date": pot.metadata.get("POT-Creation-Date", ""),
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": f"{name}",
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(lang),
    }
    return po


def _merged(project: Project, lang: str, slug: str, pot: polib.POFile,
            seed: polib.POFile | None = None) -> tuple[polib.POFile, bool]:
    path = project.po_path(lang, slug)
    if path.is_file():
        po = read_catalog(path, project.rel(path), expect_lang=lang)
        created = False
    else:
        po = new_catalog(project, lang, pot)
        created = True
        if seed is not None:  # a new catalog starts from translations guidebuilder already has
            po.header = seed.header
            for key in ("PO-Revision-Date", "Last-Translator", "Language-Team"):
                if key in seed.metadata:
                    po.metadata[key] = seed.metadata[key]
            po.extend(seed)
    merged = merge(po, pot)
    merged.metadata["Language"] = lang
    merged.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    if not equivalent(merged.metadata.get("Plural-Forms", ""), plural_forms(lang)):  # keep an equivalent spelling
        merged.metadata["Plural-Forms"] = plural_forms(lang)
    return merged, created


def _meaning(data: bytes) -> tuple[object, ...]:
    """What a catalog says, apart from its layout: header, then every entry's fields in order."""
    catalog = polib.pofile(data.decode("utf-8"), wrapwidth=79)
    entries = tuple((e.obsolete, e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
                     tuple(e.flags), e.comment, e.tcomment, tuple(e.occurrences), e.previous_msgctxt,
                     e.previous_msgid, e.previous_msgid_plural) for e in catalog)
    return catalog.header, tuple(sorted(catalog.metadata.items())), catalog.metadata_is_fuzzy, entries


def update(project: Project, slugs: list[str], langs: list[str], check: bool = False) -> list[UpdateResult]:
    """Merge locales/<slug>.pot into each locales/<lang>/LC_MESSAGES/<slug>.po, and the page chrome's template.

    A new chrome catalog starts from guidebuilder's own translation of the
    language (guidebuilder/ui/<lang>.po) when there is one. New and changed
    messages of a guide are then filled from translation memory (memory.py): the
    language's other guide catalogs and the [memory] TMX files. Everything is
    read and merged before anything is written; with check=True nothing is
    written and the results say which catalogs are stale: different in content,
    not merely wrapped differently.
    """
    from .chrome import DOMAIN, chrome_template, package_seed, refuse_guide_named_like_domain
    from .memory import build_memories, fill

    refuse_guide_named_like_domain(slugs)
    glossaries = {lang: load_glossary(project.root, project.rel(glossary_path(project.root, lang)), lang)
                  for lang in langs}  # a bad glossary stops the update before anything is written
    errors: list[CatalogError] = []
    merged: dict[tuple[str, str], tuple[polib.POFile, bool]] = {}
    templates = []
    for slug in slugs:
        pot_path = project.pot_path(slug)
        if not pot_path.is_file():
            raise CatalogError("template missing; run 'guidebuilder extract' first", project.rel(pot_path))
        templates.append((slug, read_catalog(pot_path, project.rel(pot_path))))
    templates.append((DOMAIN, chrome_template(project)))
    for slug, pot in templates:
        for lang in langs:
            seed = package_seed(lang, pot) if slug == DOMAIN else None
            try:
                merged[(slug, lang)] = _merged(project, lang, slug, pot, seed)
            except CatalogError as exc:
                errors.append(exc)
    memories = build_memories(project, _memory_sources(project, slugs, langs, merged), langs)
    planned: list[tuple[str, str, bytes, bool]] = []
    for (slug, lang), (catalog, created) in merged.items():
        if slug != DOMAIN:  # the chrome starts from guidebuilder's own translation instead
            fill(catalog, memories[lang], slug)
            glossary = glossaries[lang]
            annotate(catalog, project.preview_url, slug, lang,
                     None if glossary is None else partial(comment_lines, glossary))
        try:
            planned.append((lang, slug, format_catalog(catalog), created))
        except CatalogError as exc:
            errors.append(exc)
    results = []
    for lang, slug, data, created in planned:
        path = project.po_path(lang, slug)
        old = None if created else path.read_bytes()
        if created:
            status = "created"
        elif old == data:
            status = "unchanged"
        else:
            status = "updated" if _meaning(old or b"") != _meaning(data) else "relaid"
        if status != "unchanged" and not check:
            atomic_write(path, data)
        results.append(UpdateResult(lang, slug, project.rel(path), status))
    if errors:
        raise CatalogErrors(errors)
    return results


def _memory_sources(project: Project, slugs: list[str], langs: list[str],
                    merged: dict[tuple[str, str], tuple[polib.POFile, bool]]) -> dict[tuple[str, str], polib.POFile]:
    """Every guide catalog of the languages: merged ones, and on disk those of guides not being updated."""
    from .config import guide_slugs

    sources = {key: catalog for key, (catalog, _created) in merged.items()}
    for slug in guide_slugs(project.root):
        for lang in langs:
            path = project.po_path(lang, slug)
            if (slug, lang) not in sources and slug not in slugs and path.is_file():
                try:
                    sources[(slug, lang)] = read_catalog(path, project.rel(path), expect_lang=lang)
                except CatalogError:
                    continue  # its own update reports it; a broken neighbour must not block this guide
    return sources


class CatalogErrors(CatalogError):
    """Several catalogs failed; each keeps its own path:line."""

    def __init__(self, errors: list[CatalogError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def init_language(project: Project, lang: str, slugs: list[str], seed_from: str | None = None) -> list[UpdateResult]:
    """Add a language to guidebuilder.toml and create its catalogs (seeded from seed_from if given)."""
    from .locales import derived_facts
    from .seed import apply_seed, prepare_seed

    derived_facts(lang)  # a CLDR locale
    if lang == project.source_language:
        raise ConfigError(f"'{lang}' is the source language")
    facts_for(lang, project)  # a bundled font covers its script (else: what to add)
    update(project, slugs, [lang], check=True)  # templates readable: fail before writing anything
    plan = prepare_seed(project, seed_from, lang, slugs) if seed_from else None  # fails before any write
    if lang not in project.languages:
        _add_language_to_config(project, lang)
        project.languages.append(lang)
    results = update(project, slugs, [lang])
    return apply_seed(project, plan, results) if plan else results


def _add_language_to_config(project: Project, lang: str) -> None:
    """Append lang to the languages list in guidebuilder.toml, keeping the file's comments."""
    import re

    path = project.config_path
    text = path.read_text(encoding="utf-8") if path.is_file() else "[project]\n"
    pattern = re.compile(r"^(languages\s*=\s*\[)([^\]]*)(\])", re.M)
    match = pattern.search(text)
    if match:
        inner = match.group(2).rstrip().rstrip(",").rstrip()
        sep = ", " if inner.strip() else ""
        text = text[: match.start(2)] + inner + f'{sep}"{lang}"' + text[match.end(2):]
    else:
        langs = ", ".join(f'"{code}"' for code in [*project.languages, lang])
        text = text.replace("[project]\n", f"[project]\nlanguages = [{langs}]\n", 1)
    atomic_write(path, text.encode("utf-8"))
