"""Lesson 02 apps: the causes explorer and the pancytopenia differential.

Teaching material, not a clinical tool. Every cause, mechanism, cut-off and
figure shown here is read from the ``causes``, ``differential``, ``thresholds``
and ``ist_response`` tables.

* :func:`causes_explorer` returns a :class:`CausesApp`: a sunburst of causes
  (cytopenia -> origin -> group -> cause) filtered by what the cause produces
  and by mechanism, with a table of the selected causes.
* :func:`differential_explorer` returns a :class:`DifferentialApp`: a marrow
  cellularity slider that classifies the marrow with the BSH/Camitta cut-offs
  and sorts the look-alikes of aplastic anemia into "fits" and "less likely".
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import _thresholds
from ..controls import Choice, Slider
from ..data import load
from ..figures import PALETTE, SEQUENCE, make_figure  # noqa: F401  (make_figure re-used by tests)
from ..figures.causes import (
    CONSISTENT_STYLE,
    LESS_LIKELY_STYLE,
    make_causes_sunburst,
    make_differential_chart,
)
from . import LessonApp, Option, SelfCheck

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CausesApp",
    "CausesView",
    "DifferentialApp",
    "DifferentialView",
    "blast_threshold_text",
    "cause_counts",
    "causes_explorer",
    "cellularity_band",
    "compute_causes",
    "compute_differential",
    "differential_explorer",
    "immune_evidence",
    "lesson_sources",
    "self_checks",
]

ANY = "any"
ALL = "all"
#: Illustrative default for the cellularity slider (a markedly empty marrow).
DEFAULT_CELLULARITY = 15.0

# Mechanism colours: aplastic-anemia pathogenesis classes first (the lesson's
# focus), then the broad classes used for leukopenia and thrombocytopenia.
_MECHANISM_ORDER = (
    "immune attack",
    "stem-cell defect",
    "marrow microenvironment",
    "direct marrow toxicity",
    "decreased production",
    "increased destruction or consumption",
    "sequestration or redistribution",
)
_INNER_COLOURS = ("#FFFFFF", "#D9D9D9", "#E8E8E8", "#F4F4F4")


def _text(value: Any) -> str:
    """A table cell as text; missing cells become ''."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN
            return ""
    except TypeError:  # pandas.NA
        return ""
    return str(value)


def _split(value: Any) -> list[str]:
    return [p.strip() for p in _text(value).split(";") if p.strip()]


def mechanism_of(row: dict[str, Any]) -> str:
    """The mechanism a cause is coloured by: its pathogenesis for aplastic anemia, else its class.

    >>> mechanism_of({"pathogenesis": "immune attack", "mechanism_class": "decreased production"})
    'immune attack'
    >>> mechanism_of({"pathogenesis": None, "mechanism_class": "sequestration or redistribution"})
    'sequestration or redistribution'
    """
    return _text(row.get("pathogenesis")) or _text(row["mechanism_class"])


def mechanism_colours(mechanisms: list[str] | None = None) -> dict[str, str]:
    """Okabe-Ito colour of each mechanism (known ones in a fixed order, new ones after)."""
    names = list(_MECHANISM_ORDER)
    for m in mechanisms or []:
        if m not in names:
            names.append(m)
    return {m: SEQUENCE[i % len(SEQUENCE)] for i, m in enumerate(names)}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if _text(v) == "" else v) for k, v in row.items()} for row in frame.to_dict("records")]


# ----------------------------------------------------------------------------- causes


def mechanism_options(causes: pd.DataFrame | None = None) -> list[tuple[str, Any]]:
    """Choices of the mechanism filter: any, the three broad classes, then the pathogenesis classes.

    >>> [label for label, _ in mechanism_options()][:2]
    ['Any mechanism', 'decreased production']
    """
    causes = load("causes") if causes is None else causes
    options: list[tuple[str, Any]] = [("Any mechanism", ANY)]
    for m in dict.fromkeys(causes["mechanism_class"].dropna()):
        options.append((str(m), ("mechanism_class", str(m))))
    for p in [p for p in _MECHANISM_ORDER if p in set(causes["pathogenesis"].dropna())]:
        options.append((f"Aplastic anemia: {p}", ("pathogenesis", p)))
    return options


@dataclass
class CausesView:
    """What the causes explorer shows for one filter setting."""

    rows: list[dict[str, Any]]
    tree: dict[str, list[Any]]
    summary: str
    counts: dict[str, int] = field(default_factory=dict)


def _matches(row: dict[str, Any], affects: str, mechanism: Any) -> bool:
    if affects != ALL and affects not in _split(row["affects"]):
        return False
    if mechanism != ANY:
        column, value = mechanism
        if _text(row.get(column)) != value:
            return False
    return True


def _filter_words(affects: str, mechanism: Any) -> str:
    what = "all cytopenias" if affects == ALL else affects
    how = "" if mechanism == ANY else f" with mechanism '{mechanism[1]}'"
    return f"{what}{how}"


def compute_causes(affects: str = ALL, mechanism: Any = ANY, causes: pd.DataFrame | None = None) -> CausesView:
    """Filter the causes table and build the sunburst tree, the table rows and a summary.

    ``affects`` is ``"all"`` or a value of the ``affects`` column; ``mechanism``
    is ``"any"`` or a ``(column, value)`` pair from :func:`mechanism_options`.

    >>> view = compute_causes("aplastic anemia")
    >>> view.counts["immune attack"] > view.counts["stem-cell defect"]
    True
    >>> compute_causes("leukopenia", ("pathogenesis", "immune attack")).rows
    []
    """
    causes = load("causes") if causes is None else causes
    valid_affects = {a for v in causes["affects"] for a in _split(v)}
    if affects != ALL and affects not in valid_affects:
        raise ValueError(f"affects must be 'all' or one of {sorted(valid_affects)}, got {affects!r}")
    if mechanism != ANY and (not isinstance(mechanism, tuple) or len(mechanism) != 2
                             or mechanism[0] not in ("mechanism_class", "pathogenesis")):
        raise ValueError(f"mechanism must be 'any' or a (column, value) pair from mechanism_options(), got {mechanism!r}")
    rows = [r for r in _records(causes) if _matches(r, affects, mechanism)]
    colours = mechanism_colours([mechanism_of(r) for r in rows])
    counts = Counter(mechanism_of(r) for r in rows)

    ids, labels, parents, values, node_colours, hover = [], [], [], [], [], []

    def add(node_id: str, label: str, parent: str, value: int, colour: str, text: str) -> None:
        ids.append(node_id)
        labels.append(label)
        parents.append(parent)
        values.append(value)
        node_colours.append(colour)
        hover.append(text)

    if not rows:
        add("root", "No cause matches", "", 1, _INNER_COLOURS[0],
            f"No cause in the table matches {html.escape(_filter_words(affects, mechanism))}.")
        summary = (
            f"No cause in the table matches {_filter_words(affects, mechanism)}"
            + ("; pathogenesis classes describe aplastic anemia only." if mechanism != ANY
               and mechanism[0] == "pathogenesis" else ".")
        )
        return CausesView(rows, dict(ids=ids, labels=labels, parents=parents, values=values,
                                     colors=node_colours, hovertext=hover), summary, {})

    # No root node: the four rings (cytopenia, origin, group, cause) all fit on screen.
    # One leaf per (cytopenia, cause): a cause listed for two cytopenias appears under both.
    tree: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {}
    for r in rows:
        for a in _split(r["affects"]):
            if affects != ALL and a != affects:
                continue
            tree.setdefault(a, {}).setdefault(_text(r["origin"]), {}).setdefault(_text(r["group"]), []).append(r)
    root_total = 0
    for a, origins in tree.items():
        a_id = a
        a_total = sum(len(g) for o in origins.values() for g in o.values())
        root_total += a_total
        add(a_id, a, "", a_total, _INNER_COLOURS[1], f"{a}: {a_total} causes")
        for o, groups in origins.items():
            o_id = f"{a_id}/{o}"
            o_total = sum(len(g) for g in groups.values())
            add(o_id, o, a_id, o_total, _INNER_COLOURS[2], f"{a}, {o}: {o_total} causes")
            for g, members in groups.items():
                g_id = f"{o_id}/{g}"
                add(g_id, g, o_id, len(members), _INNER_COLOURS[3], f"{a}, {o}, {g}: {len(members)} causes")
                for r in members:
                    mech = mechanism_of(r)
                    add(
                        f"{g_id}/{r['cause_id']}", _text(r["cause"]), g_id, 1, colours[mech],
                        f"<b>{html.escape(_text(r['cause']))}</b><br>"
                        f"mechanism: {html.escape(mech)}<br>"
                        f"how: {html.escape(_text(r['mechanism']))}<br>"
                        f"examples: {html.escape(_text(r['examples']) or 'none listed')}<br>"
                        f"lineages: {html.escape(_text(r['lineages']))}<br>source: {html.escape(_text(r['source_id']))}",
                    )
    assert root_total == sum(v for v, p in zip(values, parents) if p == "")
    origins_count = Counter(_text(r["origin"]) for r in rows)
    by_mech = ", ".join(f"{m} {n}" for m, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    by_origin = ", ".join(f"{n} {o}" for o, n in sorted(origins_count.items()))
    summary = f"Showing {len(rows)} causes of {_filter_words(affects, mechanism)} ({by_origin}); by mechanism: {by_mech}."
    return CausesView(rows, dict(ids=ids, labels=labels, parents=parents, values=values,
                                 colors=node_colours, hovertext=hover), summary, dict(counts))


def causes_table_html(rows: list[dict[str, Any]]) -> str:
    """The selected causes as an HTML table with a header row (read by screen readers)."""
    if not rows:
        return "<p><em>No cause matches this filter.</em></p>"
    colours = mechanism_colours([mechanism_of(r) for r in rows])
    key = " ".join(
        f'<span style="display:inline-block;margin-right:1em"><span aria-hidden="true" '
        f'style="display:inline-block;width:0.9em;height:0.9em;background:{colours[m]};'
        f'border:1px solid #333;vertical-align:middle"></span> {html.escape(m)}</span>'
        for m in dict.fromkeys(mechanism_of(r) for r in rows)
    )
    head = "".join(f'<th scope="col">{h}</th>' for h in
                   ("Cause", "Produces", "Origin", "Mechanism", "How it happens", "Examples", "Lineages", "Source"))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(v))}</td>" for v in (
            r["cause"], r["affects"], r["origin"], mechanism_of(r), r["mechanism"], r["examples"],
            r["lineages"], r["source_id"])) + "</tr>"
        for r in rows
    )
    return (
        f'<p><strong>Colour key (mechanism):</strong> {key}</p>'
        + _scroll_box(
            f"Selected causes ({len(rows)})",
            f'<table class="hemaedu-table" style="border-spacing:1em 0.2em"><caption>Selected causes ({len(rows)})</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        )
    )


class CausesApp(LessonApp):
    """Explore the causes table: filter by cytopenia and by mechanism.

    This lesson's causes view has no natural slider, so its main control is the
    ``Causes of`` choice (``.main_control``); ``.main_slider`` is ``None``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.causes = load("causes")
        affects = list(dict.fromkeys(a for v in self.causes["affects"] for a in _split(v)))
        self.affects = Choice(
            options=[("All cytopenias", ALL)] + [(a, a) for a in affects],
            value=ALL,
            description="Causes of",
            help="Show the causes of one cytopenia or of all.",
        )
        self.mechanism = Choice(
            options=mechanism_options(self.causes),
            value=ANY,
            description="Mechanism",
            help="Broad classes apply to every cytopenia; the aplastic-anemia classes describe its pathogenesis.",
        )
        self.controls = [self.affects, self.mechanism]
        self.sliders: dict[str, Slider] = {}
        self.main_control = self.affects
        self.main_slider = None
        view = compute_causes(ALL, ANY, self.causes)
        self.figure = make_causes_sunburst(view.tree, title=self._title(ALL), widget=True)
        self.table = self.extra
        self._show(view)
        self._watch(self.affects, self.mechanism)
        self.container.add_class("hemaedu-app-causes")

    @staticmethod
    def _title(affects: str) -> str:
        return "Causes of " + ("cytopenias" if affects == ALL else affects) + ", by origin, group and mechanism"

    def _show(self, view: CausesView) -> None:
        self.view = view
        self.extra.value = causes_table_html(view.rows)
        self._set_summary(view.summary)

    def update(self, change: Any = None) -> None:
        view = compute_causes(self.affects.value, self.mechanism.value, self.causes)
        with self.figure.batch_update():
            trace = self.figure.data[0]
            trace.ids = view.tree["ids"]
            trace.labels = view.tree["labels"]
            trace.parents = view.tree["parents"]
            trace.values = view.tree["values"]
            trace.marker.colors = view.tree["colors"]
            trace.hovertext = view.tree["hovertext"]
            self.figure.layout.title.text = self._title(self.affects.value)
        self._show(view)


def causes_explorer() -> CausesApp:
    """The causes explorer of lesson 02."""
    return CausesApp()


def cause_counts(causes: pd.DataFrame | None = None) -> str:
    """Counts of causes per cytopenia and mechanism, as stable text (pinned in the notebook).

    >>> print(cause_counts().splitlines()[0])
    aplastic anemia:
    """
    causes = load("causes") if causes is None else causes
    lines = []
    for affects in dict.fromkeys(a for v in causes["affects"] for a in _split(v)):
        rows = [r for r in _records(causes) if affects in _split(r["affects"])]
        lines.append(f"{affects}:")
        counts = Counter(mechanism_of(r) for r in rows)
        for m, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {m}: {n}")
    return "\n".join(lines)


def immune_evidence(ist: pd.DataFrame | None = None) -> str:
    """One Markdown sentence: the share responding to horse ATG + cyclosporine in the randomized trial.

    >>> "horse ATG + cyclosporine" in immune_evidence()
    True
    """
    ist = load("ist_response") if ist is None else ist
    row = ist[(ist["arm_id"] == "scheinberg2011_hatg") & (ist["response_type"] == "overall")].iloc[0]
    pct = round(100 * int(row["responders"]) / int(row["n"]))
    return (
        f"In the randomized trial by {row['study']}, {int(row['responders'])} of {int(row['n'])} patients "
        f"({pct} %) given {row['regimen']} had a blood-count response by {int(row['timepoint_months'])} months. "
        "A drug combination that only calms the immune system could not do that if the marrow were "
        "simply destroyed or the stem cells were faulty from birth."
    )


# ----------------------------------------------------------------------------- differential


_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _cut(threshold_id: str) -> float:
    return _thresholds.threshold(threshold_id)


def cellularity_band(cellularity: float) -> str:
    """Classify marrow cellularity (%) with the BSH 2016 (modified Camitta) cut-offs.

    >>> cellularity_band(10), cellularity_band(40), cellularity_band(70)
    ('markedly hypocellular', 'hypocellular', 'not hypocellular')
    """
    if isinstance(cellularity, bool) or not isinstance(cellularity, (int, float)) or not 0 <= cellularity <= 100:
        raise ValueError(f"cellularity must be a percentage within 0-100, got {cellularity!r}")
    if _thresholds.meets("camitta_cellularity", cellularity):
        return "markedly hypocellular"
    if _thresholds.meets("camitta_cellularity_partial", cellularity):
        return "hypocellular"
    return "not hypocellular"


_FITS = {
    "markedly hypocellular": {"hypocellular", "variable"},
    "hypocellular": {"hypocellular", "variable"},
    "not hypocellular": {"normocellular or hypercellular", "variable"},
}


def _typical_range(category: str) -> tuple[float, float]:
    """Where the chart draws a condition's typical cellularity (teaching simplification)."""
    split = _cut("camitta_cellularity_partial")
    return {"hypocellular": (0.0, split), "normocellular or hypercellular": (split, 100.0)}.get(category, (0.0, 100.0))


@dataclass
class DifferentialView:
    """Which look-alikes fit a chosen marrow cellularity."""

    cellularity: float
    band: str
    consistent: list[bool]
    fits: list[str]
    less_likely: list[str]
    summary: str


def compute_differential(cellularity: float, differential: pd.DataFrame | None = None) -> DifferentialView:
    """Sort the differential table into conditions that fit ``cellularity`` and those less likely.

    >>> view = compute_differential(10)
    >>> "Aplastic anemia" in view.fits, "Hypersplenism (for example cirrhosis)" in view.fits
    (True, False)
    """
    differential = load("differential") if differential is None else differential
    band = cellularity_band(cellularity)
    fits_categories = _FITS[band]
    consistent = [str(c) in fits_categories for c in differential["marrow_cellularity"]]
    names = [str(c) for c in differential["condition"]]
    fits = [n for n, ok in zip(names, consistent) if ok]
    less = [n for n, ok in zip(names, consistent) if not ok]
    summary = (
        f"Marrow cellularity {cellularity:.0f} % is {band} (BSH 2016 cut-offs): "
        f"{len(fits)} of {len(names)} look-alikes fit, including "
        f"{', '.join(fits[:3]) if fits else 'none'}; {len(less)} become less likely."
    )
    return DifferentialView(float(cellularity), band, consistent, fits, less, summary)


def _scroll_box(label: str, content: str) -> str:
    """A scrollable box keyboard users can reach: Tab focuses it, arrow keys scroll it.

    A scrolling ``div`` is not focusable by default, so without ``tabindex`` a
    keyboard user cannot scroll it (axe rule ``scrollable-region-focusable``);
    the role and label tell a screen reader what the focused box holds.

    >>> _scroll_box("Causes", "<table></table>")
    '<div role="region" tabindex="0" aria-label="Causes (scrollable table)" ...'
    """
    return (
        f'<div role="region" tabindex="0" aria-label="{html.escape(label)} (scrollable table)" '
        f'class="hemaedu-scroll" style="max-height:22em;overflow:auto">{content}</div>'
    )


def differential_table_html(view: DifferentialView, differential: pd.DataFrame) -> str:
    """The conditions that fit, with their clues and key tests, as an HTML table."""
    rows = [r for r, ok in zip(_records(differential), view.consistent) if ok]
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Condition", "Typical marrow", "Clues", "Key tests", "Source"))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_text(r[c]))}</td>" for c in (
            "condition", "marrow_cellularity", "distinguishing_clues", "key_tests", "source_id")) + "</tr>"
        for r in rows
    )
    others = ", ".join(html.escape(n) for n in view.less_likely) or "none"
    return (
        _scroll_box(
            f"Look-alikes that fit a {view.band} marrow ({len(rows)})",
            f'<table class="hemaedu-table" style="border-spacing:1em 0.2em">'
            f"<caption>Look-alikes that fit a {html.escape(view.band)} marrow ({len(rows)})</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        )
        + f"<p><strong>Less likely at this cellularity:</strong> {others}.</p>"
    )


class DifferentialApp(LessonApp):
    """A marrow-cellularity slider that filters the differential diagnosis of pancytopenia."""

    def __init__(self, cellularity: float = DEFAULT_CELLULARITY) -> None:
        super().__init__()
        self.differential = load("differential")
        self.cellularity = Slider(
            value=cellularity, min=0, max=100, step=1,
            description="Marrow cellularity", unit="%", readout_format="d",
            help="Share of the marrow space filled with blood-forming cells on the biopsy (illustrative value).",
        )
        self.controls = [self.cellularity]
        self.sliders = {"cellularity": self.cellularity}
        self.main_slider = self.cellularity
        self.main_control = self.cellularity
        view = compute_differential(self.cellularity.value, self.differential)
        cats = [str(c) for c in self.differential["marrow_cellularity"]]
        self.figure = make_differential_chart(
            [str(c) for c in self.differential["condition"]],
            [_typical_range(c) for c in cats],
            view.consistent,
            [f"{html.escape(str(n))}<br>typical marrow: {c}" for n, c in zip(self.differential["condition"], cats)],
            cellularity=view.cellularity,
            cutoffs=[_cut("camitta_cellularity"), _cut("camitta_cellularity_partial")],
            widget=True,
        )
        self._show(view)
        self._watch(self.cellularity)
        self.container.add_class("hemaedu-app-differential")

    def _show(self, view: DifferentialView) -> None:
        self.view = view
        self.extra.value = differential_table_html(view, self.differential)
        self._set_summary(view.summary)

    def update(self, change: Any = None) -> None:
        old = self.view
        view = compute_differential(self.cellularity.value, self.differential)
        with self.figure.batch_update():
            self.figure.data[1].x = [view.cellularity] * len(view.consistent)
            # Only resend the bar styles when the band (and so the fit) changed.
            if view.consistent != old.consistent:
                bars = self.figure.data[0]
                bars.marker.color = [CONSISTENT_STYLE[0] if c else LESS_LIKELY_STYLE[0] for c in view.consistent]
                bars.marker.pattern.shape = [CONSISTENT_STYLE[1] if c else LESS_LIKELY_STYLE[1] for c in view.consistent]
        if view.consistent != old.consistent:
            self.extra.value = differential_table_html(view, self.differential)
        self.view = view
        self._set_summary(view.summary)


def differential_explorer(cellularity: float = DEFAULT_CELLULARITY) -> DifferentialApp:
    """The differential-diagnosis app of lesson 02 (main slider: marrow cellularity)."""
    return DifferentialApp(cellularity)


def blast_threshold_text() -> str:
    """Markdown: the marrow blast cut-off for acute leukemia and the cellularity cut-offs, from the tables."""
    blasts = _thresholds.get("acute_leukemia_blasts")
    severe = _thresholds.get("camitta_cellularity")
    partial = _thresholds.get("camitta_cellularity_partial")
    residual = _thresholds.get("camitta_residual")
    return (
        f"- **Acute leukemia** is diagnosed when marrow blasts are {_SYMBOLS[blasts.comparator]} {blasts.value:g} % "
        f"({blasts.scheme}). Even a hypocellular leukemia has this excess of blasts; aplastic anemia has none.\n"
        f"- **Aplastic anemia** needs a hypocellular marrow without abnormal cells or fibrosis. For the severe grade "
        f"the BSH 2016 (modified Camitta) criteria ask for cellularity {_SYMBOLS[severe.comparator]} {severe.value:g} %, or "
        f"{_SYMBOLS[partial.comparator]} {partial.value:g} % with {_SYMBOLS[residual.comparator]} {residual.value:g} % residual "
        f"blood-forming cells.\n"
        "- Normal cellularity falls with age, so the pathologist judges it against the patient's age; "
        "the bands in the chart are a teaching simplification."
    )


# ----------------------------------------------------------------------------- self-checks


def self_checks() -> list[SelfCheck]:
    """The lesson's self-check questions (answers appear only after answering)."""
    blasts = _thresholds.get("acute_leukemia_blasts")
    return [
        SelfCheck(
            "Most patients with acquired aplastic anemia improve with immunosuppressive therapy. "
            "What does that suggest about the main mechanism?",
            [
                Option("Faulty stem cells inherited from birth", False,
                       "Inherited stem-cell defects (e.g. dyskeratosis congenita) are the minority that "
                       "usually does NOT respond to immunosuppression."),
                Option("An immune attack on blood-forming stem cells", True,
                       "Calming T cells lets the marrow recover, so in most patients the stem cells were being "
                       "attacked rather than being defective."),
                Option("A damaged marrow microenvironment", False,
                       "A faulty niche is a proposed, minor contributor; immunosuppression would not repair it."),
            ],
        ),
        SelfCheck(
            f"A pancytopenic patient's biopsy is hypocellular but blasts make up {blasts.value:g} % or more "
            "of the marrow cells. Which diagnosis fits best?",
            [
                Option("Aplastic anemia, because the marrow is hypocellular", False,
                       "Aplastic anemia has no abnormal cells; an excess of blasts rules it out."),
                Option("Acute leukemia (a hypocellular form)", True,
                       f"Blasts at or above the {blasts.scheme} cut-off define acute leukemia whatever the "
                       "cellularity."),
                Option("Hypersplenism", False,
                       "In hypersplenism the marrow is active and has no excess of blasts; cells are pooled "
                       "in the spleen."),
            ],
        ),
        SelfCheck(
            "A patient on heparin develops a falling platelet count and a new clot. Which mechanism is at work?",
            [
                Option("Decreased production in the marrow", False,
                       "Heparin does not suppress megakaryocytes."),
                Option("Increased destruction or consumption", True,
                       "Antibodies against heparin-platelet factor 4 complexes activate and use up platelets, "
                       "which is also why clots form."),
                Option("Sequestration in an enlarged spleen", False,
                       "Splenic pooling needs an enlarged spleen and causes no clots."),
            ],
        ),
    ]


def lesson_sources() -> list[str]:
    """Every source the lesson shows: the rows of the causes and differential tables and the cut-offs used."""
    ids = list(load("causes")["source_id"]) + list(load("differential")["source_id"])
    ids += [_thresholds.get(t).source_id for t in ("camitta_cellularity", "acute_leukemia_blasts")]
    ist = load("ist_response")
    ids += list(ist.loc[ist["arm_id"] == "scheinberg2011_hatg", "source_id"])
    return list(dict.fromkeys(str(i) for i in ids))
