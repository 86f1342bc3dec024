"""Report and index pages, and their PDFs."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest

from naravard_lib import pages

needs_pdf = pytest.mark.skipif(pages.pdf_unavailable_reason() is not None,
                               reason=f"PDF engine unavailable: {pages.pdf_unavailable_reason()}")


def pdf_objects(path: Path) -> bytes:
    """The PDF's bytes with every Flate stream decompressed (catalog entries sit in object streams)."""
    raw = path.read_bytes()
    parts = [raw]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@needs_pdf
def test_write_pdf_carries_title_language_and_embedded_fonts(tmp_path):
    target = tmp_path / "aneby.pdf"
    pages.write_pdf('<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Nära vård i Aneby – '
                    'kommunrapport</title></head><body><p>Aneby får 478 810 kr.</p></body></html>', target)
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Title:           Nära vård i Aneby – kommunrapport" in info
    assert "Tagged:          yes" in info
    assert b"/Lang (sv)" in pdf_objects(target)
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert "478 810 kr" in pdf_text(target)
    assert [p.name for p in tmp_path.iterdir()] == ["aneby.pdf"]  # no temporary file left behind


@needs_pdf
def test_write_pdf_loads_nothing_from_outside(tmp_path, monkeypatch):
    import urllib.request

    asked = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, url, *a, **k: asked.append(url))
    pages.write_pdf('<html lang="sv"><head><title>t</title><link rel="stylesheet" href="https://cdn.example/x.css">'
                    '</head><body><img alt="x" src="https://cdn.example/x.png"><p>text</p></body></html>',
                    tmp_path / "x.pdf")
    assert asked == [] and (tmp_path / "x.pdf").stat().st_size > 0


def test_pdf_unavailable_reason_names_the_missing_piece(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    reason = pages.pdf_unavailable_reason()
    assert reason is not None and "\n" not in reason
    assert "libpango-1.0-0" in reason and "Debian packages" in reason
    with pytest.raises(RuntimeError, match="libpango"):
        pages.write_pdf("<html></html>", Path("/nonexistent/never.pdf"))
