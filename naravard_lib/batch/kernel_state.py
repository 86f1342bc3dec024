"""The state of a warm kernel: recorded after warm-up (:func:`snapshot`), restored after each report (:func:`reset`).

This module runs inside the kernel: :class:`~naravard_lib.batch.warm.WarmKernel` imports it there
(it lives in ``sys.modules``, not in the user namespace, so a reset keeps it). It imports only the
standard library; matplotlib, numpy, pandas and IPython are reached through ``sys.modules``, so only
what the template itself loaded is recorded and restored.

Examples
--------
>>> from IPython.core.interactiveshell import InteractiveShell
>>> from traitlets.config import Config
>>> shell = InteractiveShell(config=Config(HistoryManager={"enabled": False}))  # a kernel's shell, in-process
>>> snapshot(shell)
>>> shell.user_ns["leftover"] = 1
>>> reset(shell)
>>> "leftover" in shell.user_ns
False
"""

from __future__ import annotations

import copy
import gc
import os
import sys
import warnings

_state: dict = {}  # what snapshot() recorded (one kernel, one snapshot)


def _shell(shell=None):
    if shell is not None:
        return shell
    from IPython import get_ipython  # loaded already in a kernel; keeps this module's own imports stdlib-only

    return get_ipython()


def snapshot(shell=None) -> None:
    """Record the state that :func:`reset` returns to (``shell``: the kernel's, by default)."""
    shell = _shell(shell)
    _state.clear()
    _state.update(cwd=os.getcwd(), path=list(sys.path), environ=dict(os.environ), filters=list(warnings.filters),
                  hooks={name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
                  printers={mime: (dict(f.type_printers), dict(f.deferred_printers))
                            for mime, f in shell.display_formatter.formatters.items()})
    if "matplotlib.pyplot" in sys.modules:
        # Load the backend now, as the first figure would: the inline backend turns on interactive mode.
        sys.modules["matplotlib.pyplot"].switch_backend(sys.modules["matplotlib"].get_backend())
    if "matplotlib" in sys.modules:
        _state["rc"] = copy.deepcopy(dict(sys.modules["matplotlib"].rcParams))
    inline = sys.modules.get("matplotlib_inline.config")
    if inline is None and "matplotlib" in sys.modules:
        try:  # matplotlib loads its backend at the first figure; its settings are needed now
            import matplotlib_inline.config as inline
        except ImportError:
            pass
    if inline is not None:
        backend = inline.InlineBackend.instance()
        _state["inline"] = {name: copy.deepcopy(getattr(backend, name)) for name in backend.trait_names(config=True)}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        _state["numpy"] = (numpy.get_printoptions(), numpy.geterr())
    if "pandas" in sys.modules:
        from pandas._config import config as options  # loaded already: pandas is in sys.modules

        _state["pandas"] = {key: copy.deepcopy(options.get_option(key)) for key in options._registered_options
                            if key not in options._deprecated_options}


def reset(shell=None) -> None:
    """Back to the state of :func:`snapshot`: names, figures, settings, working folder, counters."""
    shell = _shell(shell)
    _close_figures()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _restore_settings()
    # User namespace, In/Out, _, the display hook's cache; a new history session with counter 1, as a
    # fresh kernel has (the same session would log "Session/line number was not unique in database").
    # The display hook's flush calls gc.collect(), a tenth of a second per report on this heap; the
    # collector runs by itself anyway, so it is skipped here.
    collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
    try:
        shell.reset(new_session=True)
    finally:
        gc.collect = collect
    for name, callbacks in _state["hooks"].items():
        shell.events.callbacks[name][:] = callbacks
    for mime, formatter in shell.display_formatter.formatters.items():
        types, deferred = _state["printers"].get(mime, ({}, {}))
        formatter.type_printers.clear()
        formatter.type_printers.update(types)
        formatter.deferred_printers.clear()
        formatter.deferred_printers.update(deferred)
    os.chdir(_state["cwd"])
    sys.path[:] = _state["path"]
    os.environ.clear()
    os.environ.update(_state["environ"])
    warnings.filters[:] = _state["filters"]
    warnings.onceregistry.clear()
    # A warning shown once per place in one report is shown again in the next, as in a fresh kernel.
    getattr(warnings, "_filters_mutated", getattr(warnings, "_filters_mutated_lock_held", lambda: None))()
    shown = getattr(sys.modules.get("traitlets.utils.warnings"), "_deprecations_shown", None)
    if shown is not None:  # traitlets logs each deprecation once per process
        shown.clear()


def _close_figures() -> None:
    """Every open figure, also those the inline backend still means to draw."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    inline = sys.modules.get("matplotlib_inline.backend_inline")
    if inline is not None:
        inline.show._to_draw = []
        inline.show._draw_called = False


def _restore_settings() -> None:
    """matplotlib's rcParams and inline-backend settings, numpy's print and error settings, pandas options."""
    if "rc" in _state:
        rc = sys.modules["matplotlib"].rcParams
        rc.clear()
        rc.update(copy.deepcopy(_state["rc"]))
    if "inline" in _state:
        backend = sys.modules["matplotlib_inline.config"].InlineBackend.instance()
        for name, value in _state["inline"].items():
            if getattr(backend, name) != value:
                setattr(backend, name, copy.deepcopy(value))
    if "numpy" in _state:
        sys.modules["numpy"].set_printoptions(**_state["numpy"][0])
        sys.modules["numpy"].seterr(**_state["numpy"][1])
    if "pandas" in _state:
        from pandas._config import config as options  # loaded already (see snapshot)

        for key, value in _state["pandas"].items():
            if options.get_option(key) != value:
                options.set_option(key, copy.deepcopy(value))
