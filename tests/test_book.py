"""The manifest, the notebooks folder and the README agree; notebooks are stored clean; the book builds."""

import json
import re

import pytest

from marl_course.book import ROOT, build_book, glossary_rows, load_manifest

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


def test_every_chapter_has_a_glossary():
    for c in COURSE.chapters:
        assert len(glossary_rows(COURSE.notebooks / c.notebook)) >= 5, c.notebook


def test_manifest_rejects_gaps(tmp_path):
    bad = tmp_path / "book.toml"
    bad.write_text('[course]\ntitle="x"\n[[chapters]]\nnumber=2\ntitle="t"\nnotebook="a.ipynb"\nsource="s"\npapers=[]\n')
    with pytest.raises(ValueError, match="numbered 1..N"):
        load_manifest(bad)


def test_book_builds_chapter_one(tmp_path):
    index = build_book(tmp_path, chapters=[1])
    page = tmp_path / COURSE.chapters[0].page
    assert index.exists() and page.exists() and (tmp_path / "glossary.html").exists()
    text = page.read_text(encoding="utf-8")
    assert 'href="index.html"' in text and "Shapley" in text and "data:image/png;base64" in text
    if len(COURSE.chapters) > 1:
        assert f'href="{COURSE.chapters[1].page}"' in text
    assert "application/vnd.jupyter.widget-state+json" in text  # the explorer's widgets are stored
    toc = index.read_text(encoding="utf-8")
    for c in COURSE.chapters:
        assert f'href="{c.page}"' in toc
    assert "纳什均衡" in (tmp_path / "glossary.html").read_text(encoding="utf-8")


def test_slides_for_chapter_one_offline(tmp_path):
    from marl_course.book import OFFLINE_ASSETS, build_slides

    for name in OFFLINE_ASSETS:  # already fetched: the build must not need npm or the network
        (tmp_path / "vendor" / name).mkdir(parents=True)
    [deck] = build_slides(tmp_path, chapters=[1], offline=True)
    text = deck.read_text(encoding="utf-8")
    assert text.count("<section") > 10 and "data:image/png;base64" in text
    for local in ("vendor/reveal.js/dist/reveal.js", "vendor/mathjax/MathJax.js", "vendor/requirejs/require.js",
                  "vendor/html-manager/dist/embed-amd.js"):
        assert local in text
    assert "unpkg.com/reveal.js" not in text and "cdnjs.cloudflare.com/ajax/libs/mathjax" not in text


def test_offline_assets_without_npm_name_it(tmp_path, monkeypatch):
    import marl_course.book as book

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
