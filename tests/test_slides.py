"""Slide metadata of the teaching notebooks: assigned by rule, and the committed notebooks carry exactly it."""

from __future__ import annotations

import copy

import nbformat
import pytest

from naravard_lib import slides


def _table(rows: int) -> str:
    return "<table><thead><tr><th>a</th></tr></thead><tbody>" + "<tr><td>1</td></tr>" * rows + "</tbody></table>"


def _shown(source: str, html: str | None = None):
    cell = nbformat.v4.new_code_cell(source)
    data = {"text/plain": "x"} if html is None else {"text/html": html, "text/plain": "x"}
    cell.outputs = [nbformat.v4.new_output("execute_result", data=data, execution_count=1)]
    return cell


def _types(notebook) -> list[str]:
    return [cell.metadata["slideshow"]["slide_type"] for cell in notebook.cells]


def test_headings_start_slides_setup_is_skipped_and_long_tables_are_fragments():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 09 · Titel\n\nVad du lär dig."),
        nbformat.v4.new_code_cell("import pandas as pd"),
        nbformat.v4.new_markdown_cell("## 1. Första avsnittet"),
        _shown("kort()", _table(slides.LONG_TABLE_ROWS)),
        _shown("lang()", _table(slides.LONG_TABLE_ROWS + 1)),
        nbformat.v4.new_markdown_cell("### En underrubrik"),
        _shown("print(1)"),
    ])
    assert _types(slides.assign_slides(notebook)) == ["slide", "skip", "slide", "-", "fragment", "subslide", "-"]
    assert notebook.metadata["rise"] == slides.RISE_SETTINGS
    assert slides.slide_titles(notebook) == ["09 · Titel", "1. Första avsnittet", "En underrubrik"]


def test_a_tag_overrides_the_rules_and_two_tags_are_refused():
    skipped = _shown("visa()", _table(20))
    skipped.metadata["tags"] = ["slide-skip"]
    new = nbformat.v4.new_markdown_cell("Fortsättning som ska få en egen bild.")
    new.metadata["tags"] = ["slide-new"]
    assert [slides.slide_type(skipped), slides.slide_type(new)] == ["skip", "slide"]
    new.metadata["tags"] = ["slide-new", "slide-skip"]
    with pytest.raises(ValueError, match="more than one slide tag"):
        slides.slide_type(new)


def test_a_heading_inside_a_cell_starts_a_cell_and_a_slide_of_its_own():
    cell = nbformat.v4.new_markdown_cell("Slutet av avsnitt 4.\n\n## 5. Nästa\n\nText.\n\n```\n## inte en rubrik\n```")
    cell.id = "c07"
    notebook = slides.assign_slides(nbformat.v4.new_notebook(cells=[cell]))
    assert [c.source for c in notebook.cells] == ["Slutet av avsnitt 4.",
                                                  "## 5. Nästa\n\nText.\n\n```\n## inte en rubrik\n```"]
    assert [c.id for c in notebook.cells] == ["c07", "c07-2"]
    assert _types(notebook) == ["slide", "slide"]
    again = slides.assign_slides(copy.deepcopy(notebook))
    assert nbformat.writes(again) == nbformat.writes(notebook)  # idempotent


@pytest.mark.parametrize("path", slides.teaching_notebooks(), ids=lambda p: p.stem)
def test_committed_teaching_notebook_carries_exactly_the_assigned_metadata(path):
    committed = nbformat.read(path, as_version=4)
    expected = slides.assign_slides(copy.deepcopy(committed))
    assert nbformat.writes(committed) == nbformat.writes(expected), (
        f"{path.name}: slide metadata is stale; run `python -m naravard_lib.slides` (or make notebooks)")
    titles = slides.slide_titles(committed)
    assert len(titles) >= 5 and titles[0][:2] == path.name[:2] and "Nyckelpunkter" in titles
    assert all(c.metadata["slideshow"]["slide_type"] == "skip"
               for c in committed.cells if c.cell_type == "code" and not c.outputs)


def test_teaching_notebooks_are_the_five_numbered_ones():
    assert [p.name[:3] for p in slides.teaching_notebooks()] == ["00_", "01_", "02_", "03_", "04_"]
