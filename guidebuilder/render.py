"""Render stage: a translated guide into an HTML page (for browsers or for print).

The same blocks give two pages: target "web" (the published index.html) and
target "print" (what WeasyPrint typesets). They differ only where WeasyPrint
needs help: font sources, bidi isolation and Korean keep-all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from babel.dates import format_date
from babel.units import format_unit
from markupsafe import Markup, escape

from . import __version__
from .chrome import Chrome, default_chrome
from .inline import MarkupError, Node, parse
from .locales import LocaleFacts
from .source import Block, Guide, Message
from .translate import Resolved, Translation
from .typography import Typesetter

TEMPLATES = resources.files("guidebuilder") / "templates"


@lru_cache(maxsize=1)
def jinja_env() -> jinja2.Environment:
    """Jinja environment over the package's templates; HTML templates autoescape."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["url_breaks"] = url_breaks
    return env


def url_breaks(url: str) -> Markup:
    """An address that may wrap after a slash or before a dot (never inside "org"), as typesetters break URLs."""
    escaped = str(escape(url))
    return Markup(re.sub(r"(?<=/)(?=[^/])|(?=\.)", "<wbr>", escaped))


def format_size(size: int, facts: LocaleFacts) -> str:
    """A file size in the locale's words and digits, e.g. "১.২ MB"."""
    if size >= 1_000_000:
        text = format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short", locale=facts.babel)
    else:
        text = format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=facts.babel)
    # A size never wraps between its number and its unit ("300 | kB" on a phone).
    return facts.digits(text).replace(" ", "\u00a0")


def size_text(facts: LocaleFacts, size: int) -> Markup:
    """A PDF's size in the page's language, isolated so that it reads in order in RTL text."""
    text = format_size(size, facts)
    if facts.direction == "rtl":
        return Markup('<bdi dir="ltr">{}</bdi>').format(text)
    return Markup(escape(text))


def size_label(chrome: Chrome, size: int, facts: LocaleFacts) -> Markup:
    """"Download PDF (1.2 MB)" in the chrome's language, digits and size units of the locale."""
    return chrome.text("Download PDF ({size})", size=size_text(facts, size))


def format_guide_date(value: dt.date, facts: LocaleFacts) -> str:
    """The cover date, formatted by Babel with the locale's native digits."""
    return facts.digits(format_date(value, format="long", locale=facts.babel))


@dataclass
class TocEntry:
    """A heading as the table of contents lists it."""

    id: str
    level: int
    html: Markup
    attrs: Markup


@dataclass
class RenderedPage:
    """A page and what the build needs to know about it."""

    html: str
    text_chars: set[str] = field(default_factory=set)


class BodyRenderer:
    """Blocks to HTML for one language and target."""

    def __init__(self, guide: Guide, translation: Translation, facts: LocaleFacts, source_facts: LocaleFacts,
                 target: str, proof: bool = False):
        self.guide = guide
        self.translation = translation
        self.facts = facts
        self.source_facts = source_facts
        self.target = target
        self.proof = proof
        self.typeset = Typesetter(facts, target)
        self.typeset_source = Typesetter(source_facts, target)
        self.toc: list[TocEntry] = []
        self.fallbacks: list[Resolved] = []
        self._heading_count = 0
        levels = [b.attrs["level"] for b in _walk(guide.blocks) if b.kind == "heading"]
        self.top_level = min(levels, default=1)  # the guide's shallowest heading becomes <h2>

    # -- inline -------------------------------------------------------------
    def resolve(self, message: Message, link_phones: bool = True) -> tuple[Markup, Markup]:
        """Inline HTML of a message and the attributes its block element needs."""
        resolved = self.translation.resolve(message)
        text = resolved.text
        try:
            nodes = parse(text)
        except MarkupError:  # `check` stops such a catalog; render the source rather than fail
            resolved = Resolved(message.text, False, "untranslated", resolved.po_line)
            nodes = parse(message.text)
        attrs = Markup("")
        typeset = self.typeset
        if not resolved.translated:
            self.fallbacks.append(resolved)
            typeset = self.typeset_source
            src = self.source_facts
            attrs = Markup(' lang="{}" dir="{}"').format(src.bcp47, src.direction)
        if self.proof and resolved.state in ("untranslated", "fuzzy"):
            where = f"{self.translation.po_rel}:{resolved.po_line}" if resolved.po_line else self.translation.po_rel
            attrs += Markup(' class="proof-{}" data-proof="{} {}"').format(resolved.state, resolved.state, where or "")
        if not link_phones:
            typeset = typeset.without_links()
        return self.inline(nodes, message.links, typeset), attrs

    def inline(self, nodes: list[Node], links: list[str], typeset: Typesetter) -> Markup:
        out = []
        for node in nodes:
            if isinstance(node, str):
                out.append(Markup("<br>").join(typeset(line) for line in node.split("\n")))
            elif node.kind == "strong":
                out.append(Markup("<strong>{}</strong>").format(self.inline(node.children, links, typeset)))
            elif node.kind == "em":
                out.append(Markup("<em>{}</em>").format(self.inline(node.children, links, typeset)))
            elif node.kind == "code":
                out.append(Markup("<code>{}</code>").format(node.ref))
            elif node.kind == "link":
                index = int(node.ref) - 1
                href = links[index] if 0 <= index < len(links) else ""
                href = self.translation.url_map.get(href, href)  # [urls.<lang>] in guidebuilder.toml
                inner = self.inline(node.children, links, typeset.without_links())  # no link inside a link
                out.append(Markup('<a href="{}">{}</a>').format(href, inner))
            elif node.kind == "footnote":
                label = self.footnote_number(node.ref)
                out.append(Markup('<sup class="fnref"><a href="#fn-{}" id="fnref-{}">{}</a></sup>').format(
                    node.ref, node.ref, self.facts.digits(str(label))))
        return Markup("").join(out)

    def footnote_number(self, label: str) -> int:
        labels = [name for name, _ in self.guide.footnotes]
        return labels.index(label) + 1 if label in labels else 0

    def message_html(self, message: Message | None) -> Markup:
        """Inline HTML of a message, wrapped in a span when it falls back."""
        if message is None:
            return Markup("")
        html, attrs = self.resolve(message)
        return Markup("<span{}>{}</span>").format(attrs, html) if attrs else html

    # -- blocks -------------------------------------------------------------
    def blocks(self, blocks: list[Block]) -> Markup:
        return Markup("\n").join(self.block(b) for b in blocks)

    def block(self, block: Block) -> Markup:
        kind = block.kind
        if kind == "heading":
            depth = block.attrs["level"] - self.top_level + 1  # 1 for the guide's top headings
            level = min(depth + 1, 6)  # the guide title is the page's h1
            self._heading_count += 1
            anchor = f"s{self._heading_count}"
            html, attrs = self.resolve(_message(block), link_phones=False)  # the contents link to headings
            if depth <= 2:
                self.toc.append(TocEntry(anchor, depth, html, attrs))
            return Markup('<h{0} id="{1}"{2}>{3}</h{0}>').format(level, anchor, attrs, html)
        if kind == "paragraph":
            html, attrs = self.resolve(_message(block))
            return Markup("<p{}>{}</p>").format(attrs, html)
        if kind == "list":
            tag = "ol" if block.attrs["ordered"] else "ul"
            start = block.attrs.get("start", 1)
            start_attr = Markup(' start="{}"').format(start) if tag == "ol" and start != 1 else Markup("")
            items = Markup("\n").join(self.block(item) for item in block.children)
            return Markup("<{0}{1}>\n{2}\n</{0}>").format(tag, start_attr, items)
        if kind == "item":
            html, attrs = self.resolve(block.message) if block.message else (Markup(""), Markup(""))
            nested = self.blocks(block.children)
            return Markup("<li{}>{}{}</li>").format(attrs, html, Markup("\n") + nested if nested else "")
        if kind == "table":
            return self.table(block)
        if kind == "callout":
            title = Markup("")
            if block.message:
                html, attrs = self.resolve(block.message)
                title = Markup('<p class="callout-title"{}>{}</p>\n').format(attrs, html)
            return Markup('<aside class="callout" role="note">\n{}{}\n</aside>').format(
                title, self.blocks(block.children))
        if kind == "image":
            message = _message(block)
            _html, attrs = self.resolve(message)  # records fallback and proof state
            resolved = self.translation.resolve(message)
            alt = unicodedata.normalize("NFC", parse_plain(resolved.text if resolved.translated else message.text))
            src = localized_asset(self.guide.abs_dir, block.attrs["src"], self.translation.lang)
            return Markup('<figure class="image"><img src="{}" alt="{}"{}></figure>').format(src, alt, attrs)
        if kind == "rule":
            return Markup("<hr>")
        if kind == "code":
            return Markup("<pre><code>{}</code></pre>").format(block.attrs["text"])
        return Markup("")

    def table(self, block: Block) -> Markup:
        aligns = block.attrs["aligns"]

        def cell(tag: str, message: Message | None, index: int) -> Markup:
            html, attrs = self.resolve(message) if message is not None else (Markup(""), Markup(""))
            align = aligns[index] if index < len(aligns) else ""
            css = {"left": "start", "right": "end", "center": "center"}.get(align, "")
            style = Markup(' class="align-{}"').format(css) if css else Markup("")
            scope = Markup(' scope="col"') if tag == "th" else Markup("")
            return Markup("<{0}{1}{2}{3}>{4}</{0}>").format(tag, scope, style, attrs, html)

        head = Markup("").join(cell("th", m, i) for i, m in enumerate(block.attrs["header"]))
        rows = Markup("\n").join(
            Markup("<tr>{}</tr>").format(Markup("").join(cell("td", m, i) for i, m in enumerate(row)))
            for row in block.attrs["rows"])
        # The PDF stage names a table too wide for the page by its line in guide.md.
        line = Markup(' data-line="{}"').format(block.attrs.get("line", 0)) if self.target == "print" else Markup("")
        return Markup('<div class="table-wrap"><table{}>\n<thead><tr>{}</tr></thead>\n<tbody>\n{}\n</tbody>\n'
                      '</table></div>').format(line, head, rows)

    def footnotes(self) -> list[tuple[str, Markup]]:
        return [(label, self.blocks(blocks)) for label, blocks in self.guide.footnotes]


def _message(block: Block) -> Message:
    """The message of a block of a kind that always has one (heading, paragraph, image)."""
    if block.message is None:
        raise ValueError(f"{block.kind} block without a message")
    return block.message


def _walk(blocks: list[Block]) -> Iterator[Block]:
    for block in blocks:
        yield block
        yield from _walk(block.children)


def localized_asset(guide_dir: Path, src: str, lang: str) -> str:
    """images/x.<lang>.svg when it exists beside images/x.svg, else src."""
    path = Path(src)
    candidate = path.with_name(f"{path.stem}.{lang}{path.suffix}")
    if (guide_dir / candidate).is_file():
        return candidate.as_posix()
    return src


@dataclass
class PageLinks:
    """Where a page points: other languages, its PDF."""

    languages: list[tuple[str, str, str, str]]  # (bcp47, native name, href, dir)
    pdf_href: str | None = None
    pdf_bytes: int | None = None
    extras: list[Download] = field(default_factory=list)  # the guide's other outputs, for download


@dataclass(frozen=True)
class Download:
    """A file of another output kind the web page offers for download."""

    kind: str
    href: str  # relative to the page
    type: str  # its media type
    bytes: int
    label: str  # the chrome message that names it, with {size}


@dataclass(frozen=True)
class Edition:
    """What a printed page says of its edition: the web page's address, as text and as a QR code."""

    url: str
    qr: str  # a data: URI of the QR code's SVG
    lang: str  # the BCP 47 tag of the page's language
    language: str  # its native name

def render_page(guide: Guide, translation: Translation, facts: LocaleFacts, source_facts: LocaleFacts, target: str,
                css: str, links: PageLinks, proof: bool = False, chrome: Chrome | None = None,
                edition: Edition | None = None, card: bool = False,
                logo: str | None = None) -> tuple[str, BodyRenderer]:
    """The full HTML document of a guide in one language; chrome gives the interface text (default: the package's).

    edition adds the QR code and edition stamp (the print colophon, or a card's top);
    card marks the page as a wallet card's face; logo (a data: URI) heads the cover, or a card's stamp.
    """
    lang = translation.lang
    chrome = chrome or default_chrome(lang)
    renderer = BodyRenderer(guide, translation, facts, source_facts, target, proof)
    meta = {key: renderer.message_html(message) for key, message in guide.meta_messages.items()}
    plain = {key: unicodedata.normalize("NFC", parse_plain(translation.resolve(message).text))
             for key, message in guide.meta_messages.items()}
    body = renderer.blocks(guide.blocks)
    footnotes = renderer.footnotes()
    date = guide.meta.get("date")
    pdf_size = None
    if links.pdf_href and links.pdf_bytes is not None:
        pdf_size = size_text(facts, links.pdf_bytes)
    template = jinja_env().get_template("page.html.j2")
    html = template.render(
        target=target, lang_tag=facts.bcp47, dir=facts.direction, facts=facts, css=Markup(css),
        meta=meta, plain=plain, body=body, toc=renderer.toc, footnotes=footnotes,
        version=__version__, guide_version=guide.meta.get("version"),
        date_text=format_guide_date(date, facts) if isinstance(date, dt.date) else None,
        date_iso=date.isoformat() if isinstance(date, dt.date) else None,
        license=guide.meta.get("license"), contact=guide.meta.get("contact"),
        languages=links.languages, pdf_href=links.pdf_href, pdf_size=pdf_size, edition=edition, card=card,
        logo=logo,
        extras=[{"kind": e.kind, "href": e.href, "type": e.type, "size": size_text(facts, e.bytes), "label": e.label}
                for e in links.extras],
        digits=facts.digits, _=chrome.text,
    )
    return html, renderer


def parse_plain(text: str) -> str:
    """Message text without markup, for <title> and metadata."""
    from .inline import plain_text

    try:
        return plain_text(parse(text))
    except MarkupError:
        return text
