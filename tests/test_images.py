"""Images as published: photos scaled for phones and stripped of EXIF, SVGs without anything that runs or fetches."""

from __future__ import annotations

import io
import json
import random
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import copy_fixture_project, edit_guide, run_cli
from test_site import LIMIT

# The web page's content column is 42rem (guide.css.j2) at the browsers' 16 px root size, drawn at 2x.
PHOTO_WIDTH = 42 * 16 * 2
SVG = "{http://www.w3.org/2000/svg}"
GPS_IFD = 0x8825


def photo_like_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """A 5 MB JPEG that compresses like a photo: gradients, blotches and grain (seeded, so the same every run)."""
    rng = random.Random(7)
    blotches = Image.frombytes("L", (width // 2, height // 2), rng.randbytes(width * height // 4))
    blotches = blotches.resize((width, height), Image.Resampling.BILINEAR)
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    across = Image.linear_gradient("L").resize((width, height))
    around = Image.radial_gradient("L").resize((width, height))
    red = Image.blend(across, blotches, 0.22)
    green = Image.blend(around, grain, 0.08)
    blue = Image.blend(across.transpose(Image.Transpose.FLIP_LEFT_RIGHT), blotches, 0.22)
    out = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(out, "JPEG", quality=95)
    return out.getvalue()


def geotagged_jpeg() -> bytes:
    """A small photo whose EXIF says where and with what it was taken."""
    image = Image.linear_gradient("L").convert("RGB").resize((800, 600))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0132] = "2026:03:15 10:00:00"  # DateTime
    exif[GPS_IFD] = {1: "N", 2: (37.0, 46.0, 30.0), 3: "W", 4: (122.0, 25.0, 10.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the test's own photo does carry GPS
    return data


HOSTILE_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 60"
     onload="alert('load')">
  <script>alert('script')</script>
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">author</rdf:RDF></metadata>
  <defs><linearGradient id="sky"><stop offset="0" stop-color="#9cf"/></linearGradient></defs>
  <style>@import url(https://tracker.example/a.css); rect { fill: url(https://tracker.example/p.svg#x); }</style>
  <rect id="wall" x="20" y="25" width="60" height="30" fill="url(#sky)" onclick="steal()"/>
  <path id="roof" d="M15 28 L50 5 L85 28 Z" fill="#955" onmouseover="steal()"
        style="stroke: #333; fill: url(https://tracker.example/f)"/>
  <a href="javascript:alert('link')"><circle id="sun" cx="90" cy="10" r="5"/></a>
  <a xlink:href="https://phish.example/"><circle id="moon" cx="10" cy="10" r="3"/></a>
  <image href="https://tracker.example/pixel.png" width="1" height="1"/>
  <image xlink:href="file:///etc/passwd" width="1" height="1"/>
  <use xlink:href="https://evil.example/sprite.svg#icon"/>
  <use href="#roof" x="0" y="30"/>
  <foreignObject width="100" height="60"><div xmlns="http://www.w3.org/1999/xhtml">
    <iframe src="https://evil.example/"></iframe></div></foreignObject>
  <set attributeName="href" to="javascript:alert('set')"/>
  <animate attributeName="onclick" to="alert('animate')"/>
</svg>
"""


@pytest.fixture(scope="module")
def photo_project(tmp_path_factory) -> Path:
    """The fixture project with a 5 MB photo, a geotagged photo and a hostile SVG in its guide."""
    project = copy_fixture_project(tmp_path_factory.mktemp("images") / "project")
    images = project / "guides" / "fixture" / "images"
    (images / "harbour.jpg").write_bytes(photo_like_jpeg())
    (images / "geotagged.jpg").write_bytes(geotagged_jpeg())
    (images / "pic.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    (images / "pic.bn.svg").unlink()
    edit_guide(project, "![A drawing of a house](images/pic.svg)",
               "![A drawing of a house](images/pic.svg)\n\n![The harbour at dawn](images/harbour.jpg)\n\n"
               "![A street corner](images/geotagged.jpg)")
    return project


@pytest.fixture(scope="module")
def photo_build(photo_project) -> tuple[Path, str]:
    """The photo project built into build/site/ (its standard error kept for the warnings)."""
    result = run_cli("build-guides", "--quiet", cwd=photo_project)
    assert result.code == 0, result.stdout + result.stderr
    return photo_project / "build" / "site", result.stderr


def test_source_photo_is_a_real_5_mb_photo(photo_project):
    source = photo_project / "guides/fixture/images/harbour.jpg"
    assert source.stat().st_size > 5_000_000
    assert Image.open(source).size == (4000, 3000)


def test_photo_is_scaled_to_twice_the_content_column_and_offered_as_webp(photo_build):
    out, _ = photo_build
    page = out / "fixture/en"
    html = (page / "index.html").read_text(encoding="utf-8")
    figure = re.search(r'<picture><source type="image/webp" srcset="images/harbour\.jpg\.webp">'
                       r'<img src="images/harbour\.jpg" alt="The harbour at dawn" width="(\d+)" height="(\d+)">'
                       r'</picture>',
                       html)
    assert figure, re.findall(r"<figure.*?</figure>", html)
    assert (int(figure.group(1)), int(figure.group(2))) == (PHOTO_WIDTH, PHOTO_WIDTH * 3 // 4)
    jpeg, webp = page / "images/harbour.jpg", page / "images/harbour.jpg.webp"
    assert Image.open(jpeg).size == (PHOTO_WIDTH, PHOTO_WIDTH * 3 // 4)
    assert Image.open(jpeg).format == "JPEG"
    assert Image.open(webp).format == "WEBP" and Image.open(webp).size == (PHOTO_WIDTH, PHOTO_WIDTH * 3 // 4)
    assert jpeg.stat().st_size < 300 * 1024  # the fallback for browsers without WebP
    assert webp.stat().st_size < jpeg.stat().st_size


def test_page_weight_with_a_5_mb_photo(photo_build):
    """What a phone downloads: the page with its fonts under 150 KiB as ever, and its three images under 64 KiB
    (each as a WebP-capable browser picks it), the 5.4 MB photo among them."""
    out, _ = photo_build
    for lang in ("en", "bn", "ur"):
        page = out / "fixture" / lang / "index.html"
        html = page.read_text(encoding="utf-8")
        fonts = re.findall(r'url\("(fonts/[^"]+)"\)', html)
        pictures = re.findall(r'<source type="image/webp" srcset="([^"]+)">', html)
        plain = re.findall(r'<figure class="image"><img src="([^"]+)"', html)
        assert sorted(pictures) == ["images/geotagged.jpg.webp", "images/harbour.jpg.webp"]
        assert plain == ["images/pic.svg"]
        weight = page.stat().st_size + sum((page.parent / f).stat().st_size for f in fonts)
        assert weight < LIMIT, f"{lang}: {weight / 1024:.0f} KB"
        images = sum((page.parent / f).stat().st_size for f in [*pictures, *plain])
        assert images < 64 * 1024, f"{lang}: images {images / 1024:.0f} KB"


def test_a_source_photo_over_1_mb_is_a_warning_naming_it_and_its_published_size(photo_build):
    out, stderr = photo_build
    warnings = [line for line in stderr.splitlines() if "harbour.jpg" in line]
    jpeg_kb = (out / "fixture/en/images/harbour.jpg").stat().st_size // 1024
    webp_kb = (out / "fixture/en/images/harbour.jpg.webp").stat().st_size // 1024
    assert warnings == [f"warning: guides/fixture/images/harbour.jpg is 5.4 MB; published cut to 1344 x 1008 px "
                        f"({jpeg_kb} KB, WebP {webp_kb} KB); commit a smaller copy to keep the repository light"]
    assert "geotagged.jpg" not in stderr  # small enough


def test_published_photos_carry_no_exif_or_gps(photo_build):
    out, _ = photo_build
    for lang in ("en", "bn", "ur"):
        for name in ("geotagged.jpg", "geotagged.jpg.webp", "harbour.jpg", "harbour.jpg.webp"):
            path = out / "fixture" / lang / "images" / name
            if name.endswith(".webp") and not path.exists():
                continue  # WebP only where smaller
            image = Image.open(path)
            assert dict(image.getexif()) == {}, (lang, name)
            assert not image.getexif().get_ifd(GPS_IFD)
            assert "exif" not in image.info and "xmp" not in image.info, (lang, name)


def test_pdf_embeds_the_scaled_photos_without_exif(photo_build):
    out, _ = photo_build
    reader = PdfReader(out / "fixture/en/fixture-en.pdf")
    photos = [image for page in reader.pages for image in page.images if image.image.size[0] > 100]
    sizes = sorted({image.image.size for image in photos})  # pages may share their images' resources
    assert sizes == [(800, 600), (PHOTO_WIDTH, PHOTO_WIDTH * 3 // 4)]
    for image in photos:
        assert dict(Image.open(io.BytesIO(image.data)).getexif()) == {}


def test_published_svg_keeps_the_drawing_and_nothing_else(photo_build):
    out, _ = photo_build
    published = (out / "fixture/en/images/pic.svg").read_text(encoding="utf-8")
    root = ET.fromstring(published)
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert {"wall", "roof", "sun", "moon", "sky"} <= ids  # the drawing stays
    assert root.find(f"{SVG}path").get("d") == "M15 28 L50 5 L85 28 Z"
    assert [use.get("href") for use in root.iter(f"{SVG}use")] == ["#roof"]
    assert root.find(f"{SVG}rect").get("fill") == "url(#sky)"
    for hostile in ("script", "alert", "steal", "javascript", "tracker.example", "evil.example", "phish.example",
                    "file:", "foreignObject", "iframe", "onload", "onclick", "onmouseover", "metadata", "@import"):
        assert hostile not in published, hostile
    assert root.find(f".//{SVG}path").get("style") == "stroke: #333"


def test_pdf_draws_the_sanitized_svg(photo_build):
    out, _ = photo_build
    pdf = (out / "fixture/en/fixture-en.pdf").read_bytes()
    assert b"tracker.example" not in pdf and b"alert" not in pdf


def test_outputs_are_byte_identical_across_builds(photo_project, photo_build, tmp_path):
    out, _ = photo_build
    again = tmp_path / "again"
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
    # A fresh image cache: the second build processes every image again.
    result = run_cli("build-guides", "--quiet", "--force", "--out", str(again), cwd=photo_project,
                     env={"GUIDEBUILDER_CACHE": str(tmp_path / "cache")})
    assert result.code == 0, result.stderr
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and ".guidebuilder" not in p.parts}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*")
              if p.is_file() and ".guidebuilder" not in p.parts}
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def _drawing(inner: str, extra_ns: str = "") -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"{extra_ns} '
            f'viewBox="0 0 10 10"><path id="p" d="M0 0 L10 10"/>{inner}</svg>').encode()


@pytest.mark.parametrize("inner, gone", [
    ("<script>alert(1)</script>", "alert"),
    ('<script xlink:href="https://evil.example/x.js"/>', "evil.example"),
    ('<rect width="1" height="1" onclick="alert(1)"/>', "onclick"),
    ('<g onload="alert(1)"><circle r="1"/></g>', "onload"),
    ('<a href="javascript:alert(1)"><circle r="1"/></a>', "javascript"),
    ('<a xlink:href="https://phish.example/"><circle r="1"/></a>', "phish.example"),
    ('<image href="https://tracker.example/pixel.png" width="1" height="1"/>', "tracker.example"),
    ('<image href="file:///etc/passwd" width="1" height="1"/>', "passwd"),
    ('<use xlink:href="https://evil.example/sprite.svg#icon"/>', "evil.example"),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>', "foreignObject"),
    ('<rect width="1" height="1" fill="url(https://tracker.example/f#g)"/>', "tracker.example"),
    ('<rect width="1" height="1" style="fill: url(\'https://tracker.example/f\'); stroke: red"/>', "tracker.example"),
    ("<style>@import url(https://tracker.example/a.css);</style>", "tracker.example"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "javascript"),
    ('<animate attributeName="onclick" to="alert(1)"/>', "alert"),
])
def test_each_hostile_svg_construct_is_removed_and_the_drawing_kept(inner, gone):
    from guidebuilder.images import sanitize_svg

    published = sanitize_svg(_drawing(inner), "guides/x/images/a.svg").decode()
    assert gone not in published
    root = ET.fromstring(published)
    assert root.find(f"{SVG}path").get("d") == "M0 0 L10 10"


def test_same_document_references_and_embedded_pictures_stay():
    from guidebuilder.images import sanitize_svg

    png = "data:image/png;base64,iVBORw0KGgo="
    published = sanitize_svg(_drawing(f'<use href="#p"/><image href="{png}" width="1" height="1"/>'
                                      '<rect style="fill: url(#p); stroke: red" width="1" height="1"/>'), "a.svg")
    root = ET.fromstring(published)
    assert root.find(f"{SVG}use").get("href") == "#p"
    assert root.find(f"{SVG}image").get("href") == png
    assert root.find(f"{SVG}rect").get("style") == "fill: url(#p); stroke: red"


def test_an_svg_with_entities_is_refused_with_its_file():
    from guidebuilder.errors import SourceError
    from guidebuilder.images import sanitize_svg

    bomb = b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(SourceError) as caught:
        sanitize_svg(bomb, "guides/x/images/a.svg")
    assert str(caught.value) == ("guides/x/images/a.svg: SVG with a document type or entities (DTDForbidden); "
                                 "export it again as plain SVG")


def test_a_broken_svg_fails_its_language_with_the_file_and_line(project, cli):
    broken = '<svg xmlns="http://www.w3.org/2000/svg">\n<path d="M0 0">\n</svg>\n'
    (project / "guides/fixture/images/pic.svg").write_text(broken)
    result = cli("build-guides", "--quiet", "--lang", "en", cwd=project)
    assert result.code == 1
    assert ("guides/fixture/images/pic.svg:3: not well-formed SVG (mismatched tag) at column 3; fix the file or "
            "export it again") in result.stdout.replace("\n", "")


@pytest.mark.parametrize("name, data, message", [
    ("photo.jpg", b"GIF89a not a photo", "not a JPEG image; save it again as JPEG"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 10,
     "image cannot be read (Truncated File Read); save it again as PNG"),
    ("pic.svg", b'<svg><path d="M0 0"/></svg>',
     '<svg> has no SVG namespace; add xmlns="http://www.w3.org/2000/svg" to it'),
])
def test_an_unreadable_image_fails_its_language_with_its_file(project, cli, name, data, message):
    (project / "guides/fixture/images" / name).write_bytes(data)
    if name != "pic.svg":
        edit_guide(project, "![A drawing of a house](images/pic.svg)", f"![A drawing of a house](images/{name})")
    result = cli("build-guides", "--quiet", "--lang", "en", "--format", "html", cwd=project)
    assert result.code == 1
    manifest = json.loads((project / "build/site/manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["guides"][0]["languages"] if e["lang"] == "en")
    assert (entry["status"], entry["reason"]) == ("failed", f"guides/fixture/images/{name}: {message}")


def test_brand_logo_is_sanitized_too(project):
    import base64

    from guidebuilder.config import load_project

    (project / "brand").mkdir()
    (project / "brand/logo.svg").write_text(_drawing('<script>alert(1)</script><rect onclick="steal()" '
                                                     'width="4" height="1"/>').decode())
    (project / "guidebuilder.toml").write_text((project / "guidebuilder.toml").read_text()
                                               + '\n[brand]\nlogo = "brand/logo.svg"\n')
    uri = load_project(project).logo_uri()
    assert uri and uri.startswith("data:image/svg+xml;base64,")
    logo = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert "alert" not in logo and "steal" not in logo
    assert ET.fromstring(logo).find(f"{SVG}rect").get("width") == "4"


def test_images_in_nested_folders_are_published_and_a_replaced_one_goes(project, cli):
    images = project / "guides/fixture/images"
    (images / "maps").mkdir()
    (images / "maps" / "route.svg").write_text((images / "pic.svg").read_text())
    edit_guide(project, "![A drawing of a house](images/pic.svg)",
               "![A drawing of a house](images/pic.svg)\n\n![The route](images/maps/route.svg)")
    result = cli("build-guides", "--quiet", "--lang", "en", "--format", "html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    page = project / "build/site/fixture/en"
    assert (page / "images/pic.svg").is_file() and (page / "images/maps/route.svg").is_file()
    (images / "maps" / "route.svg").rename(images / "maps" / "way.svg")
    edit_guide(project, "images/maps/route.svg", "images/maps/way.svg")
    result = cli("build-guides", "--quiet", "--lang", "en", "--format", "html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    assert sorted(p.relative_to(page).as_posix() for p in (page / "images").rglob("*")) == \
        ["images/maps", "images/maps/way.svg", "images/pic.svg"]


def test_a_published_image_deleted_from_the_site_comes_back_on_the_next_build(project, cli):
    assert cli("build-guides", "--quiet", "--lang", "en", "--format", "html", cwd=project).code == 0
    image = project / "build/site/fixture/en/images/pic.svg"
    published = image.read_bytes()
    image.unlink()
    result = cli("build-guides", "--quiet", "--lang", "en", "--format", "html", cwd=project)
    assert result.code == 0, result.stdout + result.stderr
    assert image.read_bytes() == published
