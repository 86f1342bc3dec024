"""The warm kernel's snapshot and reset, in this process on a shell of its own (no kernel started).

``tests/test_warm.py`` checks the same promise end to end, in real kernels, against fresh ones.
"""

from __future__ import annotations

import os
import sys
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy
import pandas
import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from naravard_lib.batch import kernel_state


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """A fresh IPython shell (history off), as a kernel has; what a test leaves in this process is undone."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    with warnings.catch_warnings():
        yield InteractiveShell(config=Config(HistoryManager={"enabled": False}))


_LITTER = """\
import os, sys, warnings
import matplotlib, matplotlib.pyplot as plt, numpy, pandas
LEFTOVER = 1
LEFTOVER_FIGURE = plt.figure()
matplotlib.rcParams["axes.grid"] = not matplotlib.rcParams["axes.grid"]
os.chdir("/")
os.environ["LEFTOVER_ENV"] = "1"
sys.path.append("/leftover")
pandas.set_option("display.max_rows", 3)
numpy.set_printoptions(precision=2)
numpy.seterr(all="raise")
warnings.filterwarnings("ignore", message="leftover")
get_ipython().display_formatter.formatters["text/plain"].for_type(int, lambda n, p, cycle: p.text("heltal"))
get_ipython().events.register("post_run_cell", lambda result: None)
"""


def _state(shell) -> dict:
    return {
        "names": sorted(k for k in shell.user_ns if k.startswith("LEFTOVER")),
        "figures": plt.get_fignums(),
        "grid": matplotlib.rcParams["axes.grid"],
        "cwd": os.getcwd(),
        "environ": dict(os.environ),
        "sys_path": "/leftover" in sys.path,
        "pandas_rows": pandas.get_option("display.max_rows"),
        "numpy": (numpy.get_printoptions()["precision"], numpy.geterr()["divide"]),
        "warning_filter": any(getattr(f[1], "pattern", None) == "leftover" for f in warnings.filters),
        "int_printer": shell.display_formatter.formatters["text/plain"](5),
        "hooks": len(shell.events.callbacks["post_run_cell"]),
        "history": (shell.execution_count, len(shell.user_ns.get("In", []))),
    }


def test_reset_removes_what_a_report_left_behind(shell):
    kernel_state.snapshot(shell)  # here, not in the fixture: pytest's own variable in os.environ names the phase
    before = _state(shell)
    assert shell.run_cell(_LITTER, store_history=True).success
    littered = _state(shell)
    assert all(littered[key] != before[key] for key in before), [k for k in before if littered[k] == before[k]]
    kernel_state.reset(shell)
    assert _state(shell) == before


def test_reset_keeps_imported_modules_and_a_second_reset_changes_nothing(shell):
    kernel_state.snapshot(shell)
    assert shell.run_cell("import json\nLEFTOVER = json.dumps([1])", store_history=True).success
    kernel_state.reset(shell)
    after_one = _state(shell)
    kernel_state.reset(shell)
    assert _state(shell) == after_one
    assert "json" in sys.modules and "json" not in shell.user_ns
