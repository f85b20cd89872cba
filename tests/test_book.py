"""The manifest, the notebooks folder and the README agree; notebooks are stored clean; the book builds."""

import dataclasses
import json
import re

import pytest

from marl_course import book
from marl_course.book import ROOT, glossary_rows, load_manifest, run_time_line

COURSE = load_manifest()


def test_every_chapter_notebook_exists_and_every_notebook_is_a_chapter():
    listed = {c.notebook for c in COURSE.chapters}
    present = {p.name for p in COURSE.notebooks.glob("*.ipynb")}
    assert listed == present


def test_notebooks_are_stored_without_outputs():
    for path in COURSE.notebooks.glob("*.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        dirty = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
        assert not dirty, f"{path.name}: cells {dirty} have outputs; strip them before committing"


def test_notebook_file_names_carry_their_chapter_number():
    for c in COURSE.chapters:
        assert c.notebook.startswith(f"{c.number:02d}_")


def test_readme_chapter_table_matches_the_manifest():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| \[(.+?)\]\(notebooks/(.+?)\) \|", readme, flags=re.MULTILINE)
    assert [(int(n), t, nb) for n, t, nb in rows] == [(c.number, c.title, c.notebook) for c in COURSE.chapters]


def test_every_first_cell_says_how_long_run_all_takes_from_the_manifest():
    """The "**Run All:**" line of each chapter's first cell is the manifest's measured run time (make book keeps both)."""
    for c in COURSE.chapters:
        first = json.loads((COURSE.notebooks / c.notebook).read_text(encoding="utf-8"))["cells"][0]
        lines = [line for line in "".join(first["source"]).splitlines() if line.startswith("**Run All:**")]
        assert lines == [run_time_line(c)], f"{c.notebook}: run `make book` to measure and sync the run time"


def test_every_chapter_has_a_glossary():
    for c in COURSE.chapters:
        assert len(glossary_rows(COURSE.notebooks / c.notebook)) >= 5, c.notebook


def test_manifest_rejects_gaps(tmp_path):
    bad = tmp_path / "book.toml"
    bad.write_text('[course]\ntitle="x"\n[[chapters]]\nnumber=2\ntitle="t"\nnotebook="a.ipynb"\nsource="s"\npapers=[]\n')
    with pytest.raises(ValueError, match="numbered 1..N"):
        load_manifest(bad)


def test_manifest_rejects_a_bad_run_time(tmp_path):
    bad = tmp_path / "book.toml"
    bad.write_text('[[chapters]]\nnumber=1\ntitle="t"\nnotebook="a.ipynb"\nsource="s"\npapers=[]\nrun_seconds=-3\n')
    with pytest.raises(ValueError, match="run_seconds"):
        load_manifest(bad)


@pytest.mark.parametrize("chapters, error", [([99], ValueError), ([], ValueError), ("1", TypeError), ([1.0], TypeError)],
                         ids=["unknown", "empty", "string", "float"])
def test_bad_chapter_selections_name_the_parameter(chapters, error):
    with pytest.raises(error, match="chapters"):
        book.select_chapters(COURSE, chapters)


def test_builders_refuse_unknown_chapters_before_building(tmp_path):
    with pytest.raises(ValueError, match="chapters"):
        book.build_book(tmp_path / "book", chapters=[0], cache_dir=tmp_path / "cache", source_dir=tmp_path / "src")
    with pytest.raises(ValueError, match="chapters"):
        book.build_slides(tmp_path / "slides", chapters=[11], cache_dir=tmp_path / "cache")
    assert not (tmp_path / "src").exists() and not (tmp_path / "slides").exists()


CDN = re.compile(r"cdn\.jsdelivr|cdnjs\.cloudflare|unpkg\.com|googleapis|<script[^>]+src=\"https?://"
                 r"|<link[^>]+rel=\"stylesheet\"[^>]+href=\"https?://")


def test_book_builds_chapter_one_offline_and_reuses_the_cache(tmp_path, monkeypatch):
    chapter = COURSE.chapters[0]
    first = book.build_book(tmp_path / "a", chapters=[1], cache_dir=tmp_path / "cache", source_dir=tmp_path / "a-src",
                            record_run_times=False)
    assert first.executed == (1,) and first.run_seconds[1] > 0
    out = tmp_path / "a"
    page = (out / chapter.page).read_text(encoding="utf-8")
    assert f"<title>Chapter 1 — {chapter.title}" in page  # the chapter's own title, not "Notebook"
    assert (out / "search.html").exists() and (out / "searchindex.js").exists()
    assert re.search(r'class="left-prev"[^>]*href="index.html"|href="index.html"[^>]*class="left-prev"', page)
    assert re.search(r'href="glossary.html"[^>]*class="right-next"|class="right-next"[^>]*href="glossary.html"', page)
    assert f"_sources/{chapter.notebook}" in page  # the download-.ipynb button
    assert "mybinder.org/v2/gh/" in page and "colab.research.google.com/github/" in page
    assert "_static/mathjax/tex-chtml.js" in page and (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert f"_static/vendor/{book.HTML_MANAGER_DIST}/embed-amd.js" in page
    assert (out / "_static" / "vendor" / book.HTML_MANAGER_DIST / "embed-amd.js").is_file()
    assert "application/vnd.jupyter.widget-view+json" in page  # the explorer's widgets are stored
    assert "static-explorer" in page and book.STATIC_EXPLORER_NOTE in page
    assert "Shapley" in page and "_images/" in page
    for html in out.glob("*.html"):
        assert not CDN.search(html.read_text(encoding="utf-8")), f"{html.name} loads {CDN.search(html.read_text()).group(0)}"
    assert f'href="{chapter.page}"' in (out / "index.html").read_text(encoding="utf-8")
    assert "纳什均衡" in (out / "glossary.html").read_text(encoding="utf-8")

    # a fresh Sphinx project on the same cache executes nothing; neither do the slides
    second = book.build_book(tmp_path / "b", chapters=[1], cache_dir=tmp_path / "cache", source_dir=tmp_path / "b-src",
                             record_run_times=False)
    assert second.executed == () and second.run_seconds == first.run_seconds

    def no_execution(*args, **kwargs):
        raise AssertionError("the slides executed a notebook the cache holds")

    monkeypatch.setattr("jupyter_cache.executors.utils.single_nb_execution", no_execution)
    [deck] = book.build_slides(tmp_path / "slides", chapters=[1], cache_dir=tmp_path / "cache")
    text = deck.read_text(encoding="utf-8")
    assert text.count("<section") > 10 and "data:image/png;base64" in text
    for local in ("vendor/reveal.js/dist/reveal.js", "vendor/mathjax/tex-chtml.js", "vendor/require.js"):
        assert local in text and (deck.parent / local).is_file()
    assert not CDN.search(text)
    assert "show_source(" not in text  # source listings stay in the book


def test_slides_cut_what_does_not_fit_and_skip_listings():
    import nbformat

    table = "| English | 中文 |\n|---|---|\n" + "\n".join(f"| term {i} | 术语 |" for i in range(60))
    code = "\n".join(f"x{i} = {i}" for i in range(120))
    widget = nbformat.v4.new_output("display_data", data={book.WIDGET_VIEW: {"model_id": "m"}, "text/plain": "VBox()"})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## 9. Glossary\n\n" + table),
        nbformat.v4.new_code_cell("show_source(f)", outputs=[nbformat.v4.new_output("stream", text="def f(): ...")]),
        nbformat.v4.new_code_cell(code),
        nbformat.v4.new_code_cell("explore()", outputs=[widget])])
    deck = book.slide_notebook(nb)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in deck.cells]
    assert kinds[0] == "slide" and kinds.count("subslide") >= 3
    tables = [c.source for c in deck.cells if "| term" in c.source]
    assert len(tables) >= 2 and all("| English | 中文 |" in t for t in tables)  # the header on every piece
    pieces = [c.source for c in deck.cells if c.cell_type == "code" and c.source.startswith("x")]
    assert len(pieces) >= 2 and "\n".join(pieces) == code  # the long cell cut in order, nothing lost
    assert not any("show_source" in c.source for c in deck.cells)
    assert "Interactive explorer" in deck.cells[-1].source and "widgets" not in deck.metadata
    with pytest.raises(TypeError, match="nb"):
        book.slide_notebook({"cells": []})


def test_run_time_line_rounds_and_needs_a_measurement():
    chapter = COURSE.chapters[0]
    assert book.run_time_line(dataclasses.replace(chapter, run_seconds=3)) == (
        "**Run All:** about 5 s on a 2-core laptop (measured by `make book`).")
    assert "about 2 min on" in book.run_time_line(dataclasses.replace(chapter, run_seconds=121))
    with pytest.raises(ValueError, match="run_seconds"):
        book.run_time_line(dataclasses.replace(chapter, run_seconds=None))
    with pytest.raises(TypeError, match="chapter"):
        book.run_time_line(1)


def test_run_seconds_are_written_into_the_manifest_and_the_first_cell(tmp_path):
    (tmp_path / "notebooks").mkdir()
    manifest = tmp_path / "book.toml"
    manifest.write_text((ROOT / "book.toml").read_text(encoding="utf-8"), encoding="utf-8")
    chapter = COURSE.chapters[0]
    nb = json.loads((COURSE.notebooks / chapter.notebook).read_text(encoding="utf-8"))
    source = [line for line in nb["cells"][0]["source"] if not line.startswith("**Run All:**")]
    while not source[-1].strip():  # the blank line before the chapter's own run-time line
        source.pop()
    nb["cells"][0]["source"] = source[:-1] + [source[-1].rstrip("\n") + "\n"]
    nb["cells"][0]["source"] += ["\n", "**Run All:** about 1 h on a 2-core laptop (measured by `make book`).\n", "\n",
                                 "last line"]
    original = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    (tmp_path / "notebooks" / chapter.notebook).write_text(original, encoding="utf-8")

    assert book.write_run_seconds(manifest, {1: 78.4, 2: 0.2})
    text = manifest.read_text(encoding="utf-8")
    assert "# The public GitHub repository" in text  # comments stay
    course = load_manifest(manifest)
    assert [c.run_seconds for c in course.chapters[:2]] == [78, 1]
    assert not book.write_run_seconds(manifest, {1: 78.1})  # unchanged
    assert book.write_run_seconds(manifest, {1: 90}) and load_manifest(manifest).chapters[0].run_seconds == 90

    assert book.sync_run_times(load_manifest(manifest)) == [chapter.notebook]
    after = (tmp_path / "notebooks" / chapter.notebook).read_text(encoding="utf-8")
    line = "**Run All:** about 1 min 30 s on a 2-core laptop (measured by `make book`)."
    assert after == original.replace("**Run All:** about 1 h on a 2-core laptop (measured by `make book`).", line)
    assert book.sync_run_times(load_manifest(manifest)) == []


def test_offline_assets_without_npm_name_it(tmp_path, monkeypatch):
    monkeypatch.setattr(book.shutil, "which", lambda _: None)
    with pytest.raises(RuntimeError, match="npm"):
        book.fetch_offline_assets(tmp_path)


PROCESS_WORDS = re.compile(r"\b(the issue|an issue|this session|the ticket|the CEO)\b", re.IGNORECASE)
"""Words about how the project is run, which have no place in a chapter."""


@pytest.mark.parametrize("chapter", COURSE.chapters, ids=lambda c: c.notebook)
def test_notebooks_write_no_hard_coded_paths_and_speak_only_of_the_subject(chapter):
    for i, cell in enumerate(json.loads((COURSE.notebooks / chapter.notebook).read_text())["cells"]):
        source = "".join(cell["source"])
        assert not re.search(r"[\"'](/tmp|/home|/root|/Users|C:\\\\)", source), f"cell {i} names a machine's path"
        assert not PROCESS_WORDS.search(source), f"cell {i}: {PROCESS_WORDS.search(source).group(0)!r}"


@pytest.mark.parametrize("chapter", COURSE.chapters, ids=lambda c: c.notebook)
def test_sections_are_numbered_the_same_way_in_every_chapter(chapter):
    """``## 1. Background`` ... in order, and ``### k.j`` subsections under section k, in order."""
    section, sub = 0, 0
    for cell in json.loads((COURSE.notebooks / chapter.notebook).read_text())["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.startswith("## "):
                section, sub = section + 1, 0
                assert line.startswith(f"## {section}. "), line
            elif line.startswith("### "):
                sub += 1
                assert line.startswith(f"### {section}.{sub} "), line
    assert section >= 10
