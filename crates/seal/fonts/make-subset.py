#!/usr/bin/env python3
"""Make the subset font that jianfu-seal embeds (`include_bytes!`) into certificate PDFs.

Source: Debian package fonts-noto-cjk, face 2 (= "Noto Serif CJK SC", Simplified Chinese) of
/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc. Licence: SIL OFL 1.1 (OFL.txt here).

Coverage (written to a temporary chars.txt, one code point per line as U+XXXX):
  * ASCII printable U+0020..U+007E
  * CJK Symbols and Punctuation U+3000..U+303F
  * Halfwidth and Fullwidth Forms U+FF00..U+FFEF
  * General punctuation used in Chinese text: U+2010..U+2027, U+2030..U+203B, U+00B7, U+00D7
  * every character of GB 2312-80: the symbol rows 1-9 and all 6763 hanzi
    (level 1 rows 16-55: 3755, level 2 rows 56-87: 3008)
Characters the font itself lacks are dropped by pyftsubset; the crate then reports any text
character the subset does not cover as SealError::UnsupportedCharacters.

Command (run from this directory, needs `pip install fonttools`):
    python3 make-subset.py
which runs
    pyftsubset /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc --font-number=2 \
        --unicodes-file=<temporary chars.txt> --no-hinting \
        --output-file=NotoSerifSC-GB2312-subset.otf
(pyftsubset's default layout features, which include kern, liga, locl, ccmp, vert; the output
stays CFF-flavoured OpenType, no woff). fontTools 4.68 made the committed file.
"""
import os
import subprocess
import sys
import tempfile

SOURCE = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
FONT_NUMBER = 2  # Noto Serif CJK SC
OUTPUT = "NotoSerifSC-GB2312-subset.otf"


def gb2312_chars():
    """All characters of GB 2312 (rows 1-9 symbols, rows 16-87 hanzi)."""
    symbols, hanzi = [], []
    for row in list(range(1, 10)) + list(range(16, 88)):
        for cell in range(1, 95):
            raw = bytes([0xA0 + row, 0xA0 + cell])
            try:
                ch = raw.decode("gb2312")
            except UnicodeDecodeError:
                continue  # unassigned position (e.g. 0xD7FA..0xD7FE)
            (hanzi if row >= 16 else symbols).append(ch)
    return symbols, hanzi


def main():
    symbols, hanzi = gb2312_chars()
    if len(hanzi) != 6763:
        sys.exit(f"expected 6763 GB2312 hanzi, got {len(hanzi)}")
    cps = set()
    cps.update(range(0x20, 0x7F))
    cps.update(range(0x3000, 0x3040))
    cps.update(range(0xFF00, 0xFFF0))
    cps.update(range(0x2010, 0x2028))
    cps.update(range(0x2030, 0x203C))
    cps.update([0x00B7, 0x00D7])
    cps.update(ord(c) for c in symbols + hanzi)
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        chars = os.path.join(tmp, "chars.txt")
        with open(chars, "w", encoding="ascii") as f:
            for cp in sorted(cps):
                f.write(f"U+{cp:04X}\n")
        cmd = [
            "pyftsubset", SOURCE, f"--font-number={FONT_NUMBER}",
            f"--unicodes-file={chars}", "--no-hinting",
            f"--output-file={os.path.join(here, OUTPUT)}",
        ]
        print(" ".join(cmd))
        subprocess.run(cmd, check=True)
    print(f"{len(hanzi)} hanzi, {len(symbols)} GB2312 symbols, {len(cps)} code points requested")


if __name__ == "__main__":
    main()
