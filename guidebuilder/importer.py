"""Import stage: a Word, OpenDocument, web or Markdown document into a guide's Markdown.

pandoc reads the document (its JSON syntax tree); this module writes that tree
as guide Markdown, extracts the images, and lists everything the guide format
cannot hold with its place in the document, so nothing is dropped silently.
The result is parsed with the guide reader before anything is written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from .catalogs import atomic_write
from .config import Project
from .errors import SourceError
from .source import read_guide

KINDS = {".docx": "docx", ".odt": "odt", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
KEPT_FIELDS = ("summary", "organization", "version", "license", "contact", "formats")  # a document has none of these
MAX_IMAGE_PIXELS = 2400  # longest side; a page shows an image at most about 1600 px wide
MAX_IMAGE_BYTES = 1024 * 1024
WEB_IMAGES = {"png": "png", "jpeg": "jpg", "gif": "gif", "svg": "svg", "webp": "webp"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted Office file is an OLE container, not a zip
_LINKABLE = ("http://", "https://", "mailto:", "tel:", "#")
UNTITLED = "Untitled"  # a translation without a title still reads as a guide; its title is then not aligned
NO_ALT = "Describe this image"
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Note:
    """Something of the document the guide format cannot hold, and where it is."""

    where: str
    what: str


@dataclass
class DocxFacts:
    """What pandoc does not say about a .docx: boxes, colours, page breaks, properties."""

    one_cell_boxes: list[bool] = field(default_factory=list)  # per table in document order: shaded or bordered
    notes: list[Note] = field(default_factory=list)
    date: str | None = None
    title: str | None = None
    text_boxes: list[tuple[str, str]] = field(default_factory=list)  # where, the box's text
    organization: str | None = None


@dataclass
class Converted:
    """A document written as guide Markdown, with its images and what could not be carried over."""

    markdown: str
    images: dict[str, bytes]  # file name under images/ -> bytes
    notes: list[Note]


@dataclass
class ImportResult:
    """What import did for one document."""

    guide_path: str
    status: str  # "created", "updated", "unchanged"
    diff: str
    messages: int
    images: list[str]
    notes: list[Note]


def pandoc_path() -> str:
    """The pandoc binary: the one pypandoc_binary bundles, else one on the PATH."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        found = shutil.which("pandoc")
        if found is None:
            raise SourceError("pandoc is not installed; run 'pip install pypandoc_binary' (make setup does)") from None
        return found


def document_kind(path: Path, allowed: dict[str, str] = KINDS) -> str:
    """pandoc's reader name for a file, from its extension; refuses other files."""
    kind = allowed.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(set(allowed)))
        raise SourceError(f"cannot import '{path.suffix or 'a file without extension'}' files; "
                          f"save the document as one of {known}", str(path))
    if not path.is_file():
        raise SourceError("no such file; check the path", str(path))
    return kind


def check_container(path: Path, kind: str) -> None:
    """Refuse password-protected and damaged .docx/.odt before pandoc sees them."""
    if kind not in ("docx", "odt"):
        return
    head = path.read_bytes()[:8]
    if head == _OLE_MAGIC:
        raise SourceError("the document is password-protected (encrypted); open it, remove the password "
                          "(File > Info > Protect Document), save it and import again", str(path))
    if not zipfile.is_zipfile(path):
        raise SourceError("the document is damaged (not a readable .docx/.odt file); open it in Word or "
                          "LibreOffice, save it again and import that copy", str(path))
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if kind == "odt" and "META-INF/manifest.xml" in names and \
                b"encryption-data" in archive.read("META-INF/manifest.xml"):
            raise SourceError("the document is password-protected (encrypted); open it, save it without a "
                              "password and import again", str(path))
        needed = "word/document.xml" if kind == "docx" else "content.xml"
        if needed not in names or archive.testzip() is not None:
            raise SourceError("the document is damaged (its main part is missing or broken); open it in Word "
                              "or LibreOffice, save it again and import that copy", str(path))


def read_document(path: Path, kind: str, media_dir: Path) -> dict[str, Any]:
    """pandoc's JSON syntax tree of a document; tracked changes kept as marked spans, images extracted."""
    reader = "markdown-smart" if kind == "markdown" else kind
    command = [pandoc_path(), "--from", reader, "--to", "json", f"--extract-media={media_dir}",
               f"--resource-path={path.resolve().parent}", str(path.resolve())]  # a web page's images beside it
    if kind == "docx":
        command[2] = "docx+styles"  # paragraph styles as Divs: Word's Abstract is the guide's summary
        command.insert(1, "--track-changes=all")  # insertions, deletions and comments as spans we can report
    result = subprocess.run(command, capture_output=True, cwd=media_dir.parent)
    if result.returncode != 0:
        reason = (result.stderr.decode("utf-8", "replace").strip().splitlines() or ["unknown reason"])[-1]
        raise SourceError(f"the document could not be read ({reason[:120]}); open it, save it again and import "
                          "that copy", str(path))
    tree: dict[str, Any] = json.loads(result.stdout)
    return tree


def excerpt(text: str, limit: int = 40) -> str:
    """text on one line, cut to limit characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _paragraph_text(element: ElementTree.Element) -> str:
    return "".join(node.text or "" for node in element.iter(f"{_W}t"))


def docx_facts(path: Path) -> DocxFacts:
    """Read what pandoc drops from a .docx: table shading and borders, text boxes, colours, page breaks, dates."""
    facts = DocxFacts()
    with zipfile.ZipFile(path) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml"))
        core = archive.read("docProps/core.xml") if "docProps/core.xml" in archive.namelist() else b""
        app = archive.read("docProps/app.xml") if "docProps/app.xml" in archive.namelist() else b""
    for table in body.iter(f"{_W}tbl"):
        cells = list(table.iter(f"{_W}tc"))
        shaded = any((shd.get(f"{_W}fill") or "auto").lower() not in ("auto", "ffffff")
                     for shd in table.iter(f"{_W}shd"))
        bordered = any((edge.get(f"{_W}val") or "none") not in ("none", "nil")
                       for tag in ("tblBorders", "tcBorders") for box in table.iter(f"{_W}{tag}") for edge in box)
        facts.one_cell_boxes.append(len(cells) == 1 and (shaded or bordered))
    boxes_seen: set[int] = set()
    previous = ""
    for number, paragraph in enumerate(body.iter(f"{_W}p"), start=1):
        text = _paragraph_text(paragraph)
        where = (f"paragraph {number} (\"{excerpt(text)}\")" if text.strip()
                 else f"paragraph {number} (empty, after \"{excerpt(previous)}\")")
        previous = text if text.strip() else previous
        for box in paragraph.iter(f"{_W}txbxContent"):
            if id(box) not in boxes_seen:
                boxes_seen.add(id(box))
                facts.text_boxes.append((where, " ".join(_paragraph_text(box).split())))
        in_links = {id(run) for link in paragraph.iter(f"{_W}hyperlink") for run in link.iter(f"{_W}r")}
        colours = sorted({(colour.get(f"{_W}val") or "").upper() for run in paragraph.iter(f"{_W}r")
                          if id(run) not in in_links  # Word and Google Docs colour links blue themselves
                          for colour in run.iter(f"{_W}color")} - {"", "AUTO", "000000"})
        highlights = sorted({(mark.get(f"{_W}val") or "") for mark in paragraph.iter(f"{_W}highlight")} - {"", "none"})
        if colours or highlights:
            shown = ", ".join([f"#{c}" for c in colours] + [f"highlight {h}" for h in highlights])
            facts.notes.append(Note(where, f"coloured text ({shown}): the guide prints text in one colour; use "
                                           "**bold** or a callout for emphasis"))
        if any(br.get(f"{_W}type") == "page" for br in paragraph.iter(f"{_W}br")) or \
                any(True for _ in paragraph.iter(f"{_W}pageBreakBefore")):
            facts.notes.append(Note(where, "page break: the guide flows onto pages by itself; dropped"))
    if core:
        props = ElementTree.fromstring(core)
        title = props.find("{http://purl.org/dc/elements/1.1/}title")
        if title is not None and title.text and title.text.strip():
            facts.title = " ".join(title.text.split())
        for tag in ("{http://purl.org/dc/terms/}modified", "{http://purl.org/dc/terms/}created"):
            found = props.find(tag)
            if found is not None and found.text and re.match(r"\d{4}-\d{2}-\d{2}", found.text):
                facts.date = found.text[:10]
                break
    if app:
        company = ElementTree.fromstring(app).find(
            "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Company")
        if company is not None and company.text and company.text.strip():
            facts.organization = company.text.strip()
    return facts


# --- writing pandoc's tree as guide Markdown -------------------------------------------------------------

_ESCAPE = re.compile(r"([\\`*\[\]<])")
_LINE_START = re.compile(r"^(#|>|[-+=]|:::|\d+[.)](?=\s|$))")


def _escape(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)  # intraword _ is never emphasis
    return re.sub(r"&(?=#?\w+;)", "&amp;", text)


def _plain(inlines: list[dict[str, Any]]) -> str:
    """The text of inlines without markup (titles, alt text, callout titles)."""
    parts: list[str] = []
    for node in inlines:
        kind: str = node["t"]
        content: Any = node.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Code", "Math"):
            parts.append(content[-1])
        elif kind == "Quote":
            parts.append("“" + _plain(content[1]) + "”")
        elif kind in ("Link", "Image", "Span"):
            if kind == "Span" and set(content[0][1]) & {"deletion", "comment-start"}:
                continue
            parts.append(_plain(content[1] if kind != "Span" else content[1]))
        elif kind in ("Strong", "Emph", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            parts.append(_plain(content))
        elif kind == "Cite":
            parts.append(_plain(content[1]))
    return " ".join("".join(parts).split())


class _Writer:
    """Walks pandoc blocks into guide Markdown lines; notes what it cannot carry over."""

    def __init__(self, boxes: list[bool], kind: str, media_dir: Path):
        self.boxes = iter(boxes)
        self.any_one_cell_is_box = kind != "docx"  # only Word says whether a one-cell table is shaded
        self.media_dir = media_dir
        self.notes: list[Note] = []
        self.footnotes: list[str] = []
        self.images: dict[str, bytes] = {}
        self.image_sources: dict[str, str] = {}
        self.section = "the beginning"
        self.counts = {"deletion": 0, "insertion": 0}

    def note(self, what: str) -> None:
        self.notes.append(Note(f"under \"{excerpt(self.section)}\"", what))

    # inlines
    def inlines(self, nodes: list[dict[str, Any]], indent: str = "") -> str:
        out: list[str] = []
        for node in nodes:
            out.append(self.inline(node, indent))
        return "".join(out)

    def wrap(self, marker: str, nodes: list[dict[str, Any]], indent: str) -> str:
        inner = self.inlines(nodes, indent)
        core = inner.strip()
        if not core:
            return inner
        lead = inner[: len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()):]
        return f"{lead}{marker}{core}{marker}{trail}"  # CommonMark emphasis cannot start or end with a space

    def inline(self, node: dict[str, Any], indent: str) -> str:
        kind: str = node["t"]
        content: Any = node.get("c")
        if kind == "Str":
            return _escape(content)
        if kind in ("Space", "SoftBreak"):
            return " "
        if kind == "LineBreak":
            return "\\\n" + indent
        if kind == "Strong":
            return self.wrap("**", content, indent)
        if kind == "Emph":
            return self.wrap("*", content, indent)
        if kind in ("Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"):
            self.note(f"{kind.lower()} (\"{excerpt(_plain(content))}\"): the guide has only bold and italic; "
                      "kept as plain text")
            return self.inlines(content, indent)
        if kind == "Code":
            return f"`{content[1].replace('`', '')}`"
        if kind == "Quote":
            opening, closing = ("“", "”") if content[0]["t"] == "DoubleQuote" else ("‘", "’")
            return opening + self.inlines(content[1], indent) + closing
        if kind == "Cite":
            return self.inlines(content[1], indent)
        if kind == "Link":
            text = self.inlines(content[1], indent)
            target = content[2][0]
            if not target.lower().startswith(_LINKABLE):
                self.note(f"link to '{excerpt(target, 60)}': only https://, mailto: and tel: links are allowed; "
                          "kept as plain text")
                return text
            if not text.strip():
                text = _escape(target)
            return f"[{text}]({target.replace(' ', '%20').replace(')', '%29')})"
        if kind == "Image":
            self.note(f"image in running text (\"{excerpt(_plain(content[1]))}\"): a guide image stands alone; "
                      "moved after its paragraph")
            self.pending_images.append(node)
            return ""
        if kind == "Note":
            label = str(len(self.footnotes) + 1)
            self.footnotes.append("")  # reserve the number: notes may nest references
            paragraphs = [self.inline_blocks(content, "")]
            if len(content) > 1:
                self.note(f"footnote {label} has {len(content)} paragraphs; a guide footnote holds one, so they "
                          "are joined")
            self.footnotes[int(label) - 1] = " ".join(p for p in paragraphs if p)
            return f"[^{label}]"
        if kind == "Math":
            self.note(f"equation ({excerpt(content[1], 60)}): the guide cannot typeset equations; kept as its "
                      "source text in `code`")
            return f"`{content[1].replace('`', '')}`"
        if kind == "RawInline":
            self.note(f"raw {content[0]} (\"{excerpt(content[1])}\") cannot be carried over; dropped")
            return ""
        if kind == "Span":
            classes = content[0][1]
            attrs = dict(content[0][2])
            if "comment-start" in classes:
                author = attrs.get("author", "someone")
                self.note(f"comment by {author} (\"{excerpt(_plain(content[1]), 60)}\"): comments are not "
                          "imported; resolve it in the document")
                return ""
            if "comment-end" in classes:
                return ""
            if "deletion" in classes:
                self.counts["deletion"] += 1
                self.note(f"tracked deletion (\"{excerpt(_plain(content[1]))}\"): accepted (left out)")
                return ""
            if "insertion" in classes:
                self.counts["insertion"] += 1
                self.note(f"tracked insertion (\"{excerpt(_plain(content[1]))}\"): accepted (kept)")
            if "color" in attrs.get("style", ""):
                self.note(f"coloured text (\"{excerpt(_plain(content[1]))}\"): the guide prints text in one "
                          "colour; use **bold** or a callout for emphasis")
            return self.inlines(content[1], indent)
        return ""

    def inline_blocks(self, blocks: list[dict[str, Any]], indent: str) -> str:
        """Blocks flattened to one line of inline text (a table cell, a footnote)."""
        parts = []
        for block in blocks:
            if block["t"] in ("Para", "Plain"):
                parts.append(self.inlines(block["c"], indent).strip())
            elif block["t"] in ("BulletList", "OrderedList"):
                items = block["c"] if block["t"] == "BulletList" else block["c"][1]
                self.note("a list inside a table cell or footnote: joined into one line")
                parts.extend(self.inline_blocks(item, indent) for item in items)
            else:
                parts.append(self.inline_blocks(block["c"][1], indent) if block["t"] == "Div" else "")
        return " ".join(p for p in parts if p)

    # blocks
    def blocks(self, nodes: list[dict[str, Any]], indent: str = "") -> list[str]:
        """Each block as its Markdown text (lines joined, continuation lines indented)."""
        out: list[str] = []
        for node in _unwrap(nodes):
            self.pending_images: list[dict[str, Any]] = []
            text = self.block(node, indent)
            if text is not None:
                out.append(text)
            for image in self.pending_images:
                out.append(self.image(image))
        return out

    def image(self, node: dict[str, Any]) -> str:
        alt = _escape(_plain(node["c"][1]))
        source = node["c"][2][0]
        name = self.store_image(Path(source))
        if not alt:
            alt = NO_ALT
            self.note(f"image images/{name} has no description (alt text); write what it shows in guide.md")
        return f"![{alt}](images/{name})"

    def store_image(self, source: Path) -> str:
        path = source if source.is_absolute() else self.media_dir.parent / source
        if str(path) in self.image_sources:
            return self.image_sources[str(path)]
        data = path.read_bytes() if path.is_file() else b""
        kind = image_kind(data)
        where = f"under \"{excerpt(self.section)}\""
        if kind in ("emf", "wmf"):
            raise SourceError(f"image {source.name} ({where}) is {kind.upper()}, which web pages and PDFs cannot "
                              "show; in Word right-click it, Save as Picture as PNG, insert that and import again")
        if kind is None:
            raise SourceError(f"image {source.name} ({where}) is in a format the guide cannot show; insert it "
                              "as PNG, JPEG or SVG and import again")
        if kind not in WEB_IMAGES:
            data = _to_png(data)
            self.note(f"image {source.name} was {kind.upper()}; converted to PNG")
            kind = "png"
        name = f"{source.stem}.{WEB_IMAGES[kind]}"
        while name in self.images:
            name = f"{Path(name).stem}-1.{WEB_IMAGES[kind]}"
        self.images[name] = data
        self.image_sources[str(path)] = name
        if kind != "svg":
            width, height = _raster_size(data)
            if max(width, height) > MAX_IMAGE_PIXELS or len(data) > MAX_IMAGE_BYTES:
                self.notes.append(Note(where, f"image images/{name} is {width} x {height} px "
                                              f"({len(data) / 2**20:.1f} MB): over {MAX_IMAGE_PIXELS} px or 1 MB, "
                                              "it makes the PDF and page heavy; scale it down"))
        return name

    def block(self, node: dict[str, Any], indent: str) -> str | None:
        kind: str = node["t"]
        content: Any = node.get("c")
        if kind == "Header":
            if not _plain(content[2]):
                return None  # an empty heading paragraph (Google Docs leaves them)
            self.section = _plain(content[2])
            return "#" * int(content[0]) + " " + self.inlines(content[2], indent).strip()
        if kind in ("Para", "Plain"):
            if len(content) == 1 and content[0]["t"] == "Image":
                return self.image(content[0])
            text = self.inlines(content, indent).strip()
            if not text:
                return None
            return ("\\" + text) if _LINE_START.match(text) else text
        if kind == "Figure":
            parts = self.blocks(content[2], indent)
            caption = self.inline_blocks(content[1][1], indent)
            alts = {_escape(_plain(image["c"][1])) for block in content[2] for image in _images_in(block)}
            keep = caption and caption not in alts  # pandoc repeats the alt text as the caption
            return "\n\n".join(parts + ([caption] if keep else [])) or None
        if kind in ("BulletList", "OrderedList"):
            return self.bullets(node, indent)
        if kind == "Table":
            return self.table(content, indent)
        if kind == "Div":
            if "callout" in content[0][1]:
                title = dict(content[0][2]).get("title", "")
                return self.callout(title, content[1], indent)
            return "\n\n".join(self.blocks(content[1], indent)) or None
        if kind == "BlockQuote":
            self.note("block quote: the guide has no quotations; kept as ordinary paragraphs")
            return "\n\n".join(self.blocks(content, indent)) or None
        if kind == "LineBlock":
            return ("\\\n" + indent).join(self.inlines(line, indent) for line in content)
        if kind == "CodeBlock":
            return "```\n" + str(content[1]) + "\n```"
        if kind == "HorizontalRule":
            return "* * *"
        if kind == "DefinitionList":
            self.note("definition list: written as a bold term and its paragraphs")
            parts = []
            for term, definitions in content:
                parts.append(self.wrap("**", term, indent))
                for definition in definitions:
                    parts.extend(self.blocks(definition, indent))
            return "\n\n".join(parts)
        if kind == "RawBlock":
            self.note(f"raw {content[0]} (\"{excerpt(content[1])}\") cannot be carried over; dropped")
            return None
        return None

    def bullets(self, node: dict[str, Any], indent: str) -> str | None:
        ordered = node["t"] == "OrderedList"
        items = node["c"][1] if ordered else node["c"]
        start = node["c"][0][0] if ordered else 1
        lines: list[str] = []
        for number, item in enumerate(items, start=start):
            marker = f"{number}. " if ordered else "- "
            inner = indent + " " * len(marker)
            parts = self.blocks(item, inner)
            if not parts:
                continue
            text = parts[0]
            for part in parts[1:]:
                text += ("\n" if part.lstrip().startswith(("- ", *[f"{n}." for n in range(10)])) else "\n\n")
                text += inner + part
            lines.append(indent + marker + text if lines else marker + text)
        return ("\n" + "").join(lines) if lines else None

    def table(self, content: list[Any], indent: str) -> str | None:
        head, bodies = content[3], content[4]
        rows = [row[1] for row in head[1]]
        for body in bodies:
            rows.extend(row[1] for row in body[2] + body[3])
        is_box = next(self.boxes, False)
        cells = [cell for row in rows for cell in row]
        if len(cells) == 1 and (is_box or self.any_one_cell_is_box):
            blocks = _unwrap(cells[0][4])
            title = ""
            first = blocks[0] if blocks else None
            if first and first["t"] in ("Para", "Plain") and len(first["c"]) == 1 and first["c"][0]["t"] == "Strong" \
                    and len(_plain(first["c"])) <= 80:
                title = _plain(first["c"])
                blocks = blocks[1:]
            return self.callout(title, blocks, indent)
        if not rows:
            return None
        width = max(len(row) for row in rows)
        grid = []
        for row in rows:
            line = []
            for cell in row:
                if cell[2] > 1 or cell[3] > 1:
                    self.note("merged table cells: the guide's tables have one cell per column; the text is kept "
                              "in the first cell")
                for block in cell[4]:
                    for image in _images_in(block):
                        self.note("image in a table cell: moved after the table")
                        self.pending_images.append(image)
                line.append(self.inline_blocks(cell[4], indent).replace("|", "\\|").replace("\\\n", " "))
            grid.append(line + [""] * (width - len(line)))
        if not head[1]:
            self.note("table without a header row: its first row is used as the header")
        out = ["| " + " | ".join(grid[0]) + " |", "|" + " --- |" * width]
        out += ["| " + " | ".join(row) + " |" for row in grid[1:]]
        return ("\n" + indent).join(out)

    def callout(self, title: str, blocks: list[dict[str, Any]], indent: str) -> str:
        body = self.blocks(blocks, indent)
        opener = "::: callout" + (f" {' '.join(title.split())}" if title else "")
        return opener + "\n" + ("\n\n" + indent).join(body) + "\n" + indent + ":::"


_LISTS = ("BulletList", "OrderedList")
_LIST_STYLE = re.compile(r"List(?: Bullet| Number| Continue)? ([2-9])$")


def _items(block: dict[str, Any]) -> list[list[dict[str, Any]]]:
    items: list[list[dict[str, Any]]] = block["c"] if block["t"] == "BulletList" else block["c"][1]
    return items


def _list_level(block: dict[str, Any]) -> int:
    """The depth Word's "List Bullet 2" style gives a list (pandoc reads it as a list of its own), else 1."""
    if block["t"] not in _LISTS or not _items(block) or not _items(block)[0]:
        return 0
    first = _items(block)[0][0]
    style = dict(first["c"][0][2]).get("custom-style", "") if first["t"] == "Div" else ""
    match = _LIST_STYLE.match(style)
    return int(match.group(1)) if match else 1


def nest_styled_lists(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put lists styled "List Bullet 2", "List Number 3", ... inside the item above them, as Word shows them."""
    out: list[dict[str, Any]] = []
    nested: set[int] = set()  # lists that took a deeper list: the next list of their kind continues them
    for block in blocks:
        level = _list_level(block)
        if level > 1 and out and out[-1]["t"] in _LISTS:
            target = out[-1]
            nested.add(id(target))
            for _ in range(level - 2):
                last = _items(target)[-1]
                if not last or last[-1]["t"] not in _LISTS:
                    break
                target = last[-1]
            _items(target)[-1].append(block)
        elif level == 1 and out and id(out[-1]) in nested and out[-1]["t"] == block["t"]:
            _items(out[-1]).extend(_items(block))
        else:
            out.append(block)
    return out


def _unwrap(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Blocks with the Divs that only carry a paragraph style (docx+styles) opened."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        if block["t"] == "Div" and not block["c"][0][1] and "custom-style" in dict(block["c"][0][2]):
            out.extend(_unwrap(block["c"][1]))
        else:
            out.append(block)
    return out


def _images_in(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if isinstance(block, dict):
        if block.get("t") == "Image":
            yield block
        content = block.get("c")
        for value in content if isinstance(content, list) else []:
            yield from _images_in(value) if isinstance(value, dict) else _images_in_list(value)


def _images_in_list(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _images_in(item) if isinstance(item, dict) else _images_in_list(item)


def image_kind(data: bytes) -> str | None:
    """An image's format from its first bytes: png, jpeg, gif, webp, svg, emf, wmf, tiff, bmp or None."""
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data.startswith(b"GIF8"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[40:44] == b" EMF":
        return "emf"
    if data[:4] in (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00"):
        return "wmf"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"BM"):
        return "bmp"
    if b"<svg" in data[:2048]:
        return "svg"
    return None


def _to_png(data: bytes) -> bytes:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        out = io.BytesIO()
        picture.save(out, "PNG")
    return out.getvalue()


def _raster_size(data: bytes) -> tuple[int, int]:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        return picture.size


def _meta_text(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    if not value:
        return ""
    if value["t"] == "MetaInlines":
        return _plain(value["c"])
    if value["t"] == "MetaBlocks":
        return " ".join(_plain(block["c"]) for block in value["c"] if block["t"] in ("Para", "Plain"))
    if value["t"] == "MetaString":
        return str(value["c"])
    return ""


def _iso_date(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    for pattern in ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%m/%d/%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def convert(tree: dict[str, Any], kind: str, media_dir: Path, facts: DocxFacts | None, where: str,
            translation: bool = False) -> Converted:
    """pandoc's tree as a guide: front matter, body with headings from level 1, footnotes, images.

    A translation may have no headings and no title: its title is then left empty.
    """
    meta = tree.get("meta", {})
    blocks = []
    for block in tree["blocks"]:  # pandoc's docx writer and Word's templates put the summary in Abstract
        if block["t"] == "Div" and block["c"][0][0] == "title-block-header":
            continue  # a page pandoc wrote repeats its title, subtitle and date, which meta already has
        style = dict(block["c"][0][2]).get("custom-style") if block["t"] == "Div" else None
        if style == "Abstract" and "abstract" not in meta:
            meta["abstract"] = {"t": "MetaBlocks", "c": block["c"][1]}
        elif style not in ("Abstract", "Abstract Title"):
            blocks.append(block)
    headings = [b for b in blocks if b["t"] == "Header"]
    if not headings and not translation:
        raise SourceError("the document has no headings, so it cannot be split into sections; give the section "
                          "titles a Heading 1 / Heading 2 style (in Word: Home > Styles) and import again", where)
    title = _meta_text(meta, "title") or (facts.title if facts else None) or ""
    if not title and headings:  # the first heading names the guide
        title = _plain(headings[0]["c"][2])
        blocks.remove(headings[0])
    elif blocks and blocks[0]["t"] == "Header" and _plain(blocks[0]["c"][2]) == title:
        blocks.pop(0)
    blocks = nest_styled_lists(blocks)
    levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
    shift = min(levels) - 1 if levels else 0
    for block in blocks:  # heading levels from 1, whatever style the document started at
        if block["t"] == "Header":
            block["c"][0] -= shift
    writer = _Writer(facts.one_cell_boxes if facts else [], kind, media_dir)
    body = writer.blocks(blocks)
    front: dict[str, str] = {"title": title or UNTITLED}
    for key, meta_key in (("subtitle", "subtitle"), ("summary", "abstract")):
        value = _meta_text(meta, meta_key)
        if value:
            front[key] = value
    if facts and facts.organization:
        front["organization"] = facts.organization
    date = _iso_date(_meta_text(meta, "date")) or (facts.date if facts else None)
    if date:
        front["date"] = date
    lines = [front_matter(front), *body]
    if writer.footnotes:
        lines.append("\n".join(f"[^{n}]: {text}" for n, text in enumerate(writer.footnotes, start=1)))
    markdown = "\n\n".join(lines) + "\n"
    notes = (facts.notes if facts else []) + writer.notes
    for box_where, box_text in facts.text_boxes if facts else []:
        # pandoc reads some text boxes (DrawingML) into the text and skips others (VML): say which happened.
        if box_text and " ".join(_escape(box_text).split()) in " ".join(markdown.split()):
            notes.append(Note(box_where, f"text box (\"{excerpt(box_text)}\"): its text is imported as an "
                                         "ordinary paragraph; move it where it belongs"))
        elif box_text:
            notes.append(Note(box_where, f"text box not imported: copy its text into guide.md: \"{box_text}\""))
    return Converted(markdown, writer.images, notes)


def front_matter(fields: dict[str, Any]) -> str:
    """YAML front matter: text in double quotes (JSON escapes are YAML's), dates bare."""
    lines = ["---"]
    for key, value in fields.items():
        if key == "date":
            lines.append(f"date: {value}")
        elif key == "formats":
            lines.append(f"formats: [{', '.join(value)}]")
        else:
            lines.append(f"{key}: {json.dumps(str(value), ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines)


def _keep_fields(converted: Converted, old: dict[str, Any]) -> str:
    """The new Markdown with front-matter fields a document cannot carry taken from the guide it replaces."""
    head, _, rest = converted.markdown.partition("\n---\n")
    import yaml

    fields: dict[str, Any] = yaml.safe_load(head.removeprefix("---\n")) or {}
    for key in KEPT_FIELDS:
        if key in old and key not in fields:
            value = old[key]
            fields[key] = list(value) if key == "formats" else value
    order = ("title", "subtitle", "summary", "organization", "version", "date", "license", "contact", "formats")
    ordered = {key: fields[key] for key in order if key in fields}
    if "date" in ordered:
        ordered["date"] = str(ordered["date"])
    return front_matter(ordered) + "\n" + rest


def stage_document(path: Path, staging: Path, translation: bool = False) -> Converted:
    """Read and convert a document inside a scratch folder."""
    kind = document_kind(path)
    check_container(path, kind)
    media = staging / "media"
    tree = read_document(path, kind, media)
    facts = docx_facts(path) if kind == "docx" else None
    try:
        return convert(tree, kind, media, facts, str(path), translation)
    except SourceError as exc:
        exc.path = exc.path or str(path)
        raise


def import_document(project: Project, path: Path, slug: str, write: bool = True) -> ImportResult:
    """Import a document as guides/<slug>/guide.md and its images; nothing is written if anything fails."""
    if not SLUG_RE.fullmatch(slug):
        raise SourceError(f"'{slug}' cannot name a guide; use lowercase letters, digits and hyphens, e.g. "
                          "responding-to-hate")
    guide_dir = project.guides_dir / slug
    guide_file = guide_dir / "guide.md"
    rel = project.rel(guide_file)
    with tempfile.TemporaryDirectory(prefix="guidebuilder-import-") as tmp:
        staging = Path(tmp)
        converted = stage_document(path, staging)
        old_text = guide_file.read_text(encoding="utf-8") if guide_file.is_file() else None
        markdown = converted.markdown
        if old_text is not None:
            try:
                markdown = _keep_fields(converted, read_guide(project.root, slug).meta)
            except SourceError:
                pass  # the guide it replaces does not parse: nothing to keep
        check_dir = staging / "project" / "guides" / slug
        (check_dir / "images").mkdir(parents=True)
        if guide_dir.is_dir():
            for existing in guide_dir.rglob("*"):
                if existing.is_file() and existing.name != "guide.md":
                    target = check_dir / existing.relative_to(guide_dir)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(existing, target)
        for name, data in converted.images.items():
            (check_dir / "images" / name).write_bytes(data)
        (check_dir / "guide.md").write_text(markdown, encoding="utf-8")
        try:
            guide = read_guide(staging / "project", slug)
        except SourceError as exc:
            raise SourceError(f"the imported guide does not read back ({exc}); please report this document",
                              str(path)) from exc
    diff = "".join(difflib.unified_diff((old_text or "").splitlines(keepends=True), markdown.splitlines(keepends=True),
                                        f"a/{rel}", f"b/{rel}"))
    status = "created" if old_text is None else ("unchanged" if old_text == markdown else "updated")
    if write:
        for name, data in sorted(converted.images.items()):
            target = guide_dir / "images" / name
            if not target.is_file() or target.read_bytes() != data:
                atomic_write(target, data)
        if status != "unchanged":
            atomic_write(guide_file, markdown.encode("utf-8"))
    from .extract import build_template

    messages = len(build_template(guide, ""))  # as extract will count them: identical texts share one
    return ImportResult(rel, status, diff, messages, sorted(converted.images), converted.notes)
