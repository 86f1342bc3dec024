"""Warm kernels: the same bytes as a fresh kernel per report, nothing leaks, a dead kernel is replaced.

The byte-identity check is the expensive one: two different reports built warm (one kernel, reset
between them), isolated (a fresh kernel each) and warm on a dask LocalCluster (one worker thread, one
kernel), once in a module fixture that every assertion reads from. A reset that misses what the first
report left (its execution counter, say) makes the second differ: the check was seen failing so.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from naravard_lib import batch, paths
from naravard_lib.parameters import ReportParameters, select

pytestmark = pytest.mark.slow


def _files(folder, kind):
    return {p.name: p.read_bytes() for p in sorted(folder.glob(f"*.{kind}"))}


#: One after the other in one warm kernel: what a whole report (with its map) leaves behind would reach
#: the next, a different one (no map, a title of its own).
IDENTITY_JOBS = [*select(["aneby"]), ReportParameters("Habo", "habo", visa_karta=False, rubrik="Habo <utan> karta")]


@pytest.fixture(scope="module")
def three_builds(tmp_path_factory):
    """:data:`IDENTITY_JOBS` built warm (local), isolated (a fresh kernel each) and warm on a dask LocalCluster."""
    root = tmp_path_factory.mktemp("identity")
    folders = {}
    for name, options in [("warm", {"workers": 1}), ("isolated", {"workers": 2, "isolate": True}),
                          ("dask", {"workers": 1, "executor": "dask"})]:
        results = batch.build(IDENTITY_JOBS, root / name, show_progress=False, **options)
        assert all(r.ok for r in results), [(r.slug, r.error) for r in results if not r.ok]
        folders[name] = root / name
    return folders


def test_warm_reports_are_byte_identical_to_isolated_ones(three_builds):
    for kind in ("ipynb", "html"):
        warm, isolated = _files(three_builds["warm"], kind), _files(three_builds["isolated"], kind)
        assert len(warm) == len(IDENTITY_JOBS) + 2 * (kind == "html")  # and index.html, tillganglighet.html
        for name in ("index.html", "tillganglighet.html"):  # these two carry the time of the build
            warm.pop(name, None), isolated.pop(name, None)
        different = [name for name in warm if warm[name] != isolated[name]]
        assert different == [], f"warm and isolated {kind} differ: {different}"


def test_dask_reports_are_byte_identical_to_local_ones(three_builds):
    for kind in ("ipynb", "html"):
        local, dask = _files(three_builds["warm"], kind), _files(three_builds["dask"], kind)
        for name in ("index.html", "tillganglighet.html"):  # these two carry the time of the build
            local.pop(name, None), dask.pop(name, None)
        assert local.keys() == dask.keys() and [n for n in local if local[n] != dask[n]] == []


def test_index_and_summary_agree_across_the_three_builds(three_builds):
    def without_date(text):
        return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "DATE", text)

    summaries = {name: without_date((folder / "summary.csv").read_text(encoding="utf-8"))
                 for name, folder in three_builds.items()}
    assert summaries["warm"] == summaries["isolated"] == summaries["dask"]
    assert summaries["warm"].count(",ny,") == len(IDENTITY_JOBS)
    pages = {name: without_date((folder / "index.html").read_text(encoding="utf-8"))
             for name, folder in three_builds.items()}
    assert pages["warm"] == pages["isolated"] == pages["dask"]


# ------------------------------------------------------------------ a template that misbehaves on purpose

_OBSERVE = """\
import json, os, sys, warnings
import matplotlib, matplotlib.pyplot as plt, numpy, pandas
from IPython import get_ipython
pathlib_pid = __import__("pathlib").Path(os.environ["WARM_TEST_DIR"], kommun + ".pid")
pathlib_pid.write_text(str(os.getpid()))
# A fresh kernel loads the inline backend (which turns interactive mode on) at the first figure, a warm
# one has it loaded already: compare them once a figure has been made, as every plotting report does.
plt.close(plt.figure())
seen = {
    "globals": sorted(k for k in globals() if k.startswith("LEFTOVER")),
    "figures": plt.get_fignums(),
    "interactive": matplotlib.is_interactive(),
    "rc_grid": matplotlib.rcParams["axes.grid"],
    "cwd": os.getcwd(),
    "environ": os.environ.get("LEFTOVER_ENV"),
    "sys_path": "/leftover" in sys.path,
    "pandas_rows": pandas.get_option("display.max_rows"),
    "numpy_precision": numpy.get_printoptions()["precision"],
    "int_formatter": int in get_ipython().display_formatter.formatters["text/plain"].type_printers,
    "warnings_error": any(f[0] == "error" for f in warnings.filters),
    "history": len(In),
    "figure_formats": sorted(__import__("matplotlib_inline").backend_inline.InlineBackend.instance().figure_formats),
}
print(json.dumps(seen, sort_keys=True))
"""

_LITTER = """\
LEFTOVER = kommun
plt.ioff()
LEFTOVER_FIGURE = plt.figure()  # with interactive mode off the inline backend neither shows nor closes it
plt.plot([1, 2, 3])
matplotlib.rcParams["axes.grid"] = True
os.chdir("/")
os.environ["LEFTOVER_ENV"] = kommun
sys.path.append("/leftover")
pandas.set_option("display.max_rows", 3)
numpy.set_printoptions(precision=2)
get_ipython().display_formatter.formatters["text/plain"].for_type(int, lambda n, p, cycle: p.text("heltal"))
warnings.simplefilter("error")
get_ipython().run_line_magic("config", "InlineBackend.figure_formats = ['svg']")
if kommun == __import__("os").environ.get("WARM_TEST_KILL"):
    os.kill(os.getpid(), 9)
"""


def _litter_template(folder):
    parameters = new_code_cell('kommun = "Aneby"\nvisa_karta = True\nrubrik = ""')
    parameters.metadata["tags"] = ["parameters"]
    figures = new_code_cell('from IPython.display import JSON\nJSON({"kommun": kommun, "nara_vard": 1, "per_invanare": 1.5, '
                            '"andel_medel_pct": 1.5, "forandring": 0})')
    figures.metadata["tags"] = ["key-figures"]
    notebook = new_notebook(cells=[parameters, new_code_cell(_OBSERVE), new_code_cell(_LITTER),
                                   new_code_cell("42"), figures])
    notebook.metadata["kernelspec"] = {"name": paths.KERNEL_NAME, "display_name": "naravard", "language": "python"}
    path = folder / "template.ipynb"
    nbformat.write(notebook, path)
    return path


def _seen(out, slug):
    cell = nbformat.read(out / f"{slug}.ipynb", as_version=4).cells[2]  # after papermill's injected parameters
    return json.loads(cell.outputs[0]["text"])


def test_state_left_by_one_report_does_not_reach_the_next(tmp_path, monkeypatch):
    monkeypatch.setenv("WARM_TEST_DIR", str(tmp_path))
    template = _litter_template(tmp_path)
    out = tmp_path / "out"
    slugs = ["aneby", "habo", "mullsjo"]
    results = batch.build(select(slugs), out, workers=1, template=template, show_progress=False)
    assert all(r.ok for r in results), [r.error for r in results]
    pids = {slug: (tmp_path / f"{r.kommun}.pid").read_text() for slug, r in zip(slugs, results)}
    assert len(set(pids.values())) == 1, "the three reports should share one warm kernel"
    first = _seen(out, "aneby")  # a freshly started kernel
    assert first["globals"] == [] and first["figures"] == [] and not first["environ"] and not first["sys_path"]
    assert _seen(out, "habo") == first and _seen(out, "mullsjo") == first
    # The litter really was there: the cell after it showed its int with the leaked formatter ...
    assert nbformat.read(out / "habo.ipynb", as_version=4).cells[4].outputs[0]["data"]["text/plain"] == "heltal"
    # ... and every report is the same bytes as one built in a fresh kernel.
    isolated = tmp_path / "isolated"
    batch.build(select(slugs), isolated, workers=2, template=template, show_progress=False, isolate=True)
    for slug in slugs:
        assert (out / f"{slug}.ipynb").read_bytes() == (isolated / f"{slug}.ipynb").read_bytes()


def test_a_report_whose_kernel_dies_fails_alone_and_the_next_gets_a_new_kernel(tmp_path, monkeypatch):
    monkeypatch.setenv("WARM_TEST_DIR", str(tmp_path))
    monkeypatch.setenv("WARM_TEST_KILL", "Habo")
    out = tmp_path / "out"
    results = batch.build(select(["aneby", "habo", "mullsjo", "tranas"]), out, workers=1,
                          template=_litter_template(tmp_path), show_progress=False)
    assert [(r.slug, r.ok) for r in results] == [("aneby", True), ("habo", False), ("mullsjo", True), ("tranas", True)]
    assert results[1].error.startswith("DeadKernelError")
    pid = {k: (tmp_path / f"{k}.pid").read_text() for k in ("Aneby", "Habo", "Mullsjö", "Tranås")}
    assert pid["Aneby"] == pid["Habo"] != pid["Mullsjö"] == pid["Tranås"]  # replaced once, then warm again
    assert _seen(out, "mullsjo") == _seen(out, "aneby")
    assert "DeadKernelError" in (out / ".naravard" / "logs" / "habo.log").read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / ".naravard").iterdir()) == ["build.lock", "logs"]


def test_template_imports_are_the_templates_import_lines():
    code = batch.template_imports(paths.REPORT_TEMPLATE)
    assert "from naravard_lib import plots, report, tables" in code.splitlines()
    assert all(line.startswith(("import ", "from ")) for line in code.splitlines())
