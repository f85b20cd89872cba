"""Shared styling for grid worlds drawn with rows down and columns across (chapters 9 and 10)."""

from __future__ import annotations

from marl_course._validation import check_int
from marl_course.viz._checks import check_ax


def style_grid_axes(ax, size: int):
    """Square ``size`` x ``size`` cells, row 0 at the top, labelled axes, a light grid and the legend
    under the plot; return ``ax``.

    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="agent")
    >>> ax = style_grid_axes(ax, 4)
    >>> [float(y) for y in ax.get_ylim()], ax.get_xlabel()
    ([3.5, -0.5], 'column')
    """
    check_ax(ax, optional=False)
    size = check_int(size, "size", low=1)
    ax.set_xlim(-0.5, size - 0.5)
    ax.set_ylim(size - 0.5, -0.5)
    ax.set_xticks(range(size))
    ax.set_yticks(range(size))
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8)
    return ax
