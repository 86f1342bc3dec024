"""Build one report per municipality: papermill runs in parallel, HTML export, index and summary.

The batch keeps four promises, each in its own module:

- **Execute** (:mod:`.execute`, :mod:`.warm`, :mod:`.kernel_state`): a worker runs the template for
  one municipality and writes the finished files into a private staging folder. Each worker (a forked
  process, :mod:`.local_executor`, or a dask worker thread, :mod:`.dask_executor`) keeps one
  :class:`WarmKernel` and runs its reports in it one after the other, resetting it in between and
  replacing it after a failure; ``isolate=True`` (``--isolate``) starts a fresh kernel per report
  instead, with byte-identical output.
- **Publish** (:meth:`OutputFolder.publish`, :mod:`.folder`): only the main process moves finished
  files into the output folder, one report at a time, all of its files or none, and never while a
  signal is being handled. A report that fails, or whose files cannot be replaced, keeps the files of
  its previous good build; a kind of file this build does not make (the PDF) is kept from the earlier
  one. Only a folder that is new, empty or made by naravard (``.naravard/``) is written into.
- **Describe** (:func:`describe_folder`): ``index.html`` and ``summary.csv`` are rewritten after every
  run (also an interrupted one) from what is in the folder: reports built now (``ny``), failed now
  (``fel``) and kept from an earlier build (``tidigare``, with their date).
- **Clean up** (:class:`OutputFolder`): one build at a time per folder (a lock file), temporary
  files and ``$TMPDIR`` use confined to ``<out>/.naravard/tmp`` and removed afterwards (also the
  leftovers of a build killed with SIGKILL), worker logs of failed reports in ``<out>/.naravard/logs``.

:func:`build` (:mod:`.orchestrate`) ties them together. SIGHUP, SIGINT and SIGTERM (:mod:`.signals`)
stop the workers and their kernels, keep what is complete, rewrite the index and raise
:class:`~naravard_lib.errors.Interrupted`; a full disk does the same and raises
:class:`~naravard_lib.errors.DiskFull`. A worker or kernel that dies fails only its report; a new
worker, or kernel, takes the next one. Workers end with the main process, quietly.
"""

from .dask_executor import check_scheduler
from .execute import execute_report, key_figures, run_report
from .folder import (
    FOLDER_FILES,
    HIDDEN_DIR,
    SUMMARY_FIELDS,
    OutputFolder,
    check_output_folder,
    describe_folder,
    protected_folders,
    summary_csv,
    write_index,
)
from .model import REPORT_FILES, BuildOptions, ReportResult, report_files
from .orchestrate import build, loopback_problem
from .signals import STOP_SIGNALS
from .warm import KernelSetupError, WarmKernel, shutdown_kernels, template_imports

__all__ = [
    "FOLDER_FILES", "HIDDEN_DIR", "REPORT_FILES", "STOP_SIGNALS", "SUMMARY_FIELDS", "BuildOptions", "KernelSetupError",
    "OutputFolder", "ReportResult", "WarmKernel", "build", "check_output_folder", "check_scheduler", "describe_folder",
    "execute_report", "key_figures", "loopback_problem", "protected_folders", "report_files", "run_report",
    "shutdown_kernels", "summary_csv", "template_imports", "write_index",
]
