"""The text of a PDF as pdftotext lays it out, for tests that check what a document says."""

from __future__ import annotations

import subprocess
from pathlib import Path


def pdf_layout_text(pdf: bytes | Path | str) -> str:
    """pdftotext -layout of PDF bytes or a PDF file."""
    if isinstance(pdf, bytes):
        out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    else:
        out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    return out.decode()


def pdf_words(pdf: bytes | Path | str) -> str:
    """The words in reading order, whitespace collapsed (a phrase split over lines still matches)."""
    return " ".join(pdf_layout_text(pdf).split())
