"""Load the curated, sourced data tables that ship with hemaedu.

Every table is a CSV described by ``datapackage.json`` (a Frictionless Data
Package): field types, units, constraints and the source of every row. The files
live in ``data/`` at the top of the repository; the wheel build copies them into
``hemaedu/data`` and this module reads them with :mod:`importlib.resources`, so
they work the same from a notebook, a script or a browser kernel.

>>> from hemaedu import load, TABLES
>>> "incidence" in TABLES
True
>>> refs = load("references")
>>> int(refs.loc[refs.source_id == "scheinberg2011", "year"].item())
2011
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported only when a table is first loaded
    import pandas as pd

__all__ = ["TABLES", "data_path", "describe", "format_references", "load"]

#: Names accepted by :func:`load`, in teaching order. A test checks that this
#: matches the resources listed in ``datapackage.json``.
TABLES: tuple[str, ...] = (
    "references",
    "incidence",
    "age_pattern",
    "ist_response",
    "causes",
    "differential",
    "thresholds",
    "reference_ranges",
    "outcomes",
    "treatment_pathway",
)

_REINSTALL = "reinstall hemaedu (pip install --force-reinstall hemaedu) or restore data/ from git"


def data_path(filename: str) -> Traversable:
    """Return the location of a shipped data file.

    Installed packages carry the data inside ``hemaedu/data``; in a source
    checkout (editable install, tests) the single source is ``data/`` beside the
    package, which the wheel build copies in.
    """
    packaged = resources.files("hemaedu") / "data"
    if packaged.is_dir():
        return packaged / filename
    return Path(__file__).resolve().parent.parent / "data" / filename


@cache
def _datapackage() -> dict[str, Any]:
    path = data_path("datapackage.json")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        resources_ = {r["name"]: r for r in package["resources"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"cannot read the data description {path}: {exc}; {_REINSTALL}") from exc
    return {"package": package, "resources": resources_}


def _resource(name: str) -> dict[str, Any]:
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; valid names are: {', '.join(TABLES)}")
    try:
        return _datapackage()["resources"][name]
    except KeyError:
        raise ValueError(f"table {name!r} is missing from datapackage.json; {_REINSTALL}") from None


def describe(name: str) -> str:
    """Return the description of a table: what it holds, units and caveats.

    >>> print(describe("thresholds").splitlines()[0])  # doctest: +ELLIPSIS
    thresholds: ...
    """
    resource = _resource(name)
    lines = [f"{name}: {resource.get('title', name)}", "", resource.get("description", "")]
    lines += ["", "Columns:"]
    for field in resource["schema"]["fields"]:
        lines.append(f"  {field['name']} ({field['type']}): {field.get('description', '')}")
    return "\n".join(lines)


def _parse(value: str, field: dict[str, Any], where: str) -> Any:
    kind = field["type"]
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                raise ValueError("not a finite number")
            return number
        if kind == "boolean":
            if value not in ("true", "false"):
                raise ValueError("expected true or false")
            return value == "true"
    except ValueError as exc:
        raise ValueError(f"{where}: {value!r} is not a valid {kind} ({exc})") from None
    return value


def _check_constraints(value: Any, field: dict[str, Any], where: str) -> None:
    constraints = field.get("constraints", {})
    if "enum" in constraints and value not in constraints["enum"]:
        raise ValueError(f"{where}: {value!r} is not one of {constraints['enum']}")
    if "minimum" in constraints and value < constraints["minimum"]:
        raise ValueError(f"{where}: {value!r} is below the minimum {constraints['minimum']}")
    if "maximum" in constraints and value > constraints["maximum"]:
        raise ValueError(f"{where}: {value!r} is above the maximum {constraints['maximum']}")


def _read_rows(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Read and check a table with the standard library against its schema."""
    resource = _resource(name)
    fields = resource["schema"]["fields"]
    path = data_path(resource["path"])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {resource['path']}: {exc}; {_REINSTALL}") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    expected = [f["name"] for f in fields]
    if header != expected:
        raise ValueError(
            f"{resource['path']} is corrupted: its columns {header} do not match the "
            f"schema {expected}; {_REINSTALL}"
        )
    rows = []
    for line_no, raw in enumerate(reader, start=2):
        if not raw:
            continue
        if len(raw) != len(fields):
            raise ValueError(
                f"{resource['path']} line {line_no} is corrupted: {len(raw)} cells, "
                f"expected {len(fields)}; {_REINSTALL}"
            )
        row: dict[str, Any] = {}
        for field, cell in zip(fields, raw):
            where = f"{resource['path']} line {line_no}, column {field['name']}"
            if cell == "":
                if field.get("constraints", {}).get("required"):
                    raise ValueError(f"{where}: required value is missing; {_REINSTALL}")
                row[field["name"]] = None
                continue
            try:
                value = _parse(cell, field, where)
                _check_constraints(value, field, where)
            except ValueError as exc:
                raise ValueError(f"{exc}; {_REINSTALL}") from None
            row[field["name"]] = value
        rows.append(row)
    key = resource["schema"].get("primaryKey")
    if key:
        key = [key] if isinstance(key, str) else key
        seen = set()
        for row in rows:
            k = tuple(row[c] for c in key)
            if k in seen:
                raise ValueError(f"{resource['path']} has a duplicate primary key {k}; {_REINSTALL}")
            seen.add(k)
    return fields, rows


_PANDAS_DTYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string"}


@cache
def _load_frame(name: str) -> pd.DataFrame:
    import pandas as pd

    fields, rows = _read_rows(name)
    columns = {}
    for field in fields:
        values = [row[field["name"]] for row in rows]
        dtype = _PANDAS_DTYPES.get(field["type"], "string")
        if dtype == "float64":
            values = [math.nan if v is None else v for v in values]
        columns[field["name"]] = pd.array(values, dtype=dtype)
    frame = pd.DataFrame(columns)
    resource = _resource(name)
    frame.attrs.update(
        name=name, title=resource.get("title", name), description=resource.get("description", "")
    )
    return frame


def load(name: str) -> pd.DataFrame:
    """Load one data table as a typed :class:`pandas.DataFrame`.

    Column types follow ``datapackage.json``: integers are nullable ``Int64``,
    numbers ``float64`` (missing = NaN), booleans nullable ``boolean`` and text
    ``string``. ``frame.attrs["description"]`` holds the table's description.
    Each call returns a fresh copy, so changing it never alters later loads.

    Raises ``ValueError`` for an unknown name (listing the valid ones) or a data
    file that does not match its schema.

    >>> incidence = load("incidence")
    >>> bool((incidence["rate_per_million"] > 0).all())
    True
    >>> load("incidense")
    Traceback (most recent call last):
    ...
    ValueError: unknown table 'incidense'; valid names are: references, incidence, ...
    """
    return _load_frame(name).copy()


def format_references(source_ids: Iterable[str]) -> str:
    """Format the cited sources as a Markdown list (citation, DOI/PMID links).

    Unknown ids raise ``ValueError`` so a lesson cannot cite a missing source.

    >>> print(format_references(["scheinberg2011"]))  # doctest: +ELLIPSIS
    - Scheinberg ... [doi:10.1056/NEJMoa1103975](https://doi.org/10.1056/NEJMoa1103975)
    """
    _, rows = _read_rows("references")
    by_id = {row["source_id"]: row for row in rows}
    wanted = list(dict.fromkeys(source_ids))
    missing = [s for s in wanted if s not in by_id]
    if missing:
        raise ValueError(f"unknown source_id(s) {missing}; see load('references') for valid ids")
    lines = []
    for source_id in wanted:
        row = by_id[source_id]
        links = []
        if row.get("doi"):
            links.append(f"[doi:{row['doi']}](https://doi.org/{row['doi']})")
        if row.get("pmid"):
            links.append(f"[PMID {row['pmid']}](https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}/)")
        if not links and row.get("url"):
            links.append(f"<{row['url']}>")
        lines.append(f"- {row['citation']} {' '.join(links)}".rstrip())
    return "\n".join(lines)


def records(name: str) -> tuple[dict[str, Any], ...]:
    """The rows of one data table as plain dicts, typed by its schema; ``None`` marks a missing value.

    The standard-library twin of :func:`load` (no pandas): what the lessons read. Values are
    ``int``, ``float``, ``bool`` or ``str`` as ``datapackage.json`` types the column. Each call
    returns fresh dicts, so changing one never alters a later read.

    >>> rows = records("incidence")
    >>> all(row["rate_per_million"] > 0 for row in rows)
    True
    >>> records("incidense")
    Traceback (most recent call last):
    ...
    ValueError: unknown table 'incidense'; valid names are: references, incidence, ...
    """
    return tuple(dict(row) for row in _cached_rows(name))


@cache
def _cached_rows(name: str) -> tuple[dict[str, Any], ...]:
    return tuple(_read_rows(name)[1])


def row(name: str, key: str | tuple[Any, ...]) -> dict[str, Any]:
    """The one row of table ``name`` whose primary key is ``key``.

    Raises ``ValueError`` naming the table and the key when there is no such row, or when the
    table has no primary key.

    >>> row("incidence", "sweden")["country"]
    'Sweden'
    >>> row("incidence", "atlantis")
    Traceback (most recent call last):
    ...
    ValueError: table 'incidence' has no row with population_id 'atlantis'; see records('incidence')
    """
    primary = _resource(name)["schema"].get("primaryKey")
    if not primary:
        raise ValueError(f"table {name!r} has no primary key; filter records({name!r}) instead")
    columns = [primary] if isinstance(primary, str) else list(primary)
    wanted = key if isinstance(key, tuple) else (key,)
    if len(wanted) != len(columns):
        raise ValueError(f"table {name!r} has the primary key {columns}; got {key!r}")
    for candidate in _cached_rows(name):
        if tuple(candidate[c] for c in columns) == wanted:
            return dict(candidate)
    shown = " / ".join(columns)
    raise ValueError(f"table {name!r} has no row with {shown} {key!r}; see records({name!r})")


def package_metadata() -> dict[str, Any]:
    """The data package's own description (title, name, version, licences, resources), as checked on load.

    >>> package_metadata()["name"] == package_metadata()["name"].lower()
    True
    """
    return json.loads(json.dumps(_datapackage()["package"]))  # a copy: callers cannot alter the cache
