"""The course as a learner uses it: JupyterLab 4 in headless Chromium, driven by Playwright.

Starts ``jupyter lab`` from this environment on a free loopback port with a token, opens each
chapter notebook, runs all cells, waits for the kernel to finish, and checks that no cell shows
an error and that the explorers render as widgets; in every chapter it moves an explorer's slider
and checks that the figure changes. Then it saves the executed notebook (in the served copy, never
the repository's), builds the chapter's reveal.js deck from it (``marl_course.book.write_deck``: no
second execution) and checks in the same browser that every slide fits the slide's height and that
no code line is cut. Screenshots go to ``_build/browser-screenshots/``. The server is always stopped.
Skipped when Playwright or Chromium is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from marl_course import book
from marl_course.book import ROOT, load_manifest

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]
SCREENSHOTS = ROOT / "_build" / "browser-screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
COURSE = load_manifest()


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server: its base URL, its token and the folder it serves."""

    base: str
    token: str
    served: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab server on a copy of the notebooks: yields a :class:`Lab`; always stopped afterwards."""
    home = tmp_path_factory.mktemp("jupyter")
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # no news prompt or update check covering the cells
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    docmanager = home / "settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autoStartDefaultKernel": True, "autosave": False}))
    # serve a copy, so nothing the browser does (a save, a checkpoint) touches the repository
    served = home / "course"
    shutil.copytree(ROOT / "notebooks", served / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    env.pop("MPLBACKEND", None)
    port, token = _free_port(), secrets.token_hex(16)
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served}",
         f"--LabApp.workspaces_dir={home / 'workspaces'}"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"jupyter lab exited: {(home / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            raise RuntimeError("jupyter lab did not start within 60 s")
        yield Lab(base, token, served)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# the kernel is idle again and either every rendered code cell shows an execution count, or a cell
# shows an error (JupyterLab then drops the cells queued after it, which never get a count); an error
# is recognised as in _errors below
ALL_CELLS_RAN_OR_FAILED = """() => {
    const s = document.querySelector('.jp-Notebook-ExecutionIndicator');
    if (!s || s.getAttribute('data-status') !== 'idle') return false;
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    if (prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent))) return true;
    return [...document.querySelectorAll('.jp-OutputArea-output')].some(
        e => e.textContent.includes('Traceback (most recent call last)') || e.textContent.trimStart().startsWith('----------'));
}"""


def _open_and_run_all(browser, lab, notebook: str, timeout_s: float):
    base, token = lab.base, lab.token
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # ?reset: a clean workspace, so only this notebook is open (no tabs restored from earlier tests)
    page.goto(f"{base}/lab/tree/notebooks/{notebook}?reset&token={token}", timeout=60_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # a "Select Kernel" dialog can appear while kernelspecs load: accept the notebook's own kernel
    try:
        page.wait_for_selector(".jp-Dialog .jp-mod-accept", timeout=5_000)
        page.click(".jp-Dialog .jp-mod-accept")
    except playwright_api.TimeoutError:
        pass
    # wait for the kernel to be ready before running
    page.wait_for_function(
        "() => { const s = document.querySelector('.jp-Notebook-ExecutionIndicator');"
        " return s && s.getAttribute('data-status') === 'idle'; }", timeout=120_000)
    page.click(".lm-MenuBar-item:has-text('Run')")
    page.click(".lm-Menu-item:has-text('Run All Cells')")
    try:
        page.wait_for_function(ALL_CELLS_RAN_OR_FAILED, timeout=int(timeout_s * 1000))
    except playwright_api.TimeoutError:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"timeout_{Path(notebook).stem}.png"))
        pending = page.eval_on_selector_all(
            ".jp-CodeCell", "cells => cells.map((c, i) => [i, c.querySelector('.jp-InputPrompt')?.textContent || '',"
            " (c.querySelector('.jp-InputArea-editor')?.textContent || '').slice(0, 80)])"
            ".filter(([i, p]) => !/\\[\\d+\\]/.test(p))")
        raise AssertionError(f"{notebook}: not finished after {timeout_s:.0f} s; code cells without an execution "
                             f"count (index, prompt, first characters): {pending[:5]}") from None
    return page


def _errors(page) -> list[str]:
    # textContent, not innerText: JupyterLab skips rendering off-screen cells, whose innerText is empty
    texts = page.eval_on_selector_all(".jp-OutputArea-output", "els => els.map(e => e.textContent)")
    return [t[:300] for t in texts if "Traceback (most recent call last)" in t or t.lstrip().startswith("----------")]


def _widgets_render(page) -> bool:
    text = page.inner_text(".jp-Notebook")
    as_text = "interactive(children=" in text or "VBox(children=" in text or "HBox(children=" in text
    return page.locator(".jp-OutputArea-output .widget-slider, .jp-OutputArea-output .widget-dropdown").count() > 0 \
        and not as_text


# every slide of a reveal.js deck, shown in turn: its laid-out height (slide pixels, before reveal.js
# scales the slide to the window) and how many <pre> blocks are wider than their box (a cut code line)
MEASURE_SLIDES = """async () => {
    await MathJax.startup.promise;
    const out = [];
    const columns = Reveal.getHorizontalSlides();
    for (let h = 0; h < columns.length; h++) {
        const stack = columns[h].querySelectorAll(':scope > section');
        for (let v = 0; v < Math.max(stack.length, 1); v++) {
            Reveal.slide(h, v);
            await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
            const slide = Reveal.getCurrentSlide();
            out.push({slide: `${h + 1}.${v + 1}`, height: slide.offsetHeight,
                      cut: [...slide.querySelectorAll('pre')].filter(p => p.scrollWidth > p.clientWidth + 1).length,
                      text: slide.textContent.trim().slice(0, 60)});
        }
    }
    return {height: Reveal.getConfig().height, slides: out};
}"""


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """A folder for the decks built from the notebooks the browser ran (vendor files copied once)."""
    return tmp_path_factory.mktemp("decks")


def _save_and_check_slides(page, browser, lab, chapter, decks) -> None:
    """Save the executed notebook in the served copy, build its deck from it and check that every
    slide fits: no slide taller than the slide height, no code line cut, nothing fetched from the network."""
    import nbformat

    saved = lab.served / "notebooks" / chapter.notebook
    before = saved.stat().st_mtime_ns
    page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    for _ in range(120):
        if saved.stat().st_mtime_ns != before:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"{chapter.notebook}: JupyterLab did not save the executed notebook within 60 s")
    nb = nbformat.read(saved, as_version=4)
    assert any(cell.get("outputs") for cell in nb.cells), "the saved notebook has no outputs"
    deck = book.write_deck(nb, chapter, decks)
    slides = browser.new_page(viewport={"width": book.SLIDE_WIDTH, "height": book.SLIDE_HEIGHT})
    remote = []
    slides.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    try:
        slides.goto(deck.as_uri())
        slides.wait_for_function("() => window.Reveal && Reveal.isReady() && window.MathJax && MathJax.startup",
                                 timeout=60_000)
        measured = slides.evaluate(MEASURE_SLIDES)
        tallest = max(measured["slides"], key=lambda s: s["height"])
        h, v = (int(i) - 1 for i in tallest["slide"].split("."))
        slides.evaluate(f"Reveal.slide({h}, {v})")
        slides.wait_for_timeout(500)
        slides.screenshot(path=str(SCREENSHOTS / f"ch{chapter.number:02d}_tallest_slide.png"))
    finally:
        slides.close()
    too_tall = [s for s in measured["slides"] if s["height"] > measured["height"]]
    cut = [s for s in measured["slides"] if s["cut"]]
    assert len(measured["slides"]) > 5
    assert not too_tall, f"{deck.name}: slides taller than {measured['height']} px: {too_tall}"
    assert not cut, f"{deck.name}: slides with a code line cut: {cut}"
    assert not remote, f"{deck.name} fetched from the network: {remote[:5]}"


@pytest.mark.runs_notebook(COURSE.chapters[0].notebook)
def test_chapter_1_runs_and_its_explorer_responds(browser, lab, decks):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = _open_and_run_all(browser, lab, COURSE.chapters[0].notebook, timeout_s=120)
    try:
        assert _errors(page) == []
        assert _widgets_render(page)
        explorer = page.locator(".jp-OutputArea-output .widget-vbox").first
        explorer.scroll_into_view_if_needed()
        figure = explorer.locator(".widget-output img").first
        figure.wait_for(timeout=30_000)
        before = figure.get_attribute("src")
        page.screenshot(path=str(SCREENSHOTS / "ch01_explorer_before.png"))
        # type a new value into the first slider's readout (A[0,0]) and press Enter
        readout = explorer.locator(".widget-slider .widget-readout").first
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("-7")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "([el, old]) => { const img = el.querySelector('.widget-output img'); return img && img.src !== old; }",
            arg=[explorer.element_handle(), before], timeout=30_000)
        explorer.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "ch01_explorer_after.png"))
        assert figure.get_attribute("src") != before
        _save_and_check_slides(page, browser, lab, COURSE.chapters[0], decks)
    finally:
        page.close()


def _explorer_redraws(page, chapter: int) -> None:
    """Move the first slider of the chapter's last explorer to its minimum (its maximum if it is there)
    and wait until the explorer's figure changes; a screenshot after."""
    explorer = page.locator(".jp-OutputArea-output .widget-vbox:has(.widget-output img)").last
    explorer.scroll_into_view_if_needed()
    figure = explorer.locator(".widget-output img").first
    before = figure.get_attribute("src")
    slider = explorer.locator(".widget-slider").first
    handle = slider.locator(".noUi-handle").first
    low, high, now = (float(handle.get_attribute(f"aria-value{a}")) for a in ("min", "max", "now"))
    readout = slider.locator(".widget-readout").first
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{low if now != low else high:g}")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([el, old]) => { const img = el.querySelector('.widget-output img'); return img && img.src !== old; }",
        arg=[explorer.element_handle(), before], timeout=60_000)
    explorer.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"ch{chapter:02d}_explorer_after.png"))


@pytest.mark.slow
@pytest.mark.parametrize("chapter", [pytest.param(c, marks=pytest.mark.runs_notebook(c.notebook), id=f"ch{c.number:02d}")
                                     for c in COURSE.chapters[1:]])
def test_every_chapter_runs_in_jupyterlab(browser, lab, chapter, decks):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = _open_and_run_all(browser, lab, chapter.notebook, timeout_s=420)  # a hang guard, not the 90 s budget
    try:
        page.screenshot(path=str(SCREENSHOTS / f"ch{chapter.number:02d}_after_run_all.png"))
        assert _errors(page) == []
        assert _widgets_render(page), "the explorer did not render as widgets"
        _explorer_redraws(page, chapter.number)  # times out unless the figure changes
        assert _errors(page) == []
        _save_and_check_slides(page, browser, lab, chapter, decks)
    finally:
        page.close()
