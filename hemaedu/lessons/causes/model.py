"""Lesson 02's pure compute: filter the causes table, classify marrow cellularity.

Values in, frozen views out. No HTML, no widgets and no learner-visible English:
a view holds numbers, ids and the table's own cells; the apps build every
sentence from the lesson's content files.

Teaching material, not a clinical tool. Every cause, mechanism and cut-off
comes from the ``causes``, ``differential``, ``thresholds`` and
``ist_response`` tables.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from ... import thresholds
from ...data import records
from ..format import format_number, format_percent

__all__ = [
    "ALL", "ANY", "BANDS", "HOOKS", "CausesView", "DifferentialView", "Node", "affects_values",
    "cause_counts", "cellularity_band", "compute_causes", "compute_differential", "hatg_overall",
    "mechanism_filters", "mechanism_order", "mechanism_of", "source_ids", "typical_range",
]

#: Filter values meaning "every cytopenia" and "every mechanism".
ALL = "all"
ANY = "any"
#: Marrow bands, emptiest first (ids; labels come from content). The course reads a biopsy one way
#: (BSH 2016, modified Camitta): below the first cut-off the marrow is clearly hypocellular; between
#: the two cut-offs it counts as hypocellular only if few of the remaining cells are blood-forming
#: (``camitta_residual``), which the cellularity alone cannot tell; above them it is not hypocellular.
BANDS = ("clearly_hypocellular", "residual_decides", "not_hypocellular")

#: The ``marrow_cellularity`` categories of the differential table with a fixed place:
#: "variable" fits every band, "hypocellular" the two low bands, any other category
#: (a normal or full marrow) the two upper bands (in the middle band the residual cells decide,
#: so both kinds stay possible).
VARIABLE = "variable"
HYPOCELLULAR = "hypocellular"


def _split(value: Any) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(";") if p.strip())


@cache
def _causes() -> tuple[dict[str, Any], ...]:
    return records("causes")


@cache
def _differential() -> tuple[dict[str, Any], ...]:
    return records("differential")


def mechanism_of(row: dict[str, Any]) -> str:
    """The mechanism a cause is coloured by: its pathogenesis for aplastic anemia, else its class.

    >>> mechanism_of({"pathogenesis": "immune attack", "mechanism_class": "decreased production"})
    'immune attack'
    >>> mechanism_of({"pathogenesis": None, "mechanism_class": "sequestration or redistribution"})
    'sequestration or redistribution'
    """
    return row.get("pathogenesis") or row["mechanism_class"]


def mechanism_order() -> tuple[str, ...]:
    """Every mechanism of the table: aplastic-anemia pathogenesis classes first (the lesson's
    focus), then the broad classes, each in table order (so a mechanism keeps its colour)."""
    pathogenesis = [r["pathogenesis"] for r in _causes() if r["pathogenesis"]]
    return tuple(dict.fromkeys(pathogenesis + [r["mechanism_class"] for r in _causes()]))


def affects_values() -> tuple[str, ...]:
    """Every cytopenia the causes table lists, in table order."""
    return tuple(dict.fromkeys(a for r in _causes() for a in _split(r["affects"])))


def mechanism_filters() -> tuple[Any, ...]:
    """Values of the mechanism filter: ``"any"``, then ``("mechanism_class", m)``, then ``("pathogenesis", p)``."""
    classes = dict.fromkeys(r["mechanism_class"] for r in _causes() if r["mechanism_class"])
    pathogenesis = dict.fromkeys(r["pathogenesis"] for r in _causes() if r["pathogenesis"])
    return (
        (ANY,)
        + tuple(("mechanism_class", m) for m in classes)
        + tuple(("pathogenesis", p) for p in pathogenesis)
    )


@dataclass(frozen=True)
class Node:
    """One sunburst segment. ``path`` names the rings down to it (its ring is ``len(path) - 1``
    for inner segments); ``cause`` is the table row on leaves, ``None`` on inner segments."""

    node_id: str
    label: str
    parent: str
    value: int
    path: tuple[str, ...]
    cause: dict[str, Any] | None = None


@dataclass(frozen=True)
class CausesView:
    """What the causes explorer shows for one filter setting.

    ``counts`` and ``origins`` are (name, number) pairs, largest first then by name.
    """

    affects: str
    mechanism: Any
    rows: tuple[dict[str, Any], ...]
    nodes: tuple[Node, ...]
    counts: tuple[tuple[str, int], ...]
    origins: tuple[tuple[str, int], ...]

    @property
    def pathogenesis_only(self) -> bool:
        """Whether the filter asks for an aplastic-anemia pathogenesis class."""
        return self.mechanism != ANY and self.mechanism[0] == "pathogenesis"


def _sorted_counts(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _matches(row: dict[str, Any], affects: str, mechanism: Any) -> bool:
    if affects != ALL and affects not in _split(row["affects"]):
        return False
    return mechanism == ANY or row.get(mechanism[0]) == mechanism[1]


def compute_causes(affects: str = ALL, mechanism: Any = ANY) -> CausesView:
    """Filter the causes table and build the sunburst's segments.

    ``affects`` is ``"all"`` or a value of the ``affects`` column; ``mechanism``
    is ``"any"`` or a ``(column, value)`` pair from :func:`mechanism_filters`.
    No root node: the four rings (cytopenia, origin, group, cause) all fit on
    screen; a cause listed for two cytopenias appears under both.

    >>> view = compute_causes("aplastic anemia")
    >>> dict(view.counts)["immune attack"] > dict(view.counts)["stem-cell defect"]
    True
    >>> compute_causes("leukopenia", ("pathogenesis", "immune attack")).rows
    ()
    """
    valid = affects_values()
    if affects != ALL and affects not in valid:
        raise ValueError(f"affects must be 'all' or one of {sorted(valid)}, got {affects!r}")
    if mechanism != ANY and mechanism not in mechanism_filters():
        raise ValueError(
            f"mechanism must be 'any' or a (column, value) pair from mechanism_filters(), got {mechanism!r}"
        )
    rows = tuple(r for r in _causes() if _matches(r, affects, mechanism))
    tree: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {}
    for r in rows:
        for a in _split(r["affects"]):
            if affects in (ALL, a):
                tree.setdefault(a, {}).setdefault(r["origin"], {}).setdefault(r["group"], []).append(r)
    nodes: list[Node] = []
    for a, origins in tree.items():
        nodes.append(Node(a, a, "", sum(len(g) for o in origins.values() for g in o.values()), (a,)))
        for o, groups in origins.items():
            o_id = f"{a}/{o}"
            nodes.append(Node(o_id, o, a, sum(len(g) for g in groups.values()), (a, o)))
            for g, members in groups.items():
                g_id = f"{o_id}/{g}"
                nodes.append(Node(g_id, g, o_id, len(members), (a, o, g)))
                nodes.extend(Node(f"{g_id}/{r['cause_id']}", r["cause"], g_id, 1, (a, o, g), r) for r in members)
    return CausesView(
        affects, mechanism, rows, tuple(nodes),
        _sorted_counts(Counter(mechanism_of(r) for r in rows)),
        tuple(sorted(Counter(r["origin"] for r in rows).items())),
    )


def cause_counts() -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """Per cytopenia, the number of causes per mechanism (largest first).

    >>> dict(cause_counts())["aplastic anemia"][0][0]
    'immune attack'
    """
    return tuple((a, compute_causes(a).counts) for a in affects_values())


def hatg_overall() -> dict[str, Any]:
    """The randomized trial's overall response row for horse ATG + cyclosporine, with its percent.

    >>> row = hatg_overall()
    >>> row["percent"] == round(100 * row["responders"] / row["n"])
    True
    """
    row = next(r for r in records("ist_response")
               if r["arm_id"] == "scheinberg2011_hatg" and r["response_type"] == "overall")
    return {**row, "percent": round(100 * row["responders"] / row["n"])}


# ----------------------------------------------------------------------------- differential


def cellularity_band(cellularity: float) -> str:
    """Classify marrow cellularity (%) with the BSH 2016 (modified Camitta) cut-offs.

    Returns one of :data:`BANDS`: ``"clearly_hypocellular"`` below ``camitta_cellularity``,
    ``"residual_decides"`` from there up to ``camitta_cellularity_partial`` (hypocellular only if
    the residual hematopoietic cells are below ``camitta_residual``), else ``"not_hypocellular"``.

    >>> cut = thresholds.value("camitta_cellularity")
    >>> cellularity_band(cut - 1), cellularity_band(cut), cellularity_band(100)
    ('clearly_hypocellular', 'residual_decides', 'not_hypocellular')
    """
    if (isinstance(cellularity, bool) or not isinstance(cellularity, (int, float))
            or not math.isfinite(cellularity) or not 0 <= cellularity <= 100):
        raise ValueError(f"cellularity must be a percentage within 0-100, got {cellularity!r}")
    if thresholds.meets("camitta_cellularity", cellularity):
        return "clearly_hypocellular"
    if thresholds.meets("camitta_cellularity_partial", cellularity):
        return "residual_decides"
    return "not_hypocellular"


def typical_range(category: str) -> tuple[float, float]:
    """Where the chart draws a condition's typical cellularity (a teaching simplification).

    A hypocellular condition reaches up to the upper cut-off, a normal or full marrow down to the
    lower one: between the cut-offs the two overlap, because there the residual cells decide.

    >>> typical_range("variable")
    (0.0, 100.0)
    >>> typical_range("hypocellular")[1] == thresholds.value("camitta_cellularity_partial")
    True
    >>> typical_range("normocellular or hypercellular")[0] == thresholds.value("camitta_cellularity")
    True
    """
    if category == VARIABLE:
        return (0.0, 100.0)
    if category == HYPOCELLULAR:
        return (0.0, float(thresholds.value("camitta_cellularity_partial")))
    return (float(thresholds.value("camitta_cellularity")), 100.0)


def conditions() -> tuple[dict[str, Any], ...]:
    """The differential table's rows (the look-alikes), in table order."""
    return _differential()


@dataclass(frozen=True)
class DifferentialView:
    """Which look-alikes fit a chosen marrow cellularity (ids in table order)."""

    cellularity: float
    band: str
    consistent: tuple[bool, ...]
    fits: tuple[str, ...]
    less_likely: tuple[str, ...]


def compute_differential(cellularity: float) -> DifferentialView:
    """Sort the differential table into conditions that fit ``cellularity`` and those less likely.

    >>> low = compute_differential(0)
    >>> "aplastic_anemia" in low.fits, "hypersplenism" in low.fits
    (True, False)
    >>> middle = compute_differential(thresholds.value("camitta_cellularity"))
    >>> "aplastic_anemia" in middle.fits, "hypersplenism" in middle.fits
    (True, True)
    """
    band = cellularity_band(cellularity)
    can_be_low = band != "not_hypocellular"
    can_be_cellular = band != "clearly_hypocellular"
    consistent = tuple(
        r["marrow_cellularity"] == VARIABLE
        or (can_be_low if r["marrow_cellularity"] == HYPOCELLULAR else can_be_cellular)
        for r in _differential()
    )
    ids = [r["condition_id"] for r in _differential()]
    return DifferentialView(
        float(cellularity), band, consistent,
        tuple(i for i, ok in zip(ids, consistent, strict=True) if ok),
        tuple(i for i, ok in zip(ids, consistent, strict=True) if not ok),
    )


#: Cut-offs the lesson shows (for its reference list).
CUTOFFS = ("camitta_cellularity", "camitta_cellularity_partial", "camitta_residual", "acute_leukemia_blasts",
           "icc2022_aml_genetic_blasts")


def source_ids() -> tuple[str, ...]:
    """Every source the lesson shows: the causes and differential rows, the cut-offs, the trial."""
    ids = [r["source_id"] for r in _causes()] + [r["source_id"] for r in _differential()]
    ids += [thresholds.get(t).source_id for t in CUTOFFS] + [hatg_overall()["source_id"]]
    return tuple(dict.fromkeys(ids))


def _hatg(field: str) -> Any:
    return hatg_overall()[field]


#: Named values the lesson's content quotes (``{{hook:<name>}}``): the randomized trial's row.
HOOKS = {
    "hatg_study": lambda: _hatg("study"),
    "hatg_regimen": lambda: _hatg("regimen"),
    "hatg_responders": lambda: format_number(_hatg("responders")),
    "hatg_n": lambda: format_number(_hatg("n")),
    "hatg_percent": lambda: format_percent(_hatg("responders") / _hatg("n")),
    "hatg_months": lambda: format_number(_hatg("timepoint_months")),
}
