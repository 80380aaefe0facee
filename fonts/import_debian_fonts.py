"""Refresh fonts/ from Debian's fonts-noto-core and fonts-noto-cjk packages.

Run as `make fonts` after `apt-get install fonts-noto-core fonts-noto-cjk`.
CJK faces are cut out of Debian's .ttc collections so that each @font-face
names one file with one family. Writes fonts/manifest.json with sha256 sums.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
TRUETYPE = Path("/usr/share/fonts/truetype/noto")
OPENTYPE = Path("/usr/share/fonts/opentype/noto")

# family -> (scripts it is used for, source per weight)
SINGLE = {
    "Noto Sans": ("Latn Cyrl Grek", "NotoSans-{w}.ttf"),
    "Noto Sans Bengali": ("Beng", "NotoSansBengali-{w}.ttf"),
    "Noto Sans Devanagari": ("Deva", "NotoSansDevanagari-{w}.ttf"),
    "Noto Sans Khmer": ("Khmr", "NotoSansKhmer-{w}.ttf"),
    "Noto Nastaliq Urdu": ("Arab", "NotoNastaliqUrdu-{w}.ttf"),
}
CJK = {
    "Noto Sans CJK TC": ("Hant Bopo", "NotoSansCJKtc-{w}.otf"),
    "Noto Sans CJK SC": ("Hans", "NotoSansCJKsc-{w}.otf"),
    "Noto Sans CJK KR": ("Hang Kore", "NotoSansCJKkr-{w}.otf"),
}
WEIGHTS = {"Regular": 400, "Bold": 700}


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    """Copy or extract every font and write the manifest."""
    entries = []
    for family, (scripts, pattern) in SINGLE.items():
        for weight_name, weight in WEIGHTS.items():
            name = pattern.format(w=weight_name)
            shutil.copyfile(TRUETYPE / name, HERE / name)
            entries.append((family, name, scripts, weight))
    for weight_name, weight in WEIGHTS.items():
        collection = TTCollection(OPENTYPE / f"NotoSansCJK-{weight_name}.ttc")
        faces = {face["name"].getDebugName(1): face for face in collection.fonts}
        for family, (scripts, pattern) in CJK.items():
            name = pattern.format(w=weight_name)
            face: TTFont = faces[family]
            face.save(HERE / name, reorderTables=True)
            entries.append((family, name, scripts, weight))
    manifest = {
        "source": "Debian fonts-noto-core 20201225 and fonts-noto-cjk 20220127, SIL OFL 1.1 (see OFL.txt)",
        "fonts": [
            {"family": fam, "file": name, "weight": weight, "scripts": scripts.split(), "sha256": sha256(HERE / name)}
            for fam, name, scripts, weight in sorted(entries)
        ],
    }
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
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
