"""The incidence map draws with no network at all.

plotly's geo maps normally download country outlines from cdn.plot.ly when the
figure is shown (plotly.js ``topojsonURL``); in plotly.js 4.1.1 even a
``Choropleth`` with inline GeoJSON triggers that download (its
``locationmode="geojson-id"`` counts as needing topojson). hemaedu draws its
shipped outlines as a line trace with every geo base layer off. These tests
open the exported figure (plotly.js inline) in Chromium with every non-local
request aborted and recorded, and check that the map is drawn and that nothing
tried to leave the machine. A control test shows the interception works: the
stock plotly world map does try to fetch from the CDN.
"""

from __future__ import annotations

import json
import os
import zipfile
from importlib import resources
from pathlib import Path

import pytest
from servers import CHROMIUM  # one place for the required flags
from servers import CHROMIUM_ARGS as ARGS

from hemaedu import load
from hemaedu.figures.incidence import OUTLINES_FILE, load_outlines, make_incidence_map, outline_lonlat

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


# --------------------------------------------------------------------------- asset (no browser)


def test_outlines_ship_inside_the_package_and_are_small() -> None:
    asset = resources.files("hemaedu") / "assets" / OUTLINES_FILE
    assert asset.is_file()
    size = len(asset.read_bytes())
    assert size < 300_000, f"outline asset grew to {size} bytes"
    licence = resources.files("hemaedu") / "assets" / "LICENSE-world-atlas.txt"
    assert "Permission to use, copy, modify" in licence.read_text(encoding="utf-8")


def test_outlines_are_world_countries_with_provenance() -> None:
    gj = load_outlines()
    names = {f["properties"]["name"] for f in gj["features"]}
    # The study countries of the incidence table must all be on the map.
    assert {"Sweden", "France", "Spain", "Japan", "China", "Thailand", "Brazil", "Mexico"} <= names
    assert len(gj["features"]) == 177  # world-atlas 110m countries
    assert "world-atlas" in gj["metadata"]["source"]
    lon, lat = outline_lonlat()
    coords = [(x, y) for x, y in zip(lon, lat, strict=True) if x is not None]
    assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in coords)
    # Rounded to 2 decimals by tools/build_world_outlines.mjs.
    assert all(round(x, 2) == x for x, _ in coords[:2000])


def test_map_uses_no_feature_that_makes_plotlyjs_fetch_topojson() -> None:
    fig = make_incidence_map(load("incidence"))
    full = json.loads(fig.to_json())
    geo = full["layout"]["geo"]
    assert geo["visible"] is False
    for layer in ("land", "ocean", "lakes", "rivers", "countries", "coastlines", "subunits"):
        assert not geo.get(f"show{layer}", False)
    for trace in full["data"]:
        assert trace["type"] == "scattergeo"
        assert "locationmode" not in trace and "locations" not in trace


@pytest.mark.slow
def test_wheel_contains_the_outlines(tmp_path: Path) -> None:
    build = pytest.importorskip("build")
    del build
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(root)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("hemaedu-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert f"hemaedu/assets/{OUTLINES_FILE}" in names
    assert "hemaedu/assets/LICENSE-world-atlas.txt" in names


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser(request):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI; install it with `apt-get install chromium`")
        pytest.skip(f"{CHROMIUM} not found: install Debian's Chromium (`apt-get install chromium`) to run this test")
    # The session's one Playwright driver (tests/conftest.py): the sync API cannot run twice at once.
    b = request.getfixturevalue("playwright_driver").chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    try:
        yield b
    finally:
        b.close()


def _open_offline(browser, path: Path) -> tuple[object, list[str]]:
    page = browser.new_page()
    outside: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", handle)
    page.goto(path.as_uri())
    page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot');"
                           " return gd && gd._fullLayout && gd.querySelector('.geo'); }", timeout=20_000)
    page.wait_for_timeout(500)  # let any (blocked) asynchronous fetch be attempted
    return page, outside


@pytest.mark.browser
def test_incidence_map_draws_offline(browser, tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    make_incidence_map(load("incidence")).write_html(path, include_plotlyjs=True)
    page, outside = _open_offline(browser, path)
    try:
        info = page.evaluate(
            """() => {
                const gd = document.querySelector('.js-plotly-plot');
                const paths = Array.from(gd.querySelectorAll('.geo .scattergeo path'));
                const line = gd.querySelector('.geo .scattergeo path.js-line');
                return {
                    hasLayout: !!gd._fullLayout,
                    geo: !!gd._fullLayout.geo,
                    rings: line ? (line.getAttribute('d') || '').split('M').length - 1 : 0,
                    points: gd.querySelectorAll('.geo .scattergeo path.point').length,
                    paths: paths.length,
                };
            }"""
        )
    finally:
        page.close()
    assert outside == [], f"the map tried to reach the network: {outside}"
    assert info["hasLayout"] and info["geo"]
    # The outlines trace is one SVG path with a sub-path ("M") per country ring.
    assert info["rings"] > 100, info
    assert info["points"] == len(load("incidence")), info


@pytest.mark.browser
def test_interception_catches_plotly_cdn_topojson(browser, tmp_path: Path) -> None:
    """Control: a stock geo map asks cdn.plot.ly for its outlines, and we see it."""
    import plotly.graph_objects as go

    path = tmp_path / "stock.html"
    go.Figure(go.Scattergeo(lon=[15], lat=[62])).write_html(path, include_plotlyjs=True)
    page, outside = _open_offline(browser, path)
    page.close()
    assert any("cdn.plot.ly" in url for url in outside), outside
