"""Printable handouts: one HTML page per lesson, ready for Chromium to print to PDF.

A handout holds what a student needs on paper: the lesson's title and safety statement, its
objectives, every figure of its apps in the starting state (what :class:`~hemaedu.lessons._app.App`
computes before a control moves) with a caption, the key definitions and thresholds (the
lesson's Markdown blocks and a table of every cut-off its content cites, all rendered from
``data/``), the self-check questions with their options and lines to write on, and the references.
It never holds an answer: no option is marked, no ``why`` text is used, and the instructor
notes are not read.

This module only renders HTML (no browser); ``tools/handouts.py`` (``make handouts``) gathers
what lives in the notebooks (safety statement, reference list) and prints with Chromium. The
strings come from ``content/<lang>/handout.toml``; the page skeleton and print stylesheet from
``_handout/``. Markdown is rendered with ``mistune`` (installed with the ``lab`` extra, through
nbconvert), imported only when a handout is built.

>>> from hemaedu.lessons import lesson
>>> "camitta_anc" in cited_thresholds(lesson("01"))
True
>>> print_height(1300), print_height(None)
(1150, 450)
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from string import Template
from typing import Any

from .. import data, thresholds
from . import Lesson
from .content import cite, content_file, content_files, language, markdown, questions, text
from .tables import lesson_table

__all__ = ["HandoutFigure", "cited_thresholds", "for_print", "handout_html", "print_height", "starting_figures"]

#: Figures are drawn DRAW_WIDTH_PX wide (about a laptop's notebook column, the width their layout
#: was designed for) and printed PRINT_WIDTH_PX wide: the text width of A4 with 15 mm margins
#: (180 mm at 96 px per inch), which also fits US Letter. The drawing is vector, so it stays sharp.
DRAW_WIDTH_PX = 1000
PRINT_WIDTH_PX = 680
PRINT_SCALE = PRINT_WIDTH_PX / DRAW_WIDTH_PX
#: The tallest figure drawn (printed at PRINT_SCALE: about 20 cm), so it fits on a US Letter page
#: with its caption; a taller one is squeezed.
MAX_HEIGHT_PX = 1150
DEFAULT_HEIGHT_PX = 450

#: Line styles and marker symbols given in turn to a figure's traces, so that two lines or point
#: series differ in black and white as well as in colour; fill patterns do the same for bars.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down")
PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")

_THRESHOLD = re.compile(r"\{\{\s*threshold(?:_value)?:(\w+)\s*\}\}")
_ASSETS = resources.files("hemaedu.lessons") / "_handout"


def _strings() -> dict[str, Any]:
    return tomllib.loads(content_file("common", "handout.toml").read_text(encoding="utf-8"))


def _t(key: str, **fields: Any) -> str:
    value = _strings()[key]
    return str(value).format(**fields) if fields else str(value)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _md(source: str, *, demote: int = 0) -> str:
    """Markdown to HTML; headings moved ``demote`` levels down (a block's ``##`` sits under the handout's h2)."""
    import mistune

    rendered = str(mistune.html(source))
    if demote:
        rendered = re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{min(6, int(m[2]) + demote)}>", rendered)
    return rendered


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class HandoutFigure:
    """One figure of a lesson app in its starting state, restyled for print."""

    app: str
    title: str
    summary: str
    figure: dict[str, Any]


def print_height(height: float | None) -> int:
    """The printed height in CSS pixels of a figure drawn ``height`` pixels tall (``None``: plotly's default)."""
    return int(min(height or DEFAULT_HEIGHT_PX, MAX_HEIGHT_PX))


def _print_template() -> Any:
    import plotly.graph_objects as go
    import plotly.io as pio

    template = go.layout.Template(pio.templates["plotly_white"])
    axis = {"gridcolor": "#c8c8c8", "linecolor": "#000000", "showline": True, "ticks": "outside",
            "tickcolor": "#000000", "zerolinecolor": "#808080"}
    template.layout.update(font={"color": "#000000"}, paper_bgcolor="#ffffff",
                           plot_bgcolor="#ffffff", xaxis=axis, yaxis=axis)
    return template


def _distinguish(traces: Sequence[Any]) -> None:
    """Give traces drawn on the same axes their own dash, symbol or pattern where none is set.

    Only traces sharing a plot are compared: one bar per small multiple needs no pattern, and a
    pattern there would suggest a meaning it does not have.
    """
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for trace in traces:
        if trace.type not in ("scatter", "bar"):
            continue
        axes = (trace.xaxis or "x", trace.yaxis or "y")
        mode = (trace.mode or "lines") if trace.type == "scatter" else ""
        for kind in ("lines", "markers") if trace.type == "scatter" else ("bar",):
            if kind == "bar" or kind in mode:
                groups.setdefault((kind, *axes), []).append(trace)
    for (kind, _, _), members in groups.items():
        if len(members) < 2:
            continue
        for n, trace in enumerate(members):
            if kind == "lines" and trace.line.dash is None:
                trace.line.dash = DASHES[n % len(DASHES)]
            elif kind == "markers" and trace.marker.symbol is None:
                trace.marker.symbol = SYMBOLS[n % len(SYMBOLS)]
            elif kind == "bar" and trace.marker.pattern.shape is None:
                trace.marker.pattern.shape = PATTERNS[n % len(PATTERNS)]


def for_print(figure: Any) -> tuple[str, str]:
    """``(title, plotly JSON)``: ``figure``'s title, for the caption, and a copy for paper without it.

    The copy has the print template, the print size, and a line style, marker symbol or fill
    pattern per trace wherever more than one trace of a kind leaves it unset, so no series is told
    apart by colour alone.
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    fig = go.Figure(figure.to_dict())
    title = re.sub(r"<[^>]+>", " ", fig.layout.title.text or "")
    title = re.sub(r"\s+", " ", title).strip()
    margin_top = 30 if title else None
    fig.update_layout(template=_print_template(), title_text="", width=DRAW_WIDTH_PX, font_color="#000000",
                      height=print_height(fig.layout.height), autosize=False)
    if margin_top is not None and fig.layout.margin.t is not None and fig.layout.margin.t > margin_top:
        fig.update_layout(margin_t=margin_top)
    _distinguish(fig.data)
    return title, pio.to_json(fig, validate=False, pretty=False)


def starting_figures(lesson: Lesson) -> list[HandoutFigure]:
    """Every figure of every app of ``lesson`` (registry order), as the app first draws it."""
    import json

    out = []
    for app_id in lesson.apps:
        app = lesson.app(app_id)
        summary = app.summary_text()
        for figure in app.figures.values():
            title, spec = for_print(figure)
            out.append(HandoutFigure(app=app_id, title=title, summary=summary, figure=json.loads(spec)))
    return out


# --------------------------------------------------------------------------- definitions


def _student_sources(lesson: Lesson) -> Iterable[str]:
    """The texts of the lesson's student content that may cite a threshold: ``lesson.toml``, the
    Markdown blocks and the question prompts (never an option's ``why``, never instructor notes)."""
    for path in content_files(lesson.package, language()):
        if path.name == "lesson.toml" or path.name.endswith(".md"):
            yield path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(content_file(lesson.package, "questions.toml").read_text(encoding="utf-8"))
    except ValueError:  # a lesson without self-checks
        return
    yield from (str(q.get("prompt", "")) for q in raw.get("question", []))


def cited_thresholds(lesson: Lesson) -> list[str]:
    """The ids of every threshold the lesson's student content cites, in the thresholds table's order."""
    cited = {m[1] for text in _student_sources(lesson) for m in _THRESHOLD.finditer(text)}
    return [tid for tid in thresholds.ids() if tid in cited]


def _applies_to(threshold_id: str) -> str:
    row = data.row("thresholds", threshold_id)
    parts = [str(row.get(k) or "").strip() for k in ("sex", "age_group")]
    return ", ".join(dict.fromkeys(p for p in parts if p)) or "–"


def thresholds_table(ids: Sequence[str]) -> str:
    """An HTML table of the cut-offs ``ids``, every number and source from the thresholds table."""
    if not ids:
        return ""
    rows = []
    for tid in ids:
        row = thresholds.get(tid)
        # Labels from the shared measures content: not every measure has a slider grid.
        label, short = text("measures", f"{row.measure}.label"), text("measures", f"{row.measure}.short")
        rows.append((label, thresholds.format(tid, label=short), _applies_to(tid), row.scheme, cite(row.source_id)))
    # On paper the table is printed whole: no scroll box, no keyboard to scroll it.
    return lesson_table(_t("thresholds_caption"), _strings()["thresholds_header"], rows, table_class="thresholds",
                        table_style=None, scroll=False)


def markdown_blocks(lesson: Lesson, order: Sequence[str] = ()) -> list[str]:
    """The names of the lesson's Markdown blocks: those in ``order`` first, in that order, then the rest."""
    names = [p.name.removesuffix(".md") for p in content_files(lesson.package, language()) if p.name.endswith(".md")]
    return [n for n in order if n in names] + sorted(n for n in names if n not in order)


# --------------------------------------------------------------------------- page


def _questions_html(lesson: Lesson, writing_lines: int) -> str:
    parts = []
    for n, q in enumerate(questions(lesson.package), start=1):
        # Options in their authored order, none marked: the handout carries no answer.
        options = "".join(f'<li><span class="box"></span>{_e(o.text)}</li>' for o in q.options)
        lines = '<div class="line"></div>' * writing_lines
        parts.append(
            f'<section class="question"><h3>{_e(_t("question_label", n=n))}</h3>'
            f'<p class="prompt">{_e(q.prompt)}</p><ul class="options">{options}</ul>'
            f'<p class="write-label">{_e(_t("reasoning_label"))}</p>{lines}</section>'
        )
    return "".join(parts)


def _figures_html(figures: Sequence[HandoutFigure]) -> str:
    parts = []
    for n, fig in enumerate(figures, start=1):
        caption = f'<span class="caption-label">{_e(_t("figure_label", n=n))} {_e(fig.title)}.</span> '
        caption += _e(_t("figure_start", summary=fig.summary))
        plot = f'<div class="plot" id="figure-{n}" style="width:{DRAW_WIDTH_PX}px;zoom:{PRINT_SCALE:.4f}"></div>'
        parts.append(f"<figure>{plot}<figcaption>{caption}</figcaption></figure>")
    return "".join(parts)


def footer_text(lesson: Lesson) -> str:
    """The line printed at the foot of every page (before the page number)."""
    return _t("footer", heading=_t("heading", number=lesson.number, title=lesson.title))


def handout_html(lesson: Lesson, *, safety_markdown: str, references_markdown: str, plotly_src: str,
                 block_order: Sequence[str] = (), writing_lines: int = 3) -> str:
    """The handout of ``lesson`` as one HTML page.

    ``safety_markdown`` is the lesson's safety statement and ``references_markdown`` its reference
    list (both as the notebook shows them); ``plotly_src`` is where the page loads plotly.js from
    (a local file: the page must print offline); ``block_order`` orders the Markdown blocks.
    """
    import json

    if not safety_markdown.strip():
        raise ValueError(f"lesson {lesson.name}: the handout needs the lesson's safety statement")
    figures = starting_figures(lesson)
    objectives = "".join(f"<li>{_e(o)}</li>" for o in lesson.objectives)
    blocks = "".join(f'<div class="block">{_md(markdown(lesson.package, name), demote=2)}</div>'
                     for name in markdown_blocks(lesson, block_order))
    table = thresholds_table(cited_thresholds(lesson))
    sections = [
        f"<header><h1>{_e(_t('heading', number=lesson.number, title=lesson.title))}</h1>",
        f'<p class="subtitle">{_e(_t("subtitle"))} · {_e(_t("time_line", minutes=lesson.minutes))}</p>',
        f'<div class="student"><span>{_e(_t("name_line"))}:</span><span>{_e(_t("date_line"))}:</span></div>',
        f'<div class="safety">{_md(safety_markdown)}</div></header>',
        f"<section><h2>{_e(_t('objectives_heading'))}</h2><ul>{objectives}</ul></section>",
    ]
    if figures:
        sections.append(f"<section><h2>{_e(_t('figures_heading'))}</h2><p>{_e(_t('figures_note'))}</p>"
                        f"{_figures_html(figures)}</section>")
    if blocks or table:
        sections.append(f"<section><h2>{_e(_t('definitions_heading'))}</h2>{blocks}{table}</section>")
    sections.append(f"<section><h2>{_e(_t('questions_heading'))}</h2><p>{_e(_t('questions_note'))}</p>"
                    f"{_questions_html(lesson, writing_lines)}</section>")
    sections.append(f'<section class="references"><h2>{_e(_t("references_heading"))}</h2>'
                    f"{_md(references_markdown)}</section>")
    specs = [{"id": f"figure-{n}", "figure": f.figure} for n, f in enumerate(figures, start=1)]
    page = Template((_ASSETS / "page.html").read_text(encoding="utf-8"))
    return page.substitute(
        lang=_e(language()), title=_e(_t("document_title", number=lesson.number, title=lesson.title)),
        css=(_ASSETS / "print.css").read_text(encoding="utf-8"), plotly_src=_e(plotly_src),
        body="\n".join(sections),
        figures_json=json.dumps(specs, separators=(",", ":")).replace("</", "<\\/"),
    )
