"""The deploy folder: hub settings in one file, a Z2JH values.yaml the chart accepts, Voila classroom keys.

Z2JH's chart validates ``values.yaml`` against its JSON schema
(``jupyterhub/values.schema.yaml``), where every object has
``additionalProperties: false``: a misspelt key makes ``helm install`` fail.
We do not vendor that 3,200-line schema (it changes with every chart release
and would need its own licence notice); instead CHART_KEYS below lists the
keys deploy/z2jh/values.yaml may use, with their types, copied from the
schema of zero-to-jupyterhub-k8s at commit 48ea50e (JupyterHub 5.5, July 2026).
A key added to values.yaml must be added here after checking it in the chart's
schema, which is the point: nobody adds a key without looking it up.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(DEPLOY))
import hemaedu_hub  # noqa: E402 - deploy/ is a folder of files to copy, not a package

# Dotted path -> JSON-schema types allowed by the chart (or an enum as a set of strings).
CHART_KEYS: dict[str, tuple[str, ...] | frozenset[str]] = {
    "singleuser.image.name": ("string",),
    "singleuser.image.tag": ("string",),
    "singleuser.defaultUrl": ("string", "null"),
    "singleuser.memory.guarantee": ("number", "string", "null"),
    "singleuser.memory.limit": ("number", "string", "null"),
    "singleuser.cpu.guarantee": ("number", "null"),
    "singleuser.cpu.limit": ("number", "null"),
    "singleuser.startTimeout": ("integer", "null"),
    "singleuser.storage.type": frozenset({"dynamic", "static", "none"}),
    "hub.concurrentSpawnLimit": ("integer", "null"),
    # hub.config passes traitlets settings through to JupyterHub's classes (any object).
    "hub.config.KubeSpawner.args": ("array",),
    "cull.enabled": ("boolean",),
    "cull.timeout": ("integer", "null"),
    "cull.every": ("integer", "null"),
    "cull.concurrency": ("integer", "null"),
    "cull.users": ("boolean", "null"),
    "cull.maxAge": ("integer", "null"),
    "prePuller.hook.enabled": ("boolean",),
    "prePuller.continuous.enabled": ("boolean",),
    "scheduling.userScheduler.enabled": ("boolean",),
    "scheduling.podPriority.enabled": ("boolean",),
    "scheduling.userPlaceholder.enabled": ("boolean",),
    "scheduling.userPlaceholder.replicas": ("integer",),
}

VALUES = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text())
SETTINGS = hemaedu_hub.load_settings()


def _leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(_leaves(value, f"{prefix}.{key}" if prefix else key))
        return out
    return {prefix: node}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def _fits(value: Any, allowed: tuple[str, ...] | frozenset[str]) -> bool:
    if isinstance(allowed, frozenset):
        return value in allowed
    kind = _json_type(value)
    return kind in allowed or (kind == "integer" and "number" in allowed)


@pytest.mark.parametrize("path", sorted(_leaves(VALUES)))
def test_values_yaml_uses_only_keys_the_chart_accepts(path: str) -> None:
    assert path in CHART_KEYS, f"{path} is not a key of the Z2JH chart's values schema (or not checked yet)"
    value = _leaves(VALUES)[path]
    assert _fits(value, CHART_KEYS[path]), f"{path}: {value!r} is not of type {CHART_KEYS[path]}"


def test_values_yaml_repeats_the_hub_settings() -> None:
    """values.yaml and hub_settings.yaml must not drift apart (one class, one set of numbers)."""
    limits, cull = SETTINGS["limits"], SETTINGS["cull"]
    single = VALUES["singleuser"]
    assert single["defaultUrl"] == hemaedu_hub.default_url(SETTINGS)
    assert single["memory"] == {"guarantee": limits["memory_guarantee"], "limit": limits["memory_limit"]}
    assert single["cpu"] == {"guarantee": limits["cpu_guarantee"], "limit": limits["cpu_limit"]}
    assert single["image"] == {"name": SETTINGS["image"]["name"], "tag": SETTINGS["image"]["tag"]}
    assert single["startTimeout"] == SETTINGS["spawn"]["start_timeout_seconds"]
    assert VALUES["hub"]["concurrentSpawnLimit"] == SETTINGS["spawn"]["concurrent_spawn_limit"]
    # Kubernetes students' servers get the same kernel bounds and offline pages as TLJH's.
    assert VALUES["hub"]["config"]["KubeSpawner"]["args"] == hemaedu_hub.server_args(SETTINGS)
    assert VALUES["cull"] == {
        "enabled": True, "timeout": cull["timeout_seconds"], "every": cull["every_seconds"],
        "concurrency": cull["concurrency"], "users": cull["users"], "maxAge": cull["max_age_seconds"],
    }


def test_hub_config_applies_the_settings() -> None:
    c = Config()
    # What TLJH has configured before our file runs: its own culler, named differently.
    c.JupyterHub.services = [{"name": "cull-idle", "command": ["old"]}, {"name": "other", "url": "x"}]
    c.JupyterHub.load_roles = [{"name": "tljh-culler", "scopes": [], "services": ["cull-idle"]}]
    hemaedu_hub.apply(c, SETTINGS, python="/opt/tljh/hub/bin/python3")
    assert c.Spawner.default_url == "/voila/render/notebooks/00_start_here.ipynb"
    assert (c.Spawner.mem_limit, c.Spawner.cpu_limit) == (SETTINGS["limits"]["memory_limit"],
                                                          float(SETTINGS["limits"]["cpu_limit"]))
    names = [s["name"] for s in c.JupyterHub.services]
    assert names == ["other", "idle-culler"]  # one culler, ours
    command = c.JupyterHub.services[-1]["command"]
    assert command[:3] == ["/opt/tljh/hub/bin/python3", "-m", "jupyterhub_idle_culler"]
    assert f"--timeout={SETTINGS['cull']['timeout_seconds']}" in command
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]


def test_students_servers_bound_their_kernels_like_the_single_voila_server() -> None:
    """Issue 9 under the hub: runaway kernels and those of closed pages end as with voila.json."""
    c = Config()
    c.Spawner.args = ["--debug"]
    hemaedu_hub.apply(c, SETTINGS)
    args = c.Spawner.args
    assert args[0] == "--debug"  # what was configured before is kept
    assert "--ServerApp.kernel_manager_class=hemaedu._kernels.BoundedKernelManager" in args
    voila = json.loads((ROOT / "voila.json").read_text())
    kernels = SETTINGS["kernels"]
    assert (kernels["busy_limit_seconds"], kernels["busy_grace_seconds"]) == (
        voila["BoundedKernelManager"]["busy_limit"], voila["BoundedKernelManager"]["busy_grace"])
    assert (kernels["cull_idle_timeout_seconds"], kernels["cull_interval_seconds"]) == (
        voila["MappingKernelManager"]["cull_idle_timeout"], voila["MappingKernelManager"]["cull_interval"])
    assert f"--BoundedKernelManager.busy_limit={kernels['busy_limit_seconds']}" in args
    assert f"--MappingKernelManager.cull_idle_timeout={kernels['cull_idle_timeout_seconds']}" in args


def test_hub_config_file_runs_as_jupyterhub_loads_it(tmp_path: Path) -> None:
    """Loaded the way JupyterHub/TLJH load a config file, it configures the hub."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("hemaedu_hub.py", path=str(DEPLOY)).load_config()
    assert config.Spawner.default_url == hemaedu_hub.default_url(SETTINGS)
    assert [s["name"] for s in config.JupyterHub.services] == ["idle-culler"]


@pytest.mark.parametrize(("section", "key", "value", "message"), [
    ("course", "default_app", "notebook", "course.default_app is 'notebook'"),
    ("cull", "timeout_seconds", 0, "cull.timeout_seconds must be a positive"),
    ("limits", "cpu_guarantee", 2.0, "cpu_guarantee is above limits.cpu_limit"),
])
def test_bad_settings_are_refused(tmp_path: Path, section: str, key: str, value: Any, message: str) -> None:
    settings = yaml.safe_load((DEPLOY / "hub_settings.yaml").read_text())
    settings[section][key] = value
    path = tmp_path / "hub_settings.yaml"
    path.write_text(yaml.safe_dump(settings))
    with pytest.raises(ValueError, match=message):
        hemaedu_hub.load_settings(path)


def test_classroom_voila_config_uses_real_voila_settings() -> None:
    """Every class and trait in deploy/classroom/voila.json exists in the installed Voila."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.app import Voila
    from voila.configuration import VoilaConfiguration
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    config = json.loads((DEPLOY / "classroom" / "voila.json").read_text())
    manager = voila_kernel_manager_factory(AsyncMappingKernelManager, True, 1)
    classes = {"Voila": Voila, "VoilaConfiguration": VoilaConfiguration,
               "VoilaKernelManager": manager, "MappingKernelManager": AsyncMappingKernelManager}
    for section, traits in config.items():
        assert section in classes, f"unknown section {section}"
        for trait in traits:
            assert classes[section].class_traits(config=True).get(trait) is not None, f"{section}.{trait}"
    assert config["VoilaConfiguration"]["preheat_kernel"] is True
    # Voila refuses preheating together with progressive rendering.
    assert config["VoilaConfiguration"].get("progressive_rendering", False) is False
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools["default"]["pool_size"] == 0  # only the lesson of the day is kept warm
    lessons = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert set(pools) - {"default"} <= lessons


def test_classroom_voila_config_keeps_the_repo_voila_settings() -> None:
    """Started from deploy/classroom/, Voila reads only that voila.json: it must keep the offline template."""
    repo = json.loads((ROOT / "voila.json").read_text())["VoilaConfiguration"]
    classroom = json.loads((DEPLOY / "classroom" / "voila.json").read_text())["VoilaConfiguration"]
    for key in ("template", "extension_denylist"):
        assert classroom[key] == repo[key], key
