"""What a PDF draws, glyph by glyph, read against the fonts embedded in it.

Independent of guidebuilder: pypdf walks the content streams, fontTools opens
each embedded font program. A glyph is missing when its id is 0 (.notdef), when
the embedded font has no glyph of that id, or when it is drawn exactly like the
font's .notdef box: after subsetting, a missing glyph can have a non-zero id.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream


@dataclass(frozen=True)
class Drawn:
    """One glyph drawn on a page."""

    page: int
    font: str  # BaseFont, e.g. ABCDEF+Noto-Sans-Italic
    gid: int
    text: str  # from the font's ToUnicode map ('' when it has none)
    notdef: bool  # .notdef (gid 0), a gid the embedded font lacks, or a copy of the .notdef box


def _cmap_pairs(data: bytes, begin: bytes, end: bytes) -> list[list[bytes]]:
    out = []
    for block in re.findall(rb"begin" + begin + rb"(.*?)end" + end, data, re.S):
        out.extend(re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\]|\d+)", block)
                   if begin.endswith(b"range") else re.findall(rb"<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\d+)", block))
    return out


def _to_unicode(font) -> dict[int, str]:
    if "/ToUnicode" not in font:
        return {}
    data = font["/ToUnicode"].get_object().get_data()
    out: dict[int, str] = {}
    for code, value in _cmap_pairs(data, b"bfchar", b"bfchar"):
        out[int(code, 16)] = bytes.fromhex(value.strip(b"<>").decode()).decode("utf-16-be", "replace")
    for low, high, value in _cmap_pairs(data, b"bfrange", b"bfrange"):
        start, stop = int(low, 16), int(high, 16)
        if value.startswith(b"<"):
            base = bytes.fromhex(value.strip(b"<>").decode()).decode("utf-16-be", "replace")
            for offset, code in enumerate(range(start, stop + 1)):
                out[code] = base[:-1] + chr(ord(base[-1]) + offset) if base else ""
        else:
            items = re.findall(rb"<([0-9A-Fa-f]+)>", value)
            for code, item in zip(range(start, stop + 1), items, strict=False):
                out[code] = bytes.fromhex(item.decode()).decode("utf-16-be", "replace")
    return out


def _code_to_cid(font) -> dict[int, int] | None:
    """None for Identity-H (code = CID); else the Encoding CMap's code -> CID map."""
    encoding = font.get("/Encoding")
    if encoding is None or not hasattr(encoding, "get_object") or isinstance(encoding.get_object(), str):
        return None
    data = encoding.get_object().get_data()
    out: dict[int, int] = {}
    for code, cid in _cmap_pairs(data, b"cidchar", b"cidchar"):
        out[int(code, 16)] = int(cid)
    for low, high, cid in _cmap_pairs(data, b"cidrange", b"cidrange"):
        for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
            out[code] = int(cid) + offset
    return out


class _Font:
    def __init__(self, font):
        self.name = str(font["/BaseFont"])
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        program = next(descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor)
        self.ttfont = TTFont(io.BytesIO(program.get_object().get_data()), lazy=True)
        self.order = self.ttfont.getGlyphOrder()
        self.glyphs = self.ttfont.getGlyphSet()
        cid_map = descendant.get("/CIDToGIDMap")
        self.cid_to_gid: bytes | None = None
        if (cid_map is not None and not isinstance(cid_map.get_object(), str)
                and hasattr(cid_map.get_object(), "get_data")):
            self.cid_to_gid = cid_map.get_object().get_data()
        self.cff = "CFF " in self.ttfont
        self.code_to_cid = _code_to_cid(font)
        self.to_unicode = _to_unicode(font)
        self._outlines: dict[int, tuple] = {}

    def gid(self, code: int) -> int:
        cid = self.code_to_cid.get(code, 0) if self.code_to_cid is not None else code
        if self.cid_to_gid is not None and 2 * cid + 1 < len(self.cid_to_gid):
            return int.from_bytes(self.cid_to_gid[2 * cid: 2 * cid + 2], "big")
        return cid  # Identity: an embedded OpenType font's CID is its glyph id

    def outline(self, gid: int) -> tuple | None:
        """The glyph's drawing as recorded pen calls; None when the font has no such glyph."""
        if gid < 0 or gid >= len(self.order):
            return None
        if gid not in self._outlines:
            from fontTools.pens.recordingPen import RecordingPen

            pen = RecordingPen()
            if self.cff:
                top = self.ttfont["CFF "].cff.topDictIndex[0]
                top.CharStrings[top.charset[gid]].draw(pen)
            else:
                self.glyphs[self.order[gid]].draw(pen)
            self._outlines[gid] = tuple((op, tuple(args)) for op, args in pen.value)
        return self._outlines[gid]

    def is_notdef(self, gid: int) -> bool:
        """gid 0, a gid the font lacks, or a glyph drawn exactly like .notdef (the box)."""
        if gid == 0:
            return True
        drawing = self.outline(gid)
        return drawing is None or (bool(drawing) and drawing == self.outline(0))


def drawn_glyphs(pdf: Path) -> list[Drawn]:
    """Every glyph every page of a PDF draws (text in content streams and form XObjects)."""
    reader = PdfReader(str(pdf))
    out: list[Drawn] = []
    cache: dict[int, _Font] = {}
    for number, page in enumerate(reader.pages, 1):
        _walk(reader, page.get_contents(), page["/Resources"].get_object(), number, cache, out)
    return out


def _walk(reader, contents, resources, number: int, cache: dict, out: list[Drawn]) -> None:
    if contents is None:
        return
    fonts = resources.get("/Font", {})
    fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
    stream = ContentStream(contents, reader)
    current: _Font | None = None
    for operands, operator in stream.operations:
        if operator == b"Tf":
            ref = fonts[operands[0]]
            key = ref.idnum if hasattr(ref, "idnum") else id(ref)
            if key not in cache:
                cache[key] = _Font(ref.get_object())
            current = cache[key]
        elif operator in (b"Tj", b"'", b'"', b"TJ") and current is not None:
            strings = operands[0] if operator == b"TJ" else [operands[-1]]
            for item in strings:
                if not isinstance(item, (bytes, str)) and not hasattr(item, "original_bytes"):
                    continue
                data = item.original_bytes if hasattr(item, "original_bytes") else bytes(item, "latin-1")
                for i in range(0, len(data) - 1, 2):
                    code = int.from_bytes(data[i:i + 2], "big")
                    gid = current.gid(code)
                    out.append(Drawn(number, current.name, gid, current.to_unicode.get(code, ""),
                                     current.is_notdef(gid)))
        elif operator == b"Do":
            xobjects = resources.get("/XObject", {})
            xobject = xobjects.get_object()[operands[0]].get_object() if xobjects else None
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                inner = xobject.get("/Resources", resources)
                _walk(reader, xobject, inner.get_object() if hasattr(inner, "get_object") else inner, number,
                      cache, out)


def missing(glyphs: list[Drawn]) -> list[Drawn]:
    """Drawn glyphs that show the missing-glyph box (or nothing) instead of their character."""
    return [g for g in glyphs if g.notdef]
