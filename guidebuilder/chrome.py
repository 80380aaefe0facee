"""Page chrome: the interface text around every built page, as the gettext domain "guidebuilder".

The templates' ``_()`` calls are extracted to locales/guidebuilder.pot; each
language's locales/<lang>/LC_MESSAGES/guidebuilder.po translates them. A page's
chrome comes from the project's catalog, then from guidebuilder's own
translation (guidebuilder/ui/<lang>.po, the defaults), then English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import polib
from babel.messages.extract import extract as babel_extract_messages
from jinja2.ext import babel_extract
from markupsafe import Markup, escape

from . import __version__
from .catalogs import new_template, read_catalog, read_catalog_shared
from .config import CHROME_DOMAIN, Project
from .errors import CatalogError, ConfigError

if TYPE_CHECKING:
    from .check import Finding
    from .checks import Selection

DOMAIN = CHROME_DOMAIN
PACKAGE = resources.files("guidebuilder")
# The options of render.jinja_env, so the extractor parses the templates as the renderer does.
_JINJA_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true", "keep_trailing_newline": "true",
                  "silent": "false"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# What a translator is told about each template's strings.
COMMENTS = {"page.html.j2": "Interface text of every guide page (web and PDF)",
            "portal.html.j2": "Interface text of the site index (build/site/index.html)"}
# The output kinds' download labels (outputs/*.py) are shown on both.
OUTPUTS_COMMENT = "Download link of a guide's web page and of the site index"


def placeholders(text: str) -> list[str]:
    """The {name} placeholders of a message, in order, e.g. ['{size}']."""
    return PLACEHOLDER.findall(text.replace("{{", "").replace("}}", ""))


# -- the template ------------------------------------------------------------------------

def template_messages() -> list[tuple[str, str, int]]:
    """(msgid, path, line) of every _() call in guidebuilder's templates, then of N_() in its output kinds."""
    found = []
    sources: list[tuple[Any, str, Any, dict[str, None], dict[str, str]]]
    sources = [(p, "templates", babel_extract, {"_": None}, _JINJA_OPTIONS)
               for p in (PACKAGE / "templates").iterdir() if p.name.endswith(".j2")]
    # Each output kind's download label (outputs.N_): a kind added to outputs/ brings its label to translators.
    sources += [(p, "outputs", "python", {"N_": None}, {})
                for p in (PACKAGE / "outputs").iterdir() if p.name.endswith(".py")]
    for path, folder, method, keywords, options in sources:
        with path.open("rb") as handle:
            # method is Any: jinja2 and babel annotate an extraction method differently (its keywords, options
            # and what it yields); babel calls jinja2's as babel documents, so only the annotations disagree.
            for line, msgid, _comments, _context in babel_extract_messages(
                    method, handle, keywords=keywords, options=options):
                # A keyword spec of None takes the one argument, so a message is never a tuple of plural forms.
                assert isinstance(msgid, str)
                found.append((msgid, f"{folder}/{path.name}", line))
    # The templates first, so that the page's own text leads the catalog as it did before output kinds had labels.
    return sorted(found, key=lambda item: (not item[1].startswith("templates/"), item[1], item[2]))


def build_chrome_template(created: str) -> polib.POFile:
    """The template of the chrome domain, entries in order of first location."""
    pot = new_template("Translation template for the interface text of pages built by guidebuilder\n"
                       "(contents, download link, colophon, language menu, site index).",
                       f"guidebuilder {__version__}", "", created)
    entries: dict[str, polib.POEntry] = {}
    for msgid, path, line in template_messages():
        occurrence = (path, str(line))
        if msgid in entries:
            entries[msgid].occurrences.append(occurrence)
            continue
        names = placeholders(msgid)
        comment = OUTPUTS_COMMENT if path.startswith("outputs/") else COMMENTS.get(Path(path).name,
                                                                                  "Interface text of built pages")
        if names:
            comment += f"; keep {', '.join(names)} exactly as written"
        # python-brace-format makes `msgfmt --check-format` compare the {name}s of msgid and msgstr.
        entry = polib.POEntry(msgid=msgid, msgstr="", comment=comment, occurrences=[occurrence],
                              flags=["python-brace-format"] if names else [])
        entries[msgid] = entry
        pot.append(entry)
    return pot


def chrome_template(project: Project) -> polib.POFile:
    """locales/guidebuilder.pot when the project has it, else the template built from the package."""
    from .extract import creation_date

    path = project.pot_path(DOMAIN)
    if path.is_file():
        return read_catalog(path, project.rel(path))
    return build_chrome_template(creation_date())


def refuse_guide_named_like_domain(slugs: list[str]) -> None:
    """A guide named like the chrome domain would share its catalog files."""
    if DOMAIN in slugs:
        raise ConfigError(f"guides/{DOMAIN} would share the catalogs of guidebuilder's page chrome "
                          f"(locales/{DOMAIN}.pot); rename the guide's folder")


# -- the translations ---------------------------------------------------------------------

@cache
def package_catalog_path(lang: str) -> Path | None:
    """guidebuilder/ui/<lang>.po, guidebuilder's own translation, when it has one."""
    path = PACKAGE / "ui" / f"{lang}.po"
    return Path(str(path)) if path.is_file() else None


@cache
def package_strings(lang: str) -> Mapping[str, str]:
    """guidebuilder's own translation of the chrome (read-only; files inside the package do not change)."""
    path = package_catalog_path(lang)
    if path is None:
        return MappingProxyType({})
    return MappingProxyType({e.msgid: e.msgstr for e in polib.pofile(str(path))
                             if e.msgstr and not e.obsolete and "fuzzy" not in e.flags})


def project_strings(project: Project, lang: str, include_fuzzy: bool = False) -> dict[str, str]:
    """Translated (and, with include_fuzzy, fuzzy) entries of locales/<lang>/LC_MESSAGES/guidebuilder.po."""
    path = project.po_path(lang, DOMAIN)
    if lang == project.source_language or not path.is_file():
        return {}
    catalog = read_catalog_shared(path, project.rel(path), expect_lang=lang)
    return {e.msgid: e.msgstr for e in catalog
            if e.msgstr and not e.obsolete and (include_fuzzy or "fuzzy" not in e.flags)}


@dataclass(frozen=True)
class Chrome:
    """The interface text of one language's pages: msgid -> translation, loaded once per page job."""

    lang: str
    strings: Mapping[str, str] = field(default_factory=dict)

    def text(self, msgid: str, **values: object) -> Markup:
        """One string, translated when the language has it; values are escaped unless Markup."""
        translated = self.strings.get(msgid)
        if translated is not None:
            try:
                return Markup(escape(translated)).format(**values)
            except (KeyError, IndexError, ValueError):  # `check` stops such a catalog; print English
                pass
        return Markup(escape(msgid)).format(**values)

    __call__ = text  # templates call it as _("...")

    def has(self, msgid: str) -> bool:
        """Whether the language translates msgid (else the page prints it in the source language)."""
        return bool(self.strings.get(msgid))


def default_chrome(lang: str) -> Chrome:
    """The chrome from guidebuilder's own translation alone (no project catalog)."""
    return Chrome(lang, package_strings(lang))


def load_chrome(project: Project, lang: str, include_fuzzy: bool = False) -> Chrome:
    """A language's chrome: the project's catalog over guidebuilder's own translation."""
    merged = dict(package_strings(lang))
    merged.update(project_strings(project, lang, include_fuzzy))
    return Chrome(lang, MappingProxyType(merged))


def chrome_or_default(project: Project, lang: str) -> Chrome:
    """load_chrome, or guidebuilder's own translation when the project's catalog cannot be read.

    For the site index, which lists every language: the broken catalog's language
    is not published, and its own build says why.
    """
    try:
        return load_chrome(project, lang)
    except CatalogError:
        return default_chrome(lang)


def package_seed(lang: str, pot: polib.POFile) -> polib.POFile | None:
    """guidebuilder's own translation of the template's messages, to start a new project catalog from."""
    path = package_catalog_path(lang)
    if path is None:
        return None
    package = polib.pofile(str(path), wrapwidth=79)
    wanted = {e.msgid for e in pot}
    seed = polib.POFile(wrapwidth=79)
    seed.header = package.header
    seed.metadata = dict(package.metadata)
    for entry in package:
        if entry.msgid in wanted and entry.msgstr and not entry.obsolete:
            seed.append(polib.POEntry(msgid=entry.msgid, msgstr=entry.msgstr, flags=list(entry.flags)))
    return seed


# -- stats -------------------------------------------------------------------------------

@dataclass
class ChromeStats:
    """Which language one language's pages are framed in."""

    lang: str
    po_path: str
    exists: bool
    translated: int  # by the project's catalog
    from_package: int  # by guidebuilder's own translation only
    english: int  # by neither: printed in English
    fuzzy: int

    @property
    def total(self) -> int:
        return self.translated + self.from_package + self.english

    @property
    def chrome(self) -> str:
        """The language code when every string the pages use is translated; else what falls back."""
        if self.english == 0:
            return self.lang
        if self.english == self.total:
            return "en (fallback)"
        return f"{self.lang} ({self.english} of {self.total} in en)"

    def as_dict(self) -> dict[str, Any]:
        return {"lang": self.lang, "catalog": self.po_path, "exists": self.exists, "chrome": self.chrome,
                "messages": {"translated": self.translated, "from_package": self.from_package,
                             "english": self.english, "fuzzy": self.fuzzy, "total": self.total}}


def chrome_stats(project: Project, langs: list[str]) -> list[ChromeStats]:
    """Per language: how many chrome strings the project, the package and English give."""
    pot = chrome_template(project)
    rows = []
    for lang in langs:
        path = project.po_path(lang, DOMAIN)
        own = project_strings(project, lang)
        fuzzy = 0
        if path.is_file():
            catalog = read_catalog(path, project.rel(path), expect_lang=lang)
            fuzzy = sum(1 for e in catalog if e.msgstr and not e.obsolete and "fuzzy" in e.flags)
        package = package_strings(lang)
        ids = [e.msgid for e in pot]
        translated = sum(1 for m in ids if m in own)
        from_package = sum(1 for m in ids if m not in own and m in package)
        rows.append(ChromeStats(lang, project.rel(path), path.is_file(), translated, from_package,
                                len(ids) - translated - from_package, fuzzy))
    return rows


# -- check -------------------------------------------------------------------------------

def placeholder_problems(msgid: str, msgstr: str) -> list[str]:
    """What is wrong with the {name} placeholders of a translation (empty when nothing)."""
    wanted = placeholders(msgid)
    found = placeholders(msgstr)
    missing = [p for p in wanted if p not in found]
    extra = [p for p in found if p not in wanted]
    problems = []
    for index, name in enumerate(extra):
        if index < len(missing):
            problems.append(f"'{name}' is not in the source; keep '{missing[index]}' exactly")
        elif wanted:
            problems.append(f"'{name}' is not in the source; remove it (only {', '.join(wanted)} is replaced)")
        else:
            problems.append(f"'{name}' is not in the source; remove it (this text has no placeholders)")
    for name in missing[len(extra):]:
        problems.append(f"'{name}' is missing; copy it exactly from the source")
    rest = PLACEHOLDER.sub("", msgstr.replace("{{", "").replace("}}", ""))
    if "{" in rest or "}" in rest:
        brace = "{" if "{" in rest else "}"
        problems.append(f"a lone '{brace}'; remove it, or write it twice ('{brace * 2}') to print it")
    return problems


def check_chrome(project: Project, lang: str, include_fuzzy: bool = False,
                 selection: Selection | None = None) -> list[Finding]:
    """check's findings for one language's chrome catalog: the guide catalogs' checks plus placeholders."""
    from .check import CatalogChecker
    from .checks import ALL

    path = project.po_path(lang, DOMAIN)
    if lang == project.source_language or not path.is_file():
        return []
    checker = CatalogChecker(project, lang, project.url_maps.get(lang, {}), domain=DOMAIN, selection=selection or ALL)
    return checker.check_file(path, include_fuzzy)
