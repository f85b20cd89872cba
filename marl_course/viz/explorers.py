"""One way to build an interactive explorer: controls, a busy sign, and a figure that always redraws.

``explorer(draw, controls)`` calls ``draw(**values)`` with the controls' current values once, and
again whenever a control's value changes, renders the figure it returns to a PNG and puts that
image into the widget's own output area (replacing the previous one). It does not rely on
matplotlib's backend to flush pending figures (``ipywidgets.interactive`` does, and with
matplotlib 3.11 reporting its backend as ``"inline"`` its figures were never pushed after the
first draw). While ``draw`` runs, the previous figure stays visible and a line above it says that
a new one is being computed.
Sliders should use ``continuous_update=False`` when ``draw`` is slow, so it runs once on release.

Examples
--------
>>> import ipywidgets as widgets
>>> import matplotlib.pyplot as plt
>>> def draw(slope):
...     fig, ax = plt.subplots()
...     ax.plot([0, 1], [0, slope])
...     return fig
>>> box = explorer(draw, {"slope": widgets.FloatSlider(value=1.0, min=-2, max=2)})
>>> box.children[0].children[0].description, box.redraw_count
('slope', 1)
>>> first = box.children[2].outputs[0]["data"]["image/png"]
>>> box.children[0].children[0].value = 0.5
>>> box.redraw_count, box.children[2].outputs[0]["data"]["image/png"] != first
(2, True)
"""

from __future__ import annotations

import base64
import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from marl_course._validation import check_instance

BUSY = "<span style='color:#b36b00'>&#9203; computing the new figure ...</span>"
"""The line shown above the old figure while ``draw`` runs."""


def _as_figure(result) -> Figure:
    """The figure ``draw`` returned: a Figure, an Axes, an array of Axes, or a tuple starting with one of them."""
    if isinstance(result, tuple) and result:
        result = result[0]
    if isinstance(result, np.ndarray) and result.size and isinstance(result.flat[0], Axes):
        result = result.flat[0]
    if isinstance(result, Axes):
        return result.figure
    if isinstance(result, Figure):
        return result
    raise TypeError(f"draw must return a matplotlib Figure, Axes or array of Axes (or a tuple starting with one), "
                    f"got {type(result).__name__}")


def figure_output(figure: Figure) -> dict:
    """``figure`` as a notebook ``display_data`` output holding its PNG (as the inline backend draws it)."""
    check_instance(figure, "figure", Figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
                     "text/plain": f"<Figure of {len(figure.axes)} axes>"}}


def explorer(draw, controls: dict, rows=None):
    """Controls that redraw ``draw(**values)`` into an output area below them.

    Parameters
    ----------
    draw : callable
        ``draw(**{name: control.value})`` returns the figure to show (a Figure, an Axes, an array
        of Axes, or a tuple starting with one of them). The figure is closed after it is shown.
    controls : dict
        ``name -> ipywidgets`` value widget (slider, dropdown, checkbox, ...); the names are
        ``draw``'s keyword arguments, and label the widgets that have no description.
    rows : list of lists of str, optional
        How to lay out the controls, one list of names per row; default: one row per control.

    Returns
    -------
    ipywidgets.VBox
        ``[controls, status line, output]``, with ``.redraw()`` (draw again now) and
        ``.redraw_count`` (how many figures it has drawn).
    """
    import ipywidgets as widgets

    if not callable(draw):
        raise TypeError(f"draw must be callable, got {type(draw).__name__}")
    check_instance(controls, "controls", dict)
    if not controls or not all(isinstance(w, widgets.ValueWidget) for w in controls.values()):
        raise ValueError("controls must map names to ipywidgets value widgets (sliders, dropdowns, ...)")
    rows = [[name] for name in controls] if rows is None else rows
    if sorted(name for row in rows for name in row) != sorted(controls):
        raise ValueError(f"rows must list every control exactly once: {sorted(controls)}")
    for name, widget in controls.items():
        if hasattr(widget, "description") and not widget.description:
            widget.description = name
    status = widgets.HTML("")
    output = widgets.Output()
    box = widgets.VBox([widgets.VBox([widgets.HBox([controls[name] for name in row]) if len(row) > 1
                                      else controls[row[0]] for row in rows]), status, output])
    box.redraw_count = 0

    def redraw(*_):
        status.value = BUSY
        try:
            figure = _as_figure(draw(**{name: widget.value for name, widget in controls.items()}))
        except Exception:
            status.value = "<span style='color:#b00020'>the figure could not be drawn (see the error below)</span>"
            raise
        output.outputs = (figure_output(figure),)  # replaces the old image in one message
        plt.close(figure)
        status.value = ""
        box.redraw_count += 1

    for widget in controls.values():
        widget.observe(redraw, "value")
    box.redraw = redraw
    redraw()
    return box
