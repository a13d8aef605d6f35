"""Lesson 03 figures: incidence of acquired aplastic anemia by study population.

Three side-effect-free builders, each with a pure ``*_arrays`` helper that the
live app reuses to update its traces in place:

* :func:`make_incidence_map`: a world map with one marker per study population
  (area and colour both scale with the rate, so colour is never the only cue).
* :func:`make_ranked_chart`: a horizontal dot plot, lowest to highest rate,
  whiskers only where a 95% confidence interval was published.
* :func:`make_expected_cases_chart`: the expected count and its Poisson range.

**The map draws offline.** plotly's geo subplot downloads country outlines
from ``cdn.plot.ly`` whenever a base layer (land, coastlines, ...) is on *or*
a trace uses ``locationmode`` -- and a ``Choropleth`` with inline ``geojson``
has ``locationmode="geojson-id"``, so it triggers the download too (checked in
plotly.js 4.1.1, the bundle of plotly 7.1; plotly.js issue 6767; with the
network blocked that map stays blank). So every base layer is switched off
(``geo.visible=False``) and the outlines shipped in ``hemaedu/assets`` (from
world-atlas / Natural Earth) are drawn as one ``Scattergeo`` line trace: only
``lon``/``lat`` traces, nothing for plotly.js to fetch. ``tests/test_offline_map.py``
proves it in Chromium with every outside request blocked.

>>> from hemaedu import load
>>> fig = make_incidence_map(load("incidence"))
>>> fig.layout.geo.visible, [t.type for t in fig.data]
(False, ['scattergeo', 'scattergeo'])
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from . import PALETTE, base_layout, make_figure

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from ..stats import ExpectedCases

__all__ = [
    "MAP_TRACE",
    "RANK_TRACE",
    "load_outlines",
    "make_expected_cases_chart",
    "make_incidence_map",
    "make_ranked_chart",
    "map_arrays",
    "outline_lonlat",
    "population_label",
    "ranked_arrays",
]

OUTLINES_FILE = "world_countries_110m.geojson"

#: Trace order of the map: the outlines (drawn once, never updated) then the markers.
MAP_TRACE = {"outlines": 0, "markers": 1}
#: Trace order of the ranked chart.
RANK_TRACE = {"with_ci": 0, "without_ci": 1}

# Colour by log10(rate): the table spans more than an order of magnitude, and a
# linear scale would paint every Western and most Asian studies the same shade.
_COLOR_TICKS = (1, 2, 5, 10, 20)
# Viridis is perceptually uniform and readable with the common colour-vision deficiencies.
_COLORSCALE = "Viridis"

# Marker symbols by how cases were found: the map and chart carry method in
# shape as well as text, so it never rests on colour.
_CLAIMS_SYMBOL = "diamond"
_DEFAULT_SYMBOL = "circle"

# Long area descriptions shortened for axis labels (the full text is in the hover).
_ABBREVIATIONS = (
    ("Standard Metropolitan Statistical Area", "metro area"),
    ("national health insurance data", "insurance claims"),
    ("Defined subpopulation of ", ""),
)


# --------------------------------------------------------------------------- outlines


@cache
def load_outlines() -> dict[str, Any]:
    """The shipped country outlines (GeoJSON FeatureCollection, read once).

    Read with :mod:`importlib.resources`, so it works from an installed wheel.

    >>> gj = load_outlines()
    >>> gj["type"], len(gj["features"]) > 150
    ('FeatureCollection', True)
    """
    path = resources.files("hemaedu") / "assets" / OUTLINES_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"cannot read the map outlines {OUTLINES_FILE} from hemaedu/assets: {exc}; "
            "reinstall hemaedu or rebuild them with tools/build_world_outlines.mjs"
        ) from exc


@cache
def outline_lonlat() -> tuple[tuple[float | None, ...], tuple[float | None, ...]]:
    """Every outline ring as one line: longitudes and latitudes, rings split by ``None``.

    >>> lon, lat = outline_lonlat()
    >>> len(lon) == len(lat), lon.count(None) > 200
    (True, True)
    """
    lon: list[float | None] = []
    lat: list[float | None] = []
    for feature in load_outlines()["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            for ring in polygon:
                for x, y in ring:
                    lon.append(x)
                    lat.append(y)
                lon.append(None)
                lat.append(None)
    return tuple(lon), tuple(lat)


# --------------------------------------------------------------------------- labels


def _period(start: Any, end: Any) -> str:
    def known(x: Any) -> bool:
        return x is not None and not (isinstance(x, float) and math.isnan(x)) and str(x) != "<NA>"

    if known(start) and known(end):
        return f"{int(start)}" if int(start) == int(end) else f"{int(start)}-{int(end)}"
    if known(start):
        return f"from {int(start)}"
    return "period not stated"


def population_label(row: Any) -> str:
    """Short axis label for one study population: country, area, period.

    >>> population_label({"country": "Sweden", "area": "Whole country",
    ...                   "period_start": 2000, "period_end": 2011})
    'Sweden: Whole country, 2000-2011'
    """
    area = str(row["area"])
    # Drop long parentheticals (kept in the hover text); keep short ones such
    # as "(earlier report)" that tell two rows of one city apart.
    area = re.sub(r" \(([^)]{21,})\)", "", area)
    period = _period(row["period_start"], row["period_end"])
    area = area.removesuffix(f", {period}")  # "..., 2002" when the period is 2002
    for long, short in _ABBREVIATIONS:
        area = area.replace(long, short)
    return f"{row['country']}: {area}, {period}"


def _fmt(x: float) -> str:
    """Print a rate as the table gives it (2.35, 35, 1.5), without float noise."""
    return f"{x:g}"


def _hover(row: Any) -> str:
    has_ci = _has_ci(row)
    ci = f"95% CI {_fmt(row['ci_low'])}-{_fmt(row['ci_high'])}" if has_ci else "no confidence interval published"
    cases = row["cases"]
    n = f"{int(cases)} cases" if cases is not None and str(cases) != "<NA>" else "number of cases not given"
    return (
        f"<b>{row['country']}</b>: {row['area']}<br>"
        f"Period: {_period(row['period_start'], row['period_end'])}<br>"
        f"Rate: <b>{_fmt(row['rate_per_million'])} per million per year</b> ({row['rate_basis']})<br>"
        f"{ci}; {n}<br>"
        f"Method: {row['method']}; age group: {row['age_group']}<br>"
        f"Source: {row['source_id']}"
    )


def _has_ci(row: Any) -> bool:
    lo, hi = row["ci_low"], row["ci_high"]
    return all(x is not None and not (isinstance(x, float) and math.isnan(x)) for x in (lo, hi))


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    # Plain dicts with None for missing values: nothing NaN reaches a trace.
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    return records


# --------------------------------------------------------------------------- map


def _marker_size(rate: float) -> float:
    # Marker area grows with the rate (diameter with its square root), with a
    # floor so the lowest rates stay visible and clickable.
    return round(8.0 + 4.0 * math.sqrt(rate), 2)


def _nudge(rows: Sequence[dict[str, Any]]) -> list[tuple[float, float]]:
    """Positions with markers at the same place spread on a small circle.

    Several populations share a city (e.g. four Baltimore groups); without this
    only the top marker could be hovered.
    """
    seen: dict[tuple[float, float], int] = {}
    totals: dict[tuple[float, float], int] = {}
    for r in rows:
        key = (r["latitude"], r["longitude"])
        totals[key] = totals.get(key, 0) + 1
    out = []
    for r in rows:
        key = (r["latitude"], r["longitude"])
        i = seen.get(key, 0)
        seen[key] = i + 1
        n = totals[key]
        if n == 1:
            out.append(key)
            continue
        angle = 2 * math.pi * i / n
        radius = 1.8  # degrees: enough to separate markers at world scale
        out.append((round(key[0] + radius * math.sin(angle), 3), round(key[1] + radius * math.cos(angle), 3)))
    return out


def map_arrays(df: pd.DataFrame) -> dict[str, list[Any]]:
    """Marker data for the map from (a filtered) incidence table.

    >>> from hemaedu import load
    >>> a = map_arrays(load("incidence").query("population_id == 'sweden'"))
    >>> a["lat"], a["rate"], a["symbol"]
    ([62.0], [2.35], ['circle'])
    """
    rows = _rows(df)
    positions = _nudge(rows)
    return {
        "lat": [p[0] for p in positions],
        "lon": [p[1] for p in positions],
        "rate": [float(r["rate_per_million"]) for r in rows],
        "size": [_marker_size(float(r["rate_per_million"])) for r in rows],
        "color": [round(math.log10(float(r["rate_per_million"])), 4) for r in rows],
        "symbol": [_CLAIMS_SYMBOL if r["method"] == "insurance claims" else _DEFAULT_SYMBOL for r in rows],
        "text": [_hover(r) for r in rows],
        "ids": [str(r["population_id"]) for r in rows],
    }


def _color_limits(full: pd.DataFrame) -> tuple[float, float]:
    rates = full["rate_per_million"]
    return math.log10(float(rates.min())), math.log10(float(rates.max()))


def make_incidence_map(
    df: pd.DataFrame, *, full: pd.DataFrame | None = None, widget: bool = False
) -> go.Figure:
    """World map of incidence, one marker per study population, drawn offline.

    ``full`` (default ``df``) fixes the colour scale, so colours keep their
    meaning when ``df`` is a filtered subset.
    """
    import plotly.graph_objects as go

    full = df if full is None else full
    cmin, cmax = _color_limits(full)
    lon, lat = outline_lonlat()
    a = map_arrays(df)
    outlines = go.Scattergeo(
        lon=lon,
        lat=lat,
        mode="lines",
        line=dict(width=0.6, color="#8c8c8c"),
        hoverinfo="skip",
        showlegend=False,
        name="country outlines",
    )
    markers = go.Scattergeo(
        lon=a["lon"],
        lat=a["lat"],
        ids=a["ids"],
        mode="markers",
        name="study population",
        text=a["text"],
        hovertemplate="%{text}<extra></extra>",
        showlegend=False,
        marker=dict(
            size=a["size"],
            symbol=a["symbol"],
            color=a["color"],
            cmin=cmin,
            cmax=cmax,
            colorscale=_COLORSCALE,
            opacity=0.85,
            line=dict(width=1, color="#1a1a1a"),
            colorbar=dict(
                title=dict(text="per million<br>per year"),
                tickvals=[math.log10(t) for t in _COLOR_TICKS],
                ticktext=[str(t) for t in _COLOR_TICKS],
                len=0.8,
                thickness=14,
            ),
        ),
    )
    layout = base_layout(
        title="Acquired aplastic anemia: incidence by study population",
        x_title="",
        y_title="",
        height=480,
        margin=dict(l=10, r=10, t=60, b=40),
        geo=dict(
            # Every base layer off: with none on (and no trace using
            # locationmode) plotly.js never downloads its topojson.
            visible=False,
            showframe=True,
            framecolor="#8c8c8c",
            projection=dict(type="natural earth"),
            lataxis=dict(range=[-58, 85]),
            bgcolor="#ffffff",
        ),
        annotations=[
            dict(
                text="Marker size and colour: rate per million per year; diamond = insurance-claims data",
                x=0.01, y=-0.02, xref="paper", yref="paper", showarrow=False,
                xanchor="left", yanchor="top", font=dict(size=12),
            )
        ],
    )
    layout.pop("xaxis")
    layout.pop("yaxis")
    return make_figure([outlines, markers], layout, widget=widget)


# --------------------------------------------------------------------------- ranked chart


def ranked_arrays(df: pd.DataFrame) -> dict[str, Any]:
    """Data for the ranked chart: categories lowest to highest, split by CI status.

    >>> from hemaedu import load
    >>> a = ranked_arrays(load("incidence"))
    >>> a["with_ci"]["x"], a["with_ci"]["minus"], a["with_ci"]["plus"]  # Sweden only
    ([2.35], [0.29], [0.29])
    """
    rows = sorted(_rows(df), key=lambda r: (float(r["rate_per_million"]), str(r["population_id"])))
    labels: list[str] = []
    for r in rows:
        label = population_label(r)
        if r["method"] == "insurance claims":
            label += " [claims]"
        if r["rate_basis"] == "age-adjusted":
            label += " [age-adj.]"
        if label in labels:  # keep categories unique
            label += f" ({r['population_id']})"
        labels.append(label)
    out: dict[str, Any] = {"categories": labels}
    for key, keep in (("with_ci", True), ("without_ci", False)):
        sel = [(lab, r) for lab, r in zip(labels, rows, strict=True) if _has_ci(r) is keep]
        out[key] = {
            "y": [lab for lab, _ in sel],
            "x": [float(r["rate_per_million"]) for _, r in sel],
            "minus": [round(float(r["rate_per_million"]) - float(r["ci_low"]), 6) for _, r in sel] if keep else [],
            "plus": [round(float(r["ci_high"]) - float(r["rate_per_million"]), 6) for _, r in sel] if keep else [],
            "symbol": [
                (_CLAIMS_SYMBOL if r["method"] == "insurance claims" else _DEFAULT_SYMBOL) + ("" if keep else "-open")
                for _, r in sel
            ],
            "text": [_hover(r) for _, r in sel],
        }
    return out


def _ranked_height(n: int) -> int:
    return 150 + 24 * max(n, 3)


def _x_max(df: pd.DataFrame) -> float:
    top = df["rate_per_million"].max()
    hi = df["ci_high"].max()
    values = [float(v) for v in (top, hi) if v == v]  # drop NaN (empty CI column)
    return max(values) * 1.08 if values else 1.0


def make_ranked_chart(
    df: pd.DataFrame, *, full: pd.DataFrame | None = None, widget: bool = False
) -> go.Figure:
    """Ranked dot plot of incidence, whiskers only where a 95% CI was published.

    ``full`` (default ``df``) fixes the x range so a filter does not rescale the axis.
    """
    import plotly.graph_objects as go

    full = df if full is None else full
    a = ranked_arrays(df)
    with_ci = go.Scatter(
        x=a["with_ci"]["x"],
        y=a["with_ci"]["y"],
        mode="markers",
        name="rate with published 95% CI",
        marker=dict(size=11, color=PALETTE["blue"], symbol=a["with_ci"]["symbol"], line=dict(width=1.5, color=PALETTE["blue"])),
        error_x=dict(type="data", array=a["with_ci"]["plus"], arrayminus=a["with_ci"]["minus"],
                     color=PALETTE["blue"], thickness=2, width=6),
        text=a["with_ci"]["text"],
        hovertemplate="%{text}<extra></extra>",
    )
    without_ci = go.Scatter(
        x=a["without_ci"]["x"],
        y=a["without_ci"]["y"],
        mode="markers",
        name="point estimate only (no CI published)",
        marker=dict(size=11, color=PALETTE["vermillion"], symbol=a["without_ci"]["symbol"],
                    line=dict(width=2, color=PALETTE["vermillion"])),
        text=a["without_ci"]["text"],
        hovertemplate="%{text}<extra></extra>",
    )
    layout = base_layout(
        title="Incidence by study population, lowest to highest",
        x_title="Incidence (cases per million people per year)",
        y_title="",
        height=_ranked_height(len(a["categories"])),
        xaxis=dict(range=[0, _x_max(full)], zeroline=True, gridcolor="#e5e5e5"),
        yaxis=dict(categoryorder="array", categoryarray=a["categories"], tickfont=dict(size=12)),
        legend=dict(orientation="h", x=0, y=-0.08, yanchor="top", xanchor="left"),
        margin=dict(l=10, r=20, t=60, b=90),
    )
    return make_figure([with_ci, without_ci], layout, widget=widget)


# --------------------------------------------------------------------------- expected cases


def expected_cases_arrays(result: ExpectedCases) -> dict[str, list[float]]:
    """Bar and whisker values for an :class:`~hemaedu.ExpectedCases` result.

    >>> from hemaedu import expected_cases
    >>> expected_cases_arrays(expected_cases(rate_per_million=2.3, population=2_000_000))
    {'x': [4.6], 'minus': [3.6], 'plus': [4.4]}
    """
    mean = float(result.mean)
    return {
        "x": [round(mean, 6)],
        "minus": [round(max(mean - result.low, 0.0), 6)],
        "plus": [round(max(result.high - mean, 0.0), 6)],
    }


def expected_x_range(result: ExpectedCases) -> list[float]:
    """An x range that shows the whole Poisson range with some air."""
    return [0.0, max(float(result.high), float(result.mean), 1.0) * 1.15]


def make_expected_cases_chart(result: ExpectedCases, *, label: str = "", widget: bool = False) -> go.Figure:
    """Bar for the expected count with a whisker for the central Poisson range."""
    import plotly.graph_objects as go

    a = expected_cases_arrays(result)
    bar = go.Bar(
        x=a["x"],
        y=["expected cases"],
        orientation="h",
        name="expected number (mean)",
        marker=dict(color=PALETTE["sky_blue"], line=dict(color=PALETTE["blue"], width=1.5), pattern=dict(shape="/")),
        error_x=dict(type="data", array=a["plus"], arrayminus=a["minus"], color=PALETTE["black"], thickness=2.5, width=14),
        hovertemplate="mean %{x:.2f} cases<extra></extra>",
        width=0.5,
    )
    layout = base_layout(
        title=label or "Expected new cases",
        x_title=f"Number of new cases (bar: mean; whisker: {result.level:.0%} Poisson range)",
        y_title="",
        height=230,
        xaxis=dict(range=expected_x_range(result), rangemode="tozero"),
        showlegend=False,
        margin=dict(l=10, r=20, t=60, b=10),
    )
    return make_figure([bar], layout, widget=widget)
