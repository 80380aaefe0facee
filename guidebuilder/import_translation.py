"""Import an existing translation: align a translated document to its guide and fill the catalog, fuzzy."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import polib

from .align import Alignment, Unit, align, guide_units
from .catalogs import atomic_write, format_catalog, merge, read_catalog
from .config import Project
from .errors import ConfigError, SourceError
from .importer import KINDS, NO_ALT, UNTITLED, document_kind, stage_document
from .inline import plain
from .source import Guide, read_guide

TRANSLATION_KINDS = {**KINDS, ".pdf": "pdf"}
_BULLETS = "•◦▪‣–-*·"
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class TranslationImport:
    """What import-translation found and wrote."""

    po_path: str
    alignment: Alignment
    target_blocks: int
    written: int  # entries filled (fuzzy)
    kept: int  # confirmed entries left alone (no --overwrite)
    not_in_catalog: int  # aligned messages the catalog lacks (run extract and update)
    plain_only: int  # entries whose source has markup the document could not give (a PDF)

    @property
    def share(self) -> float:
        """Aligned blocks over the document's blocks."""
        return len(self.alignment.pairs) / self.target_blocks if self.target_blocks else 0.0


def _letters(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch).startswith("L"))


def pdf_units(path: Path) -> list[Unit]:
    """A PDF's text layer as blocks (poppler's own paragraph analysis); kinds guessed from bullets and type size.

    Running heads and page numbers (text repeated on three pages or more, bare numbers) are left out.
    """
    tool = shutil.which("pdftotext")
    if tool is None:
        raise SourceError("pdftotext is not installed; install poppler-utils (make setup does)", str(path))
    result = subprocess.run([tool, "-bbox-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    if result.returncode != 0:
        raise SourceError("the PDF could not be read (damaged or password-protected); save it again without a "
                          "password and import that copy", str(path))
    try:
        root = ElementTree.fromstring(result.stdout)
    except ElementTree.ParseError as exc:
        raise SourceError("the PDF's text could not be read; save it again and import that copy", str(path)) from exc
    found: list[tuple[int, str, float]] = []  # page, text, line height
    for page_number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        for block in page.iter(f"{_XHTML}block"):
            lines = [" ".join(word.text or "" for word in line.iter(f"{_XHTML}word"))
                     for line in block.iter(f"{_XHTML}line")]
            text = _join_lines([line.strip() for line in lines if line.strip()])
            first = next(block.iter(f"{_XHTML}line"), None)
            height = float(first.get("yMax", 0)) - float(first.get("yMin", 0)) if first is not None else 0.0
            if text:
                found.append((page_number, text, height))
    if sum(_letters(text) for _, text, _ in found) < 20:
        raise SourceError("the PDF has no text layer (it is a scanned image); import the Word or web version, "
                          "or run OCR on it first (e.g. ocrmypdf), then import again", str(path))
    pages_of: dict[str, set[int]] = {}
    for page_number, text, _ in found:
        pages_of.setdefault(text, set()).add(page_number)
    heights = sorted(height for _, _, height in found)
    body = heights[len(heights) // 2] if heights else 0.0
    units: list[Unit] = []
    for page_number, text, height in found:
        if len(pages_of[text]) >= 3 or not _letters(text):
            continue
        kind = "paragraph"
        if text[0] in _BULLETS and text[1:2] == " ":
            kind, text = "item", text[2:]
        elif re.match(r"\d+[.)] ", text):
            kind, text = "item", text.split(" ", 1)[1]
        elif height > body * 1.15:
            kind = "heading"
        units.append(Unit(kind, text, f"page {page_number}"))
    return units


def _join_lines(lines: list[str]) -> str:
    joined = ""
    for line in lines:  # no space between lines of Chinese or Japanese text
        wide = joined and "\u3000" <= joined[-1] <= "\u9fff"
        joined += ("" if not joined or wide else " ") + line
    return joined


def document_units(path: Path) -> list[Unit]:
    """The translated document's blocks in order, text in the catalog's markup form."""
    kind = document_kind(path, TRANSLATION_KINDS)
    if kind == "pdf":
        return pdf_units(path)
    with tempfile.TemporaryDirectory(prefix="guidebuilder-translation-") as tmp:
        staging = Path(tmp)
        converted = stage_document(path, staging, translation=True)
        folder = staging / "project" / "guides" / "translation"
        (folder / "images").mkdir(parents=True)
        for name, data in converted.images.items():
            (folder / "images" / name).write_bytes(data)
        (folder / "guide.md").write_text(converted.markdown, encoding="utf-8")
        try:
            translated = read_guide(staging / "project", "translation")
        except SourceError as exc:
            raise SourceError(f"the document's structure could not be read ({exc.message}); save it again and "
                              "import that copy", str(path)) from exc
    units = guide_units(translated)
    numbered = []
    for number, unit in enumerate(u for u in units if u.text not in (UNTITLED, NO_ALT)):
        numbered.append(Unit(unit.kind, unit.text, f"block {number + 1}", unit.message))
    return numbered


def _catalog(project: Project, guide: Guide, lang: str) -> tuple[polib.POFile, Path]:
    from .extract import build_template, creation_date
    from .update import new_catalog

    path = project.po_path(lang, guide.slug)
    if path.is_file():
        return read_catalog(path, project.rel(path), expect_lang=lang), path
    pot = build_template(guide, creation_date())
    return merge(new_catalog(project, lang, pot), pot), path


def import_translation(project: Project, path: Path, slug: str, lang: str, overwrite: bool = False,
                       write: bool = True) -> TranslationImport:
    """Align a translated document to a guide and write every aligned block to the catalog as fuzzy."""
    project.require_language(lang, source_too=False)
    if not (project.guides_dir / slug / "guide.md").is_file():
        raise ConfigError(f"no guide '{slug}' under guides/; import or write it first")
    guide = read_guide(project.root, slug)
    targets = document_units(path)
    if not targets:
        raise SourceError("the document has no text to import; check that it is the translation", str(path))
    alignment = align(guide_units(guide), targets, weak_kinds=path.suffix.lower() == ".pdf")
    catalog, po_path = _catalog(project, guide, lang)
    note = f"imported from {path.name}"
    written = kept = missing = plain_only = 0
    done: set[int] = set()
    for pair in alignment.pairs:
        message = pair.source.message
        assert message is not None
        entry = None
        for context in (None, message.role.context):
            entry = next((e for e in catalog if not e.obsolete and e.msgid == message.text and e.msgctxt == context),
                         None)
            if entry is not None:
                break
        if entry is None:
            missing += 1
            continue
        if id(entry) in done:
            continue  # a text the guide repeats: its first translation stands
        done.add(id(entry))
        if entry.msgstr and "fuzzy" not in entry.flags and not overwrite:
            kept += 1
            continue
        entry.msgstr = pair.target.text
        if "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")
        entry.previous_msgid = entry.previous_msgctxt = None  # the guess is the document's, not an older source's
        if note not in (entry.comment or "").splitlines():
            entry.comment = f"{entry.comment}\n{note}" if entry.comment else note
        if plain(message.text) != message.text and pair.target.text == plain(pair.target.text):
            plain_only += 1
        written += 1
    if write and written:
        atomic_write(po_path, format_catalog(catalog))
    return TranslationImport(project.rel(po_path), alignment, len(targets), written, kept, missing, plain_only)
