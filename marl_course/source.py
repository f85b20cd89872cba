"""Show the package's own code in a notebook: the notebook explains, the package computes.

Every chapter's "The implementation" section calls :func:`show_source` on the functions it
discusses, so the code a learner reads is the code that runs, never a re-typed copy.
"""

from __future__ import annotations

import inspect

from IPython.display import Code, display


def source_of(obj, until: str | None = None) -> str:
    """The source text of a function, method, class or module.

    Parameters
    ----------
    obj : function, method, class or module
    until : str, optional
        Keep only the lines before the first line that contains ``until`` (e.g. a config
        class shown without its validation method).

    Examples
    --------
    >>> source_of(source_of).splitlines()[0]
    'def source_of(obj, until: str | None = None) -> str:'
    >>> len(source_of(source_of, until="Parameters").splitlines())   # the signature and summary
    3
    """
    _check_until(until)
    return _source_of(obj, until, "obj")


def _check_until(until) -> None:
    if until is not None and (not isinstance(until, str) or not until):
        raise TypeError(f"until must be a non-empty string or None, got {until!r}")


def _source_of(obj, until: str | None, name: str) -> str:
    try:
        text = inspect.getsource(obj)
    except (TypeError, OSError) as error:
        raise TypeError(f"{name} must be a Python function, method, class or module with source code, "
                        f"got {obj!r}") from error
    if until is None:
        return text
    lines = text.splitlines(keepends=True)
    for n, line in enumerate(lines):
        if until in line:
            return "".join(lines[:n])
    raise ValueError(f"until={until!r} does not occur in the source of {getattr(obj, '__qualname__', obj)}")


class SourceCode(Code):
    """Pygments-highlighted Python source, in the notebook's code font (HTML) or as plain text.

    Parameters
    ----------
    data : str
        The source text.
    language : str, optional
        The Pygments lexer's name (``"python"``).
    """

    def __init__(self, data: str, language: str | None = None):
        if not isinstance(data, str):
            raise TypeError(f"data must be the source text (a string), got {type(data).__name__}")
        if language is not None and not isinstance(language, str):
            raise TypeError(f"language must be a string or None, got {type(language).__name__}")
        super().__init__(data, language=language)

    def _repr_html_(self) -> str:
        return ('<div style="font-family: var(--jp-code-font-family, monospace); '
                f'font-size: var(--jp-code-font-size, 13px)">{super()._repr_html_()}</div>')


def show_source(*objects, until: str | None = None) -> None:
    """Display the source of each object, syntax-highlighted in Jupyter (plain text elsewhere).

    Parameters
    ----------
    *objects : functions, methods, classes or modules
    until : str, optional
        As in :func:`source_of`, applied to every object.
    """
    if not objects:
        raise TypeError("objects: show_source needs at least one object to show")
    _check_until(until)
    texts = [_source_of(obj, until, f"objects[{i}]") for i, obj in enumerate(objects)]
    for text in texts:
        display(SourceCode(text, language="python"))
