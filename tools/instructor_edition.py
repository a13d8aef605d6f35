"""Build the instructor edition of every lesson, and check that the student edition holds none of it.

    python tools/instructor_edition.py [--output-dir _site/instructor]      # or: make instructor

The instructor edition of a lesson is its student notebook with instructor callouts inserted
after the cells they concern, all generated from the same content:

* a banner and the plan for a 50-minute class (``[[section]]``: minutes and what happens), and
  a timing note under each section's heading;
* after each "Try this" block, the expected answer to each item and what a good discussion
  looks like (``[[try_this]]``);
* under the section they belong to, the misconceptions students bring and the preset or case
  that exposes them (``[[misconception]]``);
* after ``lesson.pre_check()``, how a class can use the pre/post questions; after
  ``lesson.self_checks()`` and ``lesson.post_check()``, the answer key, taken from the
  questions' own ``why`` texts.

Notes live in ``hemaedu/lessons/<package>/content/en/instructor.toml`` (shared labels and
advice in ``hemaedu/lessons/content/en/instructor.toml``). Student-facing code never reads
these files; :func:`leaks` finds instructor text in student files, and the tests run it over
the notebooks and the student content. Code cells are copied unchanged, so the instructor
edition runs wherever the student lesson runs (JupyterLab, Voila: ``voila _site/instructor/``).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hemaedu.lessons import LESSONS, Lesson  # noqa: E402
from hemaedu.lessons.content import questions, render  # noqa: E402

LESSON_LAYER = ROOT / "hemaedu" / "lessons"
NOTEBOOKS = ROOT / "notebooks"
#: Tag of every cell the builder inserts (and a marker no student file may carry).
TAG = "hemaedu-instructor"
#: A fragment of instructor text this long (in words) found in a student file is a leak.
LEAK_WORDS = 7


# --------------------------------------------------------------------------- reading notes


def notes_path(package: str) -> Path:
    return LESSON_LAYER / package / "content" / "en" / "instructor.toml"


def shared_path() -> Path:
    return LESSON_LAYER / "content" / "en" / "instructor.toml"


def _load(path: Path, package: str | None) -> dict[str, Any]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    where = str(path.relative_to(ROOT))
    return _render_all(raw, where, package)


def _render_all(node: Any, where: str, package: str | None) -> Any:
    if isinstance(node, str):
        return render(node, where=where, package=package)
    if isinstance(node, dict):
        return {k: _render_all(v, where, package) for k, v in node.items()}
    if isinstance(node, list):
        return [_render_all(v, where, package) for v in node]
    return node


def notes(lesson: Lesson) -> dict[str, Any]:
    """The lesson's instructor notes, every placeholder resolved."""
    return _load(notes_path(lesson.package), lesson.package)


def shared() -> dict[str, Any]:
    """Labels and advice shared by every lesson's instructor edition."""
    return _load(shared_path(), None)


#: Keys whose values quote the student notebook to say where a note goes: never a note themselves.
ANCHOR_KEYS = frozenset({"item", "heading", "section"})


def raw_strings(node: Any) -> list[str]:
    """Every note text of ``node`` (anchors quoting the student notebook aside)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() if k not in ANCHOR_KEYS for s in raw_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in raw_strings(v)]
    return []


# --------------------------------------------------------------------------- the notebook


def _source(cell: Any) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _norm(text: str) -> str:
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass(frozen=True)
class TryItem:
    """One "Try this" item of a lesson: its text and the cell that shows it."""

    text: str
    cell: int


def _list_items(markdown: str) -> list[str]:
    """The list items after each "Try this" heading of a Markdown text (a block ends at a heading)."""
    items: list[str] = []
    inside = False
    current: list[str] = []
    for line in markdown.splitlines():
        if re.match(r"^#+ ", line) or re.match(r"^\*\*try this", line, re.I):
            if current:
                items.append(" ".join(current))
                current = []
            inside = bool(re.search(r"try this", line, re.I))
            continue
        if not inside:
            continue
        if re.match(r"^\s*(?:\d+\.|[-*])\s+", line):
            if current:
                items.append(" ".join(current))
            current = [re.sub(r"^\s*(?:\d+\.|[-*])\s+", "", line)]
        elif line.strip() and current:
            current.append(line.strip())
        elif not line.strip() and current:
            items.append(" ".join(current))
            current = []
    if current:
        items.append(" ".join(current))
    return items


def try_items(lesson: Lesson, cells: list[Any] | None = None) -> list[TryItem]:
    """Every "Try this" item the learner reads: in the notebook's Markdown and in content files it displays."""
    if cells is None:
        cells = nbformat.read(NOTEBOOKS / lesson.notebook, as_version=4).cells
    out: list[TryItem] = []
    content_dir = LESSON_LAYER / lesson.package / "content" / "en"
    shown_md = {p.stem: p for p in content_dir.glob("*.md")}
    for i, cell in enumerate(cells):
        source = _source(cell)
        if cell["cell_type"] == "markdown":
            out += [TryItem(t, i) for t in _list_items(source)]
        elif cell["cell_type"] == "code":
            for stem, path in shown_md.items():
                if re.search(rf"""["']{re.escape(stem)}["']""", source):
                    text = render(path.read_text(encoding="utf-8"), where=str(path), package=lesson.package)
                    out += [TryItem(t, i) for t in _list_items(text)]
    return out


def _find_cell(cells: list[Any], predicate: Any) -> int | None:
    return next((i for i, c in enumerate(cells) if predicate(c)), None)


def _shown_markdown(lesson: Lesson | None, cell: Any) -> str:
    """The content Markdown a code cell displays (``lesson.markdown("name")`` and the like)."""
    if lesson is None or cell["cell_type"] != "code":
        return ""
    folder = LESSON_LAYER / lesson.package / "content" / "en"
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))
                     if re.search(rf"""["']{re.escape(p.stem)}["']""", _source(cell)))


def _heading_cell(cells: list[Any], heading: str, lesson: Lesson | None = None) -> int | None:
    """The first cell showing a heading that contains ``heading`` (in its Markdown, or in content
    Markdown the cell displays when ``lesson`` is given)."""
    wanted = [_norm(h) for h in heading.split("|")]  # "Check yourself|Self-check": either wording

    def shows(cell: Any) -> bool:
        text = _source(cell) if cell["cell_type"] == "markdown" else _shown_markdown(lesson, cell)
        return any(w in _norm(line) for line in text.splitlines() if line.startswith("#") for w in wanted)

    return _find_cell(cells, shows)


def match_answers(lesson: Lesson, lesson_notes: dict[str, Any], items: list[TryItem]
                  ) -> tuple[dict[int, dict[str, Any]], list[str]]:
    """Each Try-this item's answer (by item index), and the items no answer matches."""
    answers = lesson_notes.get("try_this", [])
    found: dict[int, dict[str, Any]] = {}
    missing = []
    for n, item in enumerate(items):
        text = _norm(item.text)
        hits = [a for a in answers if _norm(a["item"]) in text]
        if len(hits) == 1:
            found[n] = hits[0]
        else:
            missing.append(item.text if not hits else f"{item.text} (matched by {len(hits)} answers)")
    return found, missing


# --------------------------------------------------------------------------- callouts


def minutes(section: dict[str, Any]) -> int:
    """A section's class time: ``time = "12 min"`` (written with its unit, like every time in content)."""
    match = re.fullmatch(r"\s*(\d+)\s*min\s*", section.get("time", ""))
    if not match:
        raise ValueError(f"section {section.get('heading')!r}: time must read like \"12 min\", "
                         f"got {section.get('time')!r}")
    return int(match.group(1))


def _callout(title: str, body: str) -> Any:
    lines = [f"**🧑‍🏫 {title}**", "", *body.strip().splitlines()]
    cell = nbformat.v4.new_markdown_cell("\n".join(f"> {line}" if line else ">" for line in lines))
    cell.metadata["tags"] = [TAG]
    # A stable id (the same text gives the same id in every build), so rebuilt editions diff cleanly.
    cell.id = f"{TAG}-{hashlib.sha1((title + body).encode()).hexdigest()[:10]}"
    return cell


def _answer_key(package: str, file: str, labels: dict[str, str]) -> str:
    out = []
    for n, q in enumerate(questions(package, file), start=1):
        right = q.answer
        others = "".join(f"\n   - *{o.text}*: {o.why}" for o in q.options if not o.correct)
        out.append(f"{n}. {q.prompt}\n   **{labels['right_answer']}: {right.text}.** {right.why}{others}")
    return "\n".join(out)


def build_notebook(lesson: Lesson) -> Any:
    """The lesson's instructor edition as a notebook (the student notebook plus callouts)."""
    labels = shared()["labels"]
    advice = shared()["advice"]
    lesson_notes = notes(lesson)
    nb = nbformat.read(NOTEBOOKS / lesson.notebook, as_version=4)
    cells = nb.cells
    inserts: dict[int, list[Any]] = {}

    def after(index: int | None, cell: Any) -> None:
        if index is None:
            raise ValueError(f"{lesson.notebook}: no cell to attach an instructor note to ({_source(cell)[:80]!r})")
        inserts.setdefault(index, []).append(cell)

    # Banner and class plan after the opening cell.
    sections = lesson_notes["section"]
    rows = "\n".join(labels["timing_row"].format(minutes=minutes(s), section=s["heading"] or labels["opening"],
                                                 plan=s["plan"]) for s in sections)
    total = sum(minutes(s) for s in sections)
    banner = labels["banner"].format(number=lesson.number, title=lesson.title, package=lesson.package)
    plan = f"{banner}\n\n**{labels['timing_heading'].format(minutes=total)}**\n\n{labels['timing_header']}\n{rows}"
    after(0, _callout(labels["note_heading"], plan))
    # Try-this answers after the cell that shows the items.
    items = try_items(lesson, cells)
    found, missing = match_answers(lesson, lesson_notes, items)
    if missing:
        raise ValueError(f"{notes_path(lesson.package).relative_to(ROOT)}: no answer for Try-this item(s) {missing}")
    by_cell: dict[int, list[str]] = {}
    for n, item in enumerate(items):
        a = found[n]
        by_cell.setdefault(item.cell, []).append(
            f"{len(by_cell.get(item.cell, [])) + 1}. *{item.text}*\n"
            f"   - **{labels['expected']}:** {a['answer']}\n   - **{labels['discussion']}:** {a['discussion']}")
    for index, bodies in by_cell.items():
        after(index, _callout(labels["answers_heading"], "\n".join(bodies)))

    for s in sections:
        if s["heading"]:
            after(_heading_cell(cells, s["heading"], lesson),
                  _callout(labels["timing_note"].format(minutes=minutes(s)), s["plan"]))

    # Misconceptions under their section's heading.
    for m in lesson_notes.get("misconception", []):
        body = f"*{m['belief']}* {m['correction']}\n\n**{labels['exposed_by']}:** {m['exposed_by']}"
        after(_heading_cell(cells, m["section"], lesson), _callout(labels["misconceptions_heading"], body))

    # Question sets: how to use them, and the answer keys from the questions' whys.
    def code_cell(call: str) -> int | None:
        return _find_cell(cells, lambda c: c["cell_type"] == "code" and call in _source(c))

    after(code_cell("lesson.pre_check()"), _callout(labels["prepost_heading"], advice["prepost"]))
    after(code_cell("lesson.self_checks()"),
          _callout(labels["key_heading"], _answer_key(lesson.package, "questions.toml", labels)))
    after(code_cell("lesson.post_check()"),
          _callout(labels["key_heading"], f"{advice['post']}\n\n"
                   + _answer_key(lesson.package, "prepost.toml", labels)))

    out = copy.deepcopy(nb)
    out.cells = []
    for i, cell in enumerate(cells):
        out.cells.append(cell)
        out.cells.extend(inserts.get(i, []))
    out.metadata["title"] = f"{lesson.number} · {lesson.title} (instructor edition)"
    nbformat.validate(out)
    return out


def build(output_dir: Path, lessons: Iterable[Lesson] = LESSONS) -> list[Path]:
    """Write the instructor edition of each lesson to ``output_dir``; returns the files written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for lesson in lessons:
        path = output_dir / lesson.notebook
        nbformat.write(build_notebook(lesson), path)
        written.append(path)
    return written


# --------------------------------------------------------------------------- the leak check


def instructor_fragments() -> list[str]:
    """Every run of :data:`LEAK_WORDS` words of every instructor text (normalized), for the leak check.

    Runs never span a placeholder: a number or a cut-off quoted from ``data/`` is shared with
    student text by design (``Hb ≥ 10 g/dL, platelets ...``), the words around it are not.
    """
    texts: list[str] = []
    for lesson in LESSONS:
        if notes_path(lesson.package).exists():
            texts += raw_strings(tomllib.loads(notes_path(lesson.package).read_text(encoding="utf-8")))
    texts += raw_strings(tomllib.loads(shared_path().read_text(encoding="utf-8"))["advice"])
    fragments: set[str] = set()
    for text in texts:
        for piece in re.split(r"\{\{[^{}]*\}\}", re.sub(r"<[^>]+>", " ", text)):
            words = _norm(piece).split()
            fragments.update(" ".join(words[i:i + LEAK_WORDS]) for i in range(len(words) - LEAK_WORDS + 1))
    return sorted(fragments)


def student_files() -> list[Path]:
    """What a student sees: the notebooks and every student content file (instructor.toml aside)."""
    files = sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in sorted(LESSON_LAYER.rglob("content/en/**/*")):
        if path.suffix in (".toml", ".md") and path.name != "instructor.toml":
            files.append(path)
    return files


def _all_strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _all_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _all_strings(v)]
    return []


def _student_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        parts = [_source(c) for c in nb.cells]
        parts += [str(c.get("metadata", {}).get("tags", "")) for c in nb.cells]
        parts += ["".join(o.get("text", "")) + str(o.get("data", "")) for c in nb.cells for o in c.get("outputs", [])]
        return "\n".join(parts)
    text = path.read_text(encoding="utf-8")
    folders = path.parts
    at = len(folders) - 1 - folders[::-1].index("content")  # .../<package>/content/en/... or .../lessons/content/en/...
    package = folders[at - 1]
    strings = _all_strings(tomllib.loads(text)) if path.suffix == ".toml" else [text]
    out = []
    for string in strings:  # rendered as the learner reads it; a string that does not render, as typed
        try:
            out.append(render(string, where=str(path), package=None if package == "lessons" else package))
        except ValueError:
            out.append(string)
    return "\n".join(out)


def leaks(paths: Iterable[Path], fragments: list[str] | None = None) -> dict[str, list[str]]:
    """Instructor text found in ``paths``: file -> the fragments (or the instructor tag) found."""
    fragments = instructor_fragments() if fragments is None else fragments
    found: dict[str, list[str]] = {}
    for path in paths:
        raw = _student_text(path)
        text = _norm(re.sub(r"<[^>]+>", " ", raw))
        hits = [f for f in fragments if f in text]
        if TAG in raw:
            hits.insert(0, TAG)
        if hits:
            found[str(path)] = hits[:5]
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=ROOT / "_site" / "instructor")
    args = parser.parse_args(argv)
    found = leaks(student_files())
    if found:
        print(f"instructor text in the student edition: {found}", file=sys.stderr)
        return 1
    for path in build(args.output_dir):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
