"""Load a lesson's content: texts, Markdown narratives and self-check questions, per language.

Everything a learner reads lives in content files, never in Python, so a teacher rewords a
question or translates a lesson by editing files (see CONTRIBUTING.md):

* ``hemaedu/lessons/<package>/content/<lang>/lesson.toml``: titles, labels, help texts,
  legend and axis titles, summary templates (``str.format`` fields), preset labels.
* ``hemaedu/lessons/<package>/content/<lang>/questions.toml``: self-check questions.
* ``hemaedu/lessons/<package>/content/<lang>/<name>.md``: narrative blocks.
* ``hemaedu/lessons/content/<lang>/<name>.toml``: content shared by every lesson
  (``common``: buttons, verdicts, headings; ``measures``: labels and help of the measures).
  ``text("common", key)`` and ``text("measures", key)`` read these.

The format is TOML and Markdown, read with the standard library only (``tomllib``), because the
lesson runtime must stay light enough for a browser kernel.

Numbers enter prose only through placeholders in double braces, resolved from ``data/`` when the
text is rendered (in Markdown files and in question texts)::

    {{threshold:camitta_anc}}                      "ANC < 0.5 ×10⁹/L"
    {{threshold_value:camitta_anc}}                "0.5 ×10⁹/L"
    {{field:incidence:sweden:rate_per_million}}    a table row's field, formatted
    {{cite:killick2016}}                           "Killick et al. 2016"
    {{hook:group_low:europe}}                      a function of the lesson's model (``HOOKS``),
                                                   with optional arguments after the name

An unknown placeholder raises ``ValueError`` naming the file and the placeholder.

The language is ``HEMAEDU_LANG`` (default ``"en"``); a file missing in that language falls back
to English, so a translation can be added one file at a time.

>>> text("common", "check_answer")
'Check answer'
>>> render("{{threshold:camitta_platelets}}", where="example") == format_threshold("camitta_platelets")
True
>>> render("{{nonsense:x}}", where="example.md")
Traceback (most recent call last):
...
ValueError: example.md: unknown placeholder {{nonsense:x}}; use threshold, threshold_value, field, cite or hook
"""

from __future__ import annotations

import importlib
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from .. import data
from .format import format_field, format_threshold, format_threshold_value

__all__ = [
    "DEFAULT_LANGUAGE",
    "Option",
    "Question",
    "cited_sources",
    "content_files",
    "get",
    "hooks",
    "language",
    "markdown",
    "questions",
    "render",
    "text",
    "texts",
]

DEFAULT_LANGUAGE = "en"
#: Names of the shared content files (``hemaedu/lessons/content/<lang>/<name>.toml``).
SHARED = ("common", "measures", "navigation")

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def language() -> str:
    """The language learners read: the ``HEMAEDU_LANG`` environment variable, default ``"en"``."""
    return os.environ.get("HEMAEDU_LANG", "").strip() or DEFAULT_LANGUAGE


# --------------------------------------------------------------------------- files


def _root() -> Traversable:
    return resources.files("hemaedu.lessons")


def _content_dir(package: str, lang: str) -> Traversable:
    if package in SHARED:
        return _root() / "content" / lang
    return _root() / package / "content" / lang


def content_file(package: str, name: str, lang: str | None = None) -> Traversable:
    """The file ``name`` of ``package``'s content in ``lang``, falling back to English."""
    lang = lang or language()
    for candidate in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        path = _content_dir(package, candidate) / name
        if path.is_file():
            return path
    raise ValueError(
        f"lesson content {package}/content/{lang}/{name} does not exist; "
        f"create it (see CONTRIBUTING.md) or check the package name {package!r}"
    )


def content_files(package: str, lang: str = DEFAULT_LANGUAGE) -> list[Traversable]:
    """Every content file of ``package`` in ``lang`` (for tests and tools)."""
    folder = _content_dir(package, lang)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.name.endswith((".toml", ".md"))), key=lambda p: p.name)


@cache
def _toml(package: str, name: str, lang: str) -> dict[str, Any]:
    path = content_file(package, name, lang)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{_shown(package, name, lang)} is not valid TOML: {exc}") from None


def _shown(package: str, name: str, lang: str) -> str:
    base = "hemaedu/lessons/content" if package in SHARED else f"hemaedu/lessons/{package}/content"
    return f"{base}/{lang}/{name}"


def _table_name(package: str) -> str:
    return f"{package}.toml" if package in SHARED else "lesson.toml"


# --------------------------------------------------------------------------- texts


def get(package: str, key: str) -> Any:
    """The raw value at dotted ``key`` of ``package``'s ``lesson.toml`` (or a shared file).

    Use it for lists and tables of texts (e.g. objectives, a preset's label and hint).
    """
    lang = language()
    name = _table_name(package)
    node: Any = _toml(package, name, lang)
    for i, part in enumerate(key.split(".")):
        if not isinstance(node, Mapping) or part not in node:
            where = ".".join(key.split(".")[: i + 1])
            raise ValueError(f"{_shown(package, name, lang)} has no key {where!r} (looked up {key!r})")
        node = node[part]
    return node


def text(package: str, key: str, /, **fields: Any) -> str:
    """The text at dotted ``key``, with its ``{field}`` slots filled from ``fields``.

    Placeholders in double braces are resolved from ``data/`` as in Markdown files.
    """
    template = get(package, key)
    if not isinstance(template, str):
        raise ValueError(f"{package}: key {key!r} holds a {type(template).__name__}, not a text")
    where = f"{_shown(package, _table_name(package), language())} [{key}]"
    resolved = render(template, where=where, package=package) if "{{" in template else template
    if not fields:
        return resolved
    try:
        return resolved.format(**fields)
    except (KeyError, IndexError) as exc:
        raise ValueError(f"{where}: the template needs the field {exc}; pass it to text()") from None


def texts(package: str) -> Callable[..., str]:
    """:func:`text` bound to ``package``: a lesson's ``t(key, **fields)``.

    >>> t = texts("common")
    >>> t("check_answer")
    'Check answer'
    """

    def t(key: str, /, **fields: Any) -> str:
        """A text of this lesson's content, its ``{field}`` slots filled from ``fields``."""
        return text(package, key, **fields)

    return t


def markdown(package: str, name: str) -> str:
    """The Markdown file ``<name>.md`` of ``package``, with every placeholder resolved from data/."""
    filename = name if name.endswith(".md") else f"{name}.md"
    path = content_file(package, filename)
    source = path.read_text(encoding="utf-8").strip()
    return render(source, where=_shown(package, filename, language()), package=package)


# --------------------------------------------------------------------------- placeholders


def hooks(package: str | None) -> Mapping[str, Callable[[], Any]]:
    """The named functions a lesson's content may call: ``HOOKS`` of ``hemaedu.lessons.<package>.model``."""
    if not package or package in SHARED:
        return {}
    try:
        module = importlib.import_module(f"hemaedu.lessons.{package}.model")
    except ModuleNotFoundError as exc:
        if exc.name != f"hemaedu.lessons.{package}.model":
            raise
        return {}
    return getattr(module, "HOOKS", {})


def cite(source_id: str) -> str:
    """A source as author and year ("Killick et al. 2016"), from the ``references`` table.

    The table's ``short_citation`` names a source whose first author and year do not
    (an organisation, a study group, a paper cited by its title).

    >>> cite("killick2016")
    'Killick et al. 2016'
    >>> cite("iaaas1987")
    'IAAAS 1987'
    """
    ref = data.row("references", source_id)
    if ref.get("short_citation"):
        return str(ref["short_citation"])
    citation = str(ref["citation"])
    head = re.split(r"[.;]", citation, maxsplit=1)[0]
    authors = [a.strip() for a in head.split(",") if a.strip()]
    first = authors[0] if authors else citation
    parts = first.split()
    # "Killick SB" -> "Killick", "Maluf EMCP" -> "Maluf"; an organisation ("World Health Organization") stays whole.
    if len(parts) > 1 and parts[-1].isupper() and len(parts[-1]) <= 4:
        first = " ".join(parts[:-1])
    # "Scheinberg P, et al." lists one author and "et al" (not a second author).
    many = len(authors) > 2 or (len(authors) == 2 and authors[1].lower().startswith("et al"))
    etal = " et al." if many else (f" and {authors[1].split()[0]}" if len(authors) == 2 else "")
    year = ref.get("year")
    return f"{first}{etal} {year}" if year else f"{first}{etal}"


def _resolve(token: str, where: str, package: str | None) -> str:
    kind, _, rest = token.partition(":")
    args = rest.split(":") if rest else []
    try:
        if kind == "threshold" and len(args) == 1:
            return format_threshold(args[0])
        if kind == "threshold_value" and len(args) == 1:
            return format_threshold_value(args[0])
        if kind == "field" and len(args) == 3:
            table, key, column = args
            row = data.row(table, key)
            if column not in row:
                raise ValueError(f"table {table!r} has no column {column!r}")
            return format_field(row[column])
        if kind == "cite" and len(args) == 1:
            return cite(args[0])
        if kind == "hook" and len(args) >= 1:
            available = hooks(package)
            if args[0] not in available:
                raise ValueError(
                    f"no hook {args[0]!r} in hemaedu.lessons.{package}.model.HOOKS "
                    f"(has: {', '.join(sorted(available)) or 'none'})"
                )
            try:
                return str(available[args[0]](*args[1:]))
            except TypeError as exc:
                raise ValueError(f"hook {args[0]!r} does not take {len(args) - 1} argument(s): {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{where}: placeholder {{{{{token}}}}} does not resolve: {exc}") from None
    raise ValueError(
        f"{where}: unknown placeholder {{{{{token}}}}}; use threshold, threshold_value, field, cite or hook"
    )


def render(template: str, *, where: str, package: str | None = None) -> str:
    """Replace every ``{{...}}`` placeholder of ``template``; ``where`` names the file in errors."""
    return _PLACEHOLDER.sub(lambda m: _resolve(m.group(1), where, package), template)


def cited_sources(package: str) -> list[str]:
    """The sources ``package``'s narratives cite with ``{{cite:...}}``, in order (they belong in its references).

    >>> "killick2016" in cited_sources("pancytopenia")
    True
    """
    return [m.group(1).removeprefix("cite:") for path in content_files(package) if path.name.endswith(".md")
            for m in _PLACEHOLDER.finditer(path.read_text(encoding="utf-8")) if m.group(1).startswith("cite:")]


# --------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class Option:
    """One answer of a self-check question, with why it is right or wrong."""

    text: str
    correct: bool
    why: str
    value: str | None = None

    @property
    def label(self) -> str:
        """The option's text (the name the old ``hemaedu.widgets.Option`` used)."""
        return self.text


@dataclass(frozen=True)
class Question:
    """A self-check question: its id, the prompt and the options (exactly one correct)."""

    id: str
    prompt: str
    options: tuple[Option, ...]

    @property
    def answer(self) -> Option:
        """The correct option."""
        return next(o for o in self.options if o.correct)


def _question(raw: Mapping[str, Any], where: str, package: str) -> Question:
    qid = raw.get("id")
    if not isinstance(qid, str) or not qid:
        raise ValueError(f"{where}: a [[question]] has no id; give each question a unique id")
    here = f"{where} question {qid!r}"
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise ValueError(f"{here}: the prompt is missing")
    options_raw = raw.get("option") or []
    if len(options_raw) < 2:
        raise ValueError(f"{here}: needs at least two [[question.option]] entries")
    hook_name = raw.get("answer_hook")
    right_value: Any = None
    if hook_name is not None:
        available = hooks(package)
        if hook_name not in available:
            raise ValueError(f"{here}: answer_hook {hook_name!r} is not in hemaedu.lessons.{package}.model.HOOKS")
        right_value = available[hook_name]()
    options = []
    for n, opt in enumerate(options_raw, start=1):
        at = f"{here}, option {n}"
        for field in ("text", "why"):
            if not isinstance(opt.get(field), str) or not opt[field].strip():
                raise ValueError(f"{at}: the field {field!r} is missing; every option explains itself")
        if hook_name is not None:
            if "value" not in opt:
                raise ValueError(f"{at}: a rule-graded question needs a 'value' on every option")
            if "correct" in opt:
                raise ValueError(f"{at}: give either answer_hook on the question or 'correct' on options, not both")
            correct = str(opt["value"]) == str(right_value)
        else:
            if not isinstance(opt.get("correct"), bool):
                raise ValueError(f"{at}: 'correct' must be true or false")
            correct = opt["correct"]
        options.append(Option(
            text=render(opt["text"], where=at, package=package),
            correct=correct,
            why=render(opt["why"], where=at, package=package),
            value=None if opt.get("value") is None else str(opt["value"]),
        ))
    n_right = sum(o.correct for o in options)
    if n_right != 1:
        raise ValueError(f"{here}: needs exactly one correct option, has {n_right}"
                         + (f" (the hook {hook_name!r} returned {right_value!r})" if hook_name else ""))
    return Question(id=qid, prompt=render(prompt, where=here, package=package), options=tuple(options))


def questions(package: str, name: str = "questions.toml") -> tuple[Question, ...]:
    """The self-check questions of ``package`` (``questions.toml``), validated and rendered.

    ``name`` reads another question file of the same format: ``prepost.toml`` holds the
    questions a lesson asks before it starts and again at its end.

    Raises ``ValueError`` naming the file and the question id when a question has no or two
    correct options, an option without ``why``, or an unknown ``answer_hook``.
    """
    lang = language()
    where = _shown(package, name, lang)
    raw = _toml(package, name, lang).get("question", [])
    seen: set[str] = set()
    out = []
    for item in raw:
        q = _question(item, where, package)
        if q.id in seen:
            raise ValueError(f"{where}: question id {q.id!r} appears twice")
        seen.add(q.id)
        out.append(q)
    return tuple(out)
