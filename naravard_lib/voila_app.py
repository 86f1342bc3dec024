"""Voilà serving the dashboard, with a bound on what visitors can cost this machine.

Every visitor of the dashboard gets a Python kernel of their own (about 270 MB of memory). Voilà
0.5 has no limit on how many it starts, so this module adds one, with two small pieces:

- :class:`CappedKernelManager` (Voilà's ``VoilaConfiguration.multi_kernel_manager_class``) refuses
  to start a kernel beyond :attr:`~CappedKernelManager.max_kernels` (running and starting kernels,
  the pre-heated one included). The count is checked and the start registered before control
  returns to the event loop, so requests that arrive together cannot slip past it.
- :class:`NaravardVoila` serves the notebook with a handler that answers a visitor beyond the cap at
  once with a Swedish page ("försök igen om en stund", HTTP 503 with ``Retry-After``) instead of
  keeping them waiting, and that refills the pre-heated kernel when there is room again.

Idle kernels are stopped by jupyter_server's culler (``MappingKernelManager.cull_idle_timeout``).
:func:`naravard_lib.dashboard_server.voila_command` runs this module (``python -m naravard_lib.voila_app``
with Voilà's own arguments); it is apart from that module because importing Voilà takes seconds,
which ``naravard`` does not pay for its other commands.
"""

from __future__ import annotations

import tornado.web
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Integer, default
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from .dashboard_server import DEFAULT_MAX_KERNELS

#: Seconds a visitor beyond the cap is asked to wait before trying again.
RETRY_AFTER = 30

BUSY_PAGE = f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{RETRY_AFTER}">
<title>Översikten har många besökare – försök igen om en stund</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem;
color: #1a1a1a; line-height: 1.5; }} h1 {{ font-size: 1.5rem; }}</style>
</head>
<body>
<main>
<h1>Översikten har många besökare just nu</h1>
<p>Alla platser är upptagna. Försök igen om en stund: sidan laddas om av sig själv om {RETRY_AFTER} sekunder.</p>
<p>Varje besökare får en egen beräkning på datorn som visar översikten, och den har plats för ett begränsat
antal åt gången. En plats blir ledig när någon stänger sidan.</p>
</main>
</body>
</html>
"""


class KernelLimitReached(tornado.web.HTTPError):
    """No kernel may be started now: the dashboard has as many as it may run."""

    def __init__(self, limit: int):
        super().__init__(503, "the dashboard runs its %d kernels", limit, reason="Service Unavailable")


class CappedKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager with a cap on the kernels it runs at the same time."""

    max_kernels = Integer(config=True, help="Kernels running or starting at most, pre-heated ones included; a "
                                            "visitor beyond them gets a 'try again in a moment' page.")

    @default("max_kernels")
    def _default_max_kernels(self) -> int:
        return DEFAULT_MAX_KERNELS

    def kernel_count(self) -> int:
        """Kernels running or starting now."""
        return len(set(self._kernels) | set(self._pending_kernels))

    def has_room(self) -> bool:
        return self.kernel_count() < self.max_kernels

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        if kernel_id is None and not self.has_room():
            raise KernelLimitReached(self.max_kernels)
        # Until its first real wait, the start below registers the kernel (``_pending_kernels``), so the
        # next request already counts it.
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)


def _ready_pool_kernel(manager, notebook: str) -> bool:
    """Whether a pre-heated kernel is waiting for ``notebook`` (one the cap did not refuse)."""
    pool = getattr(manager, "_pools", {}).get(notebook, [])
    return any(not task.done() or task.exception() is None for task in pool)


def _refill(manager, notebook: str) -> None:
    """Drop pre-heated starts the cap refused; start a new one when there is room again."""
    pools = getattr(manager, "_pools", None)
    if pools is None:  # pre-heating is off
        return
    pool = pools.get(notebook, [])
    for task in [t for t in pool if t.done() and t.exception() is not None]:
        pool.remove(task)
    if not pool and manager.has_room():
        manager.fill_if_needed(delay=0, notebook_name=notebook)


class CappedVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler: a visitor beyond the cap gets :data:`BUSY_PAGE` at once (HTTP 503)."""

    async def get(self, path=None):
        manager = self.kernel_manager
        if isinstance(manager, CappedKernelManager):
            _refill(manager, self.notebook_path or path)
            if not manager.has_room() and not _ready_pool_kernel(manager, self.notebook_path or path):
                raise KernelLimitReached(manager.max_kernels)
        return await super().get(path=path)

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code != 503:
            return super().write_error(status_code, **kwargs)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Retry-After", str(RETRY_AFTER))
        self.set_header("Cache-Control", "no-store")
        self.finish(BUSY_PAGE)


class NaravardVoila(Voila):
    """Voilà serving the dashboard with :class:`CappedVoilaHandler` for its page."""

    def init_handlers(self):
        return [(handler[0], CappedVoilaHandler, *handler[2:]) if handler[1] is TornadoVoilaHandler else handler
                for handler in super().init_handlers()]


main = NaravardVoila.launch_instance

if __name__ == "__main__":  # pragma: no cover
    main()
