"""Re-execute the reference notebooks in place so their committed outputs are current.

``make notebooks`` runs this. The committed outputs are the regression test: ``make test``
re-runs each notebook under nbval and compares. The teaching notebooks also get their slide
metadata (:func:`naravard_lib.slides.assign_slides`). The report template is not refreshed (it is
committed without outputs).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from . import paths
from .slides import assign_slides, teaching_notebooks


def reference_notebooks() -> list[Path]:
    """Notebooks committed with outputs, in reading order."""
    found = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    found += sorted((paths.NOTEBOOKS_DIR / "ovningar").glob("*_losning.ipynb"))
    return found


def execute_in_place(path: Path, timeout: int = 600) -> None:
    """Run every cell of ``path`` with the project kernel and save the outputs into it."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=timeout, kernel_name=paths.KERNEL_NAME,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in notebook.cells:  # execution timestamps are not part of the story
        cell.metadata.pop("execution", None)
    if path.resolve() in {p.resolve() for p in teaching_notebooks()}:
        assign_slides(notebook)  # slide metadata follows the refreshed content (RISE)
    path.write_text(_stable_widget_ids(nbformat.writes(notebook)).rstrip("\n") + "\n", encoding="utf-8")


def _stable_widget_ids(text: str) -> str:
    """Renumber the random widget model ids so that a re-run gives the same file.

    Models are numbered in the order met walking from each displayed widget through the
    models it references, which does not depend on the ids themselves.
    """
    notebook = json.loads(text)
    state = notebook.get("metadata", {}).get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    if not state:
        return text
    references = {m: re.findall(r"IPY_MODEL_([0-9a-f]{32})", json.dumps(state[m], sort_keys=True)) for m in state}
    order: list[str] = []

    def walk(queue: list[str]) -> None:
        while queue:
            model = queue.pop(0)
            if model in order or model not in state:
                continue
            order.append(model)
            queue.extend(references[model])

    walk(re.findall(r'"model_id": "([0-9a-f]{32})"', json.dumps(notebook["cells"])))
    # Models no output shows (e.g. controls built but not displayed): walk from the ones nothing else refers
    # to, in the order of their content, so that each one's children are numbered right after it.
    blank = lambda m: re.sub(r"[0-9a-f]{32}", "", json.dumps(state[m], sort_keys=True))  # noqa: E731
    left = [m for m in state if m not in order]
    referred = {r for m in left for r in references[m]}
    walk(sorted((m for m in left if m not in referred), key=blank))
    walk(sorted((m for m in state if m not in order), key=blank))  # cycles, if any
    for number, old in enumerate(order, start=1):
        text = text.replace(old, f"{number:032x}")
    return nbformat.writes(nbformat.reads(text, as_version=4))


def main(argv: list[str] | None = None) -> None:
    """Refresh the given notebooks, or all reference notebooks."""
    targets = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or reference_notebooks()
    for path in targets:
        print(f"executing {paths.display_path(path)}")
        execute_in_place(path.resolve())


if __name__ == "__main__":
    main()
