"""Lines of a PDF as pdftotext -bbox-layout reads them, and the lines that end before they must.

Independent of guidebuilder: poppler finds the words and lines, this module only
measures. A paragraph's line ends early when the next line's first word, with a
space before it, would have fitted between the line's end and the column's right edge.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_LIST_MARKER = re.compile(r"^(\d+[.)]|[•◦▪‣–-])$")
# A phone number never breaks ("(415) 555-0142" has a no-break space), but poppler splits it in two words.
_AREA_CODE = re.compile(r"^\(\d{3}\)$")


@dataclass(frozen=True)
class Word:
    """One word's box (pt, y downwards) and text."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Line:
    """One line of words, in the block pdftotext put it in."""

    page: int
    block: int
    words: tuple[Word, ...]

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def height(self) -> float:
        return max(w.y1 for w in self.words) - self.top

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def read_lines(pdf: Path, first: int | None = None, last: int | None = None) -> list[Line]:
    """Every line of the PDF (or of pages first..last, 1-based) in pdftotext's reading order."""
    args = ["pdftotext", "-bbox-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    xml = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = []
    block_no = 0
    for page_no, page in enumerate(re.findall(r"<page .*?</page>", xml, re.S), start=first or 1):
        for block in re.findall(r"<block .*?</block>", page, re.S):
            block_no += 1
            for line in re.findall(r"<line .*?</line>", block, re.S):
                words = tuple(Word(float(a), float(b), float(c), float(d), text)
                              for a, b, c, d, text in _WORD.findall(line))
                if words:
                    lines.append(Line(page_no, block_no, words))
    return lines


def _space(line: Line, font_size: float) -> float:
    """The width of a space on the line: its narrowest gap between words, else a quarter em."""
    gaps = [b.x0 - a.x1 for a, b in zip(line.words, line.words[1:], strict=False) if b.x0 - a.x1 > 0.05]
    return min(gaps) if gaps else font_size / 4


def early_line_ends(lines: list[Line], font_size: float, right: float | None = None) -> list[str]:
    """Each line, not the last of its paragraph, that leaves room for the next line's first word.

    A paragraph goes on in the same block while the next line starts no further left, is the
    next line down (one line pitch, no more) and does not start with a list marker. right is
    the column's right edge; without it, the rightmost line end of the page (a safe guess for
    ragged text: it is never past the true edge, so the check can only be more lenient).
    A line that a <br> ends is not told apart: give lines without such breaks.
    """
    found = []
    for line, after in zip(lines, lines[1:], strict=False):
        if (after.page != line.page or after.block != line.block or after.x0 < line.x0 - 1
                or _LIST_MARKER.match(after.words[0].text)
                or not 0 < after.top - line.top < 1.6 * max(line.height, after.height)):
            continue
        edge = right if right is not None else max(o.x1 for o in lines if o.page == line.page)
        word = after.words[0]
        end = after.words[1].x1 if _AREA_CODE.match(word.text) and len(after.words) > 1 else word.x1
        needed = _space(line, font_size) + (end - word.x0)
        unit = " ".join(w.text for w in after.words if w.x1 <= end)
        room = edge - line.x1
        if needed < room - font_size * 0.05:
            found.append(f"p{line.page}: {line.text!r} ends {room:.1f} pt short; "
                         f"{unit!r} needs {needed:.1f} pt")
    return found
