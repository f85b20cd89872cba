"""The course manifest (``book.toml``), the book and the lecture slides built from it.

``python -m marl_course.book`` (``make book``) builds the HTML book in ``_build/book/`` with
Sphinx, MyST-NB and sphinx-book-theme. The Sphinx project is generated from ``book.toml`` on
every build into ``_build/book-src/`` (``conf.py``, a front page with the chapter table and the
table of contents, a glossary page, and a copy of each chapter notebook), so the manifest stays
the only list of chapters. ``--slides`` (``make slides``) writes one reveal.js deck per chapter
to ``_build/slides/``, cut so that every slide fits on the screen.

Both execute the notebooks through one jupyter-cache in ``_build/jupyter_cache/``: a chapter
runs again only when its code cells change. Each build writes the chapters' measured run times
into ``book.toml`` (``run_seconds``) and into the "**Run All:**" line of each notebook's first
cell, where that line is present.

Everything a page needs is served from the build, never from a CDN: MathJax 3 from the
``sphinx-mathjax-offline`` package on PyPI; require.js, the Jupyter widget renderer, reveal.js and
Font Awesome from the npm registry, fetched once (``npm pack``) into ``_build/vendor/``.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import importlib.util
import json
import math
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
CACHE = BUILD / "jupyter_cache"
"""The jupyter-cache that the book and the slides share."""
VENDOR = BUILD / "vendor"
"""Where :func:`fetch_offline_assets` keeps the npm packages between builds."""

RUN_ALL = "**Run All:**"
"""How the run-time line in a notebook's first cell starts."""
STATIC_EXPLORER_NOTE = ("The controls below do nothing without a running kernel: open the notebook in JupyterLab "
                        "to explore (make lab, or a launch button at the top of the page).")
"""The text of the "Static page" note the book puts above every widget output."""
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
HTML_MANAGER_DIST = "@jupyter-widgets/html-manager/dist"
"""Where the widget renderer and its fonts sit under the book's ``_static/vendor/``."""


@dataclass(frozen=True)
class Chapter:
    """One chapter of the manifest."""

    number: int
    title: str
    notebook: str
    source: str
    papers: tuple[str, ...]
    run_seconds: int | None = None

    @property
    def docname(self) -> str:
        """The chapter's page name in the book (the notebook's file name without ``.ipynb``)."""
        return Path(self.notebook).stem

    @property
    def page(self) -> str:
        """The chapter's HTML file name in the book."""
        return self.docname + ".html"


@dataclass(frozen=True)
class Course:
    """The manifest: the course title, the notebooks folder and the chapters in order."""

    title: str
    notebooks: Path
    chapters: tuple[Chapter, ...]
    repository_url: str = ""
    source: str = ""
    author: str = ""
    manifest: Path = field(default=ROOT / "book.toml")


def load_manifest(path=ROOT / "book.toml") -> Course:
    """Read and check ``book.toml``: chapters numbered 1..N in order, each with its fields.

    >>> course = load_manifest()
    >>> course.chapters[0].number, course.chapters[0].notebook
    (1, '01_matrix_games_nash.ipynb')
    """
    path = Path(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    chapters = []
    for entry in data.get("chapters", []):
        missing = {"number", "title", "notebook", "source", "papers"} - set(entry)
        if missing:
            raise ValueError(f"book.toml: chapter {entry.get('number', '?')} lacks {sorted(missing)}")
        seconds = entry.get("run_seconds")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0):
            raise ValueError(f"book.toml: chapter {entry['number']}: run_seconds must be a positive whole "
                             f"number of seconds, got {seconds!r}")
        chapters.append(Chapter(int(entry["number"]), entry["title"], entry["notebook"], entry["source"],
                                tuple(entry["papers"]), seconds))
    numbers = [c.number for c in chapters]
    if numbers != list(range(1, len(chapters) + 1)):
        raise ValueError(f"book.toml: chapters must be numbered 1..N in order, got {numbers}")
    course = data.get("course", {})
    return Course(course.get("title", "Course"), path.parent / course.get("notebooks", "notebooks"), tuple(chapters),
                  course.get("repository_url", ""), course.get("source", ""), course.get("author", ""), path)


def select_chapters(course: Course, chapters=None) -> tuple[Chapter, ...]:
    """The chapters numbered in ``chapters`` (all when None), in the manifest's order.

    >>> [c.number for c in select_chapters(load_manifest(), [3, 1])]
    [1, 3]
    >>> select_chapters(load_manifest(), [99])
    Traceback (most recent call last):
    ...
    ValueError: chapters: [99] are not chapter numbers of book.toml (1..10)
    """
    if chapters is None:
        return course.chapters
    if isinstance(chapters, (str, bytes, int)) or not hasattr(chapters, "__iter__"):
        raise TypeError(f"chapters must be a list of chapter numbers or None, got {chapters!r}")
    wanted = list(chapters)
    if not wanted:
        raise ValueError("chapters: an empty list selects nothing; pass None for every chapter")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in wanted):
        raise TypeError(f"chapters must hold whole chapter numbers, got {wanted!r}")
    unknown = sorted(set(wanted) - {c.number for c in course.chapters})
    if unknown:
        raise ValueError(f"chapters: {unknown} are not chapter numbers of book.toml (1..{len(course.chapters)})")
    return tuple(c for c in course.chapters if c.number in set(wanted))


def glossary_rows(notebook_path) -> list[tuple[str, str]]:
    """The (English, 中文) rows of the table under a notebook's "Glossary" heading."""
    import nbformat

    nb = nbformat.read(notebook_path, as_version=4)
    rows = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        parts = re.split(r"^#+ .*Glossary.*$", cell.source, flags=re.MULTILINE | re.IGNORECASE)
        if len(parts) < 2:
            continue
        for line in parts[1].splitlines():
            if line.startswith("#"):
                break
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 2 and not set(cells[0]) <= set("-: ") and cells[0].lower() != "english":
                rows.append((cells[0], cells[1]))
    return rows


# ---------------------------------------------------------------------------------------------
# Run times


def run_time_line(chapter: Chapter) -> str:
    """The sentence a chapter's first cell carries about how long *Run All* takes.

    Under a minute it is rounded to 5 s, above to 10 s.

    >>> run_time_line(Chapter(1, "t", "01_t.ipynb", "s", (), run_seconds=78))
    '**Run All:** about 1 min 20 s on a 2-core laptop (measured by `make book`).'
    >>> run_time_line(Chapter(1, "t", "01_t.ipynb", "s", (), run_seconds=12))
    '**Run All:** about 10 s on a 2-core laptop (measured by `make book`).'
    """
    if not isinstance(chapter, Chapter):
        raise TypeError(f"chapter must be a Chapter of load_manifest(), got {type(chapter).__name__}")
    if chapter.run_seconds is None:
        raise ValueError(f"chapter {chapter.number} has no run_seconds in book.toml; `make book` measures it")
    return f"{RUN_ALL} about {_duration(chapter.run_seconds)} on a 2-core laptop (measured by `make book`)."


def _duration(seconds: float) -> str:
    if seconds < 57.5:
        return f"{max(5, 5 * round(seconds / 5))} s"
    minutes, rest = divmod(10 * round(seconds / 10), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def sync_run_times(course: Course) -> list[str]:
    """Rewrite the "**Run All:**" line of each chapter's first cell from ``run_seconds``.

    Only a line that starts with "**Run All:**" in the first cell is replaced, and only in
    chapters that have ``run_seconds``; every other byte of the notebook stays. Returns the
    file names of the notebooks that changed.
    """
    if not isinstance(course, Course):
        raise TypeError(f"course must be a Course of load_manifest(), got {type(course).__name__}")
    changed = []
    for chapter in course.chapters:
        path = course.notebooks / chapter.notebook
        if chapter.run_seconds is None or not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        if not nb.get("cells"):
            continue
        first = nb["cells"][0]
        lines = "".join(first["source"]).splitlines(keepends=True)
        wanted = run_time_line(chapter)
        new = [wanted + line[len(line.rstrip("\r\n")):] if line.startswith(RUN_ALL) else line for line in lines]
        if new == lines:
            continue
        first["source"] = new if isinstance(first["source"], list) else "".join(new)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        changed.append(chapter.notebook)
    return changed


def write_run_seconds(manifest, seconds: dict[int, float]) -> bool:
    """Set ``run_seconds = N`` in the ``[[chapters]]`` entries of ``manifest`` numbered in ``seconds``.

    A targeted rewrite: the line is replaced where it exists, else added after the entry's last
    key; comments and everything else stay. Returns whether the file changed.
    """
    path = Path(manifest)
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[)", text)
    for i, block in enumerate(blocks):
        number = re.search(r"(?m)^number\s*=\s*(\d+)", block)
        if not block.startswith("[[chapters]]") or number is None or int(number.group(1)) not in seconds:
            continue
        line = f"run_seconds = {max(1, round(seconds[int(number.group(1))]))}"
        if re.search(r"(?m)^run_seconds\s*=", block):
            block = re.sub(r"(?m)^run_seconds\s*=.*$", line, block)
        else:
            body = block.rstrip("\n")
            block = body + "\n" + line + "\n" + block[len(body):].removeprefix("\n")
        blocks[i] = block
    new = "".join(blocks)
    if new == text:
        return False
    tomllib.loads(new)  # still valid TOML
    path.write_text(new, encoding="utf-8")
    return True


# ---------------------------------------------------------------------------------------------
# Offline assets and the execution cache


OFFLINE_ASSETS = {
    "reveal.js": "reveal.js@4.0.2",
    "requirejs": "requirejs@2.3.7",
    "html-manager": "@jupyter-widgets/html-manager@1.0.11",
    "font-awesome": "font-awesome@4.7.0",
}
"""The npm packages the pages need (folder name -> package spec): reveal.js for the slides,
require.js and the widget renderer (html-manager 1.0 renders ipywidgets 8's state) for the
book's explorers, and Font Awesome 4 for the buttons of matplotlib's HTML animations (which link
it from a CDN; :func:`localise_html` points them here). MathJax comes from PyPI instead
(:func:`mathjax_dir`)."""

FONT_AWESOME_CDN = re.compile(r"https?://[^\"' ]+/font-awesome/[0-9.]+/css/font-awesome(?:\.min)?\.css")


def localise_html(html: str, vendor: str) -> str:
    """An HTML output with its Font Awesome stylesheet loaded from ``vendor`` (relative to the
    page) instead of a CDN.

    >>> localise_html('<link href="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/font-awesome.min.css">', "v/")
    '<link href="v/font-awesome/css/font-awesome.min.css">'
    """
    return FONT_AWESOME_CDN.sub(f"{vendor}font-awesome/css/font-awesome.min.css", html)


def fetch_offline_assets(vendor_dir=VENDOR) -> Path:
    """Download :data:`OFFLINE_ASSETS` with ``npm pack`` and unpack each into ``vendor_dir/<name>``.

    Packages already unpacked are kept. Only the packages themselves are fetched, not their
    dependencies (the pages need the built files alone). Raises ``RuntimeError`` when ``npm``
    is missing or a download fails.
    """
    vendor_dir = Path(vendor_dir)
    vendor_dir.mkdir(parents=True, exist_ok=True)
    missing = {name: spec for name, spec in OFFLINE_ASSETS.items() if not (vendor_dir / name).is_dir()}
    if missing and shutil.which("npm") is None:
        raise RuntimeError("the book needs npm (Node.js) to fetch " + ", ".join(missing.values()) + " once")
    for name, spec in missing.items():
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(["npm", "pack", "--silent", spec], cwd=tmp, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"npm pack {spec} failed: {done.stderr.strip()}")
            with tarfile.open(Path(tmp) / done.stdout.split()[-1]) as tar:
                tar.extractall(tmp, filter="data")
            # unpacked beside the target, then renamed: a build running at the same time keeps its copy
            staged = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=vendor_dir))
            shutil.move(Path(tmp) / "package", staged / "package")
            try:
                (staged / "package").rename(vendor_dir / name)
            except OSError:  # the other build was first
                pass
            shutil.rmtree(staged)
    return vendor_dir


def mathjax_dir() -> Path:
    """The MathJax 3 distribution that the ``sphinx-mathjax-offline`` package ships (``tex-chtml.js`` in it).

    >>> (mathjax_dir() / "tex-chtml.js").is_file()
    True
    """
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("MathJax is missing: pip install sphinx-mathjax-offline (in the book extra)")
    return Path(spec.origin).parent / "static" / "mathjax"


def _get_cache(cache_dir):
    from jupyter_cache import get_cache

    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    return get_cache(str(cache_dir))


def _cache_record(cache, notebook_path):
    import nbformat

    try:
        return cache.match_cache_notebook(nbformat.read(notebook_path, as_version=4))
    except KeyError:
        return None


def executed_notebook(course: Course, chapter: Chapter, cache_dir=CACHE, timeout: int = 900):
    """The chapter's notebook with its outputs: from the cache, else executed and added to it.

    The cache is the one MyST-NB uses for the book (keyed by the code cells), so a chapter the
    book has run is not run again for the slides, and the other way round.
    """
    import nbformat
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    path = course.notebooks / chapter.notebook
    nb = nbformat.read(path, as_version=4)
    cache = _get_cache(cache_dir)
    try:
        return cache.merge_match_into_notebook(nb)[1]
    except KeyError:
        pass
    result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False, meta_override=True)
    if result.err is not None:
        raise RuntimeError(f"{chapter.notebook} failed to execute:\n{result.exc_string}")
    cache.cache_notebook_bundle(CacheBundleIn(nb, str(path), data={"execution_seconds": result.time}),
                                check_validity=False, overwrite=True)
    return nb


def measured_run_seconds(course: Course, chapters, cache_dir=CACHE) -> dict[int, float]:
    """Chapter number -> seconds its notebook took to execute, as jupyter-cache recorded it
    (chapters whose current code has not been executed yet are left out)."""
    cache = _get_cache(cache_dir)
    seconds = {}
    for chapter in chapters:
        record = _cache_record(cache, course.notebooks / chapter.notebook)
        if record is not None and record.data.get("execution_seconds") is not None:
            seconds[chapter.number] = float(record.data["execution_seconds"])
    return seconds


# ---------------------------------------------------------------------------------------------
# The book


@dataclass(frozen=True)
class BookBuild:
    """What :func:`build_book` did: the front page, the chapters it executed (the others came
    from the cache) and every built chapter's measured run time in seconds."""

    index: Path
    executed: tuple[int, ...]
    run_seconds: dict[int, float]


BOOK_CSS = """
.static-explorer { margin: .5em 0; }
.static-explorer p { margin: 0; }
table.chapters td { vertical-align: top; }
"""


WIDGETS_PATH_JS = """// Loaded before require.js, which takes this object as its configuration: module names resolve
// under _static/vendor/, where the widget renderer and its fonts are (see marl_course/book.py).
var require = {baseUrl: document.currentScript.src.replace(/widgets-path\\.js.*$/, "vendor/")};
"""


def _front_page(course: Course, chapters) -> str:
    """The book's front page (MyST): the chapter table and the hidden tables of contents."""
    header = "* - Ch.\n  - Chapter\n  - Source article\n  - Papers\n  - Run All\n"
    rows = "".join(f"* - {c.number}\n  - [{c.title}]({c.notebook})\n  - {c.source}\n  - {'; '.join(c.papers)}\n"
                   f"  - {_duration(c.run_seconds) if c.run_seconds else '—'}\n" for c in chapters)
    toc = "\n".join(c.docname for c in chapters)
    intro = (f"After {course.source}.\n\n" if course.source else "") + (
        "Each chapter is a Jupyter notebook, shown here executed. The explorers' controls need a running "
        "kernel: open a chapter in JupyterLab (`make lab`) or with a launch button at the top of its page. "
        "The [glossary](glossary.md) lists the terms in English and Chinese.\n\n")
    return (f"# {course.title}\n\n{intro}"
            f"```{{list-table}}\n:header-rows: 1\n:class: chapters\n\n{header}{rows}```\n\n"
            f"```{{toctree}}\n:hidden:\n:caption: Chapters\n\n{toc}\n```\n\n"
            "```{toctree}\n:hidden:\n:caption: Reference\n\nglossary\n```\n")


def _glossary_page(course: Course, chapters) -> str:
    terms = {}
    for chapter in chapters:
        for english, chinese in glossary_rows(course.notebooks / chapter.notebook):
            terms.setdefault(english, (chinese, chapter))
    rows = "".join(f"| {e} | {z} | [{c.number}]({c.notebook}) |\n"
                   for e, (z, c) in sorted(terms.items(), key=lambda kv: kv[0].lower()))
    return f"# Glossary\n\nThe chapters' terms in English and Chinese (中文).\n\n| English | 中文 | Chapter |\n|---|---|---|\n{rows}"


def _sphinx_conf(course: Course, cache_dir: Path) -> dict:
    theme = {"home_page_in_toc": False, "show_navbar_depth": 1, "use_download_button": True, "show_toc_level": 2}
    if course.repository_url:
        theme.update({"repository_url": course.repository_url, "repository_branch": "main",
                      "path_to_docs": course.notebooks.relative_to(course.manifest.parent).as_posix(),
                      "use_repository_button": True,
                      "launch_buttons": {"binderhub_url": "https://mybinder.org",
                                         "colab_url": "https://colab.research.google.com",
                                         "notebook_interface": "jupyterlab"}})
    return {
        "project": course.title,
        "author": course.author,
        "html_title": course.title,
        "html_sidebars": {"**": ["navbar-logo.html", "icon-links.html", "sbt-sidebar-nav.html"]},
        "extensions": ["myst_nb", "marl_course.book"],
        "exclude_patterns": ["_build", ".doctrees", "**.ipynb_checkpoints"],
        "html_theme": "sphinx_book_theme",
        "html_theme_options": theme,
        "html_static_path": ["_static", str(mathjax_dir().parent)],
        "html_css_files": ["course.css"],
        "mathjax_path": "mathjax/tex-chtml.js",
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "nb_execution_mode": "cache",
        "nb_execution_cache_path": str(cache_dir),
        "nb_execution_timeout": 900,
        "nb_execution_raise_on_error": True,
        "nb_execution_show_tb": True,
        # widgets-path.js points require.js at _static/vendor/, where the renderer finds its fonts
        "nb_ipywidgets_js": {"widgets-path.js": {}, "vendor/require.js": {},
                             f"vendor/{HTML_MANAGER_DIST}/embed-amd.js": {"data-jupyter-widgets-cdn": "_static/vendor/"}},
        "suppress_warnings": ["myst.header"],
    }


def write_sphinx_project(course: Course, chapters, source_dir, cache_dir=CACHE, vendor_dir=VENDOR) -> Path:
    """Generate the Sphinx project of the book into ``source_dir`` and return that folder.

    ``conf.py`` (from :func:`_sphinx_conf`), ``index.md`` (the chapter table and the table of
    contents), ``glossary.md``, ``_static/`` (require.js, the widget renderer, the stylesheet) and a
    copy of each chapter's notebook, rewritten only when it changed (Sphinx then rereads only that
    chapter, and jupyter-cache executes it only if its code changed).
    """
    source_dir = Path(source_dir)
    static = source_dir / "_static"
    (static / "vendor").mkdir(parents=True, exist_ok=True)
    vendor = fetch_offline_assets(vendor_dir)
    _write_if_changed(static / "vendor" / "require.js", (vendor / "requirejs" / "require.js").read_bytes())
    _copy_font_awesome(vendor, static / "vendor")
    (static / "vendor" / HTML_MANAGER_DIST).mkdir(parents=True, exist_ok=True)
    for src in (vendor / "html-manager" / "dist").iterdir():
        if src.name == "embed-amd.js" or src.suffix in {".woff", ".woff2", ".ttf", ".eot", ".svg"}:
            _write_if_changed(static / "vendor" / HTML_MANAGER_DIST / src.name, src.read_bytes())
    _write_if_changed(static / "course.css", BOOK_CSS.encode())
    _write_if_changed(static / "widgets-path.js", WIDGETS_PATH_JS.encode())
    conf = "".join(f"{key} = {value!r}\n" for key, value in _sphinx_conf(course, Path(cache_dir).resolve()).items())
    _write_if_changed(source_dir / "conf.py",
                      f"# Generated from {course.manifest.name} by marl_course.book; overwritten on every build.\n{conf}".encode())
    _write_if_changed(source_dir / "index.md", _front_page(course, chapters).encode())
    _write_if_changed(source_dir / "glossary.md", _glossary_page(course, chapters).encode())
    wanted = {c.notebook for c in chapters}
    for old in source_dir.glob("*.ipynb"):
        if old.name not in wanted:
            old.unlink()
    for chapter in chapters:
        _write_if_changed(source_dir / chapter.notebook, (course.notebooks / chapter.notebook).read_bytes())
    return source_dir


def _copy_font_awesome(vendor: Path, target: Path) -> None:
    for part in ("css", "fonts"):
        (target / "font-awesome" / part).mkdir(parents=True, exist_ok=True)
        for src in (vendor / "font-awesome" / part).iterdir():
            if not src.name.endswith((".map", ".otf")):
                _write_if_changed(target / "font-awesome" / part / src.name, src.read_bytes())


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def build_book(out_dir=BUILD / "book", chapters=None, manifest=ROOT / "book.toml", cache_dir=CACHE,
               source_dir=BUILD / "book-src", vendor_dir=VENDOR, record_run_times: bool = True) -> BookBuild:
    """Build the HTML book with Sphinx and MyST-NB; return what was built and executed.

    Parameters
    ----------
    out_dir : path
        Where the pages go (``index.html`` is the front page).
    chapters : list of int, optional
        Chapter numbers to include (default: all); the table of contents, the glossary and
        previous / next follow the selection.
    manifest : path
        The ``book.toml`` to read.
    cache_dir : path
        The jupyter-cache shared with the slides; a chapter is executed only when its code
        cells are not in it.
    source_dir : path
        Where the Sphinx project is generated (see :func:`write_sphinx_project`).
    vendor_dir : path
        Where the npm packages are kept between builds (see :func:`fetch_offline_assets`).
    record_run_times : bool
        Write the measured run times into the manifest (``run_seconds``) and into the notebooks'
        "**Run All:**" lines (:func:`write_run_seconds`, :func:`sync_run_times`), then update the
        pages that show them.
    """
    course = load_manifest(manifest)
    selected = select_chapters(course, chapters)
    out_dir, source_dir = Path(out_dir), Path(source_dir)
    cache = _get_cache(cache_dir)
    before = {record.pk for record in cache.list_cache_records()}
    write_sphinx_project(course, selected, source_dir, cache_dir, vendor_dir)
    _sphinx_build(source_dir, out_dir)
    built = replace(course, notebooks=source_dir)  # the copies Sphinx read, if the notebooks moved on
    executed = tuple(c.number for c in selected
                     if (record := _cache_record(cache, built.notebooks / c.notebook)) is not None
                     and record.pk not in before)
    seconds = measured_run_seconds(built, selected, cache_dir)
    if record_run_times:
        changed = write_run_seconds(manifest, seconds)
        for name in sync_run_times(load_manifest(manifest)):
            print(f"run time updated in {name}")
            changed = True
        if changed:  # the front page's and the first cells' run times: an incremental pass, from the cache
            course = load_manifest(manifest)
            write_sphinx_project(course, select_chapters(course, chapters), source_dir, cache_dir, vendor_dir)
            _sphinx_build(source_dir, out_dir)
    return BookBuild(out_dir / "index.html", executed, seconds)


def _sphinx_build(source_dir: Path, out_dir: Path) -> None:
    from sphinx.application import Sphinx

    app = Sphinx(str(source_dir), str(source_dir), str(out_dir), str(source_dir / ".doctrees"), "html",
                 status=sys.stdout, warning=sys.stderr)
    app.build()
    if app.statuscode != 0:
        raise RuntimeError(f"the Sphinx build of the book failed (status {app.statuscode}); see the log above")


def is_progress_bar(model_id: str, state: dict) -> bool:
    """Whether the widget ``model_id`` of a notebook's widget ``state`` is a progress bar (as
    tqdm shows one: a box holding a progress model), not an explorer.

    >>> state = {"b": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_p"]}},
    ...          "p": {"model_name": "FloatProgressModel", "state": {}}}
    >>> is_progress_bar("b", state), is_progress_bar("p", state), is_progress_bar("x", state)
    (True, True, False)
    """
    model = state.get(model_id)
    if model is None:
        return False
    children = [ref.removeprefix("IPY_MODEL_") for ref in model.get("state", {}).get("children", [])]
    return model.get("model_name", "").endswith("ProgressModel") or (
        model.get("model_name") == "HBoxModel"
        and any(state.get(c, {}).get("model_name", "").endswith("ProgressModel") for c in children))


def _note_static_explorers(app, doctree, docname) -> None:
    """Put :data:`STATIC_EXPLORER_NOTE` above every widget output of a page but progress bars,
    and point HTML outputs' Font Awesome at the book's copy (:func:`localise_html`); a
    doctree-resolved hook."""
    from docutils import nodes

    state_js = getattr(app.env, "nb_metadata", {}).get(docname, {}).get("js_files", {}).get("ipywidgets_state")
    state = json.loads(state_js[1]["body"]).get("state", {}) if state_js else {}
    for raw in list(doctree.findall(nodes.raw)):
        view = re.search(f'<script type="{re.escape(WIDGET_VIEW)}">(.*)</script>', raw.astext(), flags=re.DOTALL)
        if FONT_AWESOME_CDN.search(raw.astext()):
            raw.parent.replace(raw, nodes.raw("", localise_html(raw.astext(), "_static/vendor/"), format=raw["format"]))
        elif view and not is_progress_bar(json.loads(view.group(1)).get("model_id", ""), state):
            note = nodes.admonition("", nodes.title(text="Static page"), nodes.paragraph(text=STATIC_EXPLORER_NOTE),
                                    classes=["note", "static-explorer"])
            raw.parent.insert(raw.parent.index(raw), note)


def setup(app) -> dict:
    """The Sphinx extension part of this module (the generated ``conf.py`` loads it): the
    static-explorer notes. Its environment version is a hash of this file, so a change to the
    builder rereads every page (from the execution cache)."""
    app.connect("doctree-resolved", _note_static_explorers)
    version = int(hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12], 16)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": version}


# ---------------------------------------------------------------------------------------------
# Slides

SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
"""The reveal.js slide size, in the slide's own pixels (reveal.js scales it to the screen)."""
SLIDE_BUDGET = 600
"""Estimated content height a slide is filled to; the rest is a margin for the estimate."""
FIGURE_MAX_HEIGHT = 540
"""A figure is scaled to the slide's width, but no taller than this."""
ANIMATION_HEIGHT = 460
"""The frame height of matplotlib's HTML animations on a slide (their controls go below)."""
TEXT_LINE, TEXT_CHARS = 31, 100  # markdown at 20 px: line height, characters per line
CODE_LINE, CODE_CHARS = 21, 120  # code and text output at 15 px

DECK_CSS = f"""
:root {{ --jp-content-font-size1: 20px; --jp-code-font-size: 15px; --jp-cell-prompt-width: 0px; }}
.reveal .slides {{ text-align: left; }}
.reveal .slides section {{ padding: 0; }}
.jp-InputPrompt, .jp-OutputPrompt {{ display: none; }}
.jp-Cell {{ padding: 2px 0; }}
.reveal .slides pre, .reveal .slides pre code {{
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: var(--jp-code-font-size); line-height: 1.35;
  max-height: none; box-shadow: none; }}
.reveal .slides pre {{ width: 100%; margin: 4px 0; }}
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3 {{ text-transform: none; }}
.jp-RenderedHTMLCommon h1 {{ font-size: 40px; margin: 0 0 12px; }}
.jp-RenderedHTMLCommon h2 {{ font-size: 34px; margin: 0 0 10px; }}
.jp-RenderedHTMLCommon h3 {{ font-size: 28px; margin: 0 0 8px; }}
.jp-RenderedHTMLCommon p, .jp-RenderedHTMLCommon li {{ line-height: 1.5; }}
.jp-RenderedHTMLCommon table {{ font-size: 18px; }}
.reveal .slides .jp-RenderedImage img {{
  display: block; width: 100%; height: auto; max-height: {FIGURE_MAX_HEIGHT}px; object-fit: contain; margin: 0; }}
mjx-container[display="true"] {{ margin: 6px 0 !important; }}
.reveal .slides .animation {{ width: fit-content; margin: 0 auto; text-align: center; }}
.reveal .slides .animation img {{ height: {ANIMATION_HEIGHT}px; width: auto; max-width: 100%; margin: 0 auto; }}
"""

DECK_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
<script src="{{ resources.require_js_url }}"></script>
{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}
<script>
window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
                        processEscapes: true, processEnvironments: true},
                  options: {ignoreHtmlClass: 'jp-CodeCell|jp-OutputArea'}};
</script>
<script src="{{ resources.mathjax_url }}"></script>
<style type="text/css">{{ resources.deck_css }}</style>
{%- endblock html_head_js_mathjax -%}
{% block footer_js %}
<script>
require({waitSeconds: 15}, ["{{ reveal_url_prefix }}/dist/reveal.js", "{{ reveal_url_prefix }}/plugin/notes/notes.js"],
  function (Reveal, RevealNotes) {
    Reveal.initialize({controls: true, progress: true, history: true, center: false, transition: "slide",
                       slideNumber: true, plugins: [RevealNotes],
                       width: {{ reveal_width }}, height: {{ reveal_height }}, margin: 0.04});
    window.Reveal = Reveal;
  });
</script>
{% endblock footer_js %}
"""
"""nbconvert's reveal template with MathJax 3 and reveal.js served from the deck's ``vendor/``
folder (no jQuery, no mermaid, no CDN); widgets are replaced by a note (see :func:`slide_notebook`)."""


@dataclass
class _Block:
    """A piece of a slide deck: one cell (or part of one), its estimated height, and whether a
    heading makes it start a slide (``"slide"``) or a sub-slide (``"subslide"``)."""

    cell: dict
    height: float
    starts: str | None = None


def _text_height(text: str, line: float, chars: int) -> float:
    return sum(line * max(1, math.ceil(len(row) / chars)) for row in text.split("\n"))


def _markdown_height(text: str) -> float:
    height = 0.0
    in_math = False
    for row in text.split("\n"):
        stripped = row.strip()
        if stripped.startswith("$$") or in_math:  # display math: a one-line equation, or a line of a longer one
            height += 56 if stripped.startswith("$$") and stripped.count("$$") >= 2 else 16 if stripped == "$$" else 30
            in_math = in_math != (stripped.count("$$") % 2 == 1)
        elif re.match(r"#{1,3} ", stripped):
            height += {1: 64, 2: 56, 3: 48}[len(stripped.split(" ")[0])] * max(1, math.ceil(len(stripped) / 60))
        elif stripped.startswith("|"):
            height += 0 if set(stripped) <= set("|-: ") else 36 * max(1, math.ceil(len(stripped) / 110))
        elif not stripped:
            height += 10
        else:
            height += TEXT_LINE * (1.15 if "$" in row else 1) * max(1, math.ceil(len(row) / TEXT_CHARS))
    return height + 12


def _png_size(data: str) -> tuple[int, int]:
    """Width and height of a base64 PNG, from its header."""
    head = base64.b64decode("".join(data[:200].split())[:44])
    return struct.unpack(">II", head[16:24])


def _stream_text(output) -> str:
    text = output.get("text", "")
    return "\n".join(row.split("\r")[-1] for row in text.rstrip("\n").split("\n"))


PROGRESS_TEXT = re.compile(r"\d+%\|")
"""How a progress bar's widget output reads as text (tqdm's ``  0%|          | 0/60``)."""


def _output_blocks(cell, output) -> list[_Block]:
    """One output as blocks: a figure, markdown, or text cut into pieces that fit a slide."""
    import nbformat

    def holder(out) -> dict:
        return nbformat.v4.new_code_cell(source=cell.source, outputs=[out],
                                         metadata={"tags": ["slides-hide-input"]})

    output = copy.deepcopy(output)
    data = output.get("data", {})
    if WIDGET_VIEW in data and PROGRESS_TEXT.search(data.get("text/plain", "")):
        return []  # a progress bar: its final state is not in the output
    if WIDGET_VIEW in data:
        note = ("> **Interactive explorer.** Run this chapter in JupyterLab (`make lab`) to move its controls; "
                "a slide shows no live widgets.")
        return [_Block(nbformat.v4.new_markdown_cell(note), _markdown_height(note))]
    if "image/png" in data:
        width, height = _png_size(data["image/png"])
        return [_Block(holder(output), min(FIGURE_MAX_HEIGHT, (SLIDE_WIDTH - 100) * height / width) + 16)]
    if "text/markdown" in data:
        return [_Block(holder(output), _markdown_height(data["text/markdown"]))]
    if "text/html" in data:
        html = data["text/html"] = localise_html(data["text/html"], "vendor/")
        if 'class="animation"' in html:
            return [_Block(holder(output), ANIMATION_HEIGHT + 130)]
        rows = html.count("<tr")
        words = re.sub(r"<[^>]+>", "", html)
        return [_Block(holder(output), 34 * rows + _text_height(words, TEXT_LINE, TEXT_CHARS) * (rows == 0) + 12)]
    text = _stream_text(output) if output.get("output_type") == "stream" else data.get("text/plain", "")
    if not text.strip():
        return []
    blocks, piece = [], []
    for row in text.split("\n"):
        if piece and _text_height("\n".join(piece + [row]), CODE_LINE, CODE_CHARS) > SLIDE_BUDGET - 40:
            blocks.append(piece)
            piece = []
        piece.append(row)
    blocks.append(piece)
    return [_Block(holder(nbformat.v4.new_output("stream", name="stdout", text="\n".join(p) + "\n")),
                   _text_height("\n".join(p), CODE_LINE, CODE_CHARS) + 16) for p in blocks]


def _markdown_blocks(source: str) -> list[_Block]:
    """A markdown cell cut at blank lines outside fenced code and display math; a heading
    starts a slide (``#``, ``##``) or a sub-slide (``###``)."""
    import nbformat

    paragraphs, current, fenced, math_open = [], [], False, False
    for row in source.split("\n"):
        if row.startswith(RUN_ALL):
            continue
        if row.strip().startswith("```"):
            fenced = not fenced
        if row.strip().count("$$") % 2 == 1:
            math_open = not math_open
        if not row.strip() and not fenced and not math_open:
            if current:
                paragraphs.append("\n".join(current))
            current = []
        else:
            current.append(row)
    if current:
        paragraphs.append("\n".join(current))
    blocks = []
    for text in (piece for paragraph in paragraphs for piece in _cut_paragraph(paragraph)):
        heading = re.match(r"(#{1,3}) ", text)
        starts = None if heading is None else ("subslide" if len(heading.group(1)) == 3 else "slide")
        blocks.append(_Block(nbformat.v4.new_markdown_cell(text), _markdown_height(text), starts))
    return blocks


def _cut_paragraph(text: str) -> list[str]:
    """A paragraph too tall for a slide cut at its lines; a table keeps its header on every piece."""
    if _markdown_height(text) <= SLIDE_BUDGET - 60 or text.lstrip().startswith(("```", "$$")):
        return [text]
    rows = text.split("\n")
    table = all(row.lstrip().startswith("|") for row in rows) and len(rows) > 2
    header, rows = (rows[:2], rows[2:]) if table else ([], rows)
    pieces, piece = [], []
    for row in rows:
        if piece and _markdown_height("\n".join(header + piece + [row])) > SLIDE_BUDGET - 60:
            pieces.append("\n".join(header + piece))
            piece = []
        piece.append(row)
    return pieces + ["\n".join(header + piece)]


def _code_blocks(cell) -> list[_Block]:
    """A code cell as its source (cut into pieces that fit) followed by each of its outputs."""
    import nbformat

    blocks, piece = [], []
    rows = cell.source.split("\n")
    for row in rows:
        if piece and _text_height("\n".join(piece + [row]), CODE_LINE, CODE_CHARS) > SLIDE_BUDGET - 40:
            blocks.append(piece)
            piece = []
        piece.append(row)
    if cell.source.strip():
        blocks.append(piece)
    source_blocks = [_Block(nbformat.v4.new_code_cell(source="\n".join(p), execution_count=cell.get("execution_count")),
                            _text_height("\n".join(p), CODE_LINE, CODE_CHARS) + 20) for p in blocks]
    return source_blocks + [b for out in cell.get("outputs", []) for b in _output_blocks(cell, out)]


def _skipped(cell) -> bool:
    """Cells a deck leaves out: tagged ``slides-skip`` or given ``slide_type: skip``, code that is
    all comments, and source listings (:func:`marl_course.source.show_source`)."""
    meta = cell.get("metadata", {})
    if meta.get("slideshow", {}).get("slide_type") == "skip" or "slides-skip" in meta.get("tags", []):
        return True
    if cell.cell_type != "code":
        return False
    code = [row for row in cell.source.splitlines() if row.strip() and not row.lstrip().startswith("#")]
    return not code or any(re.match(r"\s*show_source\(", row) for row in code)


def slide_notebook(nb):
    """A copy of an executed notebook cut into reveal.js slides that fit the screen.

    Cells are cut into blocks (paragraphs, pieces of long code, each output) whose heights are
    estimated for a :data:`SLIDE_WIDTH` x :data:`SLIDE_HEIGHT` slide; blocks fill a slide up to
    :data:`SLIDE_BUDGET`, a ``#``/``##`` heading starts a slide and a ``###`` heading a sub-slide,
    and an overflow continues on a new sub-slide. Source listings and skipped cells are left
    out (:func:`_skipped`), and widget outputs become a note.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Key equations\\n\\ntext"),
    ...                                      nbformat.v4.new_code_cell("show_source(f)")])
    >>> [(c.cell_type, c.metadata["slideshow"]["slide_type"]) for c in slide_notebook(nb).cells]
    [('markdown', 'slide')]
    """
    import nbformat

    if not isinstance(nb, nbformat.NotebookNode):
        raise TypeError(f"nb must be a notebook (nbformat.NotebookNode), got {type(nb).__name__}")
    blocks = []
    for cell in nb.cells:
        if _skipped(cell):
            continue
        if cell.cell_type == "markdown":
            blocks += _markdown_blocks(cell.source)
        elif cell.cell_type == "code":
            blocks += _code_blocks(cell)
    cells, used = [], 0.0
    for block in blocks:
        if block.starts or not cells or used + block.height > SLIDE_BUDGET:
            kind, used = block.starts or ("slide" if not cells else "subslide"), 0.0
        elif block.cell.cell_type == "markdown" and cells[-1].cell_type == "markdown":
            cells[-1].source += "\n\n" + block.cell.source  # one cell per run of paragraphs on a slide
            used += block.height
            continue
        else:
            kind = "-"
        block.cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
        cells.append(block.cell)
        used += block.height
    deck = copy.deepcopy(nb)
    deck.cells = cells
    deck.metadata.pop("widgets", None)
    return deck


def _deck_vendor(out_dir: Path, vendor_dir) -> None:
    """Copy reveal.js, require.js, MathJax and Font Awesome into ``out_dir/vendor``."""
    vendor = fetch_offline_assets(vendor_dir)
    target = out_dir / "vendor"
    for src, name in ((vendor / "reveal.js", "reveal.js"), (mathjax_dir(), "mathjax")):
        if not (target / name).is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("*.map", "*.ts", "test", "examples"))
    target.mkdir(parents=True, exist_ok=True)
    _write_if_changed(target / "require.js", (vendor / "requirejs" / "require.js").read_bytes())
    _copy_font_awesome(vendor, target)


def write_deck(nb, chapter: Chapter, out_dir, vendor_dir=VENDOR) -> Path:
    """Write the reveal.js deck of an executed chapter notebook into ``out_dir``; return its path.

    The deck loads reveal.js, require.js and MathJax from ``out_dir/vendor`` (copied there once).
    """
    import jinja2
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    if not isinstance(chapter, Chapter):
        raise TypeError(f"chapter must be a Chapter of load_manifest(), got {type(chapter).__name__}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _deck_vendor(out_dir, vendor_dir)
    config = Config({"TagRemovePreprocessor": {"enabled": True, "remove_input_tags": ["slides-hide-input"]}})
    exporter = SlidesExporter(config=config, extra_loaders=[jinja2.DictLoader({"course_deck.html.j2": DECK_TEMPLATE})],
                              template_file="course_deck.html.j2", reveal_url_prefix="vendor/reveal.js",
                              require_js_url="vendor/require.js", mathjax_url="vendor/mathjax/tex-chtml.js",
                              reveal_width=str(SLIDE_WIDTH), reveal_height=str(SLIDE_HEIGHT), reveal_theme="white")
    deck = slide_notebook(nb)
    deck.metadata["title"] = f"Chapter {chapter.number}: {chapter.title}"
    body, _ = exporter.from_notebook_node(deck, resources={"deck_css": DECK_CSS})
    path = out_dir / f"{chapter.docname}.slides.html"
    path.write_text(body, encoding="utf-8")
    return path


def build_slides(out_dir=BUILD / "slides", chapters=None, manifest=ROOT / "book.toml", cache_dir=CACHE,
                 vendor_dir=VENDOR) -> list[Path]:
    """Write the reveal.js deck of each chapter (all, or those numbered in ``chapters``) into
    ``out_dir``; the executed notebooks come from the cache the book shares
    (:func:`executed_notebook`). Returns the decks' paths."""
    course = load_manifest(manifest)
    return [write_deck(executed_notebook(course, chapter, cache_dir), chapter, out_dir, vendor_dir)
            for chapter in select_chapters(course, chapters)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Build the course's book (Sphinx) or slides (reveal.js) from book.toml.")
    parser.add_argument("--out", help="output folder (default: _build/book or _build/slides)")
    parser.add_argument("--chapters", type=int, nargs="+", help="chapter numbers (default: all)")
    parser.add_argument("--slides", action="store_true", help="build reveal.js slide decks instead of the book")
    args = parser.parse_args(argv)
    if args.slides:
        for path in build_slides(args.out or BUILD / "slides", args.chapters):
            print(f"slides written to {path}")
        return
    built = build_book(args.out or BUILD / "book", args.chapters)
    print(f"book written to {built.index}; executed chapters {list(built.executed) or 'none (all cached)'}")


if __name__ == "__main__":
    main()
