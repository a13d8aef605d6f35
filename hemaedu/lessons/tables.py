"""The lesson layer's one HTML table: captioned, with header scopes, in a box a keyboard can scroll.

On a phone a lesson table is wider than the screen and scrolls sideways inside its box. A
scrolling ``div`` is not focusable by default, so without ``tabindex`` a keyboard user could not
scroll it (axe rule ``scrollable-region-focusable``); ``role="region"`` with an ``aria-label``
tells a screen reader what the focused box holds. The label's words come from the shared
content (``common.table_scroll_label``), like every learner-visible word.

The box's class, ``hemaedu-scroll``, is what the course stylesheet (``hemaedu/static/controls.css``)
knows: inside it a table does not become a second, unfocusable scroller; in print
(``print.css``) the box grows with its table.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from .content import text

__all__ = ["SCROLL_CLASS", "lesson_table"]

#: The class of the scroll box (styled in hemaedu/static/controls.css and print.css).
SCROLL_CLASS = "hemaedu-scroll"


def _cell(value: Any) -> str:
    return "" if value is None else html.escape(str(value))


def lesson_table(
    caption: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    row_headers: bool = False,
    table_class: str = "hemaedu-table",
    table_style: str | None = "border-spacing:1em 0.2em",
    max_height: str | None = None,
    scroll: bool = True,
) -> str:
    """An accessible HTML table of ``rows`` under ``columns``, in a keyboard-reachable scroll box.

    Parameters
    ----------
    caption : str
        The table's caption (learner-visible: from content); it also names the scroll box.
    columns : sequence of str
        Column headers, written ``<th scope="col">`` (an empty string for a corner cell).
    rows : iterable of sequences
        One sequence of cell values per row, in the columns' order; ``None`` is an empty cell,
        anything else is written with ``str`` and HTML-escaped.
    row_headers : bool, default False
        Write each row's first value as its header, ``<th scope="row">``.
    table_class : str, default "hemaedu-table"
        The ``table`` element's class.
    table_style : str or None, default "border-spacing:1em 0.2em"
        The ``table`` element's inline style (``None``: no style attribute).
    max_height : str or None, default None
        A CSS length: a long table scrolls down inside a box this high, too.
    scroll : bool, default True
        Wrap the table in the scroll box. ``False`` for a printed page, where a table is never
        cut to a box and no keyboard scrolls it.

    Returns
    -------
    str
        The HTML: ``<div role="region" tabindex="0" aria-label="..." class="hemaedu-scroll">``
        around the ``<table>``.

    Examples
    --------
    >>> box = lesson_table("Counts <today>", ["Measure", "Value"], [["ANC", 0.4], ["Platelets", None]],
    ...                    row_headers=True)
    >>> print(box[:box.index("<table")].replace('" ', '"\\n'))
    <div role="region"
    tabindex="0"
    aria-label="Counts &lt;today&gt; (scrollable table)"
    class="hemaedu-scroll"
    style="overflow-x:auto">
    >>> box[box.index("<tbody>"):box.index("</tbody>")]
    '<tbody><tr><th scope="row">ANC</th><td>0.4</td></tr><tr><th scope="row">Platelets</th><td></td></tr>'
    """
    head = "".join(f'<th scope="col">{_cell(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = [f"<td>{_cell(v)}</td>" for v in row]
        if row_headers and cells:
            cells[0] = f'<th scope="row">{_cell(row[0])}</th>'
        body.append(f"<tr>{''.join(cells)}</tr>")
    style = "" if table_style is None else f' style="{html.escape(table_style)}"'
    table = (f'<table class="{html.escape(table_class)}"{style}><caption>{html.escape(caption)}</caption>'
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    if not scroll:
        return table
    label = html.escape(text("common", "table_scroll_label", caption=caption))
    overflow = "overflow-x:auto" if max_height is None else f"max-height:{html.escape(max_height)};overflow:auto"
    return (f'<div role="region" tabindex="0" aria-label="{label}" class="{SCROLL_CLASS}" '
            f'style="{overflow}">{table}</div>')
