"""The teaching notebooks as live slides (jupyterlab-rise) in a real JupyterLab, and the kit's handouts under axe.

The slideshow is entered as a trainer does it (Alt+R in the notebook), paged with the keyboard, and
read back: the slide titles the metadata promises, no code on any slide, and nothing requested
outside 127.0.0.1.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import nbformat
import pytest

from harness import axe_violations, screenshot
from naravard_lib import handouts, paths, slides

NOTEBOOK = "00_introduktion.ipynb"


def _current_title(frame) -> str:
    return frame.evaluate("""() => {
        const slide = document.querySelector('.reveal .slides > section.present > section.present')
            || document.querySelector('.reveal .slides > section.present');
        const heading = slide && slide.querySelector('h1, h2, h3');
        return heading ? heading.textContent.replace('¶', '').trim() : '';
    }""")


def _visible_code(frame) -> list[str]:
    """Text of code editors visible on the current slide (there should be none)."""
    return frame.evaluate("""() => [...document.querySelectorAll('.reveal .slides section.present .jp-InputArea-editor')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height > 0)
        .map(e => e.textContent.trim()).filter(t => t)""")


def _wait_for_title(frame, want: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _current_title(frame) == want:
            return
        time.sleep(0.1)
    pytest.fail(f"the slideshow shows {_current_title(frame)!r}, expected {want!r}")


def test_slideshow_pages_forward_and_back_with_the_keyboard_shows_no_code_and_stays_local(lab, browser):
    titles = slides.slide_titles(nbformat.read(paths.NOTEBOOKS_DIR / NOTEBOOK, as_version=4))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="sv-SE")
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    try:
        lab.open(page, NOTEBOOK)
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").click(position={"x": 5, "y": 5})
        page.keyboard.press("Escape")  # command mode, as after clicking beside a cell
        page.keyboard.press("Alt+r")
        frame_element = page.wait_for_selector("iframe[src*='rise']", timeout=30_000)
        frame = frame_element.content_frame()
        frame.wait_for_selector(".reveal .slides section.present", timeout=60_000)
        _wait_for_title(frame, titles[0], timeout=30)
        frame.locator(".reveal").click(position={"x": 5, "y": 5})  # focus the slideshow, as a click would
        seen = [titles[0]]
        for want in titles[1:4]:
            for _ in range(12):  # fragments and continued cells take extra presses
                page.keyboard.press("ArrowRight")
                time.sleep(0.25)
                if _current_title(frame) == want:
                    break
            _wait_for_title(frame, want)
            seen.append(want)
            assert _visible_code(frame) == []
        screenshot(page, "rise-slideshow-00", full_page=False)
        page.keyboard.press("ArrowLeft")
        time.sleep(0.3)
        for _ in range(12):
            if _current_title(frame) == titles[2]:
                break
            page.keyboard.press("ArrowLeft")
            time.sleep(0.25)
        _wait_for_title(frame, titles[2])
        assert seen == titles[:4]
        hosts = {urlparse(url).hostname for url in requested if url.startswith("http")}
        assert hosts == {"127.0.0.1"}, sorted(url for url in requested if "127.0.0.1" not in url)[:5]
    finally:
        context.close()


@pytest.mark.parametrize("name", ["ovningar", "ovningar-facit", "faktablad"])
def test_handout_pages_have_no_axe_violations(page, tmp_path, name):
    html = {"ovningar": handouts.exercises_html, "ovningar-facit": lambda: handouts.exercises_html(key=True),
            "faktablad": lambda: handouts.fact_sheet_html("Habo")}[name]()
    target = tmp_path / f"{name}.html"
    target.write_text(html, encoding="utf-8")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(target.as_uri())
    assert page.evaluate("() => document.documentElement.lang") == "sv"
    assert axe_violations(page) == []
    assert [url for url in requested if not url.startswith(("file://", "data:"))] == []
