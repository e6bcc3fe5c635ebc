"""Split Noto Serif SC in two, as bundled in fonts/.

Typst hashes a font's whole data the first time a document uses it, and a
process reads every page of it: 14.8 MB for the whole Chinese repertoire.
Most Chinese text needs only the GB 2312 ideographs, so the bundled font is
split into

- NotoSerifSC-{Regular,Bold}.ttf, family "Noto Serif SC": the 6,763 GB 2312
  ideographs and every character of the font that is not an ideograph
  (punctuation, Latin, kana, symbols), 4.1 MB;
- NotoSerifSCSupplement-{Regular,Bold}.ttf, family "Noto Serif SC
  Supplement": the other 21,175 ideographs, 11.2 MB.

Both keep the original glyph ids (--retain-gids), layout features and
names, so a PDF shows the same glyphs as with the whole font. The templates
fall back from the first to the second (templates/theme.typ).

Not part of the build. Run with fontTools 4.55 (pip install fonttools) on
the original files (npm @expo-google-fonts/noto-serif-sc 0.4.3):

    python3 fonts/split-noto-serif-sc.py ORIGINALS_DIR fonts/

then write fonts/info.json again (README, "Fonts").
"""

import subprocess
import sys
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont

SUPPLEMENT = "Noto Serif SC Supplement"


def gb2312() -> set[int]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7)."""
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return found


def is_ideograph(code: int) -> bool:
    name = unicodedata.name(chr(code), "")
    return name.startswith("CJK UNIFIED") or name.startswith("CJK COMPATIBILITY IDEOGRAPH")


def subset(source: Path, codes: set[int], out: Path) -> None:
    unicodes = out.with_suffix(".unicodes")
    unicodes.write_text(",".join(f"U+{c:04X}" for c in sorted(codes)))
    subprocess.run(
        [sys.executable, "-m", "fontTools.subset", str(source),
         f"--unicodes-file={unicodes}", "--retain-gids", "--layout-features=*",
         "--name-IDs=*", "--name-languages=*", "--name-legacy", "--notdef-glyph",
         "--notdef-outline", "--drop-tables=", "--no-prune-unicode-ranges",
         "--no-prune-codepage-ranges", "--glyph-names", f"--output-file={out}"],
        check=True,
    )
    unicodes.unlink()


def rename(path: Path, family: str, weight: str, what: str) -> None:
    # The original's timestamp is kept, so that a run gives the same files.
    font = TTFont(path, recalcTimestamp=False)
    postscript = family.replace(" ", "")
    for record in font["name"].names:
        text = record.toUnicode()
        if record.nameID in (1, 16):
            text = family
        elif record.nameID == 3:
            text = text.replace("NotoSerifSC-", postscript + "-")
        elif record.nameID == 4:
            text = f"{family} {weight}"
        elif record.nameID == 6:
            text = f"{postscript}-{weight}"
        elif record.nameID == 25:
            text = postscript
        elif record.nameID == 5:
            text = f"{text}; briefpress split: {what}"
        else:
            continue
        record.string = text
    font.save(path)


def main() -> None:
    originals, out = Path(sys.argv[1]), Path(sys.argv[2])
    common_han = gb2312()
    for weight in ("Regular", "Bold"):
        source = originals / f"NotoSerifSC-{weight}.ttf"
        covered = set(TTFont(source, lazy=True).getBestCmap())
        common = {c for c in covered if not is_ideograph(c) or c in common_han}
        first = out / f"NotoSerifSC-{weight}.ttf"
        second = out / f"NotoSerifSCSupplement-{weight}.ttf"
        subset(source, common, first)
        subset(source, covered - common, second)
        rename(first, "Noto Serif SC", weight, "GB 2312 ideographs and every other character")
        rename(second, SUPPLEMENT, weight, "the ideographs outside GB 2312")


if __name__ == "__main__":
    main()
