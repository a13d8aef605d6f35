"""Set-up a newcomer relies on: two README commands, Binder env in sync, data inside the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_specs() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str):
            name, _, spec = entry.partition(" ")
            specs[name.strip().lower()] = spec.replace(" ", "")
    return specs


def test_environment_yml_matches_runtime_dependencies():
    conda = _conda_specs()
    for line in PYPROJECT["project"]["dependencies"]:
        req = Requirement(line)
        if req.marker and not req.marker.evaluate({"sys_platform": "linux"}):
            continue  # e.g. JupyterLite-only packages; conda/Binder never runs in Pyodide
        assert req.name.lower() in conda, f"{req.name} is in pyproject.toml but not environment.yml"
        assert set(conda[req.name.lower()].split(",")) == {str(s) for s in req.specifier}, (
            f"{req.name}: pyproject says {req.specifier}, environment.yml says {conda[req.name.lower()]}"
        )
    # repo2docker only understands "python=X.Y", so Binder pins one version
    # that must lie inside requires-python.
    pinned = conda["python"].lstrip("=")
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(pinned + ".0")


def test_environment_yml_carries_the_lab_extra():
    conda = _conda_specs()
    for line in PYPROJECT["project"]["optional-dependencies"]["lab"]:
        req = Requirement(line)
        assert set(conda[req.name.lower()].split(",")) == {str(s) for s in req.specifier}


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, flags=re.S)


def test_readme_has_exactly_two_commands_near_the_top():
    readme = (ROOT / "README.md").read_text()
    assert readme.index("## Two commands") < 2000
    commands = _readme_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    run, test = commands
    assert "jupyter lab notebooks/00_start_here.ipynb" in run
    assert '".[test]"' in test and test.endswith("-m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _readme_commands()[1] in ci


def test_import_is_light():
    code = (
        "import sys, time; t = time.perf_counter(); import hemaedu; "
        "heavy = {'pandas', 'numpy', 'plotly', 'ipywidgets'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT.parent)


@pytest.mark.slow
def test_installed_wheel_carries_the_data(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = dist.glob("hemaedu-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "data").iterdir() if p.suffix in {".csv", ".json"}}
    assert {f"hemaedu/data/{name}" for name in shipped} <= names
    # The controls' JavaScript and CSS (anywidget reads them at import; JupyterLite too).
    static = {p.name for p in (ROOT / "hemaedu" / "static").iterdir() if p.suffix in {".js", ".css"}}
    assert {"slider.js", "choice.js", "controls-shared.js", "controls.css", "figure_loader.js"} <= static
    assert {f"hemaedu/static/{name}" for name in static} <= names

    # A fresh environment with only the wheel; the test environment's site-packages
    # is appended (after the wheel's) just to provide pandas.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
    )
    (site / "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import hemaedu, sys; df = hemaedu.load('incidence'); "
        "assert len(df) >= 12; print(hemaedu.__file__); print(hemaedu.data.data_path('incidence.csv')); "
        "from hemaedu.controls import Slider; "
        "assert 'type = \"range\"' in Slider(value=1, min=0, max=2, step=1, description='x')._esm"
    )
    out = subprocess.run([python, "-c", code], check=True, cwd=elsewhere, capture_output=True, text=True)
    module_file, data_file = out.stdout.split()
    assert module_file.startswith(str(site)) and data_file.startswith(str(site))


@pytest.mark.slow
def test_repo2docker_understands_the_binder_setup():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-repo2docker")), "--no-build", "--debug", str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert "Building conda environment for python=3.12" in log
    assert 'file "environment.yml"' in log and "./postBuild" in log
