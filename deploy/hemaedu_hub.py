"""JupyterHub settings for a hemaedu class, read from ``hub_settings.yaml`` next to this file.

Use it as a JupyterHub config file: The Littlest JupyterHub loads every ``*.py`` in
``/opt/tljh/config/jupyterhub_config.d/`` after its own settings, so copying this
file and ``hub_settings.yaml`` there applies them (deploy/tljh/install.sh does it).
On any other hub, ``jupyterhub -f deploy/hemaedu_hub.py`` or, from your own config::

    import sys; sys.path.insert(0, "/path/to/deploy")
    import hemaedu_hub
    hemaedu_hub.apply(c, hemaedu_hub.load_settings())

The multi-user test (tests/browser/test_hub.py) applies the same file, then only
swaps what a test machine needs (local spawner, test login, free ports).

What it sets:

* every student's default page: the course start page in Voila (or JupyterLab);
* per-student memory and CPU guarantee and limit (enforced by the spawner:
  TLJH's systemd spawner and KubeSpawner do; a local process spawner only passes
  them on as ``MEM_LIMIT``/``CPU_LIMIT``);
* jupyterhub-idle-culler as a hub service with the least rights it needs;
* spawn limits for a class that logs in all at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

SETTINGS_FILE = Path(__file__).resolve().with_name("hub_settings.yaml")
CULLER_NAME = "idle-culler"  # TLJH calls its own culler "cull-idle"; both are replaced
_OTHER_CULLER_NAMES = {"cull-idle", CULLER_NAME}
_APPS = ("voila", "lab")


def load_settings(path: Path | str = SETTINGS_FILE) -> dict[str, Any]:
    """Read and check the class settings (see hub_settings.yaml for each field)."""
    settings = yaml.safe_load(Path(path).read_text())
    app = settings["course"]["default_app"]
    if app not in _APPS:
        raise ValueError(f"{path}: course.default_app is {app!r}; use one of {_APPS}")
    for key in ("timeout_seconds", "every_seconds", "concurrency"):
        if int(settings["cull"][key]) <= 0:
            raise ValueError(f"{path}: cull.{key} must be a positive number of seconds/servers")
    limits = settings["limits"]
    if float(limits["cpu_guarantee"]) > float(limits["cpu_limit"]):
        raise ValueError(f"{path}: limits.cpu_guarantee is above limits.cpu_limit")
    return settings


def default_url(settings: dict[str, Any]) -> str:
    """The page a student lands on, relative to their server: e.g. /voila/render/notebooks/00_start_here.ipynb."""
    return settings["course"]["urls"][settings["course"]["default_app"]]


def culler_command(settings: dict[str, Any], python: str = sys.executable) -> list[str]:
    """The jupyterhub-idle-culler command line for these settings."""
    cull = settings["cull"]
    command = [
        python, "-m", "jupyterhub_idle_culler",
        f"--timeout={int(cull['timeout_seconds'])}",
        f"--cull-every={int(cull['every_seconds'])}",
        f"--concurrency={int(cull['concurrency'])}",
    ]
    if int(cull["max_age_seconds"]):
        command.append(f"--max-age={int(cull['max_age_seconds'])}")
    if cull["users"]:
        command.append("--cull-users")
    return command


def _configured(section: Any, name: str) -> list[Any]:
    """A list already set in a traitlets config section (an unset one reads as empty)."""
    return list(section[name]) if name in section else []


def server_args(settings: dict[str, Any]) -> list[str]:
    """Command-line settings for each student's Jupyter server: bounded busy kernels, closed pages freed."""
    kernels = settings["kernels"]
    return [
        "--ServerApp.kernel_manager_class=hemaedu._kernels.BoundedKernelManager",
        f"--BoundedKernelManager.busy_limit={int(kernels['busy_limit_seconds'])}",
        f"--BoundedKernelManager.busy_grace={int(kernels['busy_grace_seconds'])}",
        f"--MappingKernelManager.cull_idle_timeout={int(kernels['cull_idle_timeout_seconds'])}",
        f"--MappingKernelManager.cull_interval={int(kernels['cull_interval_seconds'])}",
        "--MappingKernelManager.cull_connected=False",
        # Voila as a server extension otherwise tells each page to load MathJax from cdnjs
        # (standalone Voila does not): "null" for both keeps a lesson from calling outside.
        "--ServerApp.tornado_settings=mathjax_url=null",
        "--ServerApp.tornado_settings=mathjax_config=null",
    ]


def apply(c: Any, settings: dict[str, Any] | None = None, python: str = sys.executable) -> None:
    """Apply the class settings to a JupyterHub config object ``c``.

    ``python`` is the interpreter that runs the culler (the hub's own).
    """
    settings = settings or load_settings()
    limits, spawn = settings["limits"], settings["spawn"]

    c.Spawner.default_url = default_url(settings)
    c.Spawner.mem_guarantee = limits["memory_guarantee"]
    c.Spawner.mem_limit = limits["memory_limit"]
    c.Spawner.cpu_guarantee = float(limits["cpu_guarantee"])
    c.Spawner.cpu_limit = float(limits["cpu_limit"])
    c.Spawner.start_timeout = int(spawn["start_timeout_seconds"])
    c.Spawner.http_timeout = int(spawn["http_timeout_seconds"])
    c.JupyterHub.concurrent_spawn_limit = int(spawn["concurrent_spawn_limit"])
    # Each student's server ends runaway kernels and those of closed pages (issue 9),
    # as voila.json does for a single Voila server.
    c.Spawner.args = [*_configured(c.Spawner, "args"), *server_args(settings)]

    # The culler: one service, replacing any culler configured before (TLJH's).
    services = [s for s in _configured(c.JupyterHub, "services") if s.get("name") not in _OTHER_CULLER_NAMES]
    services.append({"name": CULLER_NAME, "command": culler_command(settings, python)})
    c.JupyterHub.services = services
    roles = [r for r in _configured(c.JupyterHub, "load_roles") if CULLER_NAME not in r.get("services", [])
             and not set(r.get("services", [])) & _OTHER_CULLER_NAMES]
    roles.append({
        "name": "hemaedu-idle-culler",
        "description": "Stop idle students' servers",
        # The scopes jupyterhub-idle-culler's README lists for culling servers.
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]
        + (["admin:users"] if settings["cull"]["users"] else []),
        "services": [CULLER_NAME],
    })
    c.JupyterHub.load_roles = roles


# Loaded as a JupyterHub config file (jupyterhub -f, or TLJH's jupyterhub_config.d):
# traitlets runs this file with `get_config` in its namespace.
if "get_config" in globals():
    apply(get_config(), load_settings())  # noqa: F821 - provided by traitlets
