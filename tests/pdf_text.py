"""The text of a PDF the core rendered, for tests that read an invoice or receipt back."""

from __future__ import annotations

import re
import zlib


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF's content streams (fpdf2 writes them zlib compressed)."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)).decode("latin-1"))
        except zlib.error:
            out.append(m.group(1).decode("latin-1"))
    return "".join(out)
