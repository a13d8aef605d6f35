"""Create a new lesson: ``python -m hemaedu.lessons.scaffold NN slug [--minutes M]``.

``NN`` is the next free lesson number (two digits, e.g. 06); ``slug`` the lesson's name in lower
case with underscores (e.g. bone_marrow), which is also its package and notebook name.

Writes ``hemaedu/lessons/<slug>/`` (a model, an app, content files), ``notebooks/NN_<slug>.ipynb``
and the lesson's entry in ``registry.toml``, from the templates in ``_scaffold/``. Every template
under ``_scaffold/content/`` goes to the same path in the lesson (the pre/post questions and the
teacher's notes). The new lesson runs at once, with its pre/post check and instructor edition;
then replace the example model, app and texts (see CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from string import Template

__all__ = ["scaffold"]

TEMPLATES = Path(__file__).resolve().parent / "_scaffold"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_MINUTES = 20

_FILES = {
    "init.py.tmpl": "__init__.py",
    "model.py.tmpl": "model.py",
    "apps.py.tmpl": "apps.py",
    "lesson.toml.tmpl": "content/en/lesson.toml",
    "questions.toml.tmpl": "content/en/questions.toml",
}


def _cells(source: str) -> list[dict[str, object]]:
    """The notebook template's cells: ``%% markdown`` or ``%% code``, optionally ``id=<cell id>``
    (the question-set cells carry the ids tools/question_cells.py looks for, so it adds none)."""
    cells: list[dict[str, object]] = []
    for block in re.split(r"^%% ", source, flags=re.M)[1:]:
        header, _, body = block.partition("\n")
        kind, *options = header.split()
        lines = body.rstrip("\n").split("\n")
        cell: dict[str, object] = {"cell_type": kind, "metadata": {},
                                   "source": [line + "\n" for line in lines[:-1]] + [lines[-1]]}
        # nbformat 4.5 wants an id on every cell (a missing one will become an error).
        cell["id"] = next((o.removeprefix("id=") for o in options if o.startswith("id=")), f"cell-{len(cells) + 1}")
        if kind.strip() == "code":
            cell |= {"execution_count": None, "outputs": []}
        cells.append(cell)
    return cells


def scaffold(number: str, slug: str, *, root: Path = REPO, minutes: int = DEFAULT_MINUTES) -> list[Path]:
    """Create lesson ``number`` (two digits) called ``slug`` under ``root``; return the files written."""
    if not re.fullmatch(r"\d\d", number):
        raise ValueError(f"the lesson number must be two digits, e.g. 06; got {number!r}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", slug):
        raise ValueError(f"the slug must be a Python name in lower case, e.g. bone_marrow; got {slug!r}")
    package_dir = root / "hemaedu" / "lessons" / slug
    notebook = root / "notebooks" / f"{number}_{slug}.ipynb"
    registry = root / "hemaedu" / "lessons" / "registry.toml"
    if package_dir.exists() or notebook.exists():
        raise ValueError(f"lesson {number}_{slug} already exists ({package_dir} or {notebook})")
    if re.search(rf'^number = "{number}"$', registry.read_text(encoding="utf-8"), flags=re.M):
        raise ValueError(f"registry.toml already has a lesson {number}; choose the next free number")
    fields = {"number": number, "slug": slug, "package": slug, "minutes": minutes,
              "title": slug.replace("_", " ").capitalize(), "heading": slug.replace("_", " ").capitalize()}
    templates = [(TEMPLATES / name, Path(target)) for name, target in _FILES.items()]
    templates += [(path, path.relative_to(TEMPLATES).with_suffix(""))
                  for path in sorted((TEMPLATES / "content").rglob("*.tmpl"))]
    written = []
    for template, target in templates:
        path = package_dir / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(template.read_text(encoding="utf-8")).substitute(fields), encoding="utf-8")
        written.append(path)
    source = Template((TEMPLATES / "notebook.tmpl").read_text(encoding="utf-8")).substitute(fields)
    nb = {"cells": _cells(source), "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                              "name": "python3"},
                                                "language_info": {"name": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    notebook.parent.mkdir(parents=True, exist_ok=True)
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(notebook)
    entry = Template((TEMPLATES / "registry.toml.tmpl").read_text(encoding="utf-8")).substitute(fields)
    with registry.open("a", encoding="utf-8") as out:
        out.write(entry)
    written.append(registry)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m hemaedu.lessons.scaffold", description=__doc__.splitlines()[0])
    parser.add_argument("number", help="NN")
    parser.add_argument("slug", help="lower_case_name")
    parser.add_argument("--minutes", type=int, default=DEFAULT_MINUTES)
    args = parser.parse_args(argv)
    for path in scaffold(args.number, args.slug, minutes=args.minutes):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
