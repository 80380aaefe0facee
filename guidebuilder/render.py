"""Render stage: a translated guide into an HTML page (for browsers or for print).

The same blocks give two pages: target "web" (the published index.html) and
target "print" (what WeasyPrint typesets). They differ only where WeasyPrint
needs help: font sources, bidi isolation and Korean keep-all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from babel.units import format_unit
from markupsafe import Markup, escape

from . import __version__
from .anchors import Anchors, colliding_texts
from .check import Finding
from .chrome import Chrome, default_chrome
from .inline import MarkupError, Node, parse, plain_text
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


@dataclass(frozen=True)
class ShownImage:
    """How a page shows an image: its address, a WebP alternative's, its size in pixels (None: unknown)."""

    src: str
    webp: str | None = None
    width: int | None = None
    height: int | None = None


class BodyRenderer:
    """Blocks to HTML for one language and target."""

    def __init__(self, guide: Guide, translation: Translation, facts: LocaleFacts, source_facts: LocaleFacts,
                 target: str, proof: bool = False, findings: Sequence[Finding] = (), block_ids: bool = False,
                 images: Mapping[str, ShownImage] | None = None):
        self.guide = guide
        self.images = images or {}
        self.translation = translation
        self.facts = facts
        self.source_facts = source_facts
        self.target = target
        self.proof = proof
        self.findings = list(findings)
        self.findings_at: dict[int, list[Finding]] = {}  # msgstr line in this guide's catalog -> its findings
        for finding in self.findings:
            if finding.path == translation.po_rel:
                self.findings_at.setdefault(finding.line, []).append(finding)
        self.placed: set[int] = set()  # lines whose findings a note printed
        self.typeset = Typesetter(facts, target)
        self.typeset_source = Typesetter(source_facts, target)
        self.toc: list[TocEntry] = []
        self.fallbacks: list[Resolved] = []
        self.colliding = colliding_texts(guide.messages())
        self.anchors = Anchors()
        self.block_ids = block_ids  # every block gets its stable anchor as id (else headings are numbered)
        self._heading_count = 0
        levels = [b.attrs["level"] for b in _walk(guide.blocks) if b.kind == "heading"]
        self.top_level = min(levels, default=1)  # the guide's shallowest heading becomes <h2>

    def block_anchor(self, message: Message) -> str:
        """The next anchor of a message's block (anchors.py), counted on every page so repeats number alike."""
        context = message.role.context if message.text in self.colliding else None
        return self.anchors.next(context, message.text)

    def block_id(self, message: Message) -> Markup:
        """' id="t-…"' for a message's block when the page carries block ids."""
        anchor = self.block_anchor(message)
        return Markup(' id="{}"').format(anchor) if self.block_ids else Markup("")

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
            attrs += Markup(' class="proof-{}" data-proof="{} {}"').format(resolved.state, resolved.state,
                                                                           self._where(resolved))
        elif self.proof and resolved.po_line in self.findings_at:
            attrs += Markup(' class="proof-checked" data-proof="{}"').format(self._where(resolved))
        if not link_phones:
            typeset = typeset.without_links()
        return self.inline(nodes, message.links, typeset), attrs

    def _where(self, resolved: Resolved) -> str:
        """The .po path:line of a resolved message (the path alone when the catalog lacks it)."""
        where = self.translation.po_rel or ""
        return f"{where}:{resolved.po_line}" if resolved.po_line else where

    def note(self, message: Message | None) -> Markup:
        """A proof's note on a block: its state and .po line, and every check finding at that line.

        The web page shows it under the block; the PDF numbers it and prints it at the page's
        foot (CSS float: footnote), so that notes never overlap however close their blocks are.
        """
        if not self.proof or message is None:
            return Markup("")
        resolved = self.translation.resolve(message)
        findings = self.findings_at.get(resolved.po_line or 0, [])
        if resolved.state not in ("untranslated", "fuzzy") and not findings:
            return Markup("")
        if findings and resolved.po_line:
            self.placed.add(resolved.po_line)
        head = self._where(resolved)
        if resolved.state in ("untranslated", "fuzzy"):
            head = f"{resolved.state} {head}"
        found = Markup("").join(Markup('<span class="proof-finding proof-{}">{}: {}: {}</span>').format(
            f.severity, f.severity, f.check, f.message) for f in findings)
        return Markup('<span class="proof-note" lang="{}" dir="ltr">{}{}</span>').format(
            self.source_facts.bcp47, head, found)

    def unplaced(self) -> list[Finding]:
        """A proof's findings no block showed: the header's, the page chrome's, the catalog-wide counts."""
        if not self.proof:
            return []
        return [f for f in self.findings if f.path != self.translation.po_rel or f.line not in self.placed]

    def inline(self, nodes: list[Node], links: list[str], typeset: Typesetter) -> Markup:
        out: list[tuple[Markup, str]] = []
        for node in nodes:
            shown = "" if isinstance(node, str) else plain_text([node])
            if isinstance(node, str):
                out.append((Markup("<br>").join(typeset(line) for line in node.split("\n")), node))
            elif node.kind == "strong":
                out.append((Markup("<strong>{}</strong>").format(self.inline(node.children, links, typeset)), shown))
            elif node.kind == "em":
                out.append((Markup("<em>{}</em>").format(self.inline(node.children, links, typeset)), shown))
            elif node.kind == "code":
                out.append((Markup("<code>{}</code>").format(node.ref), shown))
            elif node.kind == "link":
                index = int(node.ref) - 1
                href = links[index] if 0 <= index < len(links) else ""
                href = self.translation.url_map.get(href, href)  # [urls.<lang>] in guidebuilder.toml
                inner = self.inline(node.children, links, typeset.without_links())  # no link inside a link
                out.append((Markup('<a href="{}">{}</a>').format(href, inner), shown))
            elif node.kind == "footnote":
                label = self.footnote_number(node.ref)
                number = self.facts.digits(str(label))
                out.append((Markup('<sup class="fnref"><a href="#fn-{}" id="fnref-{}">{}</a></sup>').format(
                    node.ref, node.ref, number), number))
        return typeset.join(out)

    def footnote_number(self, label: str) -> int:
        labels = [name for name, _ in self.guide.footnotes]
        return labels.index(label) + 1 if label in labels else 0

    def message_html(self, message: Message | None, with_note: bool = True) -> Markup:
        """Inline HTML of a message, wrapped in a span when it falls back (with a proof's note)."""
        if message is None:
            return Markup("")
        html, attrs = self.resolve(message)
        if with_note:
            html += self.note(message)
        return Markup("<span{}>{}</span>").format(attrs, html) if attrs else html

    # -- blocks -------------------------------------------------------------
    def blocks(self, blocks: list[Block]) -> Markup:
        return Markup("\n").join(self.block(b) for b in blocks)

    def block(self, block: Block) -> Markup:
        kind = block.kind
        if kind == "heading":
            depth = block.attrs["level"] - self.top_level + 1  # 1 for the guide's top headings
            level = min(depth + 1, 6)  # the guide title is the page's h1
            anchor = self.block_anchor(_message(block))
            self._heading_count += 1
            if not self.block_ids:  # a page without block ids keeps its short heading ids (page weight)
                anchor = f"s{self._heading_count}"
            html, attrs = self.resolve(_message(block), link_phones=False)  # the contents link to headings
            if depth <= 2:
                self.toc.append(TocEntry(anchor, depth, html, attrs))
            note = self.note(block.message)
            return Markup('<h{0} id="{1}"{2}>{3}{4}</h{0}>').format(level, anchor, attrs, html, note)
        if kind == "paragraph":
            ident = self.block_id(_message(block))
            html, attrs = self.resolve(_message(block))
            return Markup("<p{}{}>{}{}</p>").format(ident, attrs, html, self.note(block.message))
        if kind == "list":
            tag = "ol" if block.attrs["ordered"] else "ul"
            start = block.attrs.get("start", 1)
            start_attr = Markup(' start="{}"').format(start) if tag == "ol" and start != 1 else Markup("")
            items = Markup("\n").join(self.block(item) for item in block.children)
            return Markup("<{0}{1}>\n{2}\n</{0}>").format(tag, start_attr, items)
        if kind == "item":
            ident = self.block_id(block.message) if block.message else Markup("")
            html, attrs = self.resolve(block.message) if block.message else (Markup(""), Markup(""))
            html += self.note(block.message)
            nested = self.blocks(block.children)
            return Markup("<li{}{}>{}{}</li>").format(ident, attrs, html, Markup("\n") + nested if nested else "")
        if kind == "table":
            return self.table(block)
        if kind == "callout":
            title = Markup("")
            if block.message:
                ident = self.block_id(block.message)
                html, attrs = self.resolve(block.message)
                title = Markup('<p class="callout-title"{}{}>{}{}</p>\n').format(ident, attrs, html,
                                                                                  self.note(block.message))
            return Markup('<aside class="callout" role="note">\n{}{}\n</aside>').format(
                title, self.blocks(block.children))
        if kind == "image":
            message = _message(block)
            ident = self.block_id(message)
            _html, attrs = self.resolve(message)  # records fallback and proof state
            resolved = self.translation.resolve(message)
            alt = unicodedata.normalize("NFC", parse_plain(resolved.text if resolved.translated else message.text))
            src = localized_asset(self.guide.abs_dir, block.attrs["src"], self.translation.lang)
            shown = self.images.get(src, ShownImage(src))
            size = Markup("")
            if shown.width and shown.height:  # the browser reserves the space before the image arrives
                size = Markup(' width="{}" height="{}"').format(shown.width, shown.height)
            img = Markup('<img src="{}" alt="{}"{}{}>').format(shown.src, alt, size, attrs)
            if shown.webp:
                img = Markup('<picture><source type="image/webp" srcset="{}">{}</picture>').format(shown.webp, img)
            return Markup('<figure class="image"{}>{}{}</figure>').format(ident, img, self.note(message))
        if kind == "rule":
            return Markup("<hr>")
        if kind == "code":
            return Markup("<pre><code>{}</code></pre>").format(block.attrs["text"])
        return Markup("")

    def table(self, block: Block) -> Markup:
        aligns = block.attrs["aligns"]

        def cell(tag: str, message: Message | None, index: int) -> Markup:
            ident = self.block_id(message) if message is not None else Markup("")
            html, attrs = self.resolve(message) if message is not None else (Markup(""), Markup(""))
            html += self.note(message)
            align = aligns[index] if index < len(aligns) else ""
            css = {"left": "start", "right": "end", "center": "center"}.get(align, "")
            style = Markup(' class="align-{}"').format(css) if css else Markup("")
            scope = Markup(' scope="col"') if tag == "th" else Markup("")
            return Markup("<{0}{1}{2}{3}{4}>{5}</{0}>").format(tag, ident, scope, style, attrs, html)

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
                logo: str | None = None, findings: Sequence[Finding] = (), notices: bool = False,
                follows: Mapping[str, Any] | None = None, block_ids: bool = False,
                images: Mapping[str, ShownImage] | None = None) -> tuple[str, BodyRenderer]:
    """The full HTML document of a guide in one language; chrome gives the interface text (default: the package's).

    edition adds the QR code and edition stamp (the print colophon, or a card's top);
    card marks the page as a wallet card's face; logo (a data: URI) heads the cover, or a card's stamp;
    block_ids puts each block's stable anchor (anchors.py) on it as its id.
    notices tops the page with what the reader should know of its translation: that parts of it are in the
    source language, and the source edition (follows: {"version", "date"}) an incomplete translation follows.
    images says how each image is shown (by its path in the guide folder; default: as it is there).
    """
    lang = translation.lang
    chrome = chrome or default_chrome(lang)
    renderer = BodyRenderer(guide, translation, facts, source_facts, target, proof, findings, block_ids, images)
    meta_id = {key: renderer.block_id(message) for key, message in guide.meta_messages.items()}  # document order
    # The title's note follows the heading: the running header repeats the heading's whole content.
    meta = {key: renderer.message_html(message, with_note=key != "title")
            for key, message in guide.meta_messages.items()}
    title_note = renderer.note(guide.meta_messages.get("title"))
    plain = {key: unicodedata.normalize("NFC", parse_plain(translation.resolve(message).text))
             for key, message in guide.meta_messages.items()}
    body = renderer.blocks(guide.blocks)
    footnotes = renderer.footnotes()
    unplaced = renderer.unplaced()
    if unplaced:  # a proof's findings that belong to no block head the guide
        items = Markup("\n").join(Markup("<li>{}</li>").format(str(f)) for f in unplaced)
        body = Markup('<aside class="proof-findings" lang="{}" dir="ltr">\n<p>Check findings not shown at a block:'
                      '</p>\n<ul>\n{}\n</ul>\n</aside>\n{}').format(source_facts.bcp47, items, body)
    date = guide.meta.get("date")
    partial = notices and translation.lang != source_facts.code and bool(renderer.fallbacks)
    follows_text = None
    if notices and follows and follows.get("date"):
        follows_text = {"date": format_guide_date(dt.date.fromisoformat(follows["date"]), facts),
                        "language": facts.babel.languages.get(source_facts.babel.language, source_facts.code)}
    pdf_size = None
    if links.pdf_href and links.pdf_bytes is not None:
        pdf_size = size_text(facts, links.pdf_bytes)
    template = jinja_env().get_template("page.html.j2")
    html = template.render(
        target=target, lang_tag=facts.bcp47, dir=facts.direction, facts=facts, css=Markup(css),
        meta=meta, meta_id=meta_id, plain=plain, body=body, toc=renderer.toc, footnotes=footnotes,
        version=__version__, guide_version=guide.meta.get("version"),
        date_text=format_guide_date(date, facts) if isinstance(date, dt.date) else None,
        date_iso=date.isoformat() if isinstance(date, dt.date) else None,
        license=guide.meta.get("license"), contact=guide.meta.get("contact"),
        languages=links.languages, pdf_href=links.pdf_href, pdf_size=pdf_size, edition=edition, card=card,
        logo=logo, title_note=title_note,
        extras=[{"kind": e.kind, "href": e.href, "type": e.type, "size": size_text(facts, e.bytes),
                 "label": e.label}
                for e in links.extras],
        digits=facts.digits, _=chrome.text, has=chrome.has, source_tag=source_facts.bcp47,
        source_dir=source_facts.direction, partial=partial, follows=follows_text,
    )
    return html, renderer


# The stylesheet element of a page rendered without CSS (page.html.j2), the first in the page.
EMPTY_STYLE = "<style>\n\n</style>"


def restyle(draft: str, css: str) -> str:
    """A page rendered with css="" given its stylesheet: what render_page makes with css, without rendering again."""
    if EMPTY_STYLE not in draft:
        raise ValueError("restyle needs a page rendered without a stylesheet")
    return draft.replace(EMPTY_STYLE, f"<style>\n{css}\n</style>", 1)


def parse_plain(text: str) -> str:
    """Message text without markup, for <title> and metadata."""
    from .inline import plain

    return plain(text)
