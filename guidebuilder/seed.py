"""Seed a new Chinese language's catalogs from the other script's translations with OpenCC.

zh_Hant and zh_Hans readers share the sentences of a guide but not its characters
or all of its vocabulary (網路 / 网络, 軟體 / 软件). OpenCC converts both. Every
seeded entry is fuzzy, with a translator comment saying where it came from, so
nothing converted is published before a reviewer has read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polib
from babel import Locale
from babel.core import get_global

from .catalogs import read_catalog, write_catalog
from .check import EMAIL, PHONE, URL
from .config import CHROME_DOMAIN, Project
from .errors import CatalogError, ConfigError
from .locales import derived_facts
from .update import CatalogErrors, UpdateResult

# OpenCC configurations by (from script, to script): the first when the Traditional side is
# Taiwan usage (phrases too: 網路 -> 网络, 印表機 -> 打印机), the second for other regions,
# whose vocabulary differs from Taiwan's, so only the characters are converted.
CONFIGS = {("Hant", "Hans"): ("tw2sp", "t2s"), ("Hans", "Hant"): ("s2twp", "s2t")}

# Left exactly as written: code spans, URLs, emails and phone numbers (an IRI's path or a code
# sample may hold Han characters). Markup and digits are ASCII, which OpenCC never changes.
_KEEP = re.compile(f"(`[^`]*`|{URL.pattern}|{EMAIL.pattern}|{PHONE.pattern})")


@dataclass
class SeedPlan:
    """What `init --from` will write: converted entries by catalog, read before anything is written."""

    source: str
    target: str
    config: str
    # domain (guide slug or CHROME_DOMAIN) -> (msgctxt, msgid) -> converted entry
    conversions: dict[str, dict[tuple[str | None, str], polib.POEntry]] = field(default_factory=dict)

    @property
    def note(self) -> str:
        """The translator comment of every seeded entry."""
        return (f"Converted automatically from {self.source} with OpenCC ({self.config}); "
                "review the vocabulary before publishing, then remove this note and the fuzzy flag.")


def conversion_for(source: str, target: str) -> str:
    """The OpenCC configuration converting source-language text to target-language text."""
    pair = (_script(source), _script(target))
    if pair not in CONFIGS:
        raise ConfigError(f"no automatic conversion from {source} to {target}; "
                          "OpenCC converts only between zh_Hant and zh_Hans", f"--from {source}")
    traditional = source if pair[0] == "Hant" else target
    taiwan, other = CONFIGS[pair]
    return taiwan if _region(traditional) == "TW" else other


def _script(code: str) -> str | None:
    if Locale.parse(code).language != "zh":
        return None
    return derived_facts(code).script


def _region(code: str) -> str | None:
    """The locale's territory, or CLDR's likely one (zh_Hant -> TW)."""
    locale = Locale.parse(code)
    if locale.territory:
        return locale.territory
    likely = get_global("likely_subtags").get(f"{locale.language}_{locale.script}", "")
    return likely.split("_")[-1] if likely.count("_") == 2 else None


@cache
def _converter(config: str) -> Any:  # an opencc.OpenCC; opencc ships no type information
    import opencc  # only init --from needs it

    return opencc.OpenCC(config)


def convert_text(text: str, config: str) -> str:
    """Text converted by OpenCC, code spans, URLs, emails and phone numbers left as written."""
    converter = _converter(config)
    parts = _KEEP.split(text)
    return "".join(part if index % 2 else converter.convert(part) for index, part in enumerate(parts))


def prepare_seed(project: Project, source: str, target: str, slugs: list[str]) -> SeedPlan:
    """Read and convert every translated entry of source's catalogs; raise before anything is written."""
    plan = SeedPlan(source, target, conversion_for(source, target))
    if source not in project.languages:
        raise ConfigError(f"{source} is not a language of this project; add and translate it first "
                          f"('guidebuilder init {source}')", f"--from {source}")
    errors: list[CatalogError] = []
    found = 0
    for domain in dict.fromkeys([*slugs, CHROME_DOMAIN]):
        path = project.po_path(source, domain)
        if not path.is_file():
            continue  # an untranslated guide, or a project without its own interface strings
        found += 1
        try:
            catalog = read_catalog(path, project.rel(path), expect_lang=source)
        except CatalogError as exc:
            errors.append(exc)
            continue
        plan.conversions[domain] = {(e.msgctxt, e.msgid): _converted(e, plan.config)
                                    for e in catalog if e.translated()}
    if errors:
        raise CatalogErrors(errors)
    if not found:
        folder = project.rel(project.locales_dir / source / "LC_MESSAGES")
        raise ConfigError(f"no catalogs in {folder} to convert; translate {source} first", f"--from {source}")
    return plan


def _converted(entry: polib.POEntry, config: str) -> polib.POEntry:
    return polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt, msgstr=convert_text(entry.msgstr, config),
                         msgstr_plural={n: convert_text(text, config) for n, text in entry.msgstr_plural.items()})


def apply_seed(project: Project, plan: SeedPlan, results: list[UpdateResult]) -> list[UpdateResult]:
    """Fill the target's untranslated entries with the converted ones, fuzzy; results say how many."""
    by_path = {r.po_path: r for r in results}
    for result in results:
        result.seeded = 0  # a guide not translated into the source language yet
    out = list(results)
    for domain, conversions in plan.conversions.items():
        path = project.po_path(plan.target, domain)  # update() has just written every catalog of the target
        rel = project.rel(path)
        catalog = read_catalog(path, rel, expect_lang=plan.target)
        seeded = _fill(catalog, conversions, plan.note)
        written = write_catalog(catalog, path)
        seeded_result = by_path.get(rel)
        if seeded_result is None:
            seeded_result = UpdateResult(plan.target, domain, rel, "unchanged")
            out.append(seeded_result)
        if written and seeded_result.status == "unchanged":
            seeded_result.status = "updated"
        seeded_result.seeded = seeded
    return out


def _fill(catalog: polib.POFile, conversions: dict[tuple[str | None, str], polib.POEntry], note: str) -> int:
    """Copy converted translations into untranslated entries, fuzzy with the note; the count."""
    count = 0
    for entry in catalog:
        converted = conversions.get((entry.msgctxt, entry.msgid))
        if entry.obsolete or converted is None or entry.msgstr or any(entry.msgstr_plural.values()):
            continue
        entry.msgstr = converted.msgstr
        if entry.msgid_plural:
            entry.msgstr_plural = dict(converted.msgstr_plural)
        if "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        # A translator comment ("# "), not an extracted one ("#."): update rewrites "#." from the
        # template each time, but keeps translator comments until the reviewer removes them.
        entry.tcomment = f"{note}\n{entry.tcomment}" if entry.tcomment else note
        count += 1
    return count
