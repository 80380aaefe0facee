"""Grayscale printing: colours as a black-and-white copier prints them, and a check that text stays readable.

A colour becomes the gray of its luma, 0.299 R + 0.587 G + 0.114 B on the sRGB
values (ITU-R BT.601, as Pillow's "L" conversion and most copiers compute it).
Readability is WCAG 2's contrast ratio of the two grays' relative luminances:
at least 4.5:1 for every text colour of the stylesheet against its background.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from .config import CONFIG_NAME, Project, line_of
from .errors import ConfigError, RenderError

MIN_CONTRAST = 4.5  # WCAG 2 AA for body text

# Every text colour of the print stylesheet (pagestyle.PALETTE, [brand] accent) on the background it is drawn on.
TEXT_ON = (("ink", "page"), ("muted", "page"), ("header", "page"), ("accent", "page"), ("accent", "callout"),
           ("ink", "callout"), ("ink", "table_head"))
BACKGROUND_NAMES = {"page": "white", "callout": "the callout's background", "table_head": "a table's header row"}

_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_SVG_PAINT = re.compile(r"""((?:fill|stroke|stop-color|flood-color|color)\s*[=:]\s*["']?)([A-Za-z]+|rgba?\([^)]*\))""")


def rgb(colour: str) -> tuple[int, int, int]:
    """A CSS colour ("#rgb", "#rrggbb", a name, rgb()) as 0-255 sRGB values."""
    from tinycss2.color3 import parse_color  # type: ignore[import-untyped]

    parsed = parse_color(colour)
    if parsed is None or isinstance(parsed, str):
        raise ValueError(f"not a colour: {colour!r}")
    return round(parsed.red * 255), round(parsed.green * 255), round(parsed.blue * 255)


def gray_level(colour: str) -> int:
    """The 0-255 gray a copier prints colour as (its BT.601 luma, rounded as Pillow rounds it)."""
    red, green, blue = rgb(colour)
    return (red * 19595 + green * 38470 + blue * 7471 + 0x8000) >> 16


def gray_hex(colour: str) -> str:
    """colour's gray as #rrggbb."""
    level = gray_level(colour)
    return f"#{level:02x}{level:02x}{level:02x}"


def relative_luminance(level: int) -> float:
    """WCAG 2's relative luminance of a gray 0-255."""
    value = level / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def contrast(text: str, background: str) -> float:
    """The WCAG contrast ratio of two colours once printed in gray."""
    lighter, darker = sorted((relative_luminance(gray_level(text)), relative_luminance(gray_level(background))),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def grayscale_css(css: str) -> str:
    """css with every hex colour replaced by its gray."""
    return _HEX.sub(lambda match: gray_hex(match.group(0)), css)


def grayscale_svg(svg: str) -> str:
    """An SVG's hex, named and rgb() paint colours replaced by their grays."""
    def paint(match: re.Match[str]) -> str:
        try:
            return match.group(1) + gray_hex(match.group(2))
        except ValueError:  # none, currentColor, url(...): no colour of its own
            return match.group(0)

    return _SVG_PAINT.sub(paint, grayscale_css(svg))


def grayscale_image(data: bytes, mime: str) -> bytes:
    """An image file in gray: an SVG's colours, or a raster image as a gray PNG (its transparency kept)."""
    if mime == "image/svg+xml":
        return grayscale_svg(data.decode("utf-8")).encode("utf-8")
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        gray = image.convert("RGBA").convert("LA") if alpha else image.convert("L")
        out = io.BytesIO()
        gray.save(out, format="PNG", optimize=False)
    return out.getvalue()


def grayscale_data_uri(uri: str) -> str:
    """A data: URI of an image (the [brand] logo) in gray."""
    import base64

    head, _, payload = uri.partition(",")
    mime = head.removeprefix("data:").split(";")[0]
    data = grayscale_image(base64.b64decode(payload), mime)
    kind = mime if mime == "image/svg+xml" else "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass(frozen=True)
class LowContrast:
    """A text colour too light (or dark) against its background once printed in gray."""

    text: str  # the palette's name of the text colour
    background: str
    ratio: float


def low_contrast(palette: dict[str, str]) -> list[LowContrast]:
    """Every pair of TEXT_ON below MIN_CONTRAST in gray, in TEXT_ON's order."""
    found = [LowContrast(text, background, contrast(palette[text], palette[background]))
             for text, background in TEXT_ON]
    return [f for f in found if f.ratio < MIN_CONTRAST]


def _ratio(value: float) -> str:
    return f"{int(value * 10) / 10:g}:1"  # rounded down: 4.46 must not read as 4.5


def check_contrast(project: Project) -> None:
    """Fail when a text colour of the print stylesheet reads below 4.5:1 against its background in gray."""
    from .pagestyle import PALETTE

    palette = {**PALETTE, **({"accent": project.brand_accent} if project.brand_accent else {})}
    problems = low_contrast(palette)
    if not problems:
        return
    # The project's own setting first: it is the one a user can change.
    text = "accent" if any(p.text == "accent" for p in problems) and project.brand_accent else problems[0].text
    mine = [p for p in problems if p.text == text]
    against = ", ".join(f"{_ratio(p.ratio)} against {BACKGROUND_NAMES[p.background]}" for p in mine)
    # Dark text on a light ground reads better darker; light text on a dark ground, lighter.
    darker = gray_level(palette[text]) <= gray_level(palette[mine[0].background])
    advice = f"use a {'darker' if darker else 'lighter'} colour"
    if text == "accent" and project.brand_accent:
        line = None
        if project.config_path.is_file():
            line = line_of(project.config_path.read_text(encoding="utf-8-sig", errors="replace"), "brand", "accent")
        raise ConfigError(f"[brand] accent '{project.brand_accent}' gives {against} in grayscale; {advice}",
                          CONFIG_NAME, line)
    raise RenderError(f"the stylesheet's {text} colour '{palette[text]}' gives {against} in grayscale; {advice}")
