"""The course's lessons: one registry, one app protocol, content in files.

``registry.toml`` (beside this module) is the only list of lessons. Everything that lists them
(lesson 00's course map, the README's table, the notebooks' headers, the tests, the browser tests
and the benchmark) reads :data:`LESSONS`:

>>> [lesson.number for lesson in LESSONS][:3]
['00', '01', '02']
>>> lesson("03") is lesson("regional_incidence")
True
>>> lesson("03").notebook, lesson("03").css_class
('03_regional_incidence.ipynb', 'hemaedu-app-regional_incidence')

A lesson's title, description and objectives come from its content in the current language
(``hemaedu/lessons/<package>/content/<lang>/lesson.toml``). Importing this package is light:
the standard library only; a lesson's apps (ipywidgets, plotly) load when the lesson is imported.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any

__all__ = ["LESSONS", "Lesson", "Measure", "lesson", "measure"]


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course, as ``registry.toml`` describes it (language-neutral facts)."""

    number: str
    slug: str
    package: str
    minutes: int
    main_app: str
    apps: tuple[str, ...]
    #: The data tables whose numbers the lesson shows (every table when the registry does not say).
    tables: tuple[str, ...] = ()

    @property
    def notebook(self) -> str:
        """The notebook's file name in ``notebooks/``."""
        return f"{self.number}_{self.slug}.ipynb"

    @property
    def name(self) -> str:
        """``"<number>_<slug>"``: the notebook's stem, used as test ids."""
        return f"{self.number}_{self.slug}"

    @property
    def css_class(self) -> str:
        """The CSS class the lesson's main app container carries (the page hook for tests)."""
        return f"hemaedu-app-{self.slug}"

    def app_css_class(self, app: str) -> str:
        """The CSS class of one of the lesson's apps: the main app gets :attr:`css_class`."""
        return self.css_class if app == self.main_app else f"{self.css_class}-{app}"

    def _content(self, key: str) -> Any:
        from .content import get

        return get(self.package, key)

    @property
    def title(self) -> str:
        """The lesson's title in the current language."""
        return str(self._content("title"))

    @property
    def description(self) -> str:
        """One line: what the learner does in the lesson."""
        return str(self._content("description"))

    @property
    def objectives(self) -> tuple[str, ...]:
        """The learning objectives, in the current language."""
        return tuple(self._content("objectives"))

    def module(self) -> ModuleType:
        """The lesson's package, as the notebook imports it."""
        return importlib.import_module(f"hemaedu.lessons.{self.package}")

    def factory(self, app: str | None = None) -> Callable[..., Any]:
        """The function that builds ``app`` (default: the main app)."""
        app = app or self.main_app
        if app not in self.apps:
            raise ValueError(f"lesson {self.name} has no app {app!r}; registry.toml lists {list(self.apps)}")
        return getattr(importlib.import_module(f"hemaedu.lessons.{self.package}.apps"), app)

    def app(self, app: str | None = None, **kwargs: Any) -> Any:
        """Build ``app`` (default: the main app) as the notebook does."""
        return self.factory(app)(**kwargs)


def _registry_text() -> str:
    return (resources.files("hemaedu.lessons") / "registry.toml").read_text(encoding="utf-8")


@cache
def _load() -> tuple[Lesson, ...]:
    raw = tomllib.loads(_registry_text()).get("lesson", [])
    out = []
    for n, entry in enumerate(raw, start=1):
        missing = [k for k in ("number", "slug", "package", "minutes", "main_app", "apps") if k not in entry]
        if missing:
            raise ValueError(f"hemaedu/lessons/registry.toml: lesson {n} lacks {missing}")
        item = Lesson(
            number=str(entry["number"]), slug=entry["slug"], package=entry["package"],
            minutes=int(entry["minutes"]), main_app=entry["main_app"], apps=tuple(entry["apps"]),
            tables=tuple(entry.get("tables", ())),
        )
        if item.main_app not in item.apps:
            raise ValueError(f"hemaedu/lessons/registry.toml: lesson {item.name}: main_app must be one of apps")
        out.append(item)
    numbers = [x.number for x in out]
    if numbers != sorted(set(numbers)):
        raise ValueError(f"hemaedu/lessons/registry.toml: lesson numbers must be unique and in order, got {numbers}")
    return tuple(out)


#: Every lesson, in reading order.
LESSONS: tuple[Lesson, ...] = _load()


def lesson(key: str | int) -> Lesson:
    """A lesson by number (``"03"`` or ``3``), slug, package or notebook stem (``"03_regional_incidence"``)."""
    wanted = f"{key:02d}" if isinstance(key, int) else str(key).removesuffix(".ipynb")
    for item in LESSONS:
        if wanted in (item.number, item.slug, item.package, item.name):
            return item
    raise ValueError(f"no lesson {key!r}; lessons are {', '.join(x.name for x in LESSONS)}")


# --------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class Grid:
    """A slider grid in one unit."""

    min: float
    max: float
    step: float
    format: str


@dataclass(frozen=True)
class Measure:
    """One measure of ``measures.toml``: units and slider grids; label and help from content."""

    key: str
    canonical: str
    units: tuple[str, ...]
    grids: dict[str, Grid]

    @property
    def label(self) -> str:
        from .content import get

        return str(get("measures", f"{self.key}.label"))

    @property
    def short(self) -> str:
        from .content import get

        return str(get("measures", f"{self.key}.short"))

    @property
    def help(self) -> str:
        from .content import get

        return str(get("measures", f"{self.key}.help"))

    def grid(self, unit: str | None = None) -> Grid:
        unit = unit or self.canonical
        if unit not in self.grids:
            raise ValueError(f"measure {self.key!r} has no slider grid in {unit!r}; units: {list(self.grids)}")
        return self.grids[unit]


@cache
def _measures() -> dict[str, Measure]:
    raw = tomllib.loads((resources.files("hemaedu.lessons") / "measures.toml").read_text(encoding="utf-8"))
    return {
        key: Measure(key=key, canonical=m["canonical"], units=tuple(m["units"]),
                     grids={u: Grid(**g) for u, g in m.get("grid", {}).items()})
        for key, m in raw.items()
    }


def measure(key: str) -> Measure:
    """One measure of ``measures.toml``.

    >>> measure("anc").grid().step, measure("anc").short
    (0.05, 'ANC')
    """
    table = _measures()
    if key not in table:
        raise ValueError(f"unknown measure {key!r}; measures.toml has {', '.join(table)}")
    return table[key]
