"""Participant copies of the exercises: solution cells removed (nbconvert tag removal), outputs cleared."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import NotebookExporter
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

from . import paths

SOLUTION_TAG = "solution"


def participant_notebook(source: Path) -> nbformat.NotebookNode:
    """The participant version of a solved notebook, as a notebook object."""
    exporter = NotebookExporter()
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}, enabled=True), True)
    exporter.register_preprocessor(ClearOutputPreprocessor(enabled=True), True)
    body, _ = exporter.from_filename(str(source))
    return nbformat.reads(body, as_version=4)


def write_participant_copies(out_dir: Path, sources: list[Path] | None = None) -> list[Path]:
    """Write ``<name>.ipynb`` (``_losning`` dropped from the name) for every solved exercise notebook."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = sources or sorted((paths.NOTEBOOKS_DIR / "ovningar").glob("*_losning.ipynb"))
    written = []
    for source in sources:
        target = out_dir / source.name.replace("_losning", "")
        nbformat.write(participant_notebook(source), target)
        written.append(target)
    return written
