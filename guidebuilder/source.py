"""Read a guide: Markdown with YAML front matter, into blocks that carry messages.

Every message keeps the ``guides/<slug>/guide.md:LINE`` it came from, so catalog
entries, check findings and errors can point back at the source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .config import guide_slugs  # noqa: F401  (re-exported)
from .errors import SourceError
from .inline import MarkupError, escape, parse, signature

FRONT_MATTER_KEYS = ("title", "subtitle", "summary", "organization", "version", "date", "license", "contact")
TRANSLATABLE_KEYS = ("title", "subtitle", "summary", "organization")
REQUIRED_KEYS = ("title",)
CALLOUT = "callout"


class Role(Enum):
    """What a message is in the guide; identical texts of different roles may need different translations.

    The value is the catalog's msgctxt when texts of two roles collide; comment
    starts the translator comment of a message of that role.
    """

    TEXT = ("text", "Paragraph")
    HEADING = ("heading", "Heading")
    TABLE_HEADER = ("table header", "Table header")
    TABLE_CELL = ("table cell", "Table cell")
    ALT_TEXT = ("alt text", "Image description (alt text)")
    FRONT_MATTER = ("front matter", "Front matter")
    CALLOUT_TITLE = ("callout title", "Callout box title")

    def __init__(self, context: str, comment: str):
        self.context = context
        self.comment = comment


@dataclass
class Message:
    """One translatable unit: the msgid, where it came from and what it is."""

    text: str
    line: int
    comment: str
    links: list[str] = field(default_factory=list)
    context: str | None = None
    role: Role = Role.TEXT


@dataclass
class Block:
    """A node of the guide's body. kind: heading, paragraph, list, item, table, callout, image."""

    kind: str
    message: Message | None = None
    children: list["Block"] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)


@dataclass
class Guide:
    """A parsed guide with its front matter, body and footnotes."""

    slug: str
    src_path: str  # relative to the project, e.g. guides/<slug>/guide.md
    abs_dir: Path
    meta: dict
    meta_messages: dict[str, Message]
    blocks: list[Block]
    footnotes: list[tuple[str, list[Block]]]

    def messages(self) -> list[Message]:
        """Every message in document order: front matter, body, footnotes."""
        found = list(self.meta_messages.values())

        def walk(blocks: list[Block]) -> None:
            for block in blocks:
                if block.message is not None:
                    found.append(block.message)
                if block.kind == "table":
                    for row in [block.attrs["header"], *block.attrs["rows"]]:
                        found.extend(cell for cell in row if cell is not None)
                walk(block.children)

        walk(self.blocks)
        for _label, blocks in self.footnotes:
            walk(blocks)
        return found


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return md.use(front_matter_plugin).use(footnote_plugin).use(container_plugin, CALLOUT)


def _inline_message(token: Token, line: int, comment: str, role: Role = Role.TEXT) -> Message:
    """Serialise an inline token's children into the msgid form of guidebuilder.inline."""
    parts: list[str] = []
    links: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            parts.append(escape(child.content))
        elif kind in ("softbreak",):
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")  # rendered as <br>
        elif kind in ("strong_open", "strong_close"):
            parts.append("**")
        elif kind in ("em_open", "em_close"):
            parts.append("*")
        elif kind == "code_inline":
            parts.append(f"`{child.content}`")
        elif kind == "link_open":
            links.append(_safe_href(str(child.attrGet("href") or ""), line))
            parts.append("[")
        elif kind == "link_close":
            parts.append(f"]{{{len(links)}}}")
        elif kind == "footnote_ref":
            if "label" not in child.meta:
                raise SourceError("inline footnotes ^[...] are not supported; write [^1] and a '[^1]: ...' line",
                                  line=line)
            parts.append(f"[^{child.meta['label']}]")
        elif kind == "image":
            raise SourceError("images must stand alone in their own paragraph", line=line)
        else:
            parts.append(escape(child.content))
    text = "".join(parts).strip()
    return Message(text=text, line=line, comment=translator_comment(comment, text), links=links, role=role)


def translator_comment(what: str, text: str) -> str:
    """The #. comment: what the block is, and which markers the translation must keep."""
    notes = [what]
    try:
        kinds = {kind.split(":")[0] for kind in signature(parse(text))}
    except MarkupError:
        kinds = set()
    links = sorted({int(k.split(":")[1]) for k in signature(parse(text)) if k.startswith("link:")}) if "link" in kinds else []
    if links:
        markers = " ".join(f"[…]{{{n}}}" for n in links)
        notes.append(f"Link text: keep the {markers} markers around the words that link")
    styles = [label for kind, label in (("strong", "**bold**"), ("em", "*italic*")) if kind in kinds]
    if styles:
        notes.append(f"Keep the {' and '.join(styles)} markers around the matching words")
    if "footnote" in kinds:
        notes.append("Keep the footnote marker [^…] where the note belongs")
    return ". ".join(notes)



LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:", "#")


def _safe_href(href: str, line: int) -> str:
    """Link targets a reader can follow safely: web, mail, phone, or a place in the page."""
    if not href.lower().startswith(LINK_SCHEMES):
        raise SourceError(f"link target '{href}' is not allowed; use an https://, mailto: or tel: address",
                          line=line)
    return href


def _safe_image(src: str, guide_dir: Path, src_path: str, line: int) -> str:
    """An image path inside the guide's folder, normalized (no "..") so outputs stay in place too."""
    src = unquote(src)  # markdown-it percent-encodes spaces and non-ASCII names
    folder = guide_dir.resolve()
    target = (folder / src).resolve()
    if "://" in src or src.startswith(("/", "data:", "file:")) or folder not in target.parents:
        raise SourceError(f"image '{src}' is outside the guide folder; put images in "
                          f"{Path(src_path).parent.as_posix()}/images/", src_path, line)
    if not target.is_file():
        raise SourceError(f"image '{src}' does not exist", src_path, line)
    return target.relative_to(folder).as_posix()


class _Reader:
    """Walks markdown-it's flat token list into nested blocks."""

    def __init__(self, tokens: list[Token], src_path: str, guide_dir: Path):
        self.tokens = tokens
        self.guide_dir = guide_dir
        self.pos = 0
        self.src_path = src_path
        self.footnotes: list[tuple[str, list[Block]]] = []

    def line(self, token: Token) -> int:
        return (token.map[0] + 1) if token.map else 0

    def blocks(self, until: str | None = None, where: str = "") -> list[Block]:
        out: list[Block] = []
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if until and token.type == until:
                self.pos += 1
                return out
            block = self.block(token, where)
            if block is not None:
                out.append(block)
        return out

    def inline_after(self, opener: Token, comment: str, role: Role = Role.TEXT) -> Message:
        """Message of the inline token that follows opener; skips to its closer."""
        inline = self.tokens[self.pos + 1]
        message = _inline_message(inline, self.line(opener) or self.line(inline), comment, role)
        self.pos += 2  # opener, inline
        while self.tokens[self.pos].type == "footnote_anchor":
            self.pos += 1
        self.pos += 1  # closer
        return message

    def block(self, token: Token, where: str) -> Block | None:
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1])
            return Block("heading", self.inline_after(token, f"{Role.HEADING.comment} level {level}", Role.HEADING),
                         attrs={"level": level})
        if kind == "paragraph_open":
            inline = self.tokens[self.pos + 1]
            children = inline.children or []
            if len(children) == 1 and children[0].type == "image":
                image = children[0]
                alt = Token("inline", "", 0, children=image.children or [])
                message = _inline_message(alt, self.line(token), Role.ALT_TEXT.comment, Role.ALT_TEXT)
                if not message.text:
                    raise SourceError("image has no description; write one for screen readers: ![what it shows](...)",
                                      self.src_path, self.line(token))
                self.pos += 3
                src = _safe_image(str(image.attrGet("src") or ""), self.guide_dir, self.src_path, self.line(token))
                return Block("image", message, attrs={"src": src})
            label = f"{where}paragraph" if where else Role.TEXT.comment
            return Block("paragraph", self.inline_after(token, label[:1].upper() + label[1:]))
        if kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = int(token.attrGet("start") or 1) if ordered else 1
            self.pos += 1
            items = self.blocks(until=kind.replace("_open", "_close"), where=where)
            return Block("list", children=items, attrs={"ordered": ordered, "start": start})
        if kind == "list_item_open":
            self.pos += 1
            label = "Numbered list item" if token.info else "Bulleted list item"
            inner = self.blocks(until="list_item_close", where=where)
            message = None
            if inner and inner[0].kind == "paragraph":
                message = inner.pop(0).message
                message.comment = message.comment.replace("Paragraph", label, 1)
                message.comment = message.comment.replace(f"{where[:1].upper()}{where[1:]}paragraph", label, 1)
            return Block("item", message, children=inner)
        if kind == "table_open":
            return self.table(token)
        if kind == f"container_{CALLOUT}_open":
            title_text = token.info.strip()[len(CALLOUT):].strip()
            title = None
            if title_text:
                title = Message(escape(title_text), self.line(token), Role.CALLOUT_TITLE.comment,
                                role=Role.CALLOUT_TITLE)
            self.pos += 1
            children = self.blocks(until=f"container_{CALLOUT}_close", where="callout box ")
            return Block("callout", title, children=children)
        if kind == "footnote_block_open":
            self.pos += 1
            while self.tokens[self.pos].type != "footnote_block_close":
                opener = self.tokens[self.pos]
                self.pos += 1
                body = self.blocks(until="footnote_close", where="footnote ")
                for block in body:
                    if block.message and block.kind == "paragraph":
                        block.message.comment = block.message.comment.replace("Footnote paragraph", "Footnote")
                self.footnotes.append((str(opener.meta["label"]), body))
            self.pos += 1
            return None
        if kind in ("footnote_anchor", "hr", "front_matter"):
            self.pos += 1
            return Block("rule") if kind == "hr" else None
        if kind in ("code_block", "fence"):
            self.pos += 1
            return Block("code", attrs={"text": token.content})
        if kind == "html_block":
            raise SourceError("raw HTML is not allowed in guides; use Markdown", self.src_path, self.line(token))
        raise SourceError(f"unsupported Markdown construct '{kind}'", self.src_path, self.line(token))

    def table(self, opener: Token) -> Block:
        header: list[Message] = []
        rows: list[list[Message]] = []
        aligns: list[str] = []
        row_line = self.line(opener)
        in_head = False
        self.pos += 1
        while self.tokens[self.pos].type != "table_close":
            token = self.tokens[self.pos]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                row_line = self.line(token)
                if not in_head:
                    rows.append([])
            elif token.type in ("th_open", "td_open"):
                style = str(token.attrGet("style") or "")
                if in_head:
                    aligns.append(style.replace("text-align:", "").strip())
                role = Role.TABLE_HEADER if in_head else Role.TABLE_CELL
                cell = _inline_message(self.tokens[self.pos + 1], row_line, role.comment, role)
                (header if in_head else rows[-1]).append(cell if cell.text else None)  # an empty cell
                self.pos += 2
            self.pos += 1
        self.pos += 1
        return Block("table", attrs={"header": header, "rows": rows, "aligns": aligns, "line": self.line(opener)})


def _front_matter(token: Token, src_path: str) -> tuple[dict, dict[str, Message]]:
    """Parse YAML front matter, keeping each field's line."""
    first_line = (token.map[0] + 2) if token.map else 2  # the line after the opening ---
    try:
        node = yaml.compose(token.content, Loader=yaml.SafeLoader)
        data = yaml.safe_load(token.content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(f"front matter is not valid YAML ({problem}); fix the YAML between the --- lines",
                          src_path, line) from exc
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise SourceError("front matter must be a YAML mapping of key: value lines", src_path, first_line)
    lines = {key.value: first_line + key.start_mark.line for key, _value in node.value}
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            raise SourceError(f"unknown front matter key '{key}'; known keys: {', '.join(FRONT_MATTER_KEYS)}",
                              src_path, lines.get(key, first_line))
    for key in REQUIRED_KEYS:
        if not data.get(key):
            raise SourceError(f"front matter needs a '{key}'", src_path, first_line)
    if "version" in data and not isinstance(data["version"], (str, int)):
        raise SourceError(f"version must be text in quotes, e.g. version: \"{data['version']}\"", src_path,
                          lines["version"])
    if "date" in data and not isinstance(data["date"], dt.date):
        raise SourceError(f"date '{data['date']}' is not an ISO date like 2026-11-01", src_path, lines["date"])
    messages = {}
    for key in TRANSLATABLE_KEYS:
        if key in data:
            if not isinstance(data[key], str):
                raise SourceError(f"'{key}' must be text", src_path, lines[key])
            messages[key] = Message(escape(data[key].strip()), lines[key], f"{Role.FRONT_MATTER.comment}: {key}",
                                    role=Role.FRONT_MATTER)
    return data, messages


def read_guide(project_dir: Path, slug: str) -> Guide:
    """Parse guides/<slug>/guide.md of a project."""
    src_path = f"guides/{slug}/guide.md"
    abs_path = project_dir / src_path
    if not abs_path.is_file():
        raise SourceError("guide folder has no guide.md; add one or move the folder out of guides/",
                          src_path, 1)
    try:
        text = abs_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = abs_path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SourceError("not valid UTF-8; save the file as UTF-8", src_path, line) from exc
    tokens = _markdown().parse(text)
    if not tokens or tokens[0].type != "front_matter":
        raise SourceError("missing front matter; start the file with --- and a 'title:' line", src_path, 1)
    meta, meta_messages = _front_matter(tokens[0], src_path)
    reader = _Reader(tokens[1:], src_path, abs_path.parent)
    try:
        blocks = reader.blocks()
    except SourceError as exc:
        exc.path = exc.path or src_path
        raise
    for message in _all(blocks, reader.footnotes):
        if not message.text:
            raise SourceError("empty block; remove it or add text", src_path, message.line)
        try:
            parse(message.text)
        except MarkupError as exc:
            raise SourceError(f"emphasis that a translation cannot keep ({exc}); simplify the ** and * markers",
                              src_path, message.line) from exc
    return Guide(slug, src_path, abs_path.parent, meta, meta_messages, blocks, reader.footnotes)


def _all(blocks: list[Block], footnotes: list[tuple[str, list[Block]]]) -> list[Message]:
    guide = Guide("", "", Path(), {}, {}, blocks, footnotes)
    return guide.messages()


