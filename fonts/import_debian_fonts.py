"""Refresh fonts/ from Debian's fonts-noto-core and fonts-noto-cjk packages.

Run as `make fonts` after `apt-get install fonts-noto-core fonts-noto-cjk`.
CJK faces are cut out of Debian's .ttc collections so that each @font-face
names one file with one family. The manifest is written by guidebuilder.fontfiles
from the facts each font states, as `guidebuilder fonts add` writes it.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from guidebuilder.fontfiles import existing_manifest, plan_entry, register  # noqa: E402

TRUETYPE = Path("/usr/share/fonts/truetype/noto")
OPENTYPE = Path("/usr/share/fonts/opentype/noto")
SOURCE = "Debian fonts-noto-core 20201225 and fonts-noto-cjk 20220127, SIL OFL 1.1 (see OFL.txt)"

# File name pattern -> the faces bundled ({w}: Debian's style name).
SINGLE = {
    "NotoSans-{w}.ttf": ("Regular", "Bold", "Italic", "BoldItalic"),
    "NotoSansBengali-{w}.ttf": ("Regular", "Bold"),
    "NotoSansDevanagari-{w}.ttf": ("Regular", "Bold"),
    "NotoSansKhmer-{w}.ttf": ("Regular", "Bold"),
    "NotoNastaliqUrdu-{w}.ttf": ("Regular", "Bold"),
    "NotoNaskhArabic-{w}.ttf": ("Regular", "Bold"),
    "NotoSansGurmukhi-{w}.ttf": ("Regular", "Bold"),
    "NotoSansThai-{w}.ttf": ("Regular", "Bold"),
    "NotoSansLao-{w}.ttf": ("Regular", "Bold"),
    "NotoSansMyanmar-{w}.ttf": ("Regular", "Bold"),
    "NotoSansEthiopic-{w}.ttf": ("Regular", "Bold"),
    # List bullets the templates draw that Noto Sans lacks (U+25E6, U+25AA); Debian has no bold.
    "NotoSansSymbols2-{w}.ttf": ("Regular",),
}
# Face of the .ttc -> file name pattern.
CJK = {
    "Noto Sans CJK TC": "NotoSansCJKtc-{w}.otf",
    "Noto Sans CJK SC": "NotoSansCJKsc-{w}.otf",
    "Noto Sans CJK KR": "NotoSansCJKkr-{w}.otf",
    "Noto Sans CJK JP": "NotoSansCJKjp-{w}.otf",
}
# The .ttc faces carry no `meta` table: the region of a new face is the one its
# localized names state; faces already listed keep the scripts the manifest gives them.


def main() -> int:
    """Copy or extract every font and write the manifest."""
    written = []
    for pattern, styles in SINGLE.items():
        for style in styles:
            name = pattern.format(w=style)
            shutil.copyfile(TRUETYPE / name, HERE / name)
            written.append(HERE / name)
    for style in ("Regular", "Bold"):
        collection = TTCollection(OPENTYPE / f"NotoSansCJK-{style}.ttc")
        faces = {face["name"].getDebugName(1): face for face in collection.fonts}
        for family, pattern in CJK.items():
            name = pattern.format(w=style)
            face: TTFont = faces[family]
            face.recalcTimestamp = False  # keep Debian's head.modified: same input, same bytes
            face.save(HERE / name, reorderTables=True)
            written.append(HERE / name)
    current, _ = existing_manifest(HERE)
    previous = {font.file: font for font in current}
    entries = []
    for path in written:
        entry, _facts, _stored, warnings = plan_entry(path, path.name, (), previous)
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        entries.append(entry)
    register(HERE, written, entries, {"source": SOURCE})
    copyright_text = Path("/usr/share/doc/fonts-noto-core/copyright").read_text(encoding="utf-8")
    match = re.search(r"^License: OFL-1\.1\n((?: .*\n?)+)", copyright_text, re.M)
    if not match:
        print("could not find the OFL text in fonts-noto-core's copyright file", file=sys.stderr)
        return 1
    body = "\n".join("" if line == " ." else line[1:] for line in match.group(1).splitlines())
    header = ("Noto fonts: Copyright 2010-2022 Google Inc. and Google LLC.\n"
              "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n"
              "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007\n\n")
    (HERE / "OFL.txt").write_text(header + body.strip() + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
