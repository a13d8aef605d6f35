"""The data package: schema validity, typing, provenance and failure on corruption."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import hemaedu
from hemaedu import data as data_module

DATA = Path(__file__).resolve().parent.parent / "data"
PACKAGE = json.loads((DATA / "datapackage.json").read_text())
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}


def test_tables_constant_matches_datapackage():
    assert set(hemaedu.TABLES) == set(RESOURCES)


def test_frictionless_validate_passes():
    # The CLI is the documented way a teacher checks the data; run exactly that.
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"],
        cwd=DATA, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


@pytest.mark.parametrize("name", hemaedu.TABLES)
def test_every_table_loads_typed_with_description(name):
    frame = hemaedu.load(name)
    resource = RESOURCES[name]
    fields = resource["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    assert len(frame) > 0
    assert len(resource["description"]) > 80, "each table needs a real description"
    assert frame.attrs["description"] == resource["description"]
    expected = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string"}
    for field in fields:
        assert str(frame[field["name"]].dtype) == expected[field["type"]], field["name"]
        assert field.get("description"), f"{name}.{field['name']} has no description"


@pytest.mark.parametrize("name", hemaedu.TABLES)
def test_every_table_has_a_primary_key_and_sourced_rows(name):
    resource = RESOURCES[name]
    assert resource["schema"].get("primaryKey"), name
    frame = hemaedu.load(name)
    if name == "references":
        return
    assert "source_id" in frame.columns, f"{name} rows must name their source"
    assert frame["source_id"].notna().all()
    fks = resource["schema"].get("foreignKeys", [])
    assert any(fk["fields"] in ("source_id", ["source_id"]) for fk in fks), name


def test_every_source_id_resolves_in_references():
    known = set(hemaedu.load("references")["source_id"])
    for name in hemaedu.TABLES:
        frame = hemaedu.load(name)
        if name != "references" and "source_id" in frame.columns:
            unknown = set(frame["source_id"].dropna()) - known
            assert not unknown, f"{name} cites unknown sources {sorted(unknown)}"


def test_every_reference_is_traceable():
    refs = hemaedu.load("references")
    has_id = refs["doi"].notna() | refs["pmid"].notna()
    # A URL only where neither a DOI nor a PMID exists.
    assert (has_id | refs["url"].notna()).all()
    assert not (has_id & refs["url"].notna()).any(), "URL given although a DOI/PMID exists"
    assert refs["doi"].dropna().str.startswith("10.").all()
    assert refs["pmid"].dropna().str.fullmatch(r"\d{6,9}").all()


def test_load_returns_an_independent_copy():
    first = hemaedu.load("incidence")
    first.loc[0, "rate_per_million"] = -1.0
    assert hemaedu.load("incidence").loc[0, "rate_per_million"] >= 0


def test_unknown_table_lists_the_valid_names():
    with pytest.raises(ValueError, match="valid names are: references, incidence"):
        hemaedu.load("incidense")


def test_format_references_rejects_unknown_ids():
    with pytest.raises(ValueError, match=r"unknown source_id\(s\) \['nobody1999'\]"):
        hemaedu.format_references(["nobody1999"])


@pytest.fixture
def corrupt_copy(tmp_path, monkeypatch):
    """A copy of data/ that the loader reads instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setattr(data_module, "data_path", lambda filename: copy / filename)
    data_module._clear_caches()
    yield copy
    data_module._clear_caches()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text.replace("rate_per_million", "rate", 1), "do not match the schema"),
        (lambda text: text + "only,three,cells\n", "3 cells, expected"),
    ],
)
def test_corrupted_file_raises_a_clear_error(corrupt_copy, edit, message):
    path = corrupt_copy / "incidence.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        hemaedu.load("incidence")
    assert "reinstall hemaedu" in str(info.value)


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        ("rate_per_million", "abc", "'abc' is not a valid number"),
        ("rate_per_million", "-2.0", "below the minimum 0"),
        ("rate_per_million", "inf", "not a finite number"),
        ("source_id", "", "required value is missing"),
    ],
)
def test_bad_cell_in_file_is_rejected(corrupt_copy, column, bad, message):
    frame = pd.read_csv(corrupt_copy / "incidence.csv", dtype=str, keep_default_na=False)
    frame.loc[0, column] = bad
    frame.to_csv(corrupt_copy / "incidence.csv", index=False)
    with pytest.raises(ValueError, match=message):
        hemaedu.load("incidence")


def test_unreadable_datapackage_raises(corrupt_copy):
    (corrupt_copy / "datapackage.json").write_text("{not json")
    with pytest.raises(ValueError, match="cannot read the data description"):
        hemaedu.load("incidence")


@pytest.mark.parametrize("name", hemaedu.TABLES)
def test_every_resource_records_rows_bytes_and_hash(name):
    resource = RESOURCES[name]
    raw = (DATA / resource["path"]).read_bytes()
    assert resource["bytes"] == len(raw)
    assert resource["hash"] == data_module.file_digest(raw)
    assert resource["hash"].startswith("sha256:") and len(resource["hash"]) == len("sha256:") + 64
    assert resource["rows"] == len(hemaedu.load(name))


def test_refresh_tool_finds_nothing_to_update():
    # After a deliberate edit of a CSV, `make data-hashes` records the new state.
    result = subprocess.run(
        [sys.executable, str(DATA.parent / "tools" / "refresh_data_hashes.py"), "--check"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_files_are_checked_out_with_lf_line_endings():
    # The recorded hashes are of LF files; .gitattributes keeps Windows checkouts LF too.
    for resource in PACKAGE["resources"]:
        assert b"\r\n" not in (DATA / resource["path"]).read_bytes(), resource["path"]
    attributes = (DATA.parent / ".gitattributes").read_text(encoding="utf-8")
    assert "data/*.csv text eol=lf" in attributes


def test_plausible_ranges_cover_every_count_the_rules_take():
    ranges = hemaedu.load("plausible_ranges").set_index("measure")
    assert set(ranges.index) == {"hb", "wbc", "anc", "platelets", "reticulocytes"}
    assert (ranges["low"] < ranges["high"]).all()
    assert ranges.loc["hb", "unit"] == "g/dL"
    assert set(ranges.drop(index="hb")["unit"]) == {"10^9/L"}
