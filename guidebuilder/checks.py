"""The translation checks: small pure functions registered by name, category and severity.

A message check takes a message's source text, its translation and a
CheckContext (the locale's facts, the URL map, the catalog's domain) and returns
what is wrong, one sentence each; it never reads a file or prints. The walker
(check.py) runs the registered checks in registration order and turns each
sentence into a Finding at the entry's msgstr line. `guidebuilder check --only
NAME --skip NAME` runs a subset.

Every pattern here runs in time linear in its input: a translator's paste of a
long run of letters must not hang the check (possessive quantifiers, and left
boundaries so that a match is tried once per run, not once per character).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

import icu

from .chrome import placeholder_problems
from .config import CHROME_DOMAIN
from .errors import ConfigError
from .glossary import Glossary
from .glossary import problems as glossary_problems
from .inline import MarkupError, parse, plain_text, signature
from .locales import LocaleFacts
from .plurals import PluralFormulaError, first_difference, parse_plural_forms

URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]{}\"'，。、）「」《》«»]++")
# The left boundary makes a run of word characters a single attempt (without it, every
# character of a 40 000-letter run starts a scan to the run's end: quadratic).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
PHONE = re.compile(r"(?<!\d)\(?\d{3}\)?[ .-]\d{3}-\d{4}(?!\d)")
RAW_HTML = re.compile(r"<\s*+/?\s*+[A-Za-z!?][^>]*+>?")
NUMBER = re.compile(r"\d++(?:[.,]\d++)*+")
WORD = re.compile(r"[^\W\d_]{2}")
LENGTH_RATIO = 3.0
MAX_MESSAGE_BYTES = 64 * 1024  # a guide's longest paragraph is a few KB
SENTENCE_END = ".!?"
CLOSERS = " \"'»”)」"  # quotes and brackets that may follow a sentence's full stop

Severity = Literal["error", "warning"]
Scope = Literal["message", "header", "catalog"]


@dataclass(frozen=True)
class CheckContext:
    """What a check may know besides the two texts: the locale, its URL map, the catalog's domain."""

    lang: str
    facts: LocaleFacts
    url_map: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    domain: str = "guide"  # a guide's slug class: "guide", or the page chrome's domain
    plural_forms: str = ""  # the Plural-Forms header CLDR gives the locale
    glossary: Glossary | None = None  # glossary/<lang>.csv, when the project has one


# A message check is (source, target, context) -> messages; a header check (metadata, context) -> messages.


@dataclass(frozen=True)
class Check:
    """One registered check."""

    name: str
    category: str
    severity: Severity
    doc: str
    scope: Scope = "message"
    func: Callable[..., list[str]] | None = None  # None: the walker computes it over a whole catalog
    domains: frozenset[str] | None = None  # None: every catalog
    needs_markup: bool = True  # runs only when the translation's markup parses
    gate: bool = False  # when it reports, the message's other checks do not run

    def applies_to(self, domain: str) -> bool:
        """True when the check runs on catalogs of this domain."""
        return self.domains is None or domain in self.domains


REGISTRY: dict[str, Check] = {}


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc and doc.strip() else ""


def register(name: str, category: str, severity: Severity, *, scope: Scope = "message",
             domains: tuple[str, ...] | None = None, needs_markup: bool = True,
             gate: bool = False) -> Callable[[Callable[..., list[str]]], Callable[..., list[str]]]:
    """Decorator: add a check function to the registry under name."""
    def decorate(func: Callable[..., list[str]]) -> Callable[..., list[str]]:
        if name in REGISTRY:
            raise ValueError(f"check '{name}' is registered twice")
        REGISTRY[name] = Check(name, category, severity, _first_line(func.__doc__), scope, func,
                               frozenset(domains) if domains else None, needs_markup, gate)
        return func
    return decorate


def declare(name: str, category: str, severity: Severity, doc: str) -> None:
    """Name a check the walker computes over a whole catalog (so --only/--skip know it)."""
    REGISTRY[name] = Check(name, category, severity, doc, "catalog")


# -- selection ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    """Which checks run: all, or only some, minus skipped ones."""

    only: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()

    def wants(self, name: str) -> bool:
        """True when the check named name runs."""
        return (not self.only or name in self.only) and name not in self.skip


ALL = Selection()


def select(only: list[str] | None = None, skip: list[str] | None = None) -> Selection:
    """The Selection for --only and --skip; ConfigError naming the known checks for an unknown name."""
    for option, names in (("--only", only or []), ("--skip", skip or [])):
        for name in names:
            if name not in REGISTRY:
                raise ConfigError(f"{option}: no check named '{name}'; known checks: {', '.join(sorted(REGISTRY))}")
    return Selection(frozenset(only or ()), frozenset(skip or ()))


def message_checks(domain: str, selection: Selection = ALL) -> list[Check]:
    """The message checks that run on a catalog of domain, in registration order."""
    return [c for c in REGISTRY.values()
            if c.scope == "message" and c.applies_to(domain) and selection.wants(c.name)]


def header_checks(domain: str, selection: Selection = ALL) -> list[Check]:
    """The header checks that run on a catalog of domain."""
    return [c for c in REGISTRY.values()
            if c.scope == "header" and c.applies_to(domain) and selection.wants(c.name)]


@dataclass(frozen=True)
class Outcome:
    """What the checks found in one message, and the text its page draws (None when not drawn)."""

    problems: list[tuple[Check, str]]
    drawn: str | None


def run_checks(checks: list[Check], source: str, target: str, context: CheckContext) -> Outcome:
    """Run message checks in order; a gate's finding stops the rest, unparsable markup those that need it."""
    problems: list[tuple[Check, str]] = []
    parsed: Parsed | None = None  # read when a check first needs it: not at all for an oversized message
    for check in checks:
        if check.needs_markup:
            parsed = parsed or _parsed(target)
            if parsed.error is not None:
                continue
        found = check.func(source, target, context)  # type: ignore[misc]
        problems.extend((check, message) for message in found)
        if found and check.gate:
            return Outcome(problems, None)
    if len(target.encode("utf-8")) > MAX_MESSAGE_BYTES:
        return Outcome(problems, None)  # not published as is; its glyphs are not worth counting
    return Outcome(problems, _parsed(target).text)


# -- shared helpers -------------------------------------------------------------------------

@dataclass(frozen=True)
class Parsed:
    """A message's inline markup read once: its plain text and markup signature, or the error."""

    text: str | None
    signature: tuple[str, ...] = ()
    error: str | None = None


@lru_cache(maxsize=4096)
def _parsed(text: str) -> Parsed:
    try:
        nodes = parse(text)
    except MarkupError as exc:
        return Parsed(None, (), str(exc))
    return Parsed(plain_text(nodes), tuple(signature(nodes)))


def _plain(text: str) -> str:
    """The text without markup (the text itself when its markup does not parse)."""
    parsed = _parsed(text)
    return text if parsed.text is None else parsed.text


def _trim(url: str) -> str:
    return url.rstrip(".,;:!?")


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch
                   for ch in text)


def _numbers(text: str) -> set[str]:
    """Numbers in text (any script's digits), as ASCII strings; repeating one is fine."""
    return set(NUMBER.findall(_ascii_digits(text)))


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


def _describe(item: str) -> str:
    kind, _, ref = item.partition(":")
    return {"strong": "**bold**", "em": "*italic*", "code": "`code`",
            "link": f"link [...]{{{ref}}}", "footnote": f"footnote [^{ref}]"}.get(kind, kind)


def _show_space(space: str) -> str:
    """Whitespace as a translator can read it: 'no whitespace', "' '", "'\\n'", '12 whitespace characters'."""
    if not space:
        return "no whitespace"
    if len(space) > 8:
        return f"{len(space)} whitespace characters"
    shown = "".join({" ": " ", "\n": "\\n", "\t": "\\t"}.get(ch, f"\\u{ord(ch):04x}") for ch in space)
    return f"'{shown}'"


def _count_problem(source: str, target: str, needle: str, what: str) -> list[str]:
    wanted, found = source.count(needle), target.count(needle)
    if wanted == found:
        return []
    return [f"{found} {what} against {wanted} in the source"]


# -- message checks, in the order their findings print -------------------------------------

@register("message-size", "length", "error", needs_markup=False, gate=True)
def check_message_size(source: str, target: str, context: CheckContext) -> list[str]:
    """A translation over 64 KB (a paste gone wrong); the message's other checks skip it."""
    size = len(target.encode("utf-8"))
    if size <= MAX_MESSAGE_BYTES:
        return []
    return [f"msgstr is {size // 1024} KB; the limit is {MAX_MESSAGE_BYTES // 1024} KB per message"]


@register("placeholder", "markup", "error", domains=(CHROME_DOMAIN,), needs_markup=False)
def check_placeholder(source: str, target: str, context: CheckContext) -> list[str]:
    """Page chrome only: every {name} placeholder kept exactly, no lone brace."""
    return placeholder_problems(source, target)


@register("raw-html", "markup", "error", needs_markup=False)
def check_raw_html(source: str, target: str, context: CheckContext) -> list[str]:
    """HTML tags in a translation whose source has none."""
    tag = RAW_HTML.search(target)
    if tag is None or RAW_HTML.search(source):
        return []
    return [f"'{tag.group(0)}' is HTML; only **bold**, *italic* and [link]{{n}} markup is allowed"]


@register("markup", "markup", "error", needs_markup=False)
def check_markup(source: str, target: str, context: CheckContext) -> list[str]:
    """Bold, italic, code, link [...]{n} and footnote markers balanced and as in the source."""
    mine = _parsed(target)
    if mine.error is not None:
        return [f"{mine.error} (the source is: {source})"]
    theirs = _parsed(source)
    if theirs.error is not None or list(theirs.signature) == list(mine.signature):
        return []
    missing = sorted((Counter(theirs.signature) - Counter(mine.signature)).elements())
    extra = sorted((Counter(mine.signature) - Counter(theirs.signature)).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(_describe(m) for m in missing))
    if extra:
        parts.append("unexpected " + ", ".join(_describe(m) for m in extra))
    return ["; ".join(parts) + " compared with the source"]


def _contact_problems(pattern: re.Pattern[str], src_text: str, dst_text: str,
                      url_map: Mapping[str, str] | None = None) -> list[str]:
    wanted = Counter((url_map or {}).get(_trim(u), _trim(u)) for u in pattern.findall(src_text))
    found = Counter(_trim(u) for u in pattern.findall(dst_text))
    missing, extra = sorted((wanted - found).elements()), sorted((found - wanted).elements())
    problems = []
    for value in missing:
        hint = f" (found '{extra[0]}')" if extra else ""
        problems.append(f"'{value}' is missing or changed{hint}; copy it exactly from the source")
    if not missing:
        for value in extra:
            problems.append(f"'{value}' is not in the source; remove it or copy the source's exactly")
    return problems


@register("url", "contacts", "error")
def check_url(source: str, target: str, context: CheckContext) -> list[str]:
    """Web addresses copied exactly (or as [urls.<lang>] in guidebuilder.toml maps them)."""
    return _contact_problems(URL, _plain(source), _plain(target), context.url_map)


@register("email", "contacts", "error")
def check_email(source: str, target: str, context: CheckContext) -> list[str]:
    """Email addresses copied exactly."""
    return _contact_problems(EMAIL, _plain(source), _plain(target))


@register("phone", "contacts", "error")
def check_phone(source: str, target: str, context: CheckContext) -> list[str]:
    """Phone numbers copied exactly (native digits count as the same)."""
    return _contact_problems(PHONE, _plain(source), _ascii_digits(_plain(target)))


@register("number", "numbers", "error")
def check_number(source: str, target: str, context: CheckContext) -> list[str]:
    """The same numbers as the source (native digits count as the same)."""
    src_numbers = _numbers(_strip_contacts(_plain(source)))
    dst_numbers = _numbers(_strip_contacts(_plain(target)))
    if src_numbers == dst_numbers:
        return []
    lost = sorted(src_numbers - dst_numbers)
    added = sorted(dst_numbers - src_numbers)
    parts = ([f"missing {', '.join(lost)}"] if lost else []) + ([f"added {', '.join(added)}"] if added else [])
    return [f"numbers differ from the source: {'; '.join(parts)}"]


@register("same-as-source", "language", "warning")
def check_same_as_source(source: str, target: str, context: CheckContext) -> list[str]:
    """A translation identical to a source that has words (not a name the glossary keeps as in the source)."""
    src_text = _plain(source)
    kept = context.glossary is not None and any(t.keep and t.term == src_text.strip() for t in context.glossary.terms)
    if _plain(target) == src_text and WORD.search(_strip_contacts(src_text)) and not kept:
        return ["translation is identical to the source text"]
    return []


@register("wrong-script", "language", "warning")
def check_wrong_script(source: str, target: str, context: CheckContext) -> list[str]:
    """Letters, but none of the locale's script."""
    dst_text = _plain(target)
    letters = _scripts(_strip_contacts(dst_text))
    if letters and not letters & context.facts.letter_scripts and dst_text != _plain(source):
        return [f"no letters of the {context.facts.script} script; is this the right language?"]
    return []


@register("end-punctuation", "punctuation", "warning")
def check_end_punctuation(source: str, target: str, context: CheckContext) -> list[str]:
    """'.' where the locale ends sentences otherwise; no final punctuation where the source has . ! or ?"""
    src_text, dst_text = _plain(source), _plain(target)
    stripped = dst_text.rstrip(CLOSERS)
    src_end = src_text.rstrip(" \"'”)")
    if context.facts.full_stop != ".":
        if (stripped.endswith(".") and not stripped.endswith("...") and not URL.search(stripped[-30:])
                and src_end.endswith(".")):
            return [f"ends with '.'; {context.lang} sentences end with '{context.facts.full_stop}'"]
        return []
    last = stripped.rstrip()[-1:]
    if src_end[-1:] and src_end[-1] in SENTENCE_END and last and unicodedata.category(last)[0] in "LNM":
        return [f"ends without punctuation; the source ends with '{src_end[-1]}'"]
    return []


@register("too-long", "length", "warning")
def check_too_long(source: str, target: str, context: CheckContext) -> list[str]:
    """Over three times the source's length (a paste repeated)."""
    src_len, dst_len = len(_plain(source)), len(_plain(target))
    if dst_len > LENGTH_RATIO * src_len and dst_len - src_len > 30:
        return [f"{dst_len} characters against {src_len} in the source; check that nothing was pasted twice"]
    return []


@register("leading-whitespace", "whitespace", "warning", needs_markup=False)
def check_leading_whitespace(source: str, target: str, context: CheckContext) -> list[str]:
    """Whitespace at the start that differs from the source's."""
    wanted = source[: len(source) - len(source.lstrip())]
    found = target[: len(target) - len(target.lstrip())]
    if wanted == found:
        return []
    return [f"starts with {_show_space(found)}; the source starts with {_show_space(wanted)}"]


@register("trailing-whitespace", "whitespace", "warning", needs_markup=False)
def check_trailing_whitespace(source: str, target: str, context: CheckContext) -> list[str]:
    """Whitespace at the end that differs from the source's."""
    wanted = source[len(source.rstrip()):]
    found = target[len(target.rstrip()):]
    if wanted == found:
        return []
    return [f"ends with {_show_space(found)}; the source ends with {_show_space(wanted)}"]


@register("double-space", "whitespace", "warning", needs_markup=False)
def check_double_space(source: str, target: str, context: CheckContext) -> list[str]:
    """Two spaces in a row inside the text, more or fewer times than in the source."""
    return _count_problem(source.strip(), target.strip(), "  ", "double space(s)")


@register("newlines", "whitespace", "warning", needs_markup=False)
def check_newlines(source: str, target: str, context: CheckContext) -> list[str]:
    """Line breaks (\\n) more or fewer than in the source."""
    return _count_problem(source, target, "\n", "line break(s) (\\n)")


@register("tabs", "whitespace", "warning", needs_markup=False)
def check_tabs(source: str, target: str, context: CheckContext) -> list[str]:
    """Tab characters more or fewer than in the source."""
    return _count_problem(source, target, "\t", "tab(s)")


@register("glossary", "terminology", "warning", domains=("guide",))
def check_glossary(source: str, target: str, context: CheckContext) -> list[str]:
    """Glossary terms: the approved translation used, no forbidden one, do-not-translate names kept."""
    if context.glossary is None:
        return []
    return glossary_problems(context.glossary, _plain(source), _plain(target))


# -- header check ---------------------------------------------------------------------------

@register("header", "header", "error", scope="header")
def check_plural_forms(metadata: Mapping[str, str], context: CheckContext) -> list[str]:
    """Plural-Forms means what CLDR gives the locale: same nplurals, same form for n = 0..1000."""
    expected = context.plural_forms
    declared = metadata.get("Plural-Forms", "")
    if re.sub(r"\s++", "", declared) == re.sub(r"\s++", "", expected):
        return []
    must = f"for {context.lang} it must be '{expected}'"
    if not declared.strip():
        return [f"Plural-Forms is '(missing)'; {must}"]
    wanted = parse_plural_forms(expected)
    count = re.search(r"nplurals\s*+=\s*+(\d++)", declared)
    if count is None or int(count.group(1)) != wanted.nplurals:
        return [f"Plural-Forms is '{declared}'; {must}"]
    try:
        difference = first_difference(parse_plural_forms(declared), wanted)
    except PluralFormulaError as exc:
        return [f"Plural-Forms is '{declared}'; its formula cannot be read ({exc}); {must}"]
    if difference is None:
        return []
    return [f"Plural-Forms is '{declared}'; for n = {difference.n} it picks form {difference.got} where "
            f"{context.lang} uses form {difference.wanted}; {must}"]


# -- checks the walker computes over a whole catalog ------------------------------------------

declare("po-syntax", "catalog", "error", "The catalog reads as gettext reads it: quotes closed, no duplicates, "
        "UTF-8 without BOM, under 20 MB (reported whatever --only/--skip say)")
declare("missing-glyph", "glyphs", "error", "A character no bundled font of the locale draws")
declare("unconfigured-language", "catalog", "error", "A catalog folder for a language not in guidebuilder.toml")
declare("fuzzy", "catalog", "warning", "Fuzzy messages, not published until reviewed")
declare("untranslated", "catalog", "warning", "Untranslated messages, printed in the source language")
