"""The lesson layer's one table builder: escaped cells, header scopes, a focusable named scroll box.

Every lesson table goes through :func:`hemaedu.lessons.tables.lesson_table`, so these facts
hold for all of them; the browser test (tests/browser/test_lessons_voila.py) runs axe on the
lessons' tables at phone width.
"""

from __future__ import annotations

import ast
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hemaedu.lessons import tables
from hemaedu.lessons.content import text
from hemaedu.lessons.tables import lesson_table

LESSONS = Path(tables.__file__).resolve().parent


class _Tree(HTMLParser):
    """Every start tag as (tag, attributes) and the text of each ``th``/``td``/``caption``."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in {"th", "td", "caption"}:
            self._open, self._text = tag, ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self.cells.append((tag, self._text))
            self._open = None


def parse(markup: str) -> _Tree:
    tree = _Tree()
    tree.feed(markup)
    tree.close()
    return tree


def test_cells_and_caption_are_escaped_and_none_is_empty() -> None:
    box = lesson_table("A < B & C", ["<b>col</b>"], [["<script>x</script>"], [None], [0]])
    assert "<script>" not in box and "<b>" not in box
    assert parse(box).cells == [("caption", "A < B & C"), ("th", "<b>col</b>"),
                                ("td", "<script>x</script>"), ("td", ""), ("td", "0")]


def test_column_and_row_headers_carry_their_scope() -> None:
    tree = parse(lesson_table("c", ["", "Camitta", "Chinese"], [["ANC", "met", "not met"], ["Source", "a", "b"]],
                              row_headers=True))
    scopes = [(a["scope"], text) for (tag, a), (_, text) in
              zip([t for t in tree.tags if t[0] in {"th", "td", "caption"}], tree.cells, strict=True)
              if tag == "th"]
    assert scopes == [("col", ""), ("col", "Camitta"), ("col", "Chinese"), ("row", "ANC"), ("row", "Source")]
    assert [text for tag, text in tree.cells if tag == "td"] == ["met", "not met", "a", "b"]
    # Without row headers every body cell is a td.
    assert [tag for tag, _ in parse(lesson_table("c", ["a"], [["x"]])).cells] == ["caption", "th", "td"]


def test_the_scroll_box_is_focusable_and_named_from_the_caption() -> None:
    caption = "Selected causes (3)"
    tag, attrs = parse(lesson_table(caption, ["a"], [["x"]])).tags[0]
    assert tag == "div"
    assert attrs["role"] == "region" and attrs["tabindex"] == "0"
    assert attrs["aria-label"] == text("common", "table_scroll_label", caption=caption)
    assert caption in (attrs["aria-label"] or "")
    assert attrs["class"] == tables.SCROLL_CLASS
    assert "overflow-x:auto" in (attrs["style"] or "")
    tall = parse(lesson_table(caption, ["a"], [["x"]], max_height="22em")).tags[0][1]
    assert tall["style"] == "max-height:22em;overflow:auto"


def test_a_printed_table_has_no_scroll_box() -> None:
    table = lesson_table("c", ["a"], [["x"]], table_class="thresholds", table_style=None, scroll=False)
    assert table == ('<table class="thresholds"><caption>c</caption><thead><tr><th scope="col">a</th></tr>'
                     "</thead><tbody><tr><td>x</td></tr></tbody></table>")


@pytest.mark.parametrize("path", sorted(LESSONS.rglob("*.py")), ids=lambda p: str(p.relative_to(LESSONS)))
def test_no_lesson_module_writes_its_own_table(path: Path) -> None:
    """A ``<table`` literal outside the builder would be a table without the keyboard-reachable box."""
    if path == Path(tables.__file__).resolve():
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not [s for s in literals if "<table" in s], f"{path.name}: build tables with lesson_table()"
