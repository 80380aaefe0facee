"""Images as published: SVG re-serialized from an allow-list, photos scaled for phones and stripped of metadata.

Every image a page shows goes through publish_image() before it reaches the web
page or the PDF: an SVG keeps its drawing and loses scripts, event handlers,
foreign content and references to anything outside itself; a JPEG or PNG is
scaled to the widest the page ever shows it (twice, for high-density screens),
saved again without EXIF (GPS included), and offered as WebP when smaller.
Outputs are byte-identical across runs: fixed encoder settings, no timestamps.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

from .catalogs import atomic_write
from .errors import SourceError

# Bumped whenever the processing below changes what it writes, so cached results are not reused.
PROCESSING = "images-1"
LARGE_SOURCE = 1_000_000  # bytes: a source image over this is worth a warning
ROOT_FONT_PX = 16  # browsers' default root font size: what the stylesheet's rem means on the web
DENSITY = 2  # high-DPI phones draw two device pixels per CSS pixel
JPEG = {"quality": 82, "optimize": True, "progressive": True, "subsampling": "4:2:0"}
WEBP_LOSSY = {"quality": 78, "method": 6}
WEBP_LOSSLESS = {"lossless": True, "quality": 100, "method": 6}
RASTER = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}


def content_width_css_px() -> int:
    """The widest an image is shown on a page: the web page's content column, from guide.css.j2's body rule."""
    css = (resources.files("guidebuilder") / "templates" / "guide.css.j2").read_text(encoding="utf-8")
    body = re.search(r"^body \{([^}]*)\}", css, re.MULTILINE)
    width = re.search(r"max-width:\s*([\d.]+)rem", body.group(1)) if body else None
    if width is None:
        raise ValueError("guide.css.j2 has no body max-width in rem; images.py derives image widths from it")
    # The body's padding sits outside max-width (content-box sizing), so the column is max-width wide.
    return round(float(width.group(1)) * ROOT_FONT_PX)


def max_width_px() -> int:
    """The largest width in device pixels a published raster image keeps."""
    return content_width_css_px() * DENSITY


@dataclass(frozen=True)
class PublishedImage:
    """One image as published: its bytes (in the source's format), a WebP alternative, its size in pixels."""

    src: str  # the path the page uses, relative to the guide folder (images/x.jpg)
    data: bytes
    webp: bytes | None = None  # only when smaller than data
    width: int | None = None
    height: int | None = None
    warning: str | None = None

    @property
    def webp_src(self) -> str | None:
        """Where the WebP alternative goes beside the image (images/x.jpg.webp: no clash with another source)."""
        return f"{self.src}.webp" if self.webp else None


def publish_image(guide_dir: Path, src: str, src_path: str, cache: Path | None = None) -> PublishedImage:
    """The image at guide_dir/src as published (src_path names it in messages, e.g. guides/x/images/a.jpg).

    cache, when given, keeps processed photos by content checksum so that every
    language of a guide scales a photo once.
    """
    raw = (guide_dir / src).read_bytes()
    suffix = Path(src).suffix.lower()
    if suffix == ".svg":
        return PublishedImage(src, sanitize_svg(raw, src_path))
    if suffix not in RASTER:
        return PublishedImage(src, raw)  # GIF, WebP: published as they are
    key = hashlib.sha256(f"{PROCESSING}/{max_width_px()}/{suffix}".encode() + raw).hexdigest()
    folder = cache / key[:2] / key if cache else None
    made = _cached(folder) if folder else None
    if made is None:
        made = _process_raster(raw, RASTER[suffix], src_path)
        if folder:
            _store(folder, made)
    data, webp, width, height = made
    warning = None
    if len(raw) > LARGE_SOURCE:
        served = f"{len(data) // 1024} KB" + (f", WebP {len(webp) // 1024} KB" if webp else "")
        warning = (f"{src_path} is {len(raw) / 1_000_000:.1f} MB; published cut to {width} x {height} px "
                   f"({served}); commit a smaller copy to keep the repository light")
    return PublishedImage(src, data, webp, width, height, warning)


_Processed = tuple[bytes, bytes | None, int, int]


def _cached(folder: Path) -> _Processed | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        data = (folder / "image").read_bytes()
        webp = (folder / "image.webp").read_bytes() if meta["webp"] else None
        return data, webp, int(meta["width"]), int(meta["height"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(folder: Path, made: _Processed) -> None:
    data, webp, width, height = made
    atomic_write(folder / "image", data)
    if webp:
        atomic_write(folder / "image.webp", webp)
    # meta.json last: a cache entry counts only once its files are in place.
    atomic_write(folder / "meta.json", json.dumps({"webp": bool(webp), "width": width, "height": height}).encode())


def _process_raster(raw: bytes, fmt: str, src_path: str) -> _Processed:
    """Scale to max_width_px(), save again without metadata, and a WebP copy when it is smaller."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as opened:
            opened.load()
            icc = opened.info.get("icc_profile")  # colour, not metadata: without it wide-gamut photos shift
            image = ImageOps.exif_transpose(opened)  # turn it upright before the EXIF orientation goes
    except UnidentifiedImageError as exc:
        raise SourceError(f"not a {fmt} image; save it again as {fmt}", src_path) from exc
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
        raise SourceError(f"image cannot be read ({exc}); save it again as {fmt}", src_path) from exc
    limit = max_width_px()
    if image.width > limit:
        image = image.resize((limit, max(1, round(image.height * limit / image.width))), Image.Resampling.LANCZOS)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    extra = {"icc_profile": icc} if icc else {}
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", **JPEG, **extra)
    else:
        image.save(out, "PNG", optimize=True, **extra)
    data = out.getvalue()  # saved again even when larger than the source: the source may carry EXIF
    webp = io.BytesIO()
    few_colours = image.mode in ("P", "1") or image.getcolors(256) is not None
    webp_image = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
    webp_image.save(webp, "WEBP", **(WEBP_LOSSLESS if fmt == "PNG" and few_colours else WEBP_LOSSY), **extra)
    alternative = webp.getvalue()
    return data, alternative if len(alternative) < len(data) else None, image.width, image.height


# --- SVG -----------------------------------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Elements that draw, group, reuse, paint or describe; nothing that runs, animates, embeds or fetches.
ELEMENTS = frozenset("""
svg g defs symbol use title desc switch a
path rect circle ellipse line polyline polygon
text tspan textPath
linearGradient radialGradient stop pattern clipPath mask marker
filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence
image style
""".split())

# Geometry, presentation and structure attributes (none of them can run code or name another document).
ATTRIBUTES = frozenset("""
id class style transform viewBox preserveAspectRatio width height x y x1 y1 x2 y2 cx cy r rx ry d points
pathLength dx dy rotate textLength lengthAdjust startOffset method spacing side
fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
stroke-dasharray stroke-dashoffset stroke-opacity opacity color display visibility overflow
clip-path clip-rule clip mask filter marker marker-start marker-mid marker-end paint-order vector-effect
font-family font-size font-size-adjust font-stretch font-style font-variant font-weight
text-anchor text-decoration text-rendering dominant-baseline alignment-baseline baseline-shift
letter-spacing word-spacing writing-mode direction unicode-bidi white-space
shape-rendering image-rendering color-interpolation color-interpolation-filters color-rendering
isolation mix-blend-mode
gradientUnits gradientTransform spreadMethod fx fy fr offset stop-color stop-opacity
patternUnits patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits
markerUnits markerWidth markerHeight refX refY orient
filterUnits primitiveUnits in in2 result mode type values operator k1 k2 k3 k4 stdDeviation edgeMode
dx dy flood-color flood-opacity lighting-color surfaceScale diffuseConstant specularConstant
specularExponent kernelMatrix kernelUnitLength order divisor bias targetX targetY preserveAlpha
scale xChannelSelector yChannelSelector radius baseFrequency numOctaves seed stitchTiles
tableValues slope intercept amplitude exponent azimuth elevation pointsAtX pointsAtY pointsAtZ
limitingConeAngle z
version baseProfile requiredFeatures requiredExtensions systemLanguage role focusable
aria-label aria-labelledby aria-describedby aria-hidden lang
""".split())

# References an image may keep: a fragment of the same document, or embedded raster data.
_SAME_DOCUMENT = re.compile(r"#[A-Za-z_][\w.:-]*")
_EMBEDDED_RASTER = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_DANGER = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.IGNORECASE)


def sanitize_svg(raw: bytes, src_path: str) -> bytes:
    """The drawing of an SVG re-serialized from an allow-list: no scripts, handlers, foreign content or outside refs."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(raw, forbid_dtd=True)
    except ET.ParseError as exc:
        line, column = exc.position
        raise SourceError(f"not well-formed SVG ({_reason(exc)}) at column {column + 1}; fix the file or export it "
                          "again", src_path, line) from exc
    except DefusedXmlException as exc:
        raise SourceError(f"SVG with a document type or entities ({type(exc).__name__}); export it again as plain "
                          "SVG", src_path) from exc
    if root.tag == "svg":
        raise SourceError(f'<svg> has no SVG namespace; add xmlns="{SVG_NS}" to it', src_path)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SourceError(f"not an SVG image (its root element is <{_local(root.tag)}>); export it as SVG", src_path)
    try:
        clean = _clean(root)
    except RecursionError as exc:
        raise SourceError("SVG nested too deeply to publish; export it again flattened", src_path) from exc
    assert clean is not None  # the root is <svg>, which the allow-list keeps
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    published: bytes = ET.tostring(clean, encoding="utf-8", xml_declaration=True)
    return published + b"\n"


def _reason(exc: ET.ParseError) -> str:
    return re.sub(r": line \d+, column \d+$", "", str(exc))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean(element: ET.Element) -> ET.Element | None:
    """A copy of element with only allowed elements and attributes, or None when it must go with its content."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(f"{{{SVG_NS}}}") or _local(tag) not in ELEMENTS:
        return None  # script, foreignObject, animate/set, metadata, editors' own elements, comments
    name = _local(tag)
    copy = ET.Element(tag)
    for key, value in element.attrib.items():
        kept = _attribute(name, key, value)
        if kept is not None:
            copy.set(kept[0], kept[1])
    if name == "style":
        copy.text = _clean_css(element.text or "")
    else:
        copy.text = element.text
    for child in element:
        cleaned = _clean(child)
        if cleaned is not None:
            cleaned.tail = child.tail
            copy.append(cleaned)
        elif child.tail:  # keep the text that followed a removed element
            if len(copy):
                copy[-1].tail = (copy[-1].tail or "") + child.tail
            else:
                copy.text = (copy.text or "") + child.tail
    if name in ("image", "use") and not any(k in copy.attrib for k in ("href", f"{{{XLINK_NS}}}href")):
        return None  # an image or a use whose outside reference went draws nothing
    return copy


def _attribute(element: str, key: str, value: str) -> tuple[str, str] | None:
    """(key, value) to keep, or None."""
    if key in ("href", f"{{{XLINK_NS}}}href"):
        value = value.strip()
        if _SAME_DOCUMENT.fullmatch(value) or (element == "image" and _EMBEDDED_RASTER.fullmatch(value)):
            return key, value
        return None  # http(s), file, javascript:, data: documents: anything outside this drawing
    if key in (f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"):
        return key, value
    if "{" in key or key not in ATTRIBUTES:
        return None  # on* handlers, editors' namespaces, anything not known to be inert
    if key == "style":
        return key, _clean_declarations(value)
    if _CSS_DANGER.search(value) or not _urls_inside(value):
        return None  # fill="url(https://...)" and the like
    return key, value


def _urls_inside(css: str) -> bool:
    return all(_SAME_DOCUMENT.fullmatch(match.group(2).strip()) for match in _CSS_URL.finditer(css))


def _clean_declarations(style: str) -> str:
    """An inline style without the declarations that fetch or run anything."""
    kept = [d.strip() for d in style.split(";") if d.strip() and not _CSS_DANGER.search(d) and _urls_inside(d)]
    return "; ".join(kept)


def _clean_css(css: str) -> str:
    """A <style> sheet without @import and with every outside url() replaced by none."""
    css = re.sub(r"@import[^;]*;?", "", css, flags=re.IGNORECASE)
    css = _CSS_URL.sub(lambda m: m.group(0) if _SAME_DOCUMENT.fullmatch(m.group(2).strip()) else "none", css)
    return _CSS_DANGER.sub("", css)
