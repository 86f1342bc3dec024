"""SIGHUP, SIGINT and SIGTERM during a build: a flag the main loop checks, so no publish is cut in half."""

from __future__ import annotations

import signal
import threading

#: The signals that stop a build cleanly (exit code 128 + the signal's number).
STOP_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGTERM)
POLL = 0.1  # seconds between the executors' checks for finished reports and signals


class Stopped(Exception):
    """A stop signal arrived (raised by :meth:`StopSignals.check`)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class StopSignals:
    """While entered (in the main thread), :data:`STOP_SIGNALS` only set a flag; :meth:`check` raises :class:`Stopped`.

    Examples
    --------
    >>> import os, signal
    >>> with StopSignals() as stop:
    ...     os.kill(os.getpid(), signal.SIGHUP)
    ...     stop.check()
    Traceback (most recent call last):
    ...
    naravard_lib.batch.signals.Stopped: SIGHUP
    """

    def __init__(self):
        self.signum = 0
        self._previous = {}

    def _handler(self, signum, _frame):
        self.signum = self.signum or signum

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def check(self) -> None:
        if self.signum:
            raise Stopped(self.signum)
