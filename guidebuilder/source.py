"""Read a guide: Markdown with YAML front matter, into blocks that carry messages.

Every message keeps the ``guides/<slug>/guide.md:LINE`` it came from, so catalog
entries, check findings and errors can point back at the source.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .catalogs import printable
from .config import guide_slugs  # noqa: F401  (re-exported)
from .errors import SourceError
from .inline import MarkupError, escape, parse, signature

FRONT_MATTER_KEYS = ("title", "subtitle", "summary", "organization", "version", "date", "license", "contact",
                     "formats")
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
    children: list[Block] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)  # what each kind needs: a heading's level, a table's rows


@dataclass
class Guide:
    """A parsed guide with its front matter, body and footnotes."""

    slug: str
    src_path: str  # relative to the project, e.g. guides/<slug>/guide.md
    abs_dir: Path
    meta: dict[str, Any]  # front matter, values as YAML gives them (a date is a datetime.date)
    meta_messages: dict[str, Message]
    blocks: list[Block]
    footnotes: list[tuple[str, list[Block]]]

    @property
    def formats(self) -> tuple[str, ...]:
        """The output kinds the guide asks for besides its PDF and web page (front matter formats:)."""
        return tuple(self.meta.get("formats", ()))

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
    links = (sorted({int(k.split(":")[1]) for k in signature(parse(text)) if k.startswith("link:")})
             if "link" in kinds else [])
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
            text = inner.pop(0).message if inner and inner[0].kind == "paragraph" else None
            if text is not None:  # the item's text is its first paragraph
                text.comment = text.comment.replace("Paragraph", label, 1)
                text.comment = text.comment.replace(f"{where[:1].upper()}{where[1:]}paragraph", label, 1)
            return Block("item", text, children=inner)
        if kind == "table_open":
            return self.table(token)
        if kind == f"container_{CALLOUT}_open":
            title_text = token.info.strip()[len(CALLOUT):].strip()
            title = None
            if title_text:
                title = Message(escape(title_text), self.line(token), Role.CALLOUT_TITLE.comment,
                                role=Role.CALLOUT_TITLE)
            self.pos += 1
            body = self.blocks(until=f"container_{CALLOUT}_close", where="callout box ")
            return Block("callout", title, children=body)
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
        header: list[Message | None] = []  # None: an empty cell
        rows: list[list[Message | None]] = []
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


MAX_GUIDE_BYTES = 4 * 1024 * 1024  # a guide is tens of KB; more is the wrong file
MAX_FIELD_CHARS = 64 * 1024  # one line or front-matter value; bounds the parsers' work per field
MAX_PROBLEMS = 20  # per file: enough to fix a batch, never a wall of text
# C0 controls (tab, newline, carriage return aside), DEL and C1 controls: invisible in an editor,
# undefined in a PDF, and refused by YAML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_WORD_BREAK = re.compile(r"[\s\]]")
MAX_FOOTNOTE_OPENERS = 8  # in one word; a real line has one per [^label]


class SourceErrors(SourceError):
    """Several problems in one guide; each keeps its own path:line."""

    def __init__(self, errors: list[SourceError]):
        super().__init__("\n".join(e.message for e in errors), errors[0].path, errors[0].line)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def _raise_all(problems: list[SourceError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise SourceErrors(problems[:MAX_PROBLEMS])


# PyYAML ships no type information, so to mypy its SafeLoader is Any.
class _FrontMatterLoader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that leaves dates as text, so a bad date is our message, not a constructor's ValueError."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _shown(value: object, limit: int = 60) -> str:
    """A value quoted for a message, cut short so one message stays one readable line."""
    text = printable(str(value).replace("\n", " "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _yaml_problem(exc: Exception, content: str, first_line: int) -> tuple[str, int]:
    """What a YAML error means for a front-matter author, and the guide line it is on."""
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    problem = printable(getattr(exc, "problem", None) or "unreadable YAML")
    if problem == "could not find expected ':'" and context is not None:
        # PyYAML notices the missing colon on the next line; the culprit is where the key started.
        text = content.splitlines()[context.line] if context.line < len(content.splitlines()) else ""
        return (f"front matter line '{_shown(text.strip())}' has no ':'; write it as key: value",
                first_line + context.line)
    line = first_line + mark.line if mark is not None else first_line
    return f"front matter is not valid YAML ({problem}); fix the YAML between the --- lines", line


def _date(value: object) -> dt.date:
    """A front-matter date: YYYY-MM-DD, optionally with a time; raises ValueError with the reason."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(text):
        raise ValueError("not an ISO date")
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text.replace(" ", "T", 1))


def _formats(value: object, line: int, problem: Callable[[str, int], None]) -> tuple[str, ...]:
    """The output kinds a guide asks for besides its PDF and web page (front matter `formats: [...]`)."""
    from .outputs import KINDS

    if isinstance(value, str):
        problem(f"formats must be a list, e.g. formats: [{_shown(value)}]", line)
        return ()
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        problem(f"formats must be a list of output kinds, e.g. formats: [wallet-card, text], not {_shown(value)}",
                line)
        return ()
    for name in value:
        if name not in KINDS:
            problem(f"unknown output kind '{_shown(name)}'; known kinds: {', '.join(KINDS)}", line)
            return ()
    return tuple(dict.fromkeys(value))


def _front_matter(token: Token, src_path: str) -> tuple[dict[str, Any], dict[str, Message]]:
    """Parse YAML front matter, keeping each field's line; every problem is reported, then one raise."""
    first_line = (token.map[0] + 2) if token.map else 2  # the line after the opening ---
    content = token.content

    def problem(message: str, line: int) -> None:
        problems.append(SourceError(message, src_path, line))

    problems: list[SourceError] = []
    try:
        loader = _FrontMatterLoader(content)
        try:
            node = loader.get_single_node()
            pairs = []
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    line = first_line + key_node.start_mark.line
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        problem("merge keys (<<) are not supported in front matter; write each key on its own line",
                                line)
                        continue
                    if not isinstance(key_node, yaml.ScalarNode):
                        problem("front matter keys must be plain words such as title:", line)
                        continue
                    pairs.append((loader.construct_object(key_node, deep=True), line,
                                  loader.construct_object(value_node, deep=True)))
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        message, line = _yaml_problem(exc, content, first_line)
        raise SourceError(message, src_path, line) from exc
    except (ValueError, TypeError, OverflowError) as exc:  # an explicit !!tag the constructor refuses
        raise SourceError(f"front matter holds a value YAML cannot build ({exc}); remove the !! tag",
                          src_path, first_line) from exc
    except RecursionError as exc:
        raise SourceError("front matter is nested too deeply; use plain key: value lines", src_path,
                          first_line) from exc
    if not isinstance(node, yaml.MappingNode):
        raise SourceError("front matter must be a YAML mapping of key: value lines", src_path, first_line)

    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key, line, value in pairs:
        if not isinstance(key, str) or key not in FRONT_MATTER_KEYS:
            problem(f"unknown front matter key '{_shown(key)}'; known keys: {', '.join(FRONT_MATTER_KEYS)}", line)
            continue
        if key in lines:
            problem(f"'{key}' is set twice (lines {lines[key]} and {line}); keep one", line)
            continue
        data[key], lines[key] = value, line
    for key, value in data.items():
        line = lines[key]
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            problem(f"'{key}' is {len(value) // 1024} KB, over the {MAX_FIELD_CHARS // 1024} KB limit for one "
                    "value; shorten it", line)
        elif key == "version" and value is not None:
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                problem(f"version must be text in quotes, e.g. version: \"{_shown(value)}\"", line)
        elif key == "formats":
            data[key] = _formats(value, line, problem)
        elif key == "date" and value is not None:
            try:
                data[key] = _date(value)
            except ValueError as exc:
                reason = "" if str(exc) == "not an ISO date" else f" ({exc})"
                kind = "not an ISO date" if not reason else "not a real date"
                problem(f"date '{_shown(value)}' is {kind}{reason}; write it as YYYY-MM-DD, e.g. 2026-11-01",
                        line)
        elif value is None or (isinstance(value, str) and not value.strip()):
            problem(f"'{key}' is empty; write a value after '{key}:'"
                    + ("" if key in REQUIRED_KEYS else " or delete the line"), line)
        elif not isinstance(value, str):
            problem(f"'{key}' must be text, not {_shown(value)}; put it in quotes", line)
    for key in REQUIRED_KEYS:
        if key not in data:
            problem(f"front matter needs a '{key}'; add a line '{key}: ...'", first_line - 1)
    problems.sort(key=lambda error: error.line or 0)
    _raise_all(problems)
    messages = {}
    for key in TRANSLATABLE_KEYS:
        if isinstance(data.get(key), str) and data[key].strip():
            messages[key] = Message(escape(data[key].strip()), lines[key], f"{Role.FRONT_MATTER.comment}: {key}",
                                    role=Role.FRONT_MATTER)
    return data, messages


def _text_problems(text: str, src_path: str) -> list[SourceError]:
    """Characters and line lengths no later stage should have to cope with."""
    problems: list[SourceError] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_FIELD_CHARS:
            problems.append(SourceError(f"line is {len(line) // 1024} KB long, over the {MAX_FIELD_CHARS // 1024} "
                                        "KB limit for one line; split it into paragraphs", src_path, number))
        # markdown-it's footnote rule scans from every "[^" to the next space or "]": many openers in one
        # word make that quadratic (a minute for one 40 KB line), so refuse them before parsing.
        crowded = max((word.count("[^") for word in _WORD_BREAK.split(line)), default=0) if "[^" in line else 0
        if crowded > MAX_FOOTNOTE_OPENERS:
            problems.append(SourceError(f"{crowded} footnote openers '[^' without a closing ']'; write each "
                                        "footnote reference as [^label]", src_path, number))
        control = _CONTROL.search(line)
        if control:
            code = ord(control.group())
            problems.append(SourceError(f"invisible control character U+{code:04X} at column {control.start() + 1}; "
                                        "delete it", src_path, number))
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def read_guide(project_dir: Path, slug: str) -> Guide:
    """Parse guides/<slug>/guide.md of a project."""
    src_path = f"guides/{slug}/guide.md"
    abs_path = project_dir / src_path
    if not abs_path.is_file():
        raise SourceError("guide folder has no guide.md; add one or move the folder out of guides/",
                          src_path, 1)
    size = abs_path.stat().st_size
    if size > MAX_GUIDE_BYTES:
        raise SourceError(f"guide is {size // 2**20} MB, over the {MAX_GUIDE_BYTES // 2**20} MB limit; "
                          "is this the right file?", src_path, 1)
    data = abs_path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError("not valid UTF-8; save the file as UTF-8", src_path, line) from exc
    text = text.removeprefix("\ufeff")  # a byte-order mark some Windows editors add
    _raise_all(_text_problems(text, src_path))
    tokens = _markdown().parse(text)
    if not tokens or tokens[0].type != "front_matter":
        first = text.split("\n", 1)[0].rstrip()
        if first == "---":
            raise SourceError("front matter is not closed; add a '---' line after its last key: value line",
                              src_path, 1)
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


