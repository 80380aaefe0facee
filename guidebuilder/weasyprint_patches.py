"""Every change guidebuilder makes to WeasyPrint's internals, in one place.

WeasyPrint has no public hooks for what these do, so they replace module-level names
that WeasyPrint looks up at call time. They are tested with WeasyPrint 70.0 (the range
pinned in pyproject.toml, >=70,<71); tests/test_weasyprint_patches.py fails, naming
the symbol, when one of them is missing or its signature changed.

Patched names (each wraps the original and calls it):

- ``weasyprint.document.draw_page`` (defined as ``weasyprint.draw.draw_page(page, stream)``;
  ``Page.paint`` calls it through document.py's global): plans the /ActualText of every
  text box on the page before it is drawn (guidebuilder.pdftext.plan_page). WeasyPrint
  writes a glyph's text only through the font's ToUnicode map, which cannot express a
  reordered vowel sign, a conjunct or a ligature, nor the order poppler needs to read a
  right-to-left line back.
- ``weasyprint.draw.draw_text`` (defined as ``weasyprint.draw.text.draw_text(stream,
  textbox, offset_x, text_overflow, block_ellipsis)``; ``draw_inline_level`` calls it
  through weasyprint/draw/__init__.py's global): wraps the text box's drawing in a
  ``/Span`` marked-content sequence carrying that /ActualText (PDF 32000-1, 14.9.4),
  with pydyf's ``Stream.begin_marked_content(tag, property_list)`` and
  ``Stream.end_marked_content()``.
- ``weasyprint.layout.inline.split_first_line`` (defined as
  ``weasyprint.text.line_break.split_first_line(text, style, context, max_width,
  justification_spacing, is_line_start=True, minimum=False)``, returning ``(layout,
  length, resume_index, width, height, baseline)``): works around a line-breaking bug
  (related: Kozea/WeasyPrint#1614), see ``_keep_text_that_fits_but_for_trailing_spaces``.
  Only inline layout's binding is replaced; preferred widths
  (weasyprint.layout.preferred) keep the original.

Private reads (nothing changed):

- ``weasyprint.document.Page._page_box``, the laid-out page's box tree, read by
  guidebuilder.pdf.wide_tables with the boxes' ``descendants()``, ``content_box_x()``,
  ``border_box_x()``, ``border_width()``, ``width``, ``position_x``, ``element``,
  ``element_tag`` and ``style``; WeasyPrint has no public API for the box tree.
"""

from __future__ import annotations

from typing import Any

from . import pdftext


def install() -> None:
    """Apply every patch to the imported WeasyPrint (idempotent)."""
    _write_actual_text()
    _keep_text_that_fits_but_for_trailing_spaces()


def _write_actual_text() -> None:
    """Make WeasyPrint write ActualText as guidebuilder.pdftext plans it per page."""
    import pydyf
    from weasyprint import document, draw
    from weasyprint.formatting_structure import boxes

    if getattr(draw.draw_text, "_guidebuilder", False):
        return
    original_draw_text, original_draw_page = draw.draw_text, document.draw_page
    current: dict[int, str | None] = {}

    def draw_page(page: Any, stream: Any) -> Any:
        current.clear()
        current.update(pdftext.plan_page(page, boxes))
        try:
            return original_draw_page(page, stream)
        finally:
            current.clear()

    def draw_text(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        text = pdftext.actual_text_for(textbox, current)
        if text is None:
            return original_draw_text(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original_draw_text(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text._guidebuilder = True  # type: ignore[attr-defined]
    draw.draw_text = draw_text
    document.draw_page = draw_page


def _keep_text_that_fits_but_for_trailing_spaces() -> None:
    """Work around a WeasyPrint line-breaking bug (related: Kozea/WeasyPrint#1614).

    When an inline element (a bold phone number) does not fit at the end of a line,
    WeasyPrint lays out the text before it again, one pixel narrower each time, until
    that text breaks. Its width counts the text's trailing space, which Pango lets hang:
    the text still fits on one line, and WeasyPrint, seeing it overflow, falls back to a
    single word per line. An Urdu list item came out as four one-word lines. Here, text
    that fits once its trailing spaces are dropped (they collapse at a line end) is
    reported as fitting, so WeasyPrint narrows on and breaks at the last word that fits.
    Only lines left less than half full are checked again, which is what the bug leaves;
    it could still strike where one word fills more than half the line.
    """
    from weasyprint.layout import inline

    original = inline.split_first_line
    if getattr(original, "_guidebuilder", False):
        return

    def split_first_line(text: str, style: Any, context: Any, max_width: float | None, *args: Any,
                         **kwargs: Any) -> Any:
        result = original(text, style, context, max_width, *args, **kwargs)
        stripped = text.rstrip(" ")
        if (result[2] is not None and max_width is not None and stripped and stripped != text
                and style["white_space"] in ("normal", "pre-line") and result[3] < max_width / 2):
            # A line less than half full (the bug leaves one word); check, with one more
            # layout, whether the whole text would fit but for its trailing spaces.
            whole = original(stripped, style, context, max_width, *args, **kwargs)
            if whole[2] is None and whole[3] <= max_width:
                return original(text, style, context, None, *args, **kwargs)
        return result

    split_first_line._guidebuilder = True  # type: ignore[attr-defined]
    inline.split_first_line = split_first_line
