"""The course manifest (``book.toml``) and the static HTML book built from it.

``python -m marl_course.book`` (or ``make book``) executes every chapter notebook listed in
``book.toml`` with nbclient (widget state stored, so sliders show in the static page), exports
each to HTML with nbconvert, and writes ``_build/book/``: an index with the chapter table, one
page per chapter with previous / index / next links, and a glossary page gathered from the
chapters' glossary tables. ``--slides`` writes reveal.js decks to ``_build/slides/`` instead.

The pages load MathJax, RequireJS, jQuery, the widget renderer (and reveal.js) from CDNs when
shown. ``--offline`` fetches these from the npm registry once, at build time, into a ``vendor/``
folder beside the pages and points the pages at it, so the book and the slides show in a room
without internet (it needs ``npm`` on the building machine).
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Chapter:
    """One chapter of the manifest."""

    number: int
    title: str
    notebook: str
    source: str
    papers: tuple[str, ...]

    @property
    def page(self) -> str:
        """The chapter's HTML file name in the book."""
        return Path(self.notebook).with_suffix(".html").name


@dataclass(frozen=True)
class Course:
    """The manifest: the course title, the notebooks folder and the chapters in order."""

    title: str
    notebooks: Path
    chapters: tuple[Chapter, ...]


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
        chapters.append(Chapter(int(entry["number"]), entry["title"], entry["notebook"], entry["source"],
                                tuple(entry["papers"])))
    numbers = [c.number for c in chapters]
    if numbers != list(range(1, len(chapters) + 1)):
        raise ValueError(f"book.toml: chapters must be numbered 1..N in order, got {numbers}")
    course = data.get("course", {})
    return Course(course.get("title", "Course"), path.parent / course.get("notebooks", "notebooks"), tuple(chapters))


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


_STYLE = """<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
nav.book { display: flex; justify-content: space-between; padding: .6em 1em; margin: .5em 0;
           background: #f3f5f8; border-radius: 6px; font-family: system-ui, sans-serif; }
nav.book a { text-decoration: none; } table.toc td, table.toc th { padding: .35em .7em; vertical-align: top; }
table.toc { border-collapse: collapse; } table.toc tr:nth-child(even) { background: #f7f7f7; }
</style>"""


def _nav(course: Course, index: int) -> str:
    chapters = course.chapters
    prev = (f'<a rel="prev" href="{chapters[index - 1].page}">&larr; {chapters[index - 1].number}. '
            f'{html.escape(chapters[index - 1].title)}</a>') if index > 0 else "<span></span>"
    nxt = (f'<a rel="next" href="{chapters[index + 1].page}">{chapters[index + 1].number}. '
           f'{html.escape(chapters[index + 1].title)} &rarr;</a>') if index + 1 < len(chapters) else "<span></span>"
    return f'<nav class="book">{prev}<a href="index.html">Contents</a> <a href="glossary.html">Glossary</a>{nxt}</nav>'


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"{_STYLE}</head><body>{body}</body></html>")


OFFLINE_ASSETS = {
    "reveal.js": "reveal.js@4.0.2",
    "mathjax": "mathjax@2.7.7",
    "requirejs": "requirejs@2.3.7",
    "jquery": "jquery@3.7.1",
    "html-manager": "@jupyter-widgets/html-manager@1.0.11",
}
"""The npm packages an offline build copies into ``vendor/`` (folder name -> package spec);
html-manager 1.0 renders the widget state of ipywidgets 8."""


def fetch_offline_assets(vendor_dir) -> Path:
    """Download :data:`OFFLINE_ASSETS` with ``npm pack`` and unpack each into ``vendor_dir/<name>``.

    Packages already unpacked are kept. Only the packages themselves are fetched, not their
    dependencies (the pages need the built files alone). Raises ``RuntimeError`` when ``npm``
    is missing or a download fails.
    """
    vendor_dir = Path(vendor_dir)
    missing = {name: spec for name, spec in OFFLINE_ASSETS.items() if not (vendor_dir / name).is_dir()}
    if missing and shutil.which("npm") is None:
        raise RuntimeError("offline=True needs npm to fetch " + ", ".join(missing.values()) + " once; install Node.js")
    for name, spec in missing.items():
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(["npm", "pack", "--silent", spec], cwd=tmp, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"npm pack {spec} failed: {done.stderr.strip()}")
            with tarfile.open(Path(tmp) / done.stdout.split()[-1]) as tar:
                tar.extractall(tmp, filter="data")
            shutil.move(Path(tmp) / "package", vendor_dir / name)
    return vendor_dir


def asset_urls(vendor: str | None) -> dict[str, str]:
    """nbconvert exporter settings that load the page's scripts from ``vendor`` (a path relative
    to the page), or ``{}`` (nbconvert's CDN defaults) when ``vendor`` is None.

    >>> asset_urls("vendor")["require_js_url"]
    'vendor/requirejs/require.js'
    >>> asset_urls(None)
    {}
    """
    if vendor is None:
        return {}
    return {"mathjax_url": f"{vendor}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
            "require_js_url": f"{vendor}/requirejs/require.js",
            "jquery_url": f"{vendor}/jquery/dist/jquery.min.js",
            "widget_renderer_url": f"{vendor}/html-manager/dist/embed-amd.js"}


def _exporter_urls(out_dir: Path, offline: bool) -> dict[str, str]:
    if not offline:
        return {}
    fetch_offline_assets(out_dir / "vendor")
    return asset_urls("vendor")


def build_book(out_dir=ROOT / "_build" / "book", chapters=None, execute: bool = True, timeout: int = 900,
               manifest=ROOT / "book.toml", offline: bool = False) -> Path:
    """Build the HTML book; return the path of its index page.

    Parameters
    ----------
    out_dir : path
        Where the pages go (created if missing).
    chapters : iterable of int, optional
        Chapter numbers to build (default: all); navigation still links every chapter.
    execute : bool
        Run each notebook (nbclient) before exporting; ``False`` exports the stored notebook.
    timeout : int
        Seconds allowed per cell.
    offline : bool
        Copy the pages' scripts into ``out_dir/vendor`` (see :func:`fetch_offline_assets`).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    course = load_manifest(manifest)
    wanted = {c.number for c in course.chapters} if chapters is None else set(chapters)
    unknown = wanted - {c.number for c in course.chapters}
    if unknown:
        raise ValueError(f"chapters {sorted(unknown)} are not in book.toml")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab", **_exporter_urls(out_dir, offline))
    run_times = {}
    for index, chapter in enumerate(course.chapters):
        if chapter.number not in wanted:
            continue
        path = course.notebooks / chapter.notebook
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        if execute:
            NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                           resources={"metadata": {"path": str(course.notebooks)}}).execute()
        run_times[chapter.number] = time.perf_counter() - start
        body, _ = exporter.from_notebook_node(nb)
        nav = _nav(course, index)
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
        body = body.replace("</body>", nav + "</body>", 1)
        (out_dir / chapter.page).write_text(body, encoding="utf-8")

    rows = "".join(
        f"<tr><td>{c.number}</td><td><a href=\"{c.page}\">{html.escape(c.title)}</a></td>"
        f"<td>{html.escape(c.source)}</td><td>{html.escape('; '.join(c.papers))}</td>"
        f"<td>{f'{run_times[c.number]:.0f} s' if c.number in run_times else '—'}</td></tr>"
        for c in course.chapters)
    index_body = (f"<h1>{html.escape(course.title)}</h1>"
                  '<p><a href="glossary.html">Glossary (English / 中文)</a></p>'
                  "<table class=\"toc\"><tr><th>#</th><th>Chapter</th><th>Source article</th><th>Papers</th>"
                  f"<th>Run time</th></tr>{rows}</table>")
    (out_dir / "index.html").write_text(_page(course.title, index_body), encoding="utf-8")

    terms = {}
    for chapter in course.chapters:
        for english, chinese in glossary_rows(course.notebooks / chapter.notebook):
            terms.setdefault(english, (chinese, chapter))
    glossary = "".join(f"<tr><td>{html.escape(e)}</td><td>{html.escape(z)}</td>"
                       f"<td><a href=\"{c.page}\">{c.number}</a></td></tr>"
                       for e, (z, c) in sorted(terms.items(), key=lambda kv: kv[0].lower()))
    glossary_body = ('<nav class="book"><a href="index.html">Contents</a></nav><h1>Glossary</h1>'
                     f"<table class=\"toc\"><tr><th>English</th><th>中文</th><th>Chapter</th></tr>{glossary}</table>")
    (out_dir / "glossary.html").write_text(_page("Glossary", glossary_body), encoding="utf-8")
    return out_dir / "index.html"


def slide_type(cell) -> str:
    """The reveal.js role of a cell: a cell's own ``slideshow`` metadata wins; then tags
    (``slides-skip``); then headings: ``#``/``##`` start a slide, ``###`` a sub-slide; a code cell
    that draws a figure gets a sub-slide of its own; commented-out cells are skipped.

    >>> import nbformat
    >>> slide_type(nbformat.v4.new_markdown_cell("## Key equations"))
    'slide'
    >>> slide_type(nbformat.v4.new_code_cell("# ch01.q1.hint()"))
    'skip'
    """
    own = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    if own:
        return own
    if "slides-skip" in cell.get("metadata", {}).get("tags", []):
        return "skip"
    source = cell.source.lstrip()
    if cell.cell_type == "markdown":
        if re.match(r"#{1,2} ", source):
            return "slide"
        return "subslide" if source.startswith("### ") else "-"
    if all(line.startswith("#") for line in source.splitlines() if line.strip()):
        return "skip"
    if any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
        return "subslide"
    return "-"


def build_slides(out_dir=ROOT / "_build" / "slides", chapters=None, timeout: int = 900,
                 manifest=ROOT / "book.toml", offline: bool = False) -> list[Path]:
    """Render chapters as reveal.js slide decks (executed, with their figures); return the files.

    ``offline=True`` copies reveal.js and the other scripts into ``out_dir/vendor`` (see
    :func:`fetch_offline_assets`); otherwise the decks load them from CDNs when shown.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import SlidesExporter

    course = load_manifest(manifest)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    urls = _exporter_urls(out_dir, offline)
    if offline:
        urls["reveal_url_prefix"] = "vendor/reveal.js"
    exporter = SlidesExporter(**urls)
    written = []
    for chapter in course.chapters:
        if chapters is not None and chapter.number not in set(chapters):
            continue
        nb = nbformat.read(course.notebooks / chapter.notebook, as_version=4)
        NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                       resources={"metadata": {"path": str(course.notebooks)}}).execute()
        for cell in nb.cells:
            cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type(cell)
        body, _ = exporter.from_notebook_node(nb)
        path = out_dir / Path(chapter.notebook).with_suffix(".slides.html").name
        path.write_text(body, encoding="utf-8")
        written.append(path)
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Build the course's static HTML book from book.toml.")
    parser.add_argument("--out", help="output folder (default: _build/book or _build/slides)")
    parser.add_argument("--chapters", type=int, nargs="*", help="chapter numbers (default: all)")
    parser.add_argument("--no-execute", action="store_true", help="export without running the notebooks")
    parser.add_argument("--slides", action="store_true", help="build reveal.js slide decks instead of the book")
    parser.add_argument("--offline", action="store_true",
                        help="copy MathJax, reveal.js and the other scripts next to the pages (needs npm once)")
    args = parser.parse_args(argv)
    if args.slides:
        for path in build_slides(args.out or ROOT / "_build" / "slides", args.chapters, offline=args.offline):
            print(f"slides written to {path}")
        return
    index = build_book(args.out or ROOT / "_build" / "book", args.chapters, execute=not args.no_execute,
                       offline=args.offline)
    print(f"book written to {index}")


if __name__ == "__main__":
    main()
