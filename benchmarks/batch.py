"""Benchmark: the 13-report batch against a naive sequential loop of the papermill command line.

Run with ``make benchmark`` (or ``.venv/bin/python benchmarks/batch.py``). Prints both wall times and
their ratio (target: batch / naive <= 0.30), and the time one what-if update takes (target: well
under a second). Nothing is asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from naravard_lib import paths
from naravard_lib.batch import build
from naravard_lib.parameters import all_parameters


def time_batch(out: Path, jobs: int) -> float:
    start = time.perf_counter()
    results = build(all_parameters(), out, workers=jobs, show_progress=False)
    elapsed = time.perf_counter() - start
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return elapsed


def time_naive(out: Path) -> float:
    papermill = Path(sys.executable).with_name("papermill")
    start = time.perf_counter()
    for params in all_parameters():
        subprocess.run([str(papermill), str(paths.REPORT_TEMPLATE), str(out / f"{params.slug}.ipynb"),
                        "-p", "kommun", params.kommun, "-k", paths.KERNEL_NAME, "--cwd", str(paths.NOTEBOOKS_DIR),
                        "--no-progress-bar"], check=True, capture_output=True)
    return time.perf_counter() - start


def time_what_if(repeats: int = 20) -> float:
    from naravard_lib.widgets import WhatIf

    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, widget output goes to stdout
        widget = WhatIf()
        start = time.perf_counter()
        for i in range(repeats):
            widget.controls["base_share"].value = (i % 10) / 10
        return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="parallel reports in the batch")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="naravard-bench-"))
    try:
        batch = time_batch(scratch / "batch", args.jobs)
        (scratch / "naive").mkdir()
        naive = time_naive(scratch / "naive")
        update = time_what_if()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"batch (13 reports, ipynb + HTML + index, --jobs {args.jobs}): {batch:6.1f} s")
    print(f"naive loop of `papermill` CLI (13 runs, ipynb only):        {naive:6.1f} s")
    print(f"ratio batch / naive: {batch / naive:.2f} (target <= 0.30)")
    print(f"what-if update: {update * 1000:.0f} ms (target: well under 1 s)")


if __name__ == "__main__":
    main()
