"""Count the teaching prose left in Python: string literals of eight or more words, docstrings aside.

    python tools/count_prose.py [paths...]      # default: the lesson layer (hemaedu/lessons)

Prints one line per module with its line count and its prose strings, then the totals. Used for
issue 10's before/after figures and by tests/test_content.py (which requires zero in the lesson
layer). Error messages given to ``raise`` are developer text, not prose, and are not counted.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                ids.add(id(body[0].value))
    return ids


def _raised_nodes(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            ids.update(id(n) for n in ast.walk(node.exc))
    return ids


def string_literals(source: str) -> Iterator[tuple[int, str]]:
    """Every string literal of a module (f-strings joined, ``{...}`` for their fields), docstrings
    and ``raise`` messages aside, with its line number."""
    tree = ast.parse(source)
    skip = _docstring_nodes(tree) | _raised_nodes(tree)
    inside_fstring: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstring.update(id(v) for v in node.values)
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in inside_fstring:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            yield node.lineno, "".join(str(p) for p in parts)


def words(literal: str) -> int:
    """Words a reader would read (HTML tags and format fields removed)."""
    import re

    plain = re.sub(r"<[^>]+>|\{[^}]*\}", " ", literal)
    return len([w for w in plain.split() if any(c.isalpha() for c in w)])


def prose(path: Path, min_words: int = 8) -> list[tuple[int, str]]:
    """The prose strings (``min_words`` or more words) of one module."""
    return [(line, s) for line, s in string_literals(path.read_text(encoding="utf-8")) if words(s) >= min_words]


def modules(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        out += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    return out


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [ROOT / "hemaedu" / "lessons"]
    total_lines = total_prose = 0
    for module in modules(paths):
        n_lines = len(module.read_text(encoding="utf-8").splitlines())
        found = prose(module)
        total_lines += n_lines
        total_prose += len(found)
        shown = module.relative_to(ROOT) if module.is_absolute() else module
        print(f"{n_lines:6d} lines {len(found):4d} prose strings  {shown}")
    print(f"{total_lines:6d} lines {total_prose:4d} prose strings  total")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
