"""Slide metadata for the teaching notebooks, so a trainer can show them with RISE in JupyterLab.

The metadata is assigned from each notebook's structure, never edited by hand, so it stays right
however the notebooks' content changes: ``make notebooks`` (:mod:`naravard_lib.refresh`) applies
:func:`assign_slides` after running a notebook, and a test checks that every committed teaching
notebook carries exactly what :func:`assign_slides` gives.

First, a Markdown cell with a heading after its first line is split there, so that every
section starts in a cell of its own. Then the rules, in order (a cell's first matching rule wins):

1. a tag ``slide-new``, ``slide-sub``, ``slide-fragment``, ``slide-skip``, ``slide-notes`` or
   ``slide-continue`` sets the cell's type directly (for exceptions);
2. a Markdown cell starting with ``# `` or ``## `` starts a slide; ``### `` starts a sub-slide;
3. a code cell without output (imports, set-up, parameters) is skipped;
4. a cell showing a table of more than :data:`LONG_TABLE_ROWS` rows appears as a fragment (the
   trainer introduces it, then shows it with the next key press);
5. anything else continues the current slide.

In the slideshow, code is hidden (``notebooks/rise.css``): participants see prose and results.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from . import paths

#: Tags that override the rules for one cell, and the slide type each gives.
SLIDE_TAGS = {"slide-new": "slide", "slide-sub": "subslide", "slide-fragment": "fragment", "slide-skip": "skip",
              "slide-notes": "notes", "slide-continue": "-"}
#: A table with more rows than this is shown as a fragment.
LONG_TABLE_ROWS = 8
#: RISE settings stored in each teaching notebook's metadata (read by jupyterlab-rise when the slideshow starts).
#: The "white" theme: high contrast, and its font is bundled ("simple" and others load Google Fonts).
RISE_SETTINGS = {"theme": "white", "transition": "none", "scroll": True, "start_slideshow_at": "beginning",
                 "slideNumber": "c/t", "enable_chalkboard": False, "auto_select": "none"}

_ROW = re.compile(r"<tr[\s>]")
_HEADING = re.compile(r"^#{1,3} ")


def split_at_headings(notebook) -> nbformat.NotebookNode:
    """Split each Markdown cell before every heading (``#`` to ``###``) that is not its first line.

    Changes ``notebook`` in place and returns it; a notebook already split is left as it is. The
    new cells' ids are the old id with ``-2``, ``-3`` … appended, so a re-run gives the same file.
    """
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            cells.append(cell)
            continue
        parts, fenced = [[]], False
        for line in cell.source.split("\n"):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            if not fenced and _HEADING.match(line) and any(l.strip() for l in parts[-1]):
                parts.append([])
            parts[-1].append(line)
        if len(parts) == 1:
            cells.append(cell)
            continue
        for number, lines in enumerate(parts, start=1):
            piece = nbformat.v4.new_markdown_cell("\n".join(lines).strip("\n"))
            piece.metadata = {k: v for k, v in cell.metadata.items() if k != "slideshow"}
            piece.id = cell.get("id", "cell") if number == 1 else f"{cell.get('id', 'cell')[:60]}-{number}"
            cells.append(piece)
    notebook.cells = cells
    return notebook


def teaching_notebooks() -> list[Path]:
    """The numbered teaching notebooks (``00_…`` to ``04_…``), in reading order."""
    return sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def _table_rows(cell) -> int:
    rows = 0
    for output in cell.get("outputs", []):
        html = output.get("data", {}).get("text/html", "")
        html = "".join(html) if isinstance(html, list) else html
        rows = max(rows, len(_ROW.findall(html)) - 1)  # less the header row
    return rows


def slide_type(cell) -> str:
    """The RISE slide type of one cell by the rules above: slide, subslide, fragment, skip, notes or ``-``.

    >>> slide_type(nbformat.v4.new_markdown_cell("## 2. Stämmer summorna?"))
    'slide'
    >>> slide_type(nbformat.v4.new_code_cell("import pandas as pd"))
    'skip'
    """
    tags = [SLIDE_TAGS[t] for t in cell.metadata.get("tags", []) if t in SLIDE_TAGS]
    if len(tags) > 1:
        raise ValueError(f"cell {cell.get('id', '?')}: more than one slide tag ({', '.join(tags)}); keep one")
    if tags:
        return tags[0]
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
        return "-"
    if cell.cell_type == "code" and not cell.get("outputs"):
        return "skip"
    if cell.cell_type == "raw":
        return "skip"
    if _table_rows(cell) > LONG_TABLE_ROWS:
        return "fragment"
    return "-"


def assign_slides(notebook) -> nbformat.NotebookNode:
    """Give every cell its slide type (``metadata.slideshow.slide_type``) and the notebook its RISE settings.

    Changes ``notebook`` in place and returns it, after :func:`split_at_headings`. The first cell
    always starts a slide.
    """
    split_at_headings(notebook)
    for number, cell in enumerate(notebook.cells):
        kind = slide_type(cell)
        if number == 0 and kind in ("-", "fragment", "subslide"):
            kind = "slide"
        cell.metadata["slideshow"] = {"slide_type": kind}
    notebook.metadata["rise"] = dict(RISE_SETTINGS)
    return notebook


def apply_to_file(path: Path) -> bool:
    """Assign the slide metadata in the notebook file ``path``; return whether the file changed."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    notebook = assign_slides(nbformat.reads(before, as_version=4))
    after = nbformat.writes(notebook).rstrip("\n") + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def slide_titles(notebook) -> list[str]:
    """The heading of each slide and sub-slide, in order (what a trainer sees when paging through)."""
    titles = []
    for cell in notebook.cells:
        if cell.metadata.get("slideshow", {}).get("slide_type") in ("slide", "subslide") and cell.cell_type == "markdown":
            titles.append(cell.source.lstrip().split("\n", 1)[0].lstrip("#").strip())
    return titles


if __name__ == "__main__":
    for notebook_path in teaching_notebooks():
        print(f"{notebook_path.name}: {'updated' if apply_to_file(notebook_path) else 'unchanged'}")
