"""Refreshing a notebook twice gives the same file: widget model ids do not depend on the kernel's random ids."""

import json
import uuid

import nbformat

from naravard_lib.refresh import _stable_widget_ids


def _notebook(ids: dict[str, str], order: list[str]) -> str:
    """One displayed VBox → HTML, and two controls built but never displayed, each with its own layout."""
    def model(name, **state):
        return {"model_module": "@jupyter-widgets/controls", "model_name": name, "state": state}

    state = {
        ids["box"]: model("VBoxModel", children=[f"IPY_MODEL_{ids['html']}"]),
        ids["html"]: model("HTMLModel", value="<b>1 244 655</b>", layout=f"IPY_MODEL_{ids['l0']}"),
        ids["l0"]: model("LayoutModel"),
        ids["a"]: model("TextareaModel", value="", layout=f"IPY_MODEL_{ids['la']}"),
        ids["b"]: model("TextareaModel", value="", layout=f"IPY_MODEL_{ids['lb']}"),
        ids["la"]: model("LayoutModel", width="100%"),
        ids["lb"]: model("LayoutModel", width="100%"),
    }
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show(view)", id="cell")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": ids["box"], "version_major": 2, "version_minor": 0},
        "text/plain": "[Här visas reglagen …]"})]
    notebook.cells = [cell]
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {key: state[key] for key in (ids[name] for name in order)}, "version_major": 2, "version_minor": 0}}
    return nbformat.writes(notebook)


def test_widget_ids_are_the_same_whatever_the_kernel_chose():
    names = ["box", "html", "l0", "a", "b", "la", "lb"]
    first = _stable_widget_ids(_notebook({n: uuid.uuid4().hex for n in names}, names))
    second = _stable_widget_ids(_notebook({n: uuid.uuid4().hex for n in names}, list(reversed(names))))
    assert first == second
    state = json.loads(first)["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert len(state) == 7 and f"{1:032x}" in state  # the displayed box is model 1
