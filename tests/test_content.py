"""The lessons' content: every file loads and resolves, no typed numbers, no prose left in Python.

* Every content file (TOML, Markdown, questions) of every lesson and the shared files loads, and
  every ``{{placeholder}}`` in it resolves from data/.
* No content file and no notebook types a number that lives in the data tables the lesson uses
  (``tables`` in registry.toml; every table when a lesson does not say).
* No learner-visible literal in lesson Python: an AST scan fails on a string constant of three or
  more words outside docstrings and ``raise`` messages (tools/count_prose.py counts the
  eight-word "prose" figure reported in issue 10).
* Every notebook's header agrees with the registry and the lesson's content (heading, minutes,
  objectives).
"""

from __future__ import annotations

import json
import math
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from hemaedu.data import TABLES, records
from hemaedu.lessons import LESSONS, Lesson, content
from hemaedu.lessons.content import SHARED, content_files, questions, render

ROOT = Path(__file__).resolve().parent.parent
LESSON_LAYER = ROOT / "hemaedu" / "lessons"
sys.path.insert(0, str(ROOT / "tools"))
import count_prose  # noqa: E402

PACKAGES = [lesson.package for lesson in LESSONS]
PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _package_of(path: Path) -> str:
    parts = path.relative_to(LESSON_LAYER).parts
    return parts[0] if parts[0] != "content" else "common"


ALL_FILES = [Path(str(f)) for package in [*PACKAGES, *SHARED] for f in content_files(package)]


def test_every_lesson_and_shared_file_has_content() -> None:
    for package in PACKAGES:
        names = {f.name for f in content_files(package)}
        assert "lesson.toml" in names, f"{package} has no content/en/lesson.toml"
    assert {f.name for f in content_files("common")} >= {"common.toml", "measures.toml"}


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(LESSON_LAYER)))
def test_content_file_loads_and_every_placeholder_resolves(path: Path) -> None:
    package = _package_of(path)
    source = path.read_text(encoding="utf-8")
    where = str(path.relative_to(ROOT))
    if path.suffix == ".toml":
        parsed = tomllib.loads(source)
        for string in _strings(parsed):
            rendered = render(string, where=where, package=package)
            assert "{{" not in rendered
        if path.name == "questions.toml":
            assert questions(package), f"{where} has no questions"
    else:
        rendered = content.markdown(package, path.stem)
        assert "{{" not in rendered and rendered.strip()


def test_unknown_placeholder_names_the_file_and_the_placeholder() -> None:
    with pytest.raises(ValueError, match=r"lesson\.md: unknown placeholder \{\{colour:red\}\}"):
        render("Blood is {{colour:red}}.", where="lesson.md")
    with pytest.raises(ValueError, match=r"x\.md: placeholder \{\{field:incidence:atlantis:rate_per_million\}\}"):
        render("{{field:incidence:atlantis:rate_per_million}}", where="x.md")
    with pytest.raises(ValueError, match="no hook 'nope'"):
        render("{{hook:nope}}", where="x.md", package="regional_incidence")


def _question(**changes: Any) -> dict[str, Any]:
    q: dict[str, Any] = {"id": "q1", "prompt": "Which?", "option": [
        {"text": "A", "correct": True, "why": "Because A."},
        {"text": "B", "correct": False, "why": "Because not B."},
    ]}
    q.update(changes)
    return q


@pytest.mark.parametrize(("question", "message"), [
    (_question(option=[{"text": "A", "correct": True, "why": "a"}, {"text": "B", "correct": True, "why": "b"}]),
     "question 'q1': needs exactly one correct option, has 2"),
    (_question(option=[{"text": "A", "correct": True, "why": "a"}, {"text": "B", "correct": False}]),
     "question 'q1', option 2: the field 'why' is missing"),
    (_question(answer_hook="missing_hook"), "answer_hook 'missing_hook' is not in"),
    (_question(id=""), "has no id"),
])
def test_bad_questions_are_refused_with_file_and_id(question: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        content._question(question, "x/questions.toml", "regional_incidence")


def test_language_falls_back_to_english_file_by_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEMAEDU_LANG", "xx")
    assert content.language() == "xx"
    assert content.text("common", "check_answer") == tomllib.loads(
        (LESSON_LAYER / "content" / "en" / "common.toml").read_text(encoding="utf-8"))["check_answer"]


# --------------------------------------------------------------------------- no typed numbers

ALLOWED_CONTEXT = re.compile(
    r"\b\d+\s*min\b"               # reading times
    r"|\b(19|20)\d\d\b"            # years, e.g. "BSH 2016"
    r"|\bNBVAL\w*"
    r"|#\d+"
    r"|\{[^{}]*\}"                 # str.format fields and placeholders
    r"|%\{[^}]*\}"                 # plotly hover templates
)
NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])")


def _table_numbers(tables: tuple[str, ...]) -> set[float]:
    values: set[float] = set()
    for name in tables or TABLES:
        for row in records(name):
            values.update(float(v) for v in row.values()
                          if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))
    return values


def typed_numbers(source: str, forbidden: set[float]) -> list[str]:
    """Numbers typed in ``source`` that also live in the tables (small integers 0-10 aside)."""
    found = []
    for match in NUMBER.finditer(ALLOWED_CONTEXT.sub(" ", PLACEHOLDER.sub(" ", source))):
        value = float(match.group(1))
        if value.is_integer() and 0 <= value <= 10:
            continue
        if value in forbidden:
            found.append(match.group(1))
    return sorted(set(found))


def test_typed_number_check_catches_a_rate_and_ignores_placeholders() -> None:
    from hemaedu.data import row

    rate = row("incidence", "sweden")["rate_per_million"]
    assert not float(rate).is_integer()  # so the small-integer exemption cannot hide it
    forbidden = _table_numbers(("incidence",))
    assert typed_numbers(f"A rate of {rate:g} per million.", forbidden) == [f"{rate:g}"]
    assert typed_numbers(f"A rate of {rate:g} per million.", _table_numbers(("references",))) == []
    assert typed_numbers("{{field:incidence:sweden:rate_per_million}} in 2011, 10 min", forbidden) == []


def _notebook_sources(lesson: Lesson) -> str:
    path = ROOT / "notebooks" / lesson.notebook
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_no_typed_numbers_from_the_lessons_tables(lesson: Lesson) -> None:
    forbidden = _table_numbers(lesson.tables)
    offending = {}
    for path in content_files(lesson.package):
        found = typed_numbers(Path(str(path)).read_text(encoding="utf-8"), forbidden)
        if found:
            offending[path.name] = found
    found = typed_numbers(_notebook_sources(lesson), forbidden)
    if found:
        offending[lesson.notebook] = found
    assert not offending, (
        f"{lesson.name} types numbers that live in {list(lesson.tables or TABLES)}: {offending}; "
        "use a placeholder ({{field:...}}, {{threshold:...}}, {{hook:...}}) instead"
    )


# --------------------------------------------------------------------------- no prose in Python

#: Literals that are structure, not prose: CSS/HTML scaffolding and format patterns.
STRUCTURE = re.compile(r"^[\s|<>/=\"'#:;.,()\[\]{}\-*`%\w]*$")
ALLOWED_LITERALS = {
    "hemaedu-summary",
}


def _learner_visible_literals(path: Path) -> list[tuple[int, str]]:
    out = []
    for line, literal in count_prose.string_literals(path.read_text(encoding="utf-8")):
        if literal in ALLOWED_LITERALS:
            continue
        plain = re.sub(r"<[^>]+>|\{[^}]*\}", " ", literal)
        readable = [w for w in plain.split() if sum(c.isalpha() for c in w) >= 2]
        if len(readable) >= 3:
            out.append((line, literal))
    return out


LESSON_PYTHON = sorted(LESSON_LAYER.rglob("*.py")) + [ROOT / "hemaedu" / "figures" / "incidence.py"]


@pytest.mark.parametrize("path", LESSON_PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_learner_visible_literal_in_lesson_python(path: Path) -> None:
    found = _learner_visible_literals(path)
    assert not found, (
        f"{path.relative_to(ROOT)} has text a learner could read: {found}; move it to the lesson's content "
        "(content/en/lesson.toml) and read it with hemaedu.lessons.content.text()"
    )


def test_ast_scan_catches_a_sentence_but_not_docstrings_or_errors(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""A docstring with many words in it."""\n'
        "def f():\n"
        '    """Another docstring with many words."""\n'
        '    raise ValueError("a developer message with many words")\n'
        'LABEL = "Platelets fall below the cut-off"\n'
        'CSS = "<div class=\\"x\\">"\n',
        encoding="utf-8",
    )
    assert [s for _, s in _learner_visible_literals(module)] == ["Platelets fall below the cut-off"]


def test_no_prose_sentence_in_the_lesson_layer() -> None:
    found = {str(p.relative_to(ROOT)): count_prose.prose(p) for p in LESSON_PYTHON}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_no_lesson_module_over_400_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in LESSON_LAYER.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, f"split these modules (model / apps / render): {long}"


# --------------------------------------------------------------------------- notebook headers


def test_registry_lists_exactly_the_notebooks() -> None:
    on_disk = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [lesson.notebook for lesson in LESSONS] == on_disk


def _header(lesson: Lesson) -> str:
    cells = json.loads((ROOT / "notebooks" / lesson.notebook).read_text(encoding="utf-8"))["cells"]
    return "".join(cells[0]["source"])


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_notebook_header_agrees_with_the_registry(lesson: Lesson) -> None:
    header = _header(lesson)
    assert header.splitlines()[0] == f"# {content.get(lesson.package, 'heading')}"
    minutes = re.search(r"estimated time:\s*(\d+)\s*min", header, re.I)
    assert minutes and int(minutes.group(1)) == lesson.minutes, (
        f"{lesson.notebook} says {minutes and minutes.group(1)} min, registry.toml {lesson.minutes}"
    )
    bullets = [line[2:].strip() for line in header.splitlines() if line.startswith("- ")]
    assert bullets == list(lesson.objectives), f"{lesson.notebook}: objectives differ from lesson.toml"
    assert lesson.title and lesson.description


def test_readme_lesson_table_is_generated_from_the_registry() -> None:
    import lesson_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == lesson_table.with_table(readme), "run: python tools/lesson_table.py"
    for lesson in LESSONS:
        assert f"(notebooks/{lesson.notebook})" in readme and f"| {lesson.minutes} min |" in readme


def test_scaffold_creates_a_lesson_that_runs(tmp_path: Path) -> None:
    """``python -m hemaedu.lessons.scaffold NN slug`` gives a lesson that loads, draws and checks
    answers, asks its pre/post questions, and has an instructor edition (``make instructor``)."""
    import shutil
    import subprocess

    from hemaedu.lessons.scaffold import scaffold

    shutil.copytree(ROOT / "hemaedu", tmp_path / "hemaedu", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "instructor_edition.py", tmp_path / "tools")
    number = f"{int(LESSONS[-1].number) + 1:02d}"
    written = scaffold(number, "practice_lesson", root=tmp_path)
    content = tmp_path / "hemaedu" / "lessons" / "practice_lesson" / "content" / "en"
    assert {tmp_path / "notebooks" / f"{number}_practice_lesson.ipynb", content / "prepost.toml",
            content / "instructor.toml"} <= set(written)
    probe = (
        "from hemaedu.lessons import LESSONS, lesson\n"
        f"item = lesson('{number}')\n"
        "app = item.app()\n"
        "before = app.summary_text()\n"
        "app.controls[app.main_control].value = 3.0\n"
        "assert app.summary_text() != before and app.trace('result').x == (6.0,)\n"
        "import hemaedu.lessons.practice_lesson as pl\n"
        "check = pl.self_checks()[0]\n"
        "assert check.answer(check.options[0].text)\n"
        # The pre/post questions: asked without a verdict, then again with one, the two scores compared.
        "pre, post = pl.pre_check(), pl.post_check()\n"
        "assert pre.kind == 'pre' and post.kind == 'post' and post.before is pre and 3 <= len(pre) <= 4\n"
        "rights = [next(o for o in c.options if o.correct) for c in pre]\n"
        "assert len({c.options.index(o) for c, o in zip(pre, rights)}) > 1  # the right place varies\n"
        "for c, o in zip(pre, rights): c.answer(o.text)\n"
        "assert all(c.answer(o.text) is True for c, o in zip(post, rights))\n"
        # The instructor edition: the tool's own checks (a 50-minute plan whose sections are headings
        # of the notebook, an answer for every Try-this item) and nothing of it in the student files.
        "import instructor_edition as edition\n"
        "notes = edition.notes(item)\n"
        "assert sum(edition.minutes(s) for s in notes['section']) == 50 and 2 <= len(notes['misconception']) <= 3\n"
        "nb = edition.build_notebook(item)\n"
        "callouts = [c for c in nb.cells if edition.TAG in c.metadata.get('tags', [])]\n"
        "shown = ' '.join(c.source for c in callouts)\n"
        "assert all(o.why in shown for c in post for o in c.options)\n"
        "assert notes['try_this'][0]['answer'] in shown and notes['misconception'][1]['exposed_by'] in shown\n"
        "assert edition.leaks(edition.student_files()) == {}\n"
        "print(item.title, item.minutes, item.css_class, len(callouts))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": f"{tmp_path}:{tmp_path / 'tools'}", "PATH": "/usr/bin:/bin",
                                 "HOME": str(tmp_path)},
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    # Callouts: the class plan, the Try-this answers, three section timings (the opening has none),
    # two misconceptions, the pre/post advice and the two answer keys.
    assert result.stdout.split() == ["Practice", "lesson", "20", "hemaedu-app-practice_lesson", "10"]


def test_every_source_reads_as_a_short_author_and_year_citation() -> None:
    # Before: "Scheinberg and et 2009", "Fourth National Conference on Aplastic Anemia (China
    # and 1987): 1987" and whole paper titles reached the learner's running text.
    from hemaedu import data
    from hemaedu.lessons.content import cite

    for ref in data.records("references"):
        short = cite(ref["source_id"])
        # No brackets: the running text puts a citation in brackets ("(UK transfusion guidelines
        # (JPAC) gives ...)" read as a bracket inside a bracket).
        assert " and et" not in short and not set("()[]") & set(short), (ref["source_id"], short)
        assert len(short) <= 45, (ref["source_id"], short)
        if ref.get("year") and not ref.get("short_citation"):
            assert short.endswith(str(ref["year"])), (ref["source_id"], short)
        if ref.get("year"):  # once: "Front Pharmacol 2020 2020" reached lesson 01's hover texts
            assert short.count(str(ref["year"])) == 1, (ref["source_id"], short)
    assert cite("scheinberg2009") == "Scheinberg et al. 2009"
    assert cite("maluf2002") == "Maluf et al. 2002"  # four initials ("Maluf EMCP") are initials too
