"""Benchmark: the report batch against a naive papermill loop, its marginal cost and its scale curve.

Run with ``make benchmark`` (or ``.venv/bin/python benchmarks/batch.py``). Everything is measured in
one run on this machine and printed as a small table:

- the 13-report batch (ipynb + HTML + index, warm kernels) against a naive sequential loop of the
  ``papermill`` command line (target: ratio <= 0.15), and the same batch with ``--isolate``;
- the marginal cost per report: (time for 39 reports - time for 13) / 26, the extra runs repeating
  the municipalities under other file names (``aneby-2.html``, ...; target: <= 0.5 s of wall time per report);
- a scale curve for 13, 26 and 52 reports on a dask LocalCluster (time per report roughly flat);
- the peak memory of the batch (resident memory of the build process, its workers and kernels);
- the PDF step on its own line (a build with ``--pdf`` minus the same build without), outside the ratio;
- the published downloads on their own line: 13 spreadsheets, data packages and page checks, then ``lanet.xlsx``,
  the Swedish CSV, the accessibility statement and ``SHA256SUMS`` (part of the batch time above, shown apart);
- the time one what-if update takes.

Nothing is asserted: this is a measurement, not a test. The machine's load is printed with it.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

from naravard_lib import downloads, pages, paths
from naravard_lib.batch import build, describe_folder
from naravard_lib.parameters import ReportParameters, all_parameters
from naravard_lib.widgets import WhatIf


class PeakMemory:
    """Samples the resident memory of this process and all its descendants every 0.1 s."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        me = psutil.Process()
        while not self._stop.wait(0.1):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def repeated(reports: list[ReportParameters], times: int) -> list[ReportParameters]:
    """``reports`` ``times`` over, copy ``n`` (from 2) under the slug ``<slug>-<n>``: more reports, the same work.

    The copies are published beside the originals (``aneby-2.html``, ...); the index lists the originals only.

    >>> [p.slug for p in repeated([ReportParameters("Aneby", "aneby")], 3)]
    ['aneby', 'aneby-2', 'aneby-3']
    """
    return [*reports, *(dataclasses.replace(p, slug=f"{p.slug}-{n}") for n in range(2, times + 1) for p in reports)]


def time_batch(out: Path, jobs: int, repeat: int = 1, reports: list[ReportParameters] | None = None,
               **options) -> tuple[float, int]:
    """Wall time of one build of ``reports`` (all 13) ``repeat`` times over, and its peak memory in bytes."""
    work = repeated(reports or all_parameters(), repeat)
    with PeakMemory() as memory:
        start = time.perf_counter()
        results = build(work, out, workers=jobs, show_progress=False, **options)
        elapsed = time.perf_counter() - start
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert len(results) == len(work)
    return elapsed, memory.peak


def time_naive(out: Path) -> float:
    papermill = Path(sys.executable).with_name("papermill")
    start = time.perf_counter()
    for params in all_parameters():
        subprocess.run([str(papermill), str(paths.REPORT_TEMPLATE), str(out / f"{params.slug}.ipynb"),
                        "-p", "kommun", params.kommun, "-k", paths.KERNEL_NAME, "--cwd", str(paths.NOTEBOOKS_DIR),
                        "--no-progress-bar"], check=True, capture_output=True)
    return time.perf_counter() - start


def time_downloads(out: Path) -> float:
    """Wall time of the downloads of 13 reports (one core, in this process) and of the folder's own files."""
    staging = out / ".naravard" / "bench-downloads"
    staging.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for params in all_parameters():
        page = (out / f"{params.slug}.html").read_text(encoding="utf-8")
        notebook = nbformat.read(out / f"{params.slug}.ipynb", as_version=4)  # its tables, as its run made them
        downloads.stage_report(notebook, params.slug, staging, page, None, "2026-01-01 00:00", "")
    entries = describe_folder(out, {}, {})
    files = downloads.folder_files(entries, {}, "2026-01-01 00:00", "")
    downloads.checksums(out)
    elapsed = time.perf_counter() - start
    assert set(files) == {downloads.LAN_WORKBOOK, downloads.SWEDISH_CSV, downloads.STATEMENT}
    return elapsed


def time_what_if(repeats: int = 20) -> float:
    with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, widget output goes to stdout
        widget = WhatIf()
        start = time.perf_counter()
        for i in range(repeats):
            widget.controls["base_share"].value = 10 * (i % 10) + 5  # per cent; a new value every time
        return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="parallel reports in the batch")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive papermill loop (about 50 s)")
    args = parser.parse_args()
    rows = []

    def row(what, seconds, note=""):
        rows.append((what, f"{seconds:6.1f} s" if isinstance(seconds, float) else seconds, note))

    load = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="naravard-bench-"))
    try:
        batch, peak = time_batch(scratch / "warm", args.jobs)
        row(f"batch: 13 reports, ipynb + HTML + downloads + index, --jobs {args.jobs}", batch, "warm kernels")
        row("downloads: 13 xlsx + data packages + page checks, lanet.xlsx, CSV, statement, SHA256SUMS",
            time_downloads(scratch / "warm"), "one core; inside the batch time above")
        isolated, _ = time_batch(scratch / "isolated", args.jobs, isolate=True)
        row("the same with --isolate (a fresh kernel per report)", isolated)
        if not args.no_naive:
            (scratch / "naive").mkdir()
            naive = time_naive(scratch / "naive")
            row("naive loop of the `papermill` CLI (13 runs, ipynb only)", naive)
            row("ratio batch / naive", f"{batch / naive:6.2f}", "target <= 0.15")
        batch39, peak39 = time_batch(scratch / "warm39", args.jobs, repeat=3)
        row("batch: 39 reports (the 13 three times)", batch39)
        row("marginal cost per report: (39 - 13) / 26", f"{(batch39 - batch) / 26:6.2f} s", "target <= 0.5 s")
        curve = {}
        for count in (13, 26, 52):
            curve[count], _ = time_batch(scratch / f"dask{count}", args.jobs, repeat=count // 13, executor="dask")
            extra = (f"; {(curve[count] - curve[13]) / (count - 13):.2f} s per report beyond 13" if count > 13
                     else "")
            row(f"dask LocalCluster ({args.jobs} workers): {count} reports", curve[count],
                f"{curve[count] / count:.2f} s per report{extra}")
        row("peak memory of the batch (13 / 39 reports)", f"{peak / 2**20:.0f} / {peak39 / 2**20:.0f} MB",
            "build process + workers + kernels")
        reason = pages.pdf_unavailable_reason()
        if reason:
            row("PDF step", "skipped", reason)
        else:
            with_pdf, _ = time_batch(scratch / "pdf", args.jobs, pdf=True)
            row("PDF step: batch with --pdf minus batch", with_pdf - batch, f"batch with --pdf: {with_pdf:.1f} s")
        row("what-if update (notebook 01)", f"{time_what_if() * 1000:4.0f} ms", "target: well under 1 s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    for what, value, note in rows:
        print(f"{what:<{width}}  {value:>12}  {note}")


if __name__ == "__main__":
    main()
