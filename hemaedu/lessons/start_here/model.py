"""Lesson 00's pure model: the course plan from the registry, the data package facts, the demo's units.

>>> total_minutes() == sum(item.minutes for item in LESSONS)
True
>>> demo_values(9.5)["g_l"] == convert(9.5, "g/dL", "g/L")
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ... import __version__
from ...data import TABLES, package_metadata, records
from ...units import convert
from .. import LESSONS

__all__ = ["DEMO_START", "HOOKS", "SOURCES", "DemoView", "demo_values", "demo_view", "total_minutes"]

#: The guidelines the whole course builds on (the lesson's references).
SOURCES = ("killick2016", "kulasekararaj2024", "camitta1976", "who2011")
#: Where the practice slider starts, in g/dL (illustrative, not data).
DEMO_START = 12.0


def total_minutes() -> int:
    """The whole course's estimated time, in minutes."""
    return sum(item.minutes for item in LESSONS)


@dataclass(frozen=True)
class DemoView:
    """The practice slider's hemoglobin in the three units the course uses."""

    g_dl: float
    g_l: float
    mmol_l: float


def demo_values(g_dl: float) -> dict[str, float]:
    """A hemoglobin in g/dL re-expressed in g/L and mmol/L."""
    return {"g_dl": g_dl, "g_l": convert(g_dl, "g/dL", "g/L"), "mmol_l": convert(g_dl, "g/dL", "mmol/L")}


def demo_view(hb: float) -> DemoView:
    """The demo's view for the slider's value (g/dL)."""
    v = demo_values(hb)
    return DemoView(g_dl=v["g_dl"], g_l=v["g_l"], mmol_l=v["mmol_l"])


def _licences() -> str:
    return ", ".join(
        f"[{lic.get('title', lic['name'])}]({lic['path']}) ({lic['name']})" if lic.get("path") else lic["name"]
        for lic in package_metadata().get("licenses", [])
    )


def _with_id() -> int:
    return sum(bool(r["doi"] or r["pmid"]) for r in records("references"))


#: Named values the lesson's content quotes (``{{hook:name}}``).
HOOKS: dict[str, Callable[..., Any]] = {
    "package_title": lambda: package_metadata()["title"],
    "package_name": lambda: package_metadata()["name"],
    "package_version": lambda: package_metadata()["version"],
    "hemaedu_version": lambda: __version__,
    "licences": _licences,
    "licence_names": lambda: ", ".join(lic["name"] for lic in package_metadata().get("licenses", [])),
    "tables": lambda: ", ".join(f"`{r['name']}`" for r in package_metadata()["resources"]),
    "n_references": lambda: str(len(records("references"))),
    "n_with_id": lambda: str(_with_id()),
    "n_tables": lambda: str(len(TABLES)),
}
