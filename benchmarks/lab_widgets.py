"""Benchmark: how long a what-if change takes to show in JupyterLab, measured in the browser.

Starts JupyterLab (as the browser tests do), runs notebook 01 with "Restart Kernel and Run All
Cells", then types pools and switches the rounding, each time timing from the keystroke to the
moment the message, the table and the chart on the page all show the new result. Target: under
0.3 s. Nothing is asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from naravard_lib import paths
from naravard_lib.allocation import Scenario, what_if_table
from naravard_lib.formatting import format_number, format_sek

sys.path.insert(0, str(paths.PROJECT_ROOT / "tests" / "browser"))
from harness import CHROMIUM_ARGS, chromium_path, start_lab, stop_server  # noqa: E402

NOTEBOOK = "01_fordelning.ipynb"
_CHANGED = """([area, want, oldChart, oldTable]) => {
    const img = area.querySelector('figure'), table = area.querySelector('table');
    return area.textContent.includes(want) && img && img.outerHTML !== oldChart && table && table.outerHTML !== oldTable;
}"""


def _state(area):
    return area.evaluate("a => [a.querySelector('figure').outerHTML, a.querySelector('table').outerHTML]")


def time_change(page, area, act, want: str) -> float:
    """Seconds from ``act()`` to the page showing ``want`` with a new chart and a new table."""
    old_chart, old_table = _state(area)
    start = time.perf_counter()
    act()
    page.wait_for_function(_CHANGED, arg=[area, want, old_chart, old_table], timeout=10_000, polling="raf")
    return time.perf_counter() - start


def main(repeats: int = 8) -> None:
    if not chromium_path():
        print("what-if in the browser: skipped (Debian's chromium is not installed)")
        return
    from playwright.sync_api import sync_playwright

    scratch = Path(tempfile.mkdtemp(prefix="naravard-bench-lab-"))
    shutil.copytree(paths.NOTEBOOKS_DIR, scratch / "notebooks")
    lab = start_lab(scratch / "notebooks", scratch / "jupyterlab.log", home=scratch)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            lab.open(page, NOTEBOOK)
            lab.restart_and_run_all(page, NOTEBOOK)
            label = page.get_by_label("Länets pott (kr)", exact=True)
            area = page.locator(".jp-OutputArea-output", has=label).first.element_handle()
            rounding = page.get_by_label("Avrundning", exact=True)
            typed, switched = [], []
            for i in range(repeats):
                pool = 29_000_000 + 123_457 * (i + 1)
                want = format_sek(what_if_table(Scenario(pool=pool))["belopp"].sum())

                def type_pool(pool=pool):
                    label.fill(format_number(pool))
                    label.press("Enter")

                typed.append(time_change(page, area, type_pool, f"Till kommunerna: {want}"))
                exact = format_sek(what_if_table(Scenario(pool=pool, rounding="largest_remainder"))["belopp"].sum())
                if exact == want:  # both roundings give this pool's total: nothing on screen would change
                    continue
                switched.append(time_change(page, area, lambda: rounding.select_option(label="Största rest (summerar exakt)"),
                                            f"Till kommunerna: {exact}"))
                time_change(page, area, lambda: rounding.select_option(label="Per cell (som publicerat)"), f"Till kommunerna: {want}")
            browser.close()
    finally:
        stop_server(lab.proc)
        shutil.rmtree(scratch, ignore_errors=True)
    for name, values in (("type a pool", typed), ("switch rounding", switched)):
        print(f"what-if in JupyterLab, {name}: median {statistics.median(values) * 1000:.0f} ms, "
              f"max {max(values) * 1000:.0f} ms over {len(values)} (target < 300 ms, table and chart on screen)")


if __name__ == "__main__":
    main()
