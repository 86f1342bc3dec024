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

The public names below load their module on first use (:pep:`562`), so a warm kernel, which
imports :mod:`.kernel_state` and nothing else of the batch, stays light; callers import them from
``naravard_lib.batch`` as from any module.
"""

from __future__ import annotations

import importlib

#: Public name -> the module of this package that defines it.
_HOMES = {
    "build": "orchestrate", "loopback_problem": "orchestrate",
    "BuildOptions": "model", "ReportResult": "model", "REPORT_FILES": "model", "report_files": "model",
    "execute_report": "execute", "run_report": "execute", "key_figures": "execute",
    "WarmKernel": "warm", "KernelSetupError": "warm", "template_imports": "warm", "shutdown_kernels": "warm",
    "SUMMARY_FIELDS": "folder", "HIDDEN_DIR": "folder", "FOLDER_FILES": "folder", "OutputFolder": "folder",
    "check_output_folder": "folder", "protected_folders": "folder", "describe_folder": "folder",
    "summary_csv": "folder", "write_index": "folder",
    "STOP_SIGNALS": "signals",
    "check_scheduler": "dask_executor",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value  # once loaded, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
