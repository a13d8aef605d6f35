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

Builders take the table's rows (``hemaedu.data.records("incidence")``, or a DataFrame) and every
learner-visible string as parameters: ``labels`` (titles, axis and legend names) and the
``hover``/``label`` functions that write a row's hover text and axis label. The lesson passes
them from its content files; without them the figure is drawn with ids only. Each trace carries
its id in ``meta`` (``"outlines"``, ``"markers"``, ``"with_ci"``, ``"without_ci"``,
``"expected"``; not ``uid``, which a FigureWidget overwrites, nor ``name``, which is translated),
so apps and tests address traces by id, never by position.

>>> from hemaedu.data import records
>>> fig = make_incidence_map(records("incidence"))
>>> fig.layout.geo.visible, [t.meta for t in fig.data]
(False, ['outlines', 'markers'])
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from . import PALETTE, base_layout, category_ticks, make_figure, wrap_text

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..stats import ExpectedCases

__all__ = [
    "MAP_TRACE",
    "RANK_TRACE",
    "Row",
    "has_ci",
    "load_outlines",
    "make_expected_cases_chart",
    "make_incidence_map",
    "make_ranked_chart",
    "map_arrays",
    "outline_lonlat",
    "ranked_arrays",
    "ranked_height",
]

OUTLINES_FILE = "world_countries_110m.geojson"

#: Trace ids (``meta``) of the map: the outlines (drawn once, never updated) and the markers.
MAP_TRACE = {"outlines": "outlines", "markers": "markers"}
#: Trace ids (``meta``) of the ranked chart.
RANK_TRACE = {"with_ci": "with_ci", "without_ci": "without_ci"}
#: Characters per line of a population label of the ranked chart.
RANK_LABEL_WIDTH = 16
#: Characters of a population label the ranked chart shows (four lines at most).
RANK_LABEL_LIMIT = 44

#: One row of the incidence table, as ``hemaedu.data.records`` gives it (``None`` = missing).
Row = Mapping[str, Any]

# Colour by log10(rate): the table spans more than an order of magnitude, and a
# linear scale would paint every Western and most Asian studies the same shade.
_COLOR_TICKS = (1, 2, 5, 10, 20)
# Viridis is perceptually uniform and readable with the common colour-vision deficiencies.
_COLORSCALE = "Viridis"

# Marker symbols by how cases were found: the map and chart carry method in
# shape as well as text, so it never rests on colour.
_CLAIMS_SYMBOL = "diamond"
_DEFAULT_SYMBOL = "circle"

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


# --------------------------------------------------------------------------- rows


def has_ci(row: Row) -> bool:
    """Whether the row has a published confidence interval (both bounds).

    >>> has_ci({"ci_low": 1.0, "ci_high": 2.0}), has_ci({"ci_low": None, "ci_high": None})
    (True, False)
    """
    lo, hi = row["ci_low"], row["ci_high"]
    return all(x is not None and not (isinstance(x, float) and math.isnan(x)) for x in (lo, hi))


_has_ci = has_ci  # the name lesson code used before issue 10


def _rows(table: Any) -> list[dict[str, Any]]:
    """Plain dicts with ``None`` for missing values, from records or a DataFrame: nothing NaN reaches a trace."""
    if hasattr(table, "to_dict"):  # a pandas DataFrame from hemaedu.load
        return [{k: (None if v is None or v != v or str(v) == "<NA>" else v) for k, v in r.items()}
                for r in table.astype(object).to_dict("records")]
    return [dict(r) for r in table]


def _id(row: Row) -> str:
    return str(row["population_id"])


def _text(labels: Mapping[str, str] | None, key: str) -> str:
    return (labels or {}).get(key, "")


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


def map_arrays(rows: Any, *, hover: Callable[[Row], str] | None = None) -> dict[str, list[Any]]:
    """Marker data for the map from (a filtered) incidence table.

    ``hover`` writes each marker's hover text (default: the population id).

    >>> a = map_arrays([{"population_id": "x", "latitude": 62.0, "longitude": 15.0,
    ...                  "rate_per_million": 4.0, "method": "registry"}])
    >>> a["lat"], a["size"], a["symbol"]
    ([62.0], [16.0], ['circle'])
    """
    rows = _rows(rows)
    hover = hover or _id
    positions = _nudge(rows)
    return {
        "lat": [p[0] for p in positions],
        "lon": [p[1] for p in positions],
        "rate": [float(r["rate_per_million"]) for r in rows],
        "size": [_marker_size(float(r["rate_per_million"])) for r in rows],
        "color": [round(math.log10(float(r["rate_per_million"])), 4) for r in rows],
        "symbol": [_CLAIMS_SYMBOL if r["method"] == "insurance claims" else _DEFAULT_SYMBOL for r in rows],
        "text": [hover(r) for r in rows],
        "ids": [_id(r) for r in rows],
    }


def _color_limits(full: Sequence[Row]) -> tuple[float, float]:
    rates = [float(r["rate_per_million"]) for r in full]
    return math.log10(min(rates)), math.log10(max(rates))


def make_incidence_map(
    rows: Any,
    *,
    full: Any = None,
    widget: bool = False,
    labels: Mapping[str, str] | None = None,
    hover: Callable[[Row], str] | None = None,
) -> go.Figure:
    """World map of incidence, one marker per study population, drawn offline.

    ``full`` (default ``rows``) fixes the colour scale, so colours keep their meaning when
    ``rows`` is a filtered subset. ``labels`` keys: ``title``, ``colorbar``, ``note``,
    ``outlines``, ``markers``.
    """
    import plotly.graph_objects as go

    rows = _rows(rows)
    full = rows if full is None else _rows(full)
    cmin, cmax = _color_limits(full)
    lon, lat = outline_lonlat()
    a = map_arrays(rows, hover=hover)
    outlines = go.Scattergeo(
        lon=lon,
        lat=lat,
        mode="lines",
        line=dict(width=0.6, color="#8c8c8c"),
        hoverinfo="skip",
        showlegend=False,
        name=_text(labels, "outlines"),
        meta=MAP_TRACE["outlines"],
    )
    markers = go.Scattergeo(
        lon=a["lon"],
        lat=a["lat"],
        ids=a["ids"],
        mode="markers",
        name=_text(labels, "markers"),
        meta=MAP_TRACE["markers"],
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
            # Under the map, not beside it: beside it, the colour scale took a third of a
            # phone's width and the map shrank to 230 px.
            colorbar=dict(
                title=dict(text=_text(labels, "colorbar").replace("<br>", " "), side="top"),
                tickvals=[math.log10(t) for t in _COLOR_TICKS],
                ticktext=[str(t) for t in _COLOR_TICKS],
                orientation="h",
                x=0.5, xanchor="center", y=-0.02, yanchor="top",
                lenmode="pixels", len=300,  # fits a phone; on a laptop a full-width bar is hard to read
                thickness=12,
            ),
        ),
    )
    layout = base_layout(
        title=_text(labels, "title"),
        x_title="",
        y_title="",
        height=480,
        margin=dict(l=10, r=10, t=60, b=120),
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
                text=wrap_text(_text(labels, "note"), 48),
                x=0.01, y=-0.25, xref="paper", yref="paper", showarrow=False,
                xanchor="left", yanchor="top", font=dict(size=12),
            )
        ],
    )
    layout.pop("xaxis")
    layout.pop("yaxis")
    return make_figure([outlines, markers], layout, widget=widget)


# --------------------------------------------------------------------------- ranked chart


def ranked_arrays(
    rows: Any,
    *,
    label: Callable[[Row], str] | None = None,
    hover: Callable[[Row], str] | None = None,
) -> dict[str, Any]:
    """Data for the ranked chart: categories lowest to highest, split by CI status.

    ``label`` writes a row's axis label (default: its id); labels are made unique with the id.

    >>> rows = [{"population_id": "a", "rate_per_million": 3.0, "ci_low": 2.0, "ci_high": 4.5, "method": "registry"},
    ...         {"population_id": "b", "rate_per_million": 1.0, "ci_low": None, "ci_high": None,
    ...          "method": "insurance claims"}]
    >>> a = ranked_arrays(rows)
    >>> a["categories"], a["with_ci"]["minus"], a["with_ci"]["plus"], a["without_ci"]["symbol"]
    (['b', 'a'], [1.0], [1.5], ['diamond-open'])
    """
    label = label or _id
    hover = hover or _id
    ordered = sorted(_rows(rows), key=lambda r: (float(r["rate_per_million"]), _id(r)))
    labels: list[str] = []
    for r in ordered:
        text = label(r)
        if text in labels:  # keep categories unique
            text += f" ({_id(r)})"
        labels.append(text)
    # Long population names are shortened (the hover and the table give them whole) and wrap, so
    # the dots keep most of a phone's width (they had 64 px) and rows stay apart.
    short = [_shorten(text) for text in labels]
    # Two names alike up to the cut keep more of their end (where such names differ), else
    # their whole text: categories must stay unique.
    short = [s if short.count(s) == 1 else _shorten(text, head=1 / 3) for s, text in zip(short, labels, strict=True)]
    short = [s if short.count(s) == 1 else text for s, text in zip(short, labels, strict=True)]
    labels = [_wrap_keeping_tag(text) for text in short]
    out: dict[str, Any] = {"categories": labels}
    for key, keep in (("with_ci", True), ("without_ci", False)):
        sel = [(lab, r) for lab, r in zip(labels, ordered, strict=True) if has_ci(r) is keep]
        out[key] = {
            "y": [lab for lab, _ in sel],
            "x": [float(r["rate_per_million"]) for _, r in sel],
            "minus": [round(float(r["rate_per_million"]) - float(r["ci_low"]), 6) for _, r in sel] if keep else [],
            "plus": [round(float(r["ci_high"]) - float(r["rate_per_million"]), 6) for _, r in sel] if keep else [],
            "symbol": [
                (_CLAIMS_SYMBOL if r["method"] == "insurance claims" else _DEFAULT_SYMBOL) + ("" if keep else "-open")
                for _, r in sel
            ],
            "text": [hover(r) for _, r in sel],
        }
    return out


def _shorten(label: str, limit: int = RANK_LABEL_LIMIT, head: float = 2 / 3) -> str:
    """``label`` cut at a word to about ``limit`` characters with an ellipsis, keeping a final
    ``[tag]`` (such as the claims tag).

    The cut is in the middle: the place comes first and the years last, and two populations of
    one registry differ only there.

    >>> _shorten("Mexico: People registered with the Mexican Institute of Social Security, 1996-2000 [claims]", 40)
    'Mexico: People registered… 1996-2000 [claims]'
    """
    match = re.search(r"\s*\[[^\]]*\]$", label)
    tag = match.group(0) if match else ""
    body = label[: len(label) - len(tag)]
    if len(body) <= limit:
        return label
    start = body[: int(limit * head)].rsplit(" ", 1)[0].rstrip(",;:")
    end = body[-(limit - len(start)):]
    end = end.split(" ", 1)[1] if " " in end else end
    return f"{start}… {end}{tag}"


def _wrap_keeping_tag(label: str) -> str:
    """``label`` wrapped; its final ``[tag]`` ends the last line, or a line of its own when too long.

    >>> _wrap_keeping_tag("Sweden: women, 1970-1978 [age-adj.]")
    'Sweden: women,<br>1970-1978<br> [age-adj.]'
    """
    match = re.search(r"\s*\[[^\]]*\]$", label)
    tag = match.group(0) if match else ""
    body = wrap_text(label[: len(label) - len(tag)], RANK_LABEL_WIDTH)
    last = body.rsplit("<br>", 1)[-1]
    return body + tag if len(last) + len(tag) <= RANK_LABEL_WIDTH + 2 else f"{body}<br>{tag}"


def ranked_height(n: int) -> int:
    """The ranked chart's height in pixels for ``n`` categories (rows hold up to three lines)."""
    return 150 + 64 * max(n, 3)




def _x_max(full: Sequence[Row]) -> float:
    values = [float(v) for r in full for v in (r["rate_per_million"], r.get("ci_high")) if v is not None and v == v]
    return max(values) * 1.08 if values else 1.0


def make_ranked_chart(
    rows: Any,
    *,
    full: Any = None,
    widget: bool = False,
    labels: Mapping[str, str] | None = None,
    label: Callable[[Row], str] | None = None,
    hover: Callable[[Row], str] | None = None,
) -> go.Figure:
    """Ranked dot plot of incidence, whiskers only where a 95% CI was published.

    ``full`` (default ``rows``) fixes the x range so a filter does not rescale the axis.
    ``labels`` keys: ``title``, ``x_title``, ``with_ci``, ``without_ci`` (legend names).
    """
    import plotly.graph_objects as go

    rows = _rows(rows)
    full = rows if full is None else _rows(full)
    a = ranked_arrays(rows, label=label, hover=hover)
    with_ci = go.Scatter(
        x=a["with_ci"]["x"],
        y=a["with_ci"]["y"],
        mode="markers",
        name=_text(labels, "with_ci"),
        meta=RANK_TRACE["with_ci"],
        marker=dict(size=11, color=PALETTE["blue"], symbol=a["with_ci"]["symbol"],
                    line=dict(width=1.5, color=PALETTE["blue"])),
        error_x=dict(type="data", array=a["with_ci"]["plus"], arrayminus=a["with_ci"]["minus"],
                     color=PALETTE["blue"], thickness=2, width=6),
        text=a["with_ci"]["text"],
        hovertemplate="%{text}<extra></extra>",
    )
    without_ci = go.Scatter(
        x=a["without_ci"]["x"],
        y=a["without_ci"]["y"],
        mode="markers",
        name=_text(labels, "without_ci"),
        meta=RANK_TRACE["without_ci"],
        marker=dict(size=11, color=PALETTE["vermillion"], symbol=a["without_ci"]["symbol"],
                    line=dict(width=2, color=PALETTE["vermillion"])),
        text=a["without_ci"]["text"],
        hovertemplate="%{text}<extra></extra>",
    )
    layout = base_layout(
        title=_text(labels, "title"),
        x_title=_text(labels, "x_title"),
        y_title="",
        height=ranked_height(len(a["categories"])),
        xaxis=dict(range=[0, _x_max(full)], zeroline=True, gridcolor="#e5e5e5"),
        yaxis=dict(categoryorder="array", categoryarray=a["categories"], tickfont=dict(size=11)),
        legend=dict(orientation="h", x=0, y=-0.08, yanchor="top", xanchor="left"),
        margin=dict(l=4, r=20, t=60, b=90),
    )
    return make_figure([with_ci, without_ci], layout, widget=widget)


# --------------------------------------------------------------------------- expected cases


def expected_cases_arrays(result: ExpectedCases) -> dict[str, list[float]]:
    """Bar and whisker values for an :class:`~hemaedu.ExpectedCases` result.

    >>> from hemaedu import expected_cases
    >>> r = expected_cases(rate_per_million=2.0, population=2_000_000)
    >>> expected_cases_arrays(r) == {"x": [r.mean], "minus": [r.mean - r.low], "plus": [r.high - r.mean]}
    True
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


def make_expected_cases_chart(
    result: ExpectedCases, *, label: str = "", widget: bool = False, labels: Mapping[str, str] | None = None
) -> go.Figure:
    """Bar for the expected count with a whisker for the central Poisson range.

    ``labels`` keys: ``title`` (or ``label``), ``x_title``, ``category``, ``name``, ``hover``
    (a plotly hovertemplate).
    """
    import plotly.graph_objects as go

    a = expected_cases_arrays(result)
    bar = go.Bar(
        x=a["x"],
        y=[_text(labels, "category")],
        orientation="h",
        name=_text(labels, "name"),
        meta="expected",
        marker=dict(color=PALETTE["sky_blue"], line=dict(color=PALETTE["blue"], width=1.5), pattern=dict(shape="/")),
        error_x=dict(type="data", array=a["plus"], arrayminus=a["minus"], color=PALETTE["black"],
                     thickness=2.5, width=14),
        hovertemplate=_text(labels, "hover") or "%{x:.2f}<extra></extra>",
        width=0.5,
    )
    layout = base_layout(
        title=label or _text(labels, "title"),
        x_title=_text(labels, "x_title"),
        y_title="",
        height=260,  # a phone wraps the axis title: the bar keeps 120 px
        xaxis=dict(range=expected_x_range(result), rangemode="tozero"),
        yaxis=category_ticks([_text(labels, "category")], 12),
        showlegend=False,
        margin=dict(l=10, r=20, t=60, b=10),
    )
    return make_figure([bar], layout, widget=widget)
