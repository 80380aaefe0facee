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
therefore write, for each such line, the order that this pass turns back into the
logical text exactly (`order_for_extraction`), and split it over the line's text boxes
from left to right. Where a neutral mark stands between a number or Latin word and the
following Urdu word, no order can keep it there; a LEFT-TO-RIGHT MARK after it does,
and that mark is an invisible bidi control, as are the embedding marks poppler adds.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Scripts whose shaping reorders, splits or fuses characters into glyphs.
_COMPLEX_RANGES = ((0x0590, 0x08FF), (0x0900, 0x0DFF), (0x0E00, 0x0EFF), (0x0F00, 0x109F),
                   (0x1780, 0x17FF), (0x19E0, 0x19FF), (0xA8E0, 0xA8FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
# Zero-width characters the typography stage inserts; they draw nothing.
_INVISIBLE = dict.fromkeys([0x200B, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF])
LRM, RLM = "\u200e", "\u200f"

# The three classes poppler's pass knows: strong left-to-right, strong right-to-left, and
# "number" (digits and the separators and terminators around them). Everything else is
# neutral. Taken from Unicode bidi classes, which agree with poppler's own table for every
# character in our catalogs; it differs for embedding controls, which it treats as strong.
_CLASS = {"L": "L", "LRE": "L", "LRO": "L", "R": "R", "AL": "R", "RLE": "R", "RLO": "R",
          "EN": "#", "ES": "#", "ET": "#", "AN": "#", "CS": "#"}


@lru_cache(maxsize=None)
def direction_class(ch: str) -> str:
    """'L', 'R', '#' (number) or 'N' (neutral), as poppler's text extraction classifies ch."""
    return _CLASS.get(unicodedata.bidirectional(ch), "N")


def needs_actual_text(text: str) -> bool:
    """True when text has characters of a script whose glyphs do not map back one to one."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _COMPLEX_RANGES)


def order_for_extraction(logical: str, rtl_page: bool) -> list[tuple[str, int]]:
    """The left-to-right character order that poppler's pass reads back as logical.

    Returns (character, index in logical) pairs; an added bidi mark carries the index of
    the character before it. On a right-to-left page the pass reads runs from the right:
    runs without L or # alternate with runs without R, the latter ending in L or #, the
    former (after the first) starting with R; a left-to-right page mirrors this.
    """
    # Cut logical into runs: "rtl" runs hold no L/#, "ltr" runs hold no R.
    runs: list[tuple[str, list[tuple[str, int]]]] = []
    first, second = ("rtl", "ltr") if rtl_page else ("ltr", "rtl")
    closing = LRM if rtl_page else RLM  # a strong mark of the run's own direction
    state, run = first, []
    for index, ch in enumerate(logical):
        kind = direction_class(ch)
        breaks = (kind in "L#") if state == "rtl" else (kind == "R")
        if breaks:
            # The pass ends an ltr run (rtl page) or an rtl run (ltr page) only at a strong
            # or number character; trailing neutrals would drift into the next run.
            if state == second and run and direction_class(run[-1][0]) == "N":
                run.append((closing, run[-1][1]))
            runs.append((state, run))
            state, run = ("ltr" if state == "rtl" else "rtl"), []
        run.append((ch, index))
    if state == second and run and direction_class(run[-1][0]) == "N":
        run.append((closing, run[-1][1]))
    runs.append((state, run))
    pieces = [run[::-1] if state == "rtl" else run for state, run in runs]
    if rtl_page:
        pieces.reverse()
    return [pair for piece in pieces for pair in piece]


def _line_text_boxes(box, boxes):
    for child in box.children:
        if isinstance(child, boxes.TextBox):
            yield child
        elif isinstance(child, boxes.InlineBox):
            yield from _line_text_boxes(child, boxes)


def _drawn(textbox) -> str:
    return textbox.text.translate(_INVISIBLE) if textbox.style["visibility"] == "visible" else ""


def _groups(box, boxes) -> list[list[list]]:
    """The text lines under box, as lists of text boxes, grouped: a table cell's lines together.

    Every other line is a group of its own.
    """
    groups = []
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            members = [t for t in _line_text_boxes(child, boxes) if _drawn(t)]
            if members:
                groups.append([members])
            for inner in child.descendants():
                if isinstance(inner, boxes.InlineBlockBox):
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
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "KHMER", "THAI", "LAO", "MYANMAR", "FULLWIDTH",
                             "IDEOGRAPHIC"))


def _join_lines(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        if text and line and not (_unspaced(text[-1]) or _unspaced(line[0])):
            text += " "
        text += line
    return text


def _deal(text: str, members: list, sizes: list[int], plan: dict) -> None:
    """Cut text into consecutive pieces for members from left to right, in proportion to sizes.

    Only boxes with visible characters take a piece: WeasyPrint draws no glyph for a box
    of spaces, and poppler drops an ActualText that covers no glyph.
    """
    order = sorted(range(len(members)), key=lambda i: members[i].position_x)
    carriers = [i for i in order if _drawn(members[i]).strip()] or order
    share = dict.fromkeys(carriers, 0)
    carrier = carriers[0]
    for i in order:  # a space box's share goes to the carrier on its left
        carrier = i if i in share else carrier
        share[carrier] += sizes[i]
    total, start = sum(share.values()) or 1, 0
    for n, i in enumerate(carriers):
        end = len(text) if n == len(carriers) - 1 else start + round(len(text) * share[i] / total)
        plan[id(members[i])] = text[start:end] or " "
        start = end
    plan.update({id(members[i]): None for i in order if i not in share})


def plan_page(page_box, boxes) -> dict:
    """ActualText for the text boxes of one laid-out page: {id(textbox): text or None}.

    None means the box's glyphs map back on their own. Boxes left out get their own
    text when they are in a shaped script (see actual_text_for).
    """
    groups = _groups(page_box, boxes)
    strong = {"L": 1, "R": -1}
    balance = sum(strong.get(direction_class(ch), 0)
                  for group in groups for line in group for t in line for ch in _drawn(t))
    plan, written = _plan_groups(groups, rtl_page=balance < 0)
    # Poppler picks a page's direction by counting strong characters, our marks included.
    counted = sum(strong.get(direction_class(ch), 0) for ch in written)
    if (counted < 0) != (balance < 0):
        plan, _ = _plan_groups(groups, rtl_page=counted < 0)
    return plan


def _plan_groups(groups, rtl_page: bool) -> tuple[dict, str]:
    """The plan for every group of lines, and all the text it makes poppler read."""
    plan, written = {}, []
    for lines in groups:
        texts = [[_drawn(t) for t in line] for line in lines]
        line_texts = ["".join(parts) for parts in texts]
        logical = _join_lines(line_texts)
        has_rtl = any(direction_class(ch) == "R" for ch in logical)
        if len(lines) > 1:
            # A table cell that wraps. Poppler keeps lines in one block only when their
            # baselines are at most 1.5 font sizes apart, so in a table it interleaves
            # the lines of neighbouring cells; the first line carries the cell's whole
            # text and the others a space, which it skips.
            order = logical
            if rtl_page or has_rtl:
                order = "".join(ch for ch, _ in order_for_extraction(logical, rtl_page))
            _deal(order, lines[0], [len(_drawn(t)) for t in lines[0]], plan)
            plan.update({id(t): " " for line in lines[1:] for t in line})
            written.append(order)
            continue
        members, parts = lines[0], texts[0]
        if not rtl_page and not has_rtl:
            written.append(logical)
            if logical.endswith("-"):
                # Poppler takes a line ending in "-" for a hyphenated word and drops the
                # hyphen; ours are real (the word is "makipag-usap"), so end it with a space.
                last = max(members, key=lambda t: t.position_x)
                plan[id(last)] = _drawn(last) + " "
            continue  # otherwise read left to right as drawn; shaped boxes get their own text
        order = order_for_extraction(logical, rtl_page)
        written.append("".join(ch for ch, _ in order))
        if [ch for ch, _ in order] == list(logical) and not needs_actual_text(logical):
            plan.update({id(t): None for t in members})
            continue
        # Split the order over the boxes from left to right; each box carries as many
        # characters as came from it.
        owner = [i for i, text in enumerate(parts) for _ in text]
        counts = [0] * len(members)
        for _, index in order:
            counts[owner[index]] += 1
        _deal("".join(ch for ch, _ in order), members, counts, plan)
    return plan, "".join(written)


def actual_text_for(textbox, plan: dict) -> str | None:
    """The /ActualText to wrap a text box in, or None to let its glyphs speak."""
    if id(textbox) in plan:
        return plan[id(textbox)]
    text = _drawn(textbox)
    return text if needs_actual_text(text) else None


def install(weasyprint) -> None:
    """Make WeasyPrint write ActualText as planned per page (idempotent)."""
    import pydyf
    from weasyprint import document, draw
    from weasyprint.formatting_structure import boxes

    if getattr(draw.draw_text, "_guidebuilder", False):
        return
    original_draw_text, original_draw_page = draw.draw_text, document.draw_page
    current: dict = {}

    def draw_page(page, stream):
        current.clear()
        current.update(plan_page(page, boxes))
        try:
            return original_draw_page(page, stream)
        finally:
            current.clear()

    def draw_text(stream, textbox, *args, **kwargs):
        text = actual_text_for(textbox, current)
        if text is None:
            return original_draw_text(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original_draw_text(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text._guidebuilder = True
    draw.draw_text = draw_text
    document.draw_page = draw_page
