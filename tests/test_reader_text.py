"""What reaches a reader never shows Python's internals: a scan of committed notebook outputs and a report.

Readers see the committed outputs of the reference notebooks (in JupyterLab, on GitHub) and the
generated reports. Neither may show ``NaN``, ``<NA>``, numpy reprs, ``None`` as a value, a raw
widget repr, a traceback, or a long integer without the Swedish thousands spaces.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from naravard_lib import batch, paths
from naravard_lib.parameters import select
from naravard_lib.refresh import reference_notebooks

FORBIDDEN = {
    "NaN": re.compile(r"\bNaN\b"),
    "<NA>": re.compile(r"<NA>|&lt;NA&gt;"),
    "numpy repr": re.compile(r"\bnp\.(float|int|bool)\w*\("),
    "None as a value": re.compile(r"<td[^>]*>\s*None\s*</td>|^None$", re.MULTILINE),
    "unformatted number in a table cell": re.compile(r"<t[dh][^>]*>\s*[−-]?\d{5,}(?:[.,]\d+)?\s*</t[dh]>"),
    "traceback": re.compile(r"Traceback"),
    "widget repr": re.compile(r"\b(VBox|HBox)\(children="),
}


def reader_problems(text: str) -> list[str]:
    """The forbidden tokens found in ``text``, each with a little context."""
    found = []
    for name, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            found.append(f"{name}: …{text[max(0, match.start() - 60):match.end() + 20]!r}…")
    return found


def _output_texts(path):
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                yield number, output.text
            if output.output_type == "error":
                yield number, "Traceback " + output.get("ename", "")
            for mime in ("text/plain", "text/html", "text/markdown"):
                value = output.get("data", {}).get(mime)
                if value:
                    yield number, value if isinstance(value, str) else "".join(value)


@pytest.mark.parametrize("path", reference_notebooks(), ids=lambda p: p.name)
def test_committed_outputs_read_as_swedish_text(path):
    problems = [f"cell {n}: {p}" for n, text in _output_texts(path) for p in reader_problems(text)]
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize("text, problem", [
    ("<td>2.5</td><td>NaN</td>", "NaN"), ("<td>&lt;NA&gt;</td>", "<NA>"), ("np.float64(69.94)", "numpy repr"),
    ("<td>None</td>", "None as a value"), ("<td>800000</td>", "unformatted number in a table cell"),
    ('<th class="row_heading">28921974</th>', "unformatted number in a table cell"),
    ("Traceback (most recent call last)", "traceback"), ("VBox(children=(IntSlider(", "widget repr"),
])
def test_the_scan_catches_each_kind_of_problem(text, problem):
    assert any(p.startswith(problem) for p in reader_problems(text))


def test_the_scan_accepts_the_swedish_style():
    assert reader_problems("<td>1 244 655</td><td>39,63 %</td><td>–</td><td>2024</td>") == []
    # as the formatter writes them: no-break spaces between thousands and before the unit
    assert reader_problems("<td>1\xa0244\xa0655</td><td>39,63\xa0%</td><td>−1\xa0484\xa0848\xa0kr</td>") == []
    assert reader_problems("<td>1244655</td>") != []  # the same number without them is still caught


@pytest.mark.slow
def test_a_generated_report_reads_as_swedish_text(tmp_path):
    results = batch.build(select(["jonkoping"]), tmp_path, workers=1, show_progress=False)
    assert results[0].ok, results[0].error
    page = (tmp_path / "jonkoping.html").read_text(encoding="utf-8")
    assert "10 234 342" in page.replace("\xa0", " ")
    assert reader_problems(page) == []
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert reader_problems(index) == []
