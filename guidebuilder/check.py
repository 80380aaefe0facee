"""Check stage: translation QA findings that point at the exact line of a .po file.

Errors stop a language from being published; warnings are reported (and fail
`check --strict`). Every finding prints as ``path:line: severity: check: message``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import icu
import polib

from .catalogs import msgstr_line, plural_forms, read_catalog
from .config import Project
from .errors import CatalogError
from .fonts import FontFile, cmap, facts_families, fonts_for, load_manifest
from .inline import MarkupError, parse, plain_text, signature
from .glyphs import generated_text, missing_glyphs
from .locales import SCRIPT_LETTERS, LocaleFacts, facts_for

URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]{}\"'，。、）「」《》«»]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)\(?\d{3}\)?[ .-]\d{3}-\d{4}(?!\d)")
RAW_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>?")
LENGTH_RATIO = 3.0



@dataclass(frozen=True)
class Finding:
    """One problem in a catalog, at a line."""

    path: str
    line: int
    severity: str  # "error" or "warning"
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.check}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def _trim(url: str) -> str:
    return url.rstrip(".,;:!?")


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch
                   for ch in text)


def _numbers(text: str) -> set[str]:
    """Numbers in text (any script's digits), as ASCII strings; repeating one is fine."""
    return set(re.findall(r"\d+(?:[.,]\d+)*", _ascii_digits(text)))


def _strip_contacts(text: str) -> str:
    for pattern in (URL, EMAIL, PHONE):
        text = pattern.sub(" ", text)
    return text


def _scripts(text: str) -> set[str]:
    found = set()
    for ch in text:
        if unicodedata.category(ch).startswith("L"):
            found.add(icu.Script.getScript(ord(ch)).getShortName())
    return found


class CatalogChecker:
    """Runs every check on one catalog."""

    def __init__(self, project: Project, lang: str, url_map: dict[str, str] | None = None):
        self.project = project
        self.lang = lang
        self.facts: LocaleFacts = facts_for(lang, project)
        self.url_map = url_map or {}
        manifest = load_manifest(project)
        families = facts_families(self.facts, facts_for(project.source_language, project))
        self.coverage, self.covered_scripts = stack_coverage(project, manifest, families)
        self.drawn: list[tuple[str, int]] = []  # (text, msgstr line) of every published translation

    def check_file(self, path: Path, include_fuzzy: bool = False) -> list[Finding]:
        """Findings for one .po file (the file is read, never written)."""
        rel = self.project.rel(path)
        try:
            catalog = read_catalog(path, rel, expect_lang=self.lang)
        except CatalogError as exc:
            return [Finding(rel, exc.line or 1, "error", exc.check, exc.message)]
        lines = path.read_text(encoding="utf-8").splitlines()
        findings = self.check_header(catalog, rel, lines)
        fuzzy = untranslated = 0
        for entry in catalog:
            if entry.obsolete:
                continue
            if not entry.msgstr:
                untranslated += 1
                continue
            if "fuzzy" in entry.flags:
                fuzzy += 1
                if not include_fuzzy:  # not published, so not checked
                    continue
            line = msgstr_line(lines, entry)
            findings.extend(self.check_entry(entry, rel, line))
        header_line = _line_containing(lines, '"Language:') or 1
        for missing in missing_glyphs(self.drawn, self.coverage, self.covered_scripts):
            findings.append(Finding(rel, missing.first_line, "error", "missing-glyph", missing.describe(self.lang)))
        findings.sort(key=lambda f: f.line)
        if fuzzy:
            findings.append(Finding(rel, header_line, "warning", "fuzzy",
                                    f"{fuzzy} fuzzy message(s) are not published until a translator reviews them"))
        if untranslated:
            findings.append(Finding(rel, header_line, "warning", "untranslated",
                                    f"{untranslated} message(s) are untranslated and print in the source language"))
        return findings

    def check_header(self, catalog: polib.POFile, rel: str, lines: list[str]) -> list[Finding]:
        expected = plural_forms(self.lang)
        declared = catalog.metadata.get("Plural-Forms", "")
        if re.sub(r"\s+", "", declared) == re.sub(r"\s+", "", expected):
            return []
        line = _line_containing(lines, '"Plural-Forms:') or 1
        count = re.search(r"nplurals\s*=\s*(\d+)", declared)
        if count and count.group(1) == re.search(r"nplurals=(\d+)", expected).group(1):
            # Same number of forms, another formula (GNU gettext's and CLDR's differ for some languages).
            return [Finding(rel, line, "warning", "header",
                            f"Plural-Forms is '{declared}'; CLDR gives '{expected}' for {self.lang}")]
        return [Finding(rel, line, "error", "header",
                        f"Plural-Forms is '{declared or '(missing)'}'; for {self.lang} it must be '{expected}'")]

    def check_entry(self, entry: polib.POEntry, rel: str, line: int) -> list[Finding]:
        out: list[Finding] = []

        def error(check: str, message: str) -> None:
            out.append(Finding(rel, line, "error", check, message))

        def warning(check: str, message: str) -> None:
            out.append(Finding(rel, line, "warning", check, message))

        source, target = entry.msgid, entry.msgstr
        if RAW_HTML.search(target) and not RAW_HTML.search(source):
            error("raw-html", f"'{RAW_HTML.search(target).group(0)}' is HTML; only **bold**, *italic* and "
                              "[link]{n} markup is allowed")
        try:
            target_nodes = parse(target)
        except MarkupError as exc:
            error("markup", f"{exc} (the source is: {source})")
            return out
        source_nodes = parse(source)
        src_sig, dst_sig = signature(source_nodes), signature(target_nodes)
        if src_sig != dst_sig:
            missing = sorted((Counter(src_sig) - Counter(dst_sig)).elements())
            extra = sorted((Counter(dst_sig) - Counter(src_sig)).elements())
            parts = []
            if missing:
                parts.append("missing " + ", ".join(_describe(m) for m in missing))
            if extra:
                parts.append("unexpected " + ", ".join(_describe(m) for m in extra))
            error("markup", "; ".join(parts) + " compared with the source")
        src_text, dst_text = plain_text(source_nodes), plain_text(target_nodes)
        for check, pattern in (("url", URL), ("email", EMAIL), ("phone", PHONE)):
            wanted = Counter(self.url_map.get(_trim(u), _trim(u)) if check == "url" else _trim(u)
                             for u in pattern.findall(src_text))
            found = Counter(_trim(u) for u in pattern.findall(_ascii_digits(dst_text) if check == "phone" else dst_text))
            missing, extra = sorted((wanted - found).elements()), sorted((found - wanted).elements())
            for value in missing:
                hint = f" (found '{extra[0]}')" if extra else ""
                error(check, f"'{value}' is missing or changed{hint}; copy it exactly from the source")
            if not missing:
                for value in extra:
                    error(check, f"'{value}' is not in the source; remove it or copy the source's exactly")
        src_numbers = _numbers(_strip_contacts(src_text))
        dst_numbers = _numbers(_strip_contacts(dst_text))
        if src_numbers != dst_numbers:
            lost = sorted(src_numbers - dst_numbers)
            added = sorted(dst_numbers - src_numbers)
            parts = ([f"missing {', '.join(lost)}"] if lost else []) + ([f"added {', '.join(added)}"] if added else [])
            error("number", f"numbers differ from the source: {'; '.join(parts)}")
        self.drawn.append((plain_text(target_nodes), line))
        # -- warnings ---------------------------------------------------------------
        if dst_text == src_text and re.search(r"[^\W\d_]{2}", _strip_contacts(src_text)):
            warning("same-as-source", "translation is identical to the source text")
        letters = _scripts(_strip_contacts(dst_text))
        wanted_scripts = self.facts.letter_scripts
        if letters and not letters & wanted_scripts and dst_text != src_text:
            warning("wrong-script", f"no letters of the {self.facts.script} script; is this the right language?")
        stripped = dst_text.rstrip(" \"'»”)」")
        if (self.facts.full_stop != "." and stripped.endswith(".") and not stripped.endswith("...")
                and not URL.search(stripped[-30:]) and src_text.rstrip(" \"'”)").endswith(".")):
            warning("end-punctuation", f"ends with '.'; {self.lang} sentences end with '{self.facts.full_stop}'")
        if len(dst_text) > LENGTH_RATIO * len(src_text) and len(dst_text) - len(src_text) > 30:
            warning("too-long", f"{len(dst_text)} characters against {len(src_text)} in the source; "
                                "check that nothing was pasted twice")
        return out


def _describe(item: str) -> str:
    kind, _, ref = item.partition(":")
    return {"strong": "**bold**", "em": "*italic*", "code": "`code`",
            "link": f"link [...]{{{ref}}}", "footnote": f"footnote [^{ref}]"}.get(kind, kind)


def _line_containing(lines: list[str], needle: str) -> int | None:
    for index, line in enumerate(lines):
        if needle in line:
            return index + 1
    return None


def check_language(project: Project, slug: str, lang: str, include_fuzzy: bool = False) -> list[Finding]:
    """Findings for one guide's catalog in one language (none for the source language)."""
    findings = check_generated(project, lang)
    if lang == project.source_language:
        return findings + check_source(project, slug)
    path = project.po_path(lang, slug)
    if not path.is_file():
        return findings
    url_map = project.url_maps.get(lang, {})
    return findings + CatalogChecker(project, lang, url_map).check_file(path, include_fuzzy)


def stack_coverage(project: Project, manifest: list[FontFile], families: tuple[str, ...]) -> tuple[set[int], set[str]]:
    """Code points the families' fonts draw, and the scripts their manifest entries cover (once per project)."""
    cache: dict[tuple[str, ...], tuple[set[int], set[str]]] = project.__dict__.setdefault("_coverage", {})
    if families not in cache:
        cache[families] = _stack_coverage(project, manifest, families)
    return cache[families]


def _stack_coverage(project: Project, manifest: list[FontFile], families: tuple[str, ...]) -> tuple[set[int], set[str]]:
    coverage: set[int] = set()
    scripts: set[str] = set()
    for font in fonts_for(manifest, families):
        coverage |= cmap(project.fonts_dir / font.file)
        for script in font.scripts:
            scripts |= SCRIPT_LETTERS.get(script, {script})
    return coverage, scripts


def check_source(project: Project, slug: str) -> list[Finding]:
    """Characters of a guide's source text (every output draws it, at least as fallback) that no font draws."""
    from .source import read_guide

    guide = read_guide(project.root, slug)
    facts = facts_for(project.source_language, project)
    coverage, scripts = stack_coverage(project, load_manifest(project), facts.fonts)
    drawn = [(message.text, message.line) for message in guide.messages()]
    drawn += [(str(value), 1) for key, value in guide.meta.items() if key not in guide.meta_messages]
    rel = guide.src_path
    return [Finding(rel, missing.first_line, "error", "missing-glyph",
                    missing.describe(project.source_language) + "; affects every language's outputs")
            for missing in missing_glyphs(drawn, coverage, scripts)]


def check_generated(project: Project, lang: str) -> list[Finding]:
    """Characters the templates draw in a language (list markers, separators, digits) that no font draws."""
    facts = facts_for(lang, project)
    coverage, scripts = stack_coverage(project, load_manifest(project), facts.fonts)
    return [Finding("fonts/manifest.json", 1, "error", "missing-glyph",
                    missing.describe(lang).replace(" is in no", " (drawn by the page templates: list markers, "
                                                               "separators, digits) is in no", 1))
            for missing in missing_glyphs([(generated_text(facts), 1)], coverage, scripts)]


def check_project(project: Project, slugs: list[str], langs: list[str]) -> list[Finding]:
    """Findings for every guide x language, plus catalogs of languages nobody configured."""
    from .chrome import check_chrome

    findings: list[Finding] = []
    for slug in slugs:
        for lang in dict.fromkeys([project.source_language, *langs]):
            findings.extend(f for f in check_language(project, slug, lang) if f not in findings)
    for lang in langs:  # the pages' interface text, once per language
        findings.extend(check_chrome(project, lang))
    configured = set(project.all_languages())
    if project.locales_dir.is_dir():
        for folder in sorted(p for p in project.locales_dir.iterdir() if p.is_dir()):
            if folder.name not in configured:
                for po in sorted((folder / "LC_MESSAGES").glob("*.po")):
                    findings.append(Finding(project.rel(po), 1, "error", "unconfigured-language",
                                            f"'{folder.name}' is not in guidebuilder.toml languages; "
                                            f"add it with 'guidebuilder init {folder.name}' or remove the folder"))
    return findings
