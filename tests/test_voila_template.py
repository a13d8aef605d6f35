"""The offline Voila template ``hemaedu``: shipped in the wheel, selected by voila.json.

Voila's own "lab" template links Font Awesome from cdn.jsdelivr.net; ours drops
those links (share/jupyter/voila/templates/hemaedu). The browser tests prove the
pages then load nothing from outside; these tests check, without a browser,
that the template is packaged where Voila looks for it and is still in step
with the Voila block it replaces.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "share" / "jupyter" / "voila" / "templates" / "hemaedu"
WHEEL_DATA = "share/jupyter/voila/templates/hemaedu"
CDN = re.compile(r"https?://", re.I)


def _template_files() -> dict[str, bytes]:
    return {p.relative_to(TEMPLATE).as_posix(): p.read_bytes()
            for p in sorted(TEMPLATE.rglob("*")) if p.is_file()}


def test_voila_json_selects_the_offline_template():
    config = json.loads((ROOT / "voila.json").read_text())["VoilaConfiguration"]
    assert config["template"] == TEMPLATE.name == "hemaedu"
    # The JupyterLite kernel extension is only for the lite site; in Voila it throws
    # "Cannot read properties of undefined (reading 'LicensesClient')".
    assert config["extension_denylist"] == ["@jupyterlite/pyodide-kernel-extension"]


def test_template_extends_voila_lab_and_links_nothing_outside():
    conf = json.loads((TEMPLATE / "conf.json").read_text())
    assert conf["base_template"] == "lab"
    assert {"index.html.j2", "page.html", "conf.json", "LICENSE-voila"} <= set(_template_files())
    for name in ("index.html.j2", "page.html"):
        text = (TEMPLATE / name).read_text()
        assert not CDN.search(text), f"{name} names an outside URL"
        assert "LICENSE-voila" in text  # copied Voila code keeps its BSD notice


def _block(text: str, name: str) -> str:
    pattern = r"\{%-? block NAME -?%\}(.*?)\{%-? endblock NAME -?%\}".replace("NAME", name)
    match = re.search(pattern, text, re.S)
    assert match, f"block {name} not found"
    return match.group(1)


def _code_lines(text: str) -> list[str]:
    # Compare code, not layout or our own {# comments #}.
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_copied_block_matches_installed_voila():
    """Our notebook_css block is Voila's minus the two CDN links (re-copy it after a Voila upgrade)."""
    from voila.paths import collect_template_paths

    voila_lab = next(Path(p) / "index.html.j2" for p in collect_template_paths(["voila"], "lab")
                     if (Path(p) / "index.html.j2").is_file() and Path(p).name == "lab")
    theirs = _code_lines(_block(voila_lab.read_text(), "notebook_css"))
    cdn_links = [line for line in theirs if CDN.search(line)]
    assert len(cdn_links) == 2 and all("fontawesome" in line for line in cdn_links)
    expected = [line.replace("{{ super() }}", "{{ super.super() }}")
                for line in theirs if line not in cdn_links]
    assert _code_lines(_block((TEMPLATE / "index.html.j2").read_text(), "notebook_css")) == expected


def test_copied_body_header_only_adds_the_main_landmark():
    """Our body_header is Voila's with the lesson content marked as the main landmark."""
    from voila.paths import collect_template_paths

    voila_lab = next(Path(p) / "index.html.j2" for p in collect_template_paths(["voila"], "lab")
                     if (Path(p) / "index.html.j2").is_file() and Path(p).name == "lab")
    theirs = _code_lines(_block(voila_lab.read_text(), "body_header"))
    expected = [line.replace('<div id="rendered_cells"', '<div id="rendered_cells" role="main"') for line in theirs]
    assert expected != theirs, "Voila's body_header changed: re-copy it"
    assert _code_lines(_block((TEMPLATE / "index.html.j2").read_text(), "body_header")) == expected


def test_voila_finds_the_template_in_this_environment():
    """`pip install -e .` / `pip install .` put it under {sys.prefix}/share/jupyter (a copy)."""
    from voila.paths import collect_template_paths

    paths = collect_template_paths(["voila", "nbconvert"], "hemaedu", prune=True)
    found = [Path(p) for p in paths if Path(p).name == "hemaedu"]
    assert found, "Voila does not find the hemaedu template: run `pip install -e .`"
    installed = {p.relative_to(found[0]).as_posix(): p.read_bytes()
                 for p in found[0].rglob("*") if p.is_file()}
    assert installed == _template_files(), (
        f"the installed template at {found[0]} differs from share/: run `pip install -e .` again"
    )
    # hemaedu first, then Voila's lab template it extends.
    names = [Path(p).name for p in paths if Path(p).parent.name == "templates"]
    assert names.index("hemaedu") < names.index("lab")


@pytest.mark.slow
def test_wheel_ships_the_template_as_shared_data(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("hemaedu-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        data_dir = next(n.split("/")[0] for n in zf.namelist() if n.split("/")[0].endswith(".data"))
        shipped = {n.removeprefix(f"{data_dir}/data/{WHEEL_DATA}/"): zf.read(n)
                   for n in zf.namelist() if n.startswith(f"{data_dir}/data/{WHEEL_DATA}/")}
    # installers copy <name>.data/data/* to sys.prefix, where jupyter_path() looks
    assert shipped == _template_files()
