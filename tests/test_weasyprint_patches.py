"""The WeasyPrint internals guidebuilder patches or reads are still there, as they were.

Each failure names the symbol: after a WeasyPrint upgrade, read guidebuilder/weasyprint_patches.py,
check what changed upstream, then move the range pinned in pyproject.toml.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from guidebuilder.pdf import _weasyprint, wide_tables
from guidebuilder.weasyprint_patches import install

from conftest import ROOT

# The functions wrapped, where WeasyPrint defines them (never patched there), with the
# parameters the wrappers pass on, as in WeasyPrint 70.0.
WRAPPED = [
    ("weasyprint.text.line_break", "split_first_line",
     ["text", "style", "context", "max_width", "justification_spacing", "is_line_start", "minimum"]),
    ("weasyprint.draw.text", "draw_text", ["stream", "textbox", "offset_x", "text_overflow", "block_ellipsis"]),
    ("weasyprint.draw", "draw_page", ["page", "stream"]),
    ("pydyf", "Stream.begin_marked_content", ["self", "tag", "property_list"]),
    ("pydyf", "Stream.end_marked_content", ["self"]),
]

# The module-level names replaced: (module whose global is replaced, name, module defining the original).
# WeasyPrint must still call the function through that global for the patch to take effect.
BINDINGS = [
    ("weasyprint.layout.inline", "split_first_line", "weasyprint.text.line_break"),
    ("weasyprint.draw", "draw_text", "weasyprint.draw.text"),
    ("weasyprint.document", "draw_page", "weasyprint.draw"),
]


def _resolve(module_name: str, qualname: str):
    _weasyprint()  # the way guidebuilder imports it
    obj = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            pytest.fail(f"{module_name}.{qualname} is gone; guidebuilder.weasyprint_patches depends on it")
    return obj


@pytest.mark.parametrize("module_name, qualname, parameters", WRAPPED, ids=[f"{m}.{q}" for m, q, _ in WRAPPED])
def test_wrapped_function_keeps_its_signature(module_name, qualname, parameters):
    found = list(inspect.signature(_resolve(module_name, qualname)).parameters)
    assert found == parameters, (f"{module_name}.{qualname} now takes ({', '.join(found)}), "
                                 f"guidebuilder.weasyprint_patches expects ({', '.join(parameters)})")


@pytest.mark.parametrize("module_name, name, origin", BINDINGS, ids=[f"{m}.{n}" for m, n, _ in BINDINGS])
def test_patched_name_is_still_called_through_the_replaced_global(module_name, name, origin):
    module = importlib.import_module(module_name)
    install()
    bound = getattr(module, name, None)
    assert bound is not None, f"{module_name}.{name} is gone; guidebuilder.weasyprint_patches replaces it"
    assert getattr(bound, "_guidebuilder", False) or bound.__module__ == "guidebuilder.weasyprint_patches", \
        f"{module_name}.{name} was not replaced by guidebuilder.weasyprint_patches.install()"
    assert bound is not _resolve(origin, name), f"{module_name}.{name} still is {origin}.{name}"
    calls = re.findall(rf"(?<![\w.]){name}\(", inspect.getsource(module))
    assert calls, f"{module_name} no longer calls {name}() through its global: the patch would have no effect"


def test_install_is_idempotent():
    import weasyprint.layout.inline as inline
    from weasyprint import document, draw

    install()
    before = inline.split_first_line, draw.draw_text, document.draw_page
    install()
    assert (inline.split_first_line, draw.draw_text, document.draw_page) == before


def test_page_box_read_by_wide_tables_is_still_there():
    weasyprint = _weasyprint()
    fonts = (ROOT / "fonts").as_uri()
    html = (f'<style>@font-face {{ font-family: Latin; src: url("{fonts}/NotoSans-Regular.ttf"); }}'
            "@page { size: 100mm 100mm; margin: 10mm } body { font-family: Latin; margin: 0 }</style>"
            '<table data-line="7"><tr><td>Averyveryveryveryveryveryveryveryveryverylongword</td>'
            "<td>Anotherveryveryveryveryveryverylongword</td></tr></table>")
    document = weasyprint.HTML(string=html, base_url=ROOT.as_uri() + "/").render()
    page = document.pages[0]
    assert hasattr(page, "_page_box"), "weasyprint.document.Page._page_box is gone; pdf.wide_tables reads it"
    page_box = page._page_box
    for method in ("content_box_x", "descendants"):
        assert callable(getattr(page_box, method, None)), f"the page box has no {method}(); pdf.wide_tables calls it"
    from weasyprint.formatting_structure.boxes import TableBox

    table = next((b for b in page_box.descendants() if isinstance(b, TableBox)), None)
    assert table is not None, "weasyprint.formatting_structure.boxes.TableBox no longer shows in Page._page_box"
    cell = next(b for b in table.descendants() if getattr(b, "element_tag", None) == "td")
    for attribute in ("border_box_x", "border_width"):
        assert callable(getattr(cell, attribute, None)), f"boxes have no {attribute}(); pdf.wide_tables calls it"
    for attribute in ("width", "position_x", "element", "element_tag", "style"):
        assert hasattr(cell, attribute), f"boxes have no .{attribute}; pdf.wide_tables reads it"
    # And the reading gives the table's overflow: two unbreakable words wider than the 80 mm content box.
    [wide] = wide_tables(document)
    assert wide.line == 7 and wide.overflow > 0 and wide.room == pytest.approx(80 / 25.4 * 96, abs=0.5)
