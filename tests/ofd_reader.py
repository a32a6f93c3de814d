#!/usr/bin/env python3
"""Opens an OFD file of ours with a maintained OFD reader from PyPI (easyofd) and checks its
structure and text; the reader does not check signatures (our verifier, OpenSSL and gmssl do).

Usage: ofd_reader.py FILE.ofd EXPECTED_TEXT...

Exit 0 when easyofd parses the package (OFD.xml, the document, one page with text objects,
the signature on the page) and every EXPECTED_TEXT appears in the page's text as the reader
extracts it. (easyofd's own drawing to PDF is not used: it has no CJK font of its own and
takes minutes.) Install: pip install easyofd==20260427
"""
import sys


def texts_of(node, out):
    """Every text string anywhere in easyofd's parsed structure."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "Text", "TextCode") and isinstance(value, str):
                out.append(value)
            texts_of(value, out)
    elif isinstance(node, (list, tuple)):
        for value in node:
            texts_of(value, out)
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, expected = sys.argv[1], sys.argv[2:]
    from loguru import logger

    logger.remove()  # easyofd logs every step at INFO
    from easyofd.ofd import OFD

    ofd = OFD()
    ofd.read(path, fmt="path")
    data = ofd.data
    problems = []
    if not isinstance(data, list) or not data:
        print(f"FAIL: easyofd found no document in {path}")
        return 1
    doc = data[0]
    pages = doc.get("page_info") or {}
    if len(pages) != 1:
        problems.append(f"expected one page, easyofd found {len(pages)}")
    text = "".join(texts_of(pages, []))
    for want in expected:
        if want not in text:
            problems.append(f"text {want!r} not found in the page's text")
    signatures = doc.get("signatures_page_id") or {}
    if not signatures:
        problems.append("easyofd found no signature (Signatures.xml / StampAnnot)")
    if problems:
        for p in problems:
            print(f"FAIL: {p}")
        return 1
    print(f"OK: easyofd read {path}: 1 page, {len(text)} characters of text, "
          f"{len(signatures)} signed page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
