"""Execute one report: papermill runs the template, the finished files go into a private staging folder.

Nothing here writes into the output folder: :meth:`~naravard_lib.batch.folder.OutputFolder.publish`
does that, in the main process.
"""

from __future__ import annotations

import os
import shutil
import traceback
from pathlib import Path

from .. import downloads, files, pages
from ..parameters import ReportParameters
from .model import BuildOptions, ReportResult, build_time, data_version, is_disk_full, one_line
from .warm import WarmKernel, kernel_for_this_thread

_VOLATILE_METADATA = ("start_time", "end_time", "duration", "exception")


def strip_volatile(notebook) -> None:
    """Drop papermill's timing metadata and random cell id so that the same inputs give the same files."""
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    for holder in [notebook.metadata, *[c.metadata for c in notebook.cells]]:
        for key in _VOLATILE_METADATA:
            holder.get("papermill", {}).pop(key, None)
        holder.pop("execution", None)


def key_figures(notebook) -> dict:
    """The JSON output of the executed template's ``key-figures`` cell (raises when there is none)."""
    for cell in notebook.cells:
        if "key-figures" in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                if "application/json" in output.get("data", {}):
                    return dict(output["data"]["application/json"])
    raise RuntimeError("the template has no 'key-figures' cell with JSON output")


def execute_report(params: ReportParameters, options: BuildOptions, scratch: Path, kernel: WarmKernel | None = None):
    """Execute the template for one municipality with papermill; return the executed notebook.

    ``scratch`` is a private folder for papermill's working copy. Without ``kernel`` papermill starts
    a fresh kernel and stops it afterwards; with a :class:`~naravard_lib.batch.warm.WarmKernel` its
    running kernel manager is handed to nbclient (``km=``), which then neither starts nor stops it.
    Raises on any failure.
    """
    import papermill  # deferred: slow to import, and only worker processes execute reports

    warm = {} if kernel is None else {"km": kernel.manager()}
    executed = papermill.execute_notebook(
        str(options.template), str(scratch / f"{params.slug}.running.ipynb"), parameters=params.notebook_parameters(),
        kernel_name=options.kernel_name, cwd=str(options.template.parent), progress_bar=False, log_output=False,
        execution_timeout=options.timeout, request_save_on_cell_execute=False, autosave_cell_every=0, **warm)
    strip_volatile(executed)
    pages.drop_empty_sections(executed)  # a section whose data the folder lacks is left out
    executed.metadata.papermill["output_path"] = f"{params.slug}.ipynb"  # not the working copy's name
    return executed


def run_report(params: ReportParameters, staging: str | Path, options: BuildOptions | None = None,
               log: str | Path | None = None, kernel: WarmKernel | None = None,
               warm: str | Path | None = None) -> ReportResult:
    """Execute one report and write its finished files into ``staging/<slug>/`` (not the output folder).

    Never raises for a failing notebook: the error comes back in the result. With ``log``, this
    process's stderr (and so the kernel's log chatter) goes to that file while the report runs.

    The report runs in ``kernel`` (a :class:`~naravard_lib.batch.warm.WarmKernel`, reset afterwards
    and replaced after a failure); with ``warm`` (a folder for its log) in the warm kernel this thread
    keeps between calls (a dask worker); with neither, in a fresh kernel of its own.
    """
    options = options or BuildOptions()
    if kernel is None and warm is not None:
        kernel = kernel_for_this_thread(options, Path(warm), quiet=log is not None)
    if log is None:
        return _run_and_copy_log(params, Path(staging), options, kernel)
    saved = os.dup(2)
    target = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(target, 2)
        return _run_and_copy_log(params, Path(staging), options, kernel)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(target)


def _run_and_copy_log(params, staging: Path, options: BuildOptions, kernel: WarmKernel | None) -> ReportResult:
    mark = kernel.log_size() if kernel is not None else 0
    try:
        return _stage_report(params, staging, options, kernel)
    finally:
        if kernel is not None:
            kernel.copy_log(mark)  # the kernel's own messages during this report go to the report's log


def _stage_report(params, staging: Path, options: BuildOptions, kernel: WarmKernel | None) -> ReportResult:
    import nbformat  # deferred with papermill (see execute_report)

    folder = staging / params.slug
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        try:
            executed = execute_report(params, options, folder, kernel)
        except BaseException:
            if kernel is not None:
                kernel.shutdown()  # dead, hung or dirty: the next report gets a new kernel
            raise
        if kernel is not None:
            kernel.reset()  # runs in the kernel while this process writes the files
        figures = key_figures(executed)
        html_text = pages.report_html(executed)
        staged = {"ipynb": folder / f"{params.slug}.ipynb", "html": folder / f"{params.slug}.html"}
        staged["ipynb"].write_text(nbformat.writes(executed), encoding="utf-8")
        staged["html"].write_text(html_text, encoding="utf-8")
        if options.pdf:
            staged["pdf"] = folder / f"{params.slug}.pdf"
            pages.write_pdf(html_text, staged["pdf"])
        extras, checks = downloads.stage_report(executed, params.slug, folder, html_text, staged.get("pdf"),
                                                build_time(), data_version())
        staged.update(extras)
        return ReportResult(params.kommun, params.slug, True, figures=figures,
                            staged={k: str(v) for k, v in staged.items()}, checks=checks)
    except Exception as exc:  # noqa: BLE001 - any failure of one report is reported, not raised
        shutil.rmtree(folder, ignore_errors=True)
        # The whole story goes to file descriptor 2, the worker's log (the summary gets one line).
        try:
            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
        except OSError:  # the log is on the full disk too
            pass
        full = is_disk_full(exc)
        error = f"DiskFull: {files.os_error_text(exc)}" if full and isinstance(exc, OSError) else one_line(exc)
        return ReportResult(params.kommun, params.slug, False, error=error, disk_full=full)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
