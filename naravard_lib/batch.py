"""Build one report per municipality: papermill runs in parallel, HTML export, index and summary.

Each report is executed by papermill in a process of its own (a local process pool, or dask
workers), written to a temporary name and moved into place only when both the notebook and
its HTML are complete, so a failed or interrupted run leaves nothing half-written. One failing
report does not stop the others; the summary lists it with its error.
"""

from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import pages, paths
from .parameters import ReportParameters

SUMMARY_FIELDS = [
    "kommun", "slug", "status", "fel", "nara_vard_2024", "per_invanare_2024", "andel_medel_2024_pct",
    "andel_befolkning_2024_pct", "rang_2024", "totalt_2023", "totalt_2019_2022", "forandring_2023_2024",
    "varav_pott", "varav_befolkningsandel", "befolkning_2023_11_01", "landsbygdskommun",
]
_VOLATILE_METADATA = ("start_time", "end_time", "duration", "exception")


@dataclass
class ReportResult:
    """What one run produced: its key figures, or its error (one line)."""

    kommun: str
    slug: str
    ok: bool
    error: str = ""
    figures: dict = field(default_factory=dict)


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _strip_volatile(notebook) -> None:
    """Drop papermill's timing metadata and random cell id so that the same inputs give the same files."""
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    for holder in [notebook.metadata, *[c.metadata for c in notebook.cells]]:
        for key in _VOLATILE_METADATA:
            holder.get("papermill", {}).pop(key, None)
        holder.pop("execution", None)


def _key_figures(notebook) -> dict:
    for cell in notebook.cells:
        if "key-figures" in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                if "application/json" in output.get("data", {}):
                    return dict(output["data"]["application/json"])
    raise RuntimeError("the template has no 'key-figures' cell with JSON output")


def run_report(params: ReportParameters, out_dir: str | Path, template: str | Path | None = None,
               kernel_name: str = paths.KERNEL_NAME, timeout: int = 600) -> ReportResult:
    """Execute the template for one municipality and write ``<slug>.ipynb`` and ``<slug>.html``.

    Never raises for a failing notebook: the error comes back in the result. Files appear
    only when complete (written to temporary names, then moved into place).
    """
    import nbformat
    import papermill

    out_dir = Path(out_dir).resolve()
    template = Path(template or paths.REPORT_TEMPLATE).resolve()
    stem = f".{params.slug}.{os.getpid()}"
    running, ready_nb, ready_html = (out_dir / f"{stem}.running.ipynb", out_dir / f"{stem}.ipynb.tmp",
                                     out_dir / f"{stem}.html.tmp")
    finals = (out_dir / f"{params.slug}.ipynb", out_dir / f"{params.slug}.html")
    try:
        executed = papermill.execute_notebook(
            str(template), str(running), parameters=params.notebook_parameters(), kernel_name=kernel_name,
            cwd=str(template.parent), progress_bar=False, log_output=False, execution_timeout=timeout,
            request_save_on_cell_execute=False, autosave_cell_every=0)  # written once, at the end
        _strip_volatile(executed)
        executed.metadata.papermill["output_path"] = finals[0].name  # not the temporary name
        figures = _key_figures(executed)
        ready_html.write_text(pages.report_html(executed), encoding="utf-8")
        ready_nb.write_text(nbformat.writes(executed), encoding="utf-8")
        os.replace(ready_nb, finals[0])  # both files are complete before either is moved in
        os.replace(ready_html, finals[1])
        return ReportResult(params.kommun, params.slug, True, figures=figures)
    except BaseException as exc:  # a failed or interrupted report leaves no file of its own
        for final in finals:
            final.unlink(missing_ok=True)
        if not isinstance(exc, Exception):
            raise
        return ReportResult(params.kommun, params.slug, False, error=_one_line(exc))
    finally:
        for leftover in (running, ready_nb, ready_html):
            leftover.unlink(missing_ok=True)


def _one_line(exc: BaseException) -> str:
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    return " ".join(f"{name}: {value}".split())[:500]


def _quiet_worker() -> None:
    """Send a worker's stderr (and so its kernels' log chatter) to a log file, not the terminal.

    Failures still reach the user: papermill's error comes back in each :class:`ReportResult`.
    """
    import tempfile

    log = open(Path(tempfile.gettempdir()) / f"naravard-worker-{os.getpid()}.log", "a", encoding="utf-8")  # noqa: SIM115
    os.dup2(log.fileno(), 2)


def _run_local(jobs: list[ReportParameters], out_dir: Path, workers: int, template: Path, progress,
               verbose: bool = False):
    with ProcessPoolExecutor(max_workers=workers, initializer=None if verbose else _quiet_worker) as pool:
        futures = {pool.submit(run_report, p, out_dir, template): p for p in jobs}
        for future in as_completed(futures):
            progress.update(1)
            yield future.result()


def _run_dask(jobs: list[ReportParameters], out_dir: Path, workers: int, template: Path, progress,
              scheduler: str | None):
    from dask.distributed import Client, LocalCluster, as_completed as dask_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        futures = [client.submit(run_report, p, str(out_dir), str(template), pure=False, key=f"report-{p.slug}")
                   for p in jobs]
        for future in dask_completed(futures):
            progress.update(1)
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def build(jobs: list[ReportParameters], out_dir: str | Path, workers: int = 2, executor: str = "local",
          scheduler: str | None = None, template: str | Path | None = None,
          show_progress: bool = True, verbose: bool = False) -> list[ReportResult]:
    """Run every report, then write ``summary.csv`` and ``index.html``.

    Parameters
    ----------
    jobs : list of ReportParameters
        Validated parameters (see :func:`naravard_lib.parameters.select`).
    out_dir : path
        Output folder (created if missing).
    workers : int
        Reports run at the same time.
    executor : {"local", "dask"}
        A local process pool, or a dask.distributed cluster (a LocalCluster on this machine unless
        ``scheduler`` gives the address of a running one).
    verbose : bool
        Let local workers' kernels write their logs to the terminal (otherwise to a temp log file).

    Returns
    -------
    list of ReportResult
        In the order of ``jobs``.
    """
    from tqdm.auto import tqdm

    if executor not in ("local", "dask"):
        raise ValueError(f"executor must be 'local' or 'dask', got {executor!r}")
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    template = Path(template or paths.REPORT_TEMPLATE).resolve()
    with tqdm(total=len(jobs), desc="Rapporter", unit="rapport", disable=not show_progress) as progress:
        if executor == "dask":
            results = list(_run_dask(jobs, out_dir, workers, template, progress, scheduler))
        else:
            results = list(_run_local(jobs, out_dir, workers, template, progress, verbose))
    order = {p.slug: i for i, p in enumerate(jobs)}
    results.sort(key=lambda r: order[r.slug])
    write_summary(results, out_dir / "summary.csv")
    entries = [pages.IndexEntry(r.kommun, r.slug, "ny" if r.ok else "fel", r.error, r.figures) for r in results]
    _atomic_write(out_dir / "index.html", pages.index_page(entries))
    return results


def write_summary(results: list[ReportResult], path: Path) -> None:
    """One row per municipality: status, error and the key figures gathered from its run."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_FIELDS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        row = {"kommun": result.kommun, "slug": result.slug, "status": "ok" if result.ok else "fel",
               "fel": result.error, **{k: v for k, v in result.figures.items() if k in SUMMARY_FIELDS}}
        writer.writerow(row)
    _atomic_write(path, buffer.getvalue())
