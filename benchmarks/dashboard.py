"""Benchmark: the dashboard (``make dashboard``) as a visitor meets it, measured in the browser.

Starts Voilà as ``make dashboard`` does, then times in chromium:

- *first meaningful paint*: from asking for ``/?kommun=Habo`` until Habo's key figures are on the
  page, with a pre-heated kernel waiting (what ``make dashboard`` gives the first visitor, and each
  next one once the pool has refilled), and without one (``--pool_size=0``: a kernel started for
  the visitor, as when more visitors arrive at once than the pool holds);
- *selection update*: from choosing a municipality in the list until its key figures show, and
  until the whole page (initiatives and what-if chart too) has followed.

Targets: first paint under 6 s, an update under 0.5 s (on 2 cores). Nothing is asserted: this is a
measurement, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from naravard_lib import dashboard_server, paths

sys.path.insert(0, str(paths.PROJECT_ROOT / "tests" / "browser"))
from harness import CHROMIUM_ARGS, chromium_path, free_port, start_server, stop_server  # noqa: E402

FILLED = "Kernel pool of oversikt.ipynb is filled"
ORDER = ["Aneby", "Vetlanda", "Habo", "Gislaved", "Tranås", "Jönköping", "Eksjö", "Gnosjö"]
_SHOWN = "want => document.body !== null && document.body.innerText.includes(want)"
_FOLLOWED = """([kommun, oldChart]) => {
    const text = document.body.innerText, chart = document.querySelector('figure');
    return text.includes('Nyckeltal för ' + kommun) && text.includes('som omfattar ' + kommun)
        && chart !== null && chart.outerHTML !== oldChart;
}"""


class Server:
    """Voilà serving the dashboard on a free loopback port, its log in a scratch folder."""

    def __init__(self, scratch: Path, pool_size: int):
        self.port, self.log = free_port(), scratch / f"voila-{pool_size}.log"
        env = dashboard_server.environment()
        env.update(JUPYTER_RUNTIME_DIR=str(scratch / "runtime"), JUPYTER_DATA_DIR=str(scratch / "data"),
                   TMPDIR=str(scratch))
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = start_server(dashboard_server.voila_command(port=self.port, pool_size=pool_size),
                                 f"{self.url}/voila/templates/lab/static/index.css", env=env, timeout=120, log=self.log)

    def pool_filled(self, times: int, timeout: float = 120, settle: float = 15.0) -> None:
        """Wait until the pool has been filled ``times`` times, then ``settle`` s.

        Voilà logs "filled" when the kernel has started; it then runs the notebook up to the point
        where it waits for a visitor. Nothing in the log says when it got there, so the visitor
        here arrives ``settle`` seconds later (enough on a busy 2-core machine).
        """
        deadline = time.monotonic() + timeout
        while self.log.read_text(encoding="utf-8").count(FILLED) < times:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kernel pool was not refilled within {timeout} s (log: {self.log})")
            time.sleep(0.2)
        time.sleep(settle)

    def stop(self) -> None:
        stop_server(self.proc)


def first_paint(browser, url: str, kommun: str = "Habo") -> tuple[float, object]:
    """Seconds from asking for ``/?kommun=<kommun>`` to its key figures on screen; the open page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    start = time.perf_counter()
    page.goto(f"{url}/?kommun={kommun}", wait_until="commit")
    page.wait_for_function(_SHOWN, arg=f"Nyckeltal för {kommun}", timeout=120_000, polling="raf")
    page.wait_for_function(_SHOWN, arg=f"{kommun} fick ", timeout=120_000, polling="raf")
    return time.perf_counter() - start, context


def updates(page, order: list[str]) -> tuple[list[float], list[float]]:
    """For each municipality: seconds until its key figures show, and until the whole page has followed."""
    figures, whole = [], []
    choice = page.get_by_label("Välj kommun", exact=True)
    for kommun in order:
        old_chart = page.evaluate("() => document.querySelector('figure').outerHTML")
        start = time.perf_counter()
        choice.select_option(kommun)
        page.wait_for_function(_SHOWN, arg=f"Nyckeltal för {kommun}", timeout=30_000, polling="raf")
        figures.append(time.perf_counter() - start)
        page.wait_for_function(_FOLLOWED, arg=[kommun, old_chart], timeout=30_000, polling="raf")
        whole.append(time.perf_counter() - start)
        time.sleep(0.3)
    return figures, whole


def _summary(values: list[float]) -> str:
    return (f"median {statistics.median(values):.2f} s, min {min(values):.2f} s, max {max(values):.2f} s "
            f"over {len(values)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=3, help="first paints measured per mode")
    args = parser.parse_args()
    if not chromium_path():
        print("dashboard in the browser: skipped (Debian's chromium is not installed)")
        return
    from playwright.sync_api import sync_playwright

    scratch = Path(tempfile.mkdtemp(prefix="naravard-bench-dashboard-"))
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
            server = Server(scratch, pool_size=1)
            try:
                warm, page_context = [], None
                for visit in range(args.visits):
                    server.pool_filled(visit + 1)
                    seconds, context = first_paint(browser, server.url)
                    warm.append(seconds)
                    if page_context is None:
                        page_context = context
                    else:
                        context.close()
                server.pool_filled(args.visits + 1)
                results["warm"] = warm
                results["figures"], results["whole"] = updates(page_context.pages[0], ORDER)
                page_context.close()
            finally:
                server.stop()
            server = Server(scratch, pool_size=0)
            try:
                cold = []
                for _ in range(args.visits):
                    seconds, context = first_paint(browser, server.url)
                    cold.append(seconds)
                    context.close()
                    time.sleep(2)
                results["cold"] = cold
            finally:
                server.stop()
            browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"dashboard, first meaningful paint, kernel pre-heated: {_summary(results['warm'])} (target < 6 s)")
    print(f"dashboard, first meaningful paint, kernel started for the visitor: {_summary(results['cold'])} "
          "(target < 6 s)")
    print(f"dashboard, choose a municipality, key figures shown: {_summary(results['figures'])} (target < 0.5 s)")
    print(f"dashboard, choose a municipality, whole page followed: {_summary(results['whole'])} (target < 0.5 s)")


if __name__ == "__main__":
    main()
