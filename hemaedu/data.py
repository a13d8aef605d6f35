"""Load the curated, sourced data tables that ship with hemaedu.

Every table is a CSV described by ``datapackage.json`` (a Frictionless Data
Package): field types, units, constraints and the source of every row. The files
live in ``data/`` at the top of the repository; the wheel build copies them into
``hemaedu/data`` and this module reads them with :mod:`importlib.resources`, so
they work the same from a notebook, a script or a browser kernel.

One reader, standard library only, serves :func:`load` and the rule functions
(:mod:`hemaedu._thresholds`, the plausibility checks): it enforces the schema's
types and constraints, row-level rules and unique keys, and compares every file
with the row count, size (``bytes``) and SHA-256 ``hash`` recorded in
``datapackage.json``, so a cut, edited or re-encoded file is refused with its
name, line and column instead of being used. After a deliberate edit, record the
new state with ``make data-hashes``.

>>> from hemaedu import load, TABLES
>>> "incidence" in TABLES
True
>>> refs = load("references")
>>> int(refs.loc[refs.source_id == "scheinberg2011", "year"].item())
2011
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported only when a table is first loaded
    import pandas as pd

__all__ = ["REFRESH_HASHES", "TABLES", "data_path", "describe", "format_references", "load"]

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
    "plausible_ranges",
    "outcomes",
    "treatment_pathway",
    "aa_classification",
    "workup",
    "pitfalls",
    "care_facts",
)

#: The command that records the row counts, sizes and hashes of the data files
#: in ``datapackage.json`` again after a deliberate edit of a CSV.
REFRESH_HASHES = "make data-hashes (or: python tools/refresh_data_hashes.py)"

_REINSTALL = "reinstall hemaedu (pip install --force-reinstall hemaedu) or restore data/ from git"

# The unit every measure is stored in (the package's canonical units). Tables
# with a measure and a unit column must use exactly these (in thresholds: the
# rows the rule functions read): a threshold in g/L or /uL would otherwise be
# compared with values in g/dL or 10^9/L.
CANONICAL_UNITS: dict[str, str] = {
    "hb": "g/dL",
    "wbc": "10^9/L",
    "anc": "10^9/L",
    "platelets": "10^9/L",
    "reticulocytes": "10^9/L",
    "cellularity": "%",
    "residual_hematopoietic": "%",
    "marrow_blasts": "%",
}

# Cells must be written the way the files are written: plain decimals with an
# optional exponent. float() alone would also accept "1_000", " 5", "nan" or "infinity".
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


def data_path(filename: str) -> Traversable:
    """Return the location of a shipped data file.

    Installed packages carry the data inside ``hemaedu/data``; in a source
    checkout (editable install, tests) the single source is ``data/`` beside the
    package, which the wheel build copies in.
    """
    return _data_dir() / filename


@cache
def _data_dir() -> Traversable:
    # Looked up once: every formatted threshold asks for a path, and resolving the package's
    # resources costs a file-system walk (slow in the browser kernel's virtual file system).
    packaged = resources.files("hemaedu") / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


@cache
def _datapackage() -> dict[str, Any]:
    path = data_path("datapackage.json")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        resources_ = {r["name"]: r for r in package["resources"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"cannot read the data description {path}: {exc}; {_REINSTALL}") from exc
    return {"package": package, "resources": resources_}


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise ValueError(
            f"a table name must be a string such as 'incidence', got {name!r} ({type(name).__name__}); "
            f"load one table per call, e.g. [load(n) for n in names]; valid names are: {', '.join(TABLES)}"
        )
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; valid names are: {', '.join(TABLES)}")
    return name


def _resource(name: str) -> dict[str, Any]:
    _check_name(name)
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


# --------------------------------------------------------------------------- reading


def file_digest(raw: bytes) -> str:
    """The ``hash`` value recorded in ``datapackage.json`` for a file's bytes.

    Data Package v2 writes a hash other than MD5 with its algorithm as prefix.

    >>> file_digest(b"a,b\\n")
    'sha256:...'
    """
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _decode(raw: bytes, where: str) -> str:
    """UTF-8 text of a data file; a BOM or a byte that is not UTF-8 is named with its line and column."""
    if raw.startswith(codecs.BOM_UTF8):
        raise ValueError(
            f"{where} line 1, column 1: the file starts with a UTF-8 byte-order mark (BOM), which the data "
            f"package does not allow (encoding utf-8 without BOM); save it again as UTF-8 without BOM "
            f"(in Excel: 'CSV UTF-8' adds one, so use another editor) or {_REINSTALL}"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        # Column in characters of the decodable text before the bad byte.
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise ValueError(
            f"{where} line {line}, column {column}: byte 0x{raw[exc.start]:02x} is not valid UTF-8 "
            f"(encoding error: the file must be saved as UTF-8, not Latin-1 or Windows-1252); {_REINSTALL}"
        ) from None


def _parse(value: str, field: dict[str, Any], where: str) -> Any:
    kind = field["type"]
    if kind == "integer":
        if not _INTEGER.fullmatch(value):
            raise ValueError(f"{where}: {value!r} is not a valid integer (write whole numbers such as 42)")
        return int(value)
    if kind == "number":
        if not _NUMBER.fullmatch(value):
            raise ValueError(
                f"{where}: {value!r} is not a valid number (not a finite number written like 1.5 or 2e-3)"
            )
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{where}: {value!r} is not a valid number (not a finite number)")
        return number
    if kind == "boolean":
        if value not in ("true", "false"):
            raise ValueError(f"{where}: {value!r} is not a valid boolean (expected true or false)")
        return value == "true"
    return value


def _check_constraints(value: Any, field: dict[str, Any], where: str) -> None:
    constraints = field.get("constraints", {})
    if "enum" in constraints and value not in constraints["enum"]:
        raise ValueError(f"{where}: {value!r} is not one of {constraints['enum']}")
    if "minimum" in constraints and value < constraints["minimum"]:
        raise ValueError(f"{where}: {value!r} is below the minimum {constraints['minimum']}")
    if "maximum" in constraints and value > constraints["maximum"]:
        raise ValueError(f"{where}: {value!r} is above the maximum {constraints['maximum']}")


# Row-level rules the schema cannot express. Each returns None or
# (columns involved, what is wrong).
_RowRule = Callable[[dict[str, Any]], "tuple[tuple[str, ...], str] | None"]


def _canonical_unit(row: dict[str, Any]) -> tuple[tuple[str, ...], str] | None:
    if row.get("used_by", "rules") == "teaching":
        # Teaching rows may state a cut-off in another quantity (e.g. reticulocytes
        # in % in the original Camitta criteria); the rule functions never read them.
        return None
    expected = CANONICAL_UNITS.get(row["measure"])
    if expected is not None and row["unit"] != expected:
        return ("measure", "unit"), (
            f"{row['measure']} must be stored in {expected}, got {row['unit']!r} "
            f"(the rules compare it with values in {expected})"
        )
    return None


def _ordered(low: str, high: str, strict: bool = False) -> _RowRule:
    def rule(row: dict[str, Any]) -> tuple[tuple[str, ...], str] | None:
        a, b = row[low], row[high]
        if a is not None and b is not None and (a >= b if strict else a > b):
            relation = "below" if strict else "at most"
            return (low, high), f"{low} ({a:g}) must be {relation} {high} ({b:g})"
        return None

    return rule


def _within(value: str, low: str, high: str) -> _RowRule:
    def rule(row: dict[str, Any]) -> tuple[tuple[str, ...], str] | None:
        x, a, b = row[value], row[low], row[high]
        if x is not None and ((a is not None and a > x) or (b is not None and x > b)):
            return (low, value, high), f"{value} ({x:g}) must lie within {low} ({a}) and {high} ({b})"
        return None

    return rule


_ROW_RULES: dict[str, tuple[_RowRule, ...]] = {
    "incidence": (_ordered("period_start", "period_end"), _within("rate_per_million", "ci_low", "ci_high")),
    "ist_response": (_ordered("responders", "n"),),
    "thresholds": (_canonical_unit,),
    "reference_ranges": (_canonical_unit, _ordered("low", "high")),
    "plausible_ranges": (_canonical_unit, _ordered("low", "high", strict=True)),
    "treatment_pathway": (_ordered("age_min", "age_max"),),
}


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class _Table:
    """A checked table: its schema fields, typed rows and the file line of each row."""

    fields: tuple[dict[str, Any], ...]
    rows: tuple[dict[str, Any], ...]
    lines: tuple[int, ...]
    where: str


def _check_integrity(resource: dict[str, Any], raw: bytes, n_rows: int, where: str) -> None:
    """Compare the file with the row count, size and hash recorded in datapackage.json."""
    recorded = {key: resource.get(key) for key in ("rows", "bytes", "hash")}
    missing = [key for key, value in recorded.items() if value is None]
    if missing:
        raise ValueError(
            f"datapackage.json records no {', '.join(missing)} for {where}; record them with {REFRESH_HASHES}"
        )
    actual = {"rows": n_rows, "bytes": len(raw), "hash": file_digest(raw)}
    changed = [key for key in ("rows", "bytes", "hash") if recorded[key] != actual[key]]
    if not changed:
        return
    details = "; ".join(f"{key}: recorded {recorded[key]}, found {actual[key]}" for key in changed)
    hints = []
    recorded_rows = recorded["rows"]
    if "rows" in changed and isinstance(recorded_rows, int) and n_rows < recorded_rows:
        hints.append(f"{recorded_rows - n_rows} row(s) are missing (a truncated or cut file?)")
    if b"\r\n" in raw:
        hints.append("its line endings are CRLF (Windows): if an editor or git changed them, restore LF line endings")
    hint = (" " + "; ".join(hints) + ".") if hints else ""
    raise ValueError(
        f"{where} has changed since datapackage.json recorded it ({details}).{hint} "
        f"If you edited it on purpose, record the new state with {REFRESH_HASHES}; otherwise {_REINSTALL}"
    )


@cache
def _table(name: str) -> _Table:
    """Read a table with the standard library and check it against datapackage.json.

    Every problem is a ``ValueError`` naming the file and, where there is one,
    the line and column: bytes that are not UTF-8, a BOM, a wrong header, a row
    with too few or too many cells, a cell of the wrong type or outside its
    constraints, a duplicate key, a row-level rule (e.g. responders above n),
    no data rows, and a row count, size or hash that differs from the record.
    """
    resource = _resource(name)
    fields = tuple(resource["schema"]["fields"])
    path = data_path(resource["path"])
    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {where}: {exc}; {_REINSTALL}") from exc
    if not raw.strip():
        raise ValueError(f"{where} is empty (not even a header line); {_REINSTALL}")
    text = _decode(raw, where)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        expected = [f["name"] for f in fields]
        if header != expected:
            raise ValueError(
                f"{where} line 1 is corrupted: its columns {header} do not match the "
                f"schema {expected}; {_REINSTALL}"
            )
        rows: list[dict[str, Any]] = []
        lines: list[int] = []
        for raw_row in reader:
            line_no = reader.line_num
            if not raw_row:
                continue
            if len(raw_row) != len(fields):
                raise ValueError(
                    f"{where} line {line_no} is corrupted: {len(raw_row)} cells, "
                    f"expected {len(fields)} (a cut or badly quoted line?); {_REINSTALL}"
                )
            row: dict[str, Any] = {}
            for field, cell in zip(fields, raw_row, strict=True):
                cell_where = f"{where} line {line_no}, column {field['name']}"
                if cell == "":
                    if field.get("constraints", {}).get("required"):
                        raise ValueError(f"{cell_where}: required value is missing; {_REINSTALL}")
                    row[field["name"]] = None
                    continue
                try:
                    value = _parse(cell, field, cell_where)
                    _check_constraints(value, field, cell_where)
                except ValueError as exc:
                    raise ValueError(f"{exc}; {_REINSTALL}") from None
                row[field["name"]] = value
            for rule in _ROW_RULES.get(name, ()):
                problem = rule(row)
                if problem is not None:
                    columns, message = problem
                    raise ValueError(f"{where} line {line_no}, columns {', '.join(columns)}: {message}; {_REINSTALL}")
            rows.append(row)
            lines.append(line_no)
    except csv.Error as exc:
        raise ValueError(f"{where} line {reader.line_num} is not valid CSV ({exc}); {_REINSTALL}") from None
    if not rows:
        raise ValueError(f"{where} has a header but no data rows; every table must have rows. {_REINSTALL}")
    _check_unique(resource, fields, rows, lines, where)
    _check_integrity(resource, raw, len(rows), where)
    return _Table(fields=fields, rows=tuple(rows), lines=tuple(lines), where=where)


def _check_unique(
    resource: dict[str, Any],
    fields: tuple[dict[str, Any], ...],
    rows: list[dict[str, Any]],
    lines: list[int],
    where: str,
) -> None:
    """Primary key and ``unique`` columns: the second occurrence is named with both lines."""
    key = resource["schema"].get("primaryKey")
    keys = [[key] if isinstance(key, str) else list(key)] if key else []
    keys += [[f["name"]] for f in fields if f.get("constraints", {}).get("unique") and [f["name"]] not in keys]
    for columns in keys:
        first_seen: dict[tuple, int] = {}
        for row, line_no in zip(rows, lines, strict=True):
            value = tuple(row[c] for c in columns)
            if value in first_seen:
                shown = value[0] if len(value) == 1 else value
                raise ValueError(
                    f"{where} line {line_no}, column {', '.join(columns)}: duplicate primary key {shown!r} "
                    f"(first on line {first_seen[value]}); each key must appear once. {_REINSTALL}"
                )
            first_seen[value] = line_no


def _read_rows(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Fields and rows of a checked table (fresh lists; the cached rows are shared, do not mutate)."""
    table = _table(_check_name(name))
    return list(table.fields), list(table.rows)


def _clear_caches() -> None:
    """Forget every table read so far (tests point :func:`data_path` at a copy of data/).

    Clears every cached function of this module, so a cache added later is not forgotten.
    """
    for value in list(globals().values()):
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


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

    Raises ``ValueError`` for a name that is not one of :data:`TABLES` (listing
    the valid ones) and for a data file that fails its checks: not UTF-8 or
    starting with a BOM, a wrong header, a cell of the wrong type or outside its
    constraints, a duplicate key, a row-level rule (e.g. responders above n), no
    data rows, or a row count, size or hash that differs from the one recorded
    in ``datapackage.json``. The message names the file and, where there is
    one, the line and column; after a deliberate edit of a CSV, record its new
    state with ``make data-hashes``.

    >>> incidence = load("incidence")
    >>> bool((incidence["rate_per_million"] > 0).all())
    True
    >>> load("incidense")
    Traceback (most recent call last):
    ...
    ValueError: unknown table 'incidense'; valid names are: references, incidence, ...
    """
    return _load_frame(_check_name(name)).copy()


def format_references(source_ids: Iterable[str]) -> str:
    """Format the cited sources as a Markdown list (citation, DOI/PMID links).

    Unknown ids raise ``ValueError`` so a lesson cannot cite a missing source.

    >>> print(format_references(["scheinberg2011"]))  # doctest: +ELLIPSIS
    - Scheinberg ... [doi:10.1056/NEJMoa1103975](https://doi.org/10.1056/NEJMoa1103975) [PMID 21812672](...)
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
