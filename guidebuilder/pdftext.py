"""The PDF's text layer: what copying, searching and screen readers get back from a page.

WeasyPrint maps each glyph back to characters through the font's ToUnicode map. That
cannot express a reordered vowel sign, a conjunct or a ligature: `pdftotext` gives
"আপ নি য দি" for "আপনি যদি". So text boxes in these scripts get /ActualText (PDF
32000-1, 14.9.4) carrying their own text, which extractors use instead of the glyphs.

Right-to-left lines need more. Extractors collect a line's characters by their position,
left to right, then undo the visual order. Poppler (pdftotext, Evince, Okular) does that
with its own simple pass, not the Unicode bidi algorithm: from the right end it takes a
run without left-to-right letters or digits, reversed, then a run without right-to-left
letters, as is, and so on (TextOutputDev.cc, reorderText). Given the line in visual order
it misplaces the neutral marks between runs: "صورت: 911" came back as "صورت911 :". We
therefore write, for each line, the order that this pass turns back into the logical
text exactly (`order_for_extraction`), and split it over the line's text boxes from left
to right. Where a neutral mark stands between a number or Latin word and the following
Urdu word, no order keeps it there; a RIGHT-TO-LEFT MARK before it does (invisible, like
the embedding marks poppler adds around every right-to-left line).

Two more poppler habits are met here: it interleaves the lines of neighbouring table
cells when lines stand more than 1.5 font sizes apart, so a wrapped cell's first line
carries the cell's text; and it drops a "-" that ends a line, so such a line ends with
a space.

This module only plans; guidebuilder.weasyprint_patches has WeasyPrint write the plan.
WeasyPrint's boxes are untyped: a box is Any, and `boxes` is WeasyPrint's
formatting_structure.boxes module, passed in so that this module does not import WeasyPrint.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache
from types import ModuleType
from typing import Any

# Scripts whose shaping reorders, splits or fuses characters into glyphs.
_COMPLEX_RANGES = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x0EFF), (0x0F00, 0x109F),
                   (0x1780, 0x17FF), (0x19E0, 0x19FF), (0xA8E0, 0xA8FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
# Zero-width characters the typography stage inserts; they draw nothing.
_INVISIBLE = dict.fromkeys([0x200B, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF])
LRM, RLM, ZWSP = "\u200e", "\u200f", "\u200b"

# The three classes poppler's pass knows: strong left-to-right, strong right-to-left, and
# "number" (digits and the separators and terminators around them). Everything else is
# neutral. Taken from Unicode bidi classes, which agree with poppler's own table for every
# character in our catalogs; it differs for embedding controls, which it treats as strong.
_CLASS = {"L": "L", "LRE": "L", "LRO": "L", "R": "R", "AL": "R", "RLE": "R", "RLO": "R",
          "EN": "#", "ES": "#", "ET": "#", "AN": "#", "CS": "#"}


@cache
def direction_class(ch: str) -> str:
    """'L', 'R', '#' (number) or 'N' (neutral), as poppler's text extraction classifies ch."""
    return _CLASS.get(unicodedata.bidirectional(ch), "N")


def needs_actual_text(text: str) -> bool:
    """True when text has characters of a script whose glyphs do not map back one to one."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _COMPLEX_RANGES)


def order_for_extraction(logical: str, rtl_page: bool) -> list[tuple[str, int]]:
    """The left-to-right character order that poppler's pass reads back as logical.

    Returns (character, index in logical) pairs; an added bidi mark carries the index of
    a neighbour. On a right-to-left page the pass reads runs from the right: runs without
    L or # ("rtl") alternate with runs without R ("ltr"); an ltr run ends in L or #, and
    an rtl run after the first starts with R. A left-to-right page mirrors this. Neutrals
    after an ltr run that no order keeps in place get a RIGHT-TO-LEFT MARK before them
    (on a left-to-right page, a LEFT-TO-RIGHT MARK after an rtl run), and the text always
    ends in a run of the page's direction, so that a neighbour poppler puts on the same
    line (a list marker, the next table cell) cannot pull characters across.
    """
    first, second = ("rtl", "ltr") if rtl_page else ("ltr", "rtl")
    mark = RLM if rtl_page else LRM  # marks of the page's direction never tip its count
    runs: list[tuple[str, list[tuple[str, int]]]] = []
    state = first
    run: list[tuple[str, int]] = []

    def close_second_run(index: int) -> list[tuple[str, int]]:
        # The pass ends this run only at a strong or number character: trailing
        # neutrals move to the next run, behind a mark of the page's direction.
        tail: list[tuple[str, int]] = []
        while run and direction_class(run[-1][0]) == "N":
            tail.insert(0, run.pop())
        runs.append((second, run))
        return [(mark, tail[0][1] if tail else index)] + tail

    for index, ch in enumerate(logical):
        kind = direction_class(ch)
        if state == first and (kind in "L#" if first == "rtl" else kind == "R"):
            runs.append((first, run))
            state, run = second, []
        elif state == second and (kind == "R" if second == "ltr" else kind in "L#"):
            state, run = first, close_second_run(index)
        run.append((ch, index))
    if state == second:
        run = close_second_run(max(len(logical) - 1, 0))
    runs.append((first, run))
    pieces = [run[::-1] if kind == "rtl" else run for kind, run in runs]
    if rtl_page:
        pieces.reverse()
    return [pair for piece in pieces for pair in piece]


def _drawn(textbox: Any) -> str:
    return textbox.text.translate(_INVISIBLE) if textbox.style["visibility"] == "visible" else ""


def _line_text_boxes(box: Any, boxes: ModuleType, atomic: list[Any]) -> Iterator[Any]:
    """The text boxes of a line in logical order; inline-blocks and the like go to atomic."""
    for child in box.children:
        if isinstance(child, boxes.TextBox):
            yield child
        elif isinstance(child, boxes.InlineBox):
            yield from _line_text_boxes(child, boxes, atomic)
        elif getattr(child, "children", None):
            atomic.append(child)


def _groups(box: Any, boxes: ModuleType) -> list[list[list[Any]]]:
    """The text lines under box, as lists of text boxes, grouped: a table cell's lines together.

    Every other line is a group of its own.
    """
    groups: list[list[list[Any]]] = []
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            atomic: list[Any] = []
            members = [t for t in _line_text_boxes(child, boxes, atomic) if _drawn(t)]
            if members:
                groups.append([members])
            for inner in atomic:
                groups.extend(_groups(inner, boxes))
        elif isinstance(child, boxes.TableCellBox):
            lines = [line for group in _groups(child, boxes) for line in group]
            if lines:
                groups.append(lines)
        elif not isinstance(child, boxes.TextBox):
            groups.extend(_groups(child, boxes))
    return groups


def _unspaced(ch: str) -> bool:
    """True for characters of scripts written without spaces between words (line breaks add none)."""
    name = unicodedata.name(ch, "")
    if unicodedata.east_asian_width(ch) in "WF":
        return not name.startswith("HANGUL")
    return name.startswith(("KHMER", "THAI", "LAO", "MYANMAR"))


def _join_lines(lines: list[str]) -> str:
    """A wrapped cell's text from its lines: a space where the line break took one."""
    text = lines[0]
    for line in lines[1:]:
        if text and line and text[-1] not in "-/" and not (_unspaced(text[-1]) or _unspaced(line[0])):
            text += " "
        text += line
    return text


def _own_pieces(order: list[tuple[str, int]], texts: list[str], xorder: list[int],
                carriers: list[int]) -> dict[int, str] | None:
    """order cut for the carriers from left to right, each taking the characters that came
    from it, or None where that would put a character in another box (a Latin run in an
    Urdu line): cuts there fall inside words, and poppler adds spaces at box gaps."""
    owner = [i for i, text in enumerate(texts) for _ in text]
    counts = dict.fromkeys(carriers, 0)
    carrier = carriers[0]
    for i in xorder:  # spaces of a box that draws nothing count for the carrier on its left
        carrier = i if i in counts else carrier
        counts[carrier] += len(texts[i])
    counts[carriers[-1]] += len(order) - len(owner)  # the marks
    pieces, start = {}, 0
    for i in carriers:
        piece = order[start:start + counts[i]]
        start += counts[i]
        if any(owner[index] != i for ch, index in piece if not ch.isspace() and ch not in (LRM, RLM)):
            return None
        pieces[i] = "".join(ch for ch, _ in piece)
    return pieces


def _spread(text: str, boxes_: list[Any]) -> list[str]:
    """text cut after spaces into one piece per box, left to right, roughly in proportion
    to their widths: a cut inside a word would read as two words, since poppler adds a
    space wherever two boxes' text does not quite meet. A box left without a word gets a
    ZERO WIDTH SPACE: with nothing at all it would leave a hole in the line, and poppler
    starts a new block at a hole of 1.5 font sizes."""
    total = sum(t.width for t in boxes_) or 1
    after_space = [i + 1 for i, ch in enumerate(text) if ch.isspace()]
    cuts, start, reach = [], 0, 0.0
    for box in boxes_[:-1]:
        reach += box.width
        target = len(text) * reach / total
        start = min((c for c in after_space if c > start), key=lambda c: abs(c - target), default=len(text))
        cuts.append(start)
    return [text[a:b] or ZWSP for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def plan_page(page_box: Any, boxes: ModuleType) -> dict[int, str]:
    """ActualText for the text boxes of one laid-out page: {id(textbox): text or None}.

    None means the box's glyphs map back on their own. Boxes left out get their own
    text when they are in a shaped script (see actual_text_for).
    """
    groups = _groups(page_box, boxes)
    # Poppler picks a page's direction by counting strong characters (lrCount); the marks
    # added here are of the page's direction, so they only confirm it.
    balance = sum({"L": 1, "R": -1}.get(direction_class(ch), 0)
                  for group in groups for line in group for t in line for ch in _drawn(t))
    plan: dict[int, str] = {}
    for lines in groups:
        _plan_group(lines, balance < 0, plan)
    return plan


def _plan_group(lines: list[list[Any]], rtl_page: bool, plan: dict[int, str]) -> None:
    texts = [[_drawn(t) for t in line] for line in lines]
    logical = _join_lines(["".join(parts) for parts in texts])
    # Glyphs stand in logical order only in a left-to-right box without R characters.
    rtl_boxes = any(t.style["direction"] == "rtl" for line in lines for t in line)
    reordered = rtl_page or rtl_boxes or any(direction_class(ch) == "R" for ch in logical)
    order = order_for_extraction(logical, rtl_page) if reordered else [(ch, i) for i, ch in enumerate(logical)]
    written = "".join(ch for ch, _ in order)
    if written.endswith("-"):
        # Poppler takes a line ending in "-" for a hyphenated word and drops the hyphen;
        # ours are real ("makipag-usap"), so the line ends with a space.
        written += " "
    members, parts = lines[0], texts[0]
    xorder = sorted(range(len(members)), key=lambda i: members[i].position_x)
    carriers = [i for i in xorder if parts[i].strip()]
    if len(lines) > 1 or not carriers:
        # A table cell that wraps. Poppler keeps lines in one block only when their
        # baselines are at most 1.5 font sizes apart, so in a table it interleaves the
        # lines of neighbouring cells: the first drawn line carries the cell's whole
        # text, cut at spaces over its boxes, and every other box a space, which
        # poppler skips.
        at = next((n for n, parts_ in enumerate(texts) if any(p.strip() for p in parts_)), None)
        if at is None:
            return
        plan.update({id(t): " " for line in lines for t in line})
        drawn = [t for t, text in sorted(zip(lines[at], texts[at], strict=True), key=lambda pair: pair[0].position_x)
                 if text.strip()]
        for t, piece in zip(drawn, _spread(written, drawn), strict=True):
            plan[id(t)] = piece or " "
        return
    if not rtl_boxes and written == logical and not needs_actual_text(logical):
        return  # read left to right as drawn
    if not reordered and written == logical + " ":
        last = carriers[-1]
        plan[id(members[last])] = parts[last] + " "
        return  # the rest: shaped boxes carry their own text (actual_text_for)
    if not reordered:
        return
    pieces = _own_pieces(order, parts, xorder, carriers)
    if pieces is None:
        pieces = dict(zip(carriers, _spread(written, [members[i] for i in carriers]), strict=True))
    elif written.endswith(" ") and not "".join(pieces.values()).endswith(" "):
        pieces[carriers[-1]] += " "
    plan.update({id(members[i]): piece or " " for i, piece in pieces.items()})


def actual_text_for(textbox: Any, plan: Mapping[int, str | None]) -> str | None:
    """The /ActualText to wrap a text box in, or None to let its glyphs speak."""
    if id(textbox) in plan:
        return plan[id(textbox)]
    text = _drawn(textbox)
    return text if needs_actual_text(text) else None
