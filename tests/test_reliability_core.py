"""Reliability of the core (issue 9, "Trust nothing"): bad input, corrupt data files, runaway work.

Three promises, each checked here against the defect that broke it:

* **Bad input is refused, never graded.** A count typed per microlitre, hemoglobin
  in g/L, a number beyond the float range, an infinity or NaN gives a
  ``ValueError`` naming the argument, in every public function of the core.
* **A corrupt data file is refused, never used.** Each damage of the catalogue is
  applied to a temporary copy of ``data/``; loading it (with :func:`hemaedu.load`
  and through the rules, which read the same files) raises a ``ValueError`` that
  names the file and the line and column (or the recorded row count and hash).
* **Every call finishes.** ``expected_cases`` returns or refuses for any input its
  validation accepts; a subprocess with a generous timeout guards against a hang.

(The widget and server half of issue 9 is tested in another module.)
"""

from __future__ import annotations

import codecs
import csv
import json
import math
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import hemaedu
from hemaedu import _thresholds, pathway
from hemaedu import data as data_module
from hemaedu._validate import plausible_range

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

# --------------------------------------------------------------------------- bad input

# A vignette every count call starts from: all values valid in canonical units.
BASE = {
    "cytopenias": dict(hb=9.1, wbc=2.1, anc=0.9, platelets=45, sex="female"),
    "is_pancytopenia": dict(hb=9.1, wbc=2.1, anc=0.9, platelets=45, sex="female"),
    "severity": dict(anc=0.3, platelets=10, reticulocytes=15, cellularity=10, residual_hematopoietic=20),
    "severity_criteria": dict(anc=0.3, platelets=10, reticulocytes=15, cellularity=10, residual_hematopoietic=20),
    "response": dict(anc=0.3, hb=8, platelets=30, reticulocytes=15),
}
FUNCTIONS = {name: getattr(hemaedu, name) for name in BASE}

# The clinically important range of each count, typed per microlitre (/uL):
# from the lowest cut-off region up to the normal range.
PER_MICROLITRE = {
    "anc": [100, 150, 199, 200, 300, 499, 500, 800, 1000, 1499, 1500],
    "wbc": [500, 800, 1000, 1500, 2000, 3000, 3999, 4000],
    "platelets": [1000, 4999, 5000, 9999, 10_000, 19_999, 20_000, 45_000, 50_000, 99_999, 100_000, 149_999, 150_000],
    "reticulocytes": [1000, 5000, 15_000, 19_999, 20_000, 45_000, 59_999, 60_000, 100_000, 150_000],
}
SWEEP = [
    (function, measure, value)
    for function, base in BASE.items()
    for measure, values in PER_MICROLITRE.items()
    if measure in base
    for value in values
]


@pytest.mark.parametrize(("function", "measure", "value"), SWEEP)
def test_counts_per_microlitre_are_refused_with_the_convert_call(function, measure, value):
    args = dict(BASE[function])
    args[measure] = value
    if measure == "wbc":
        args.pop("anc")  # test the WBC's own limit, not the ANC <= WBC check
    with pytest.raises(ValueError, match=rf'{measure}={value} .*per microlitre.*convert\({value}, "/uL", "10\^9/L"\)'):
        FUNCTIONS[function](**args)


def test_the_sweep_covers_every_count_argument_of_every_rule():
    covered = {(function, measure) for function, measure, _ in SWEEP}
    expected = {(f, m) for f, base in BASE.items() for m in base if m in ("anc", "wbc", "platelets", "reticulocytes")}
    assert covered == expected


@pytest.mark.parametrize("function", ["cytopenias", "is_pancytopenia", "response"])
@pytest.mark.parametrize("hb_g_per_l", [25, 60, 80, 99, 100, 119, 120, 129, 130, 160, 200])
def test_hemoglobin_in_grams_per_litre_is_refused(function, hb_g_per_l):
    message = rf'hb={hb_g_per_l} g/dL is implausible.*g/L.*convert\({hb_g_per_l}, "g/L", "g/dL"\)'
    with pytest.raises(ValueError, match=message):
        FUNCTIONS[function](**{**BASE[function], "hb": hb_g_per_l})


@pytest.mark.parametrize(
    ("call", "kwargs", "old_answer"),
    [
        # Issue 9, defect 1: what each call answered before the per-measure limits.
        (hemaedu.severity, dict(anc=150, platelets=10, reticulocytes=15, cellularity=10), "severe"),
        (hemaedu.severity, dict(anc=300, platelets=30, reticulocytes=15, cellularity=10), "non-severe"),
        (hemaedu.response, dict(anc=300, hb=8, platelets=30, reticulocytes=15), "partial"),
        (hemaedu.is_pancytopenia, dict(hb=9, wbc=1500, platelets=45, sex="female"), False),
        (hemaedu.cytopenias, dict(hb=9, wbc=3000, platelets=45, sex="female"), {"anemia", "thrombocytopenia"}),
    ],
)
def test_issue_calls_are_refused_and_right_once_converted(call, kwargs, old_answer):
    with pytest.raises(ValueError, match=r"per microlitre"):
        call(**kwargs)
    converted = {k: (hemaedu.convert(v, "/uL", "10^9/L") if k in ("anc", "wbc") else v) for k, v in kwargs.items()}
    assert call(**converted) != old_answer


def test_converted_per_microlitre_counts_give_the_published_grades():
    # ANC 150 /uL = 0.15 x10^9/L is below 0.2: very severe (modified Camitta).
    anc = hemaedu.convert(150, "/uL", "10^9/L")
    assert hemaedu.severity(anc=anc, platelets=10, reticulocytes=15, cellularity=10) == "very severe"
    assert hemaedu.is_pancytopenia(hb=9, wbc=hemaedu.convert(1500, "/uL", "10^9/L"), platelets=45, sex="female")


def test_anc_above_wbc_is_refused():
    with pytest.raises(ValueError, match=r"anc=80 is above wbc=2\.1"):
        hemaedu.cytopenias(hb=9, wbc=2.1, anc=80, platelets=45, sex="female")


def test_every_limit_lies_between_real_values_and_their_per_microlitre_reading():
    # The limit must refuse the smallest clinically important count typed per
    # microlitre, and accept the highest value a cut-off of the rules uses.
    for measure, values in PER_MICROLITRE.items():
        limits = plausible_range(measure)
        assert limits.unit == "10^9/L"
        assert min(values) >= limits.high, measure
        # ... and leave room above every cut-off and every normal upper limit.
        cutoffs = [t.value for t in map(_thresholds.get, _threshold_ids()) if t.measure == measure]
        ranges = hemaedu.load("reference_ranges")
        upper = ranges.loc[ranges.measure == measure, "high"].dropna().tolist()
        assert 2 * max(cutoffs + upper) < limits.high, measure
    assert plausible_range("hb").high <= 25  # 25 g/L is 2.5 g/dL: incompatible with life


def _threshold_ids() -> list[str]:
    with (DATA / "thresholds.csv").open(encoding="utf-8") as handle:
        return [row["threshold_id"] for row in csv.DictReader(handle)]


HUGE = [10**400, -(10**400), Fraction(10**400), 10**5000, math.inf, -math.inf, math.nan]
NUMERIC_ARGS = {
    "cytopenias": ["hb", "platelets", "wbc", "anc"],
    "is_pancytopenia": ["hb", "platelets", "wbc", "anc"],
    "severity": ["anc", "platelets", "reticulocytes", "cellularity", "residual_hematopoietic"],
    "severity_criteria": ["anc", "platelets", "reticulocytes", "cellularity", "residual_hematopoietic"],
    "response": ["anc", "hb", "platelets", "reticulocytes"],
}
OTHER_CALLS = {
    "expected_cases": (hemaedu.expected_cases, dict(rate_per_million=2.3, population=2e6, years=1, level=0.95)),
    "wilson_interval": (hemaedu.wilson_interval, dict(successes=41, n=60, level=0.95)),
    "simulate_cohorts": (hemaedu.simulate_cohorts, dict(responders=41, n=60, cohort_size=30, n_cohorts=5, seed=1)),
    "convert": (lambda value: hemaedu.convert(value, "g/dL", "g/L"), dict(value=12.5)),
    "choose_step": (pathway.choose_step,
                    dict(age=30, severity="severe", sibling_donor=True, transfusion_dependent=True)),
}
OVERFLOW_CASES = [(name, FUNCTIONS[name], BASE[name], arg) for name, args in NUMERIC_ARGS.items() for arg in args]
OVERFLOW_CASES += [
    (name, call, base, arg)
    for name, (call, base) in OTHER_CALLS.items()
    for arg, good in base.items()
    if isinstance(good, (int, float)) and not isinstance(good, bool)
]


@pytest.mark.parametrize(("name", "call", "base", "arg"), OVERFLOW_CASES,
                         ids=[f"{case[0]}-{case[3]}" for case in OVERFLOW_CASES])
@pytest.mark.parametrize("bad", HUGE, ids=["1e400", "-1e400", "Fraction1e400", "1e5000", "inf", "-inf", "nan"])
def test_overflowing_and_non_finite_numbers_are_value_errors_naming_the_argument(name, call, base, arg, bad):
    # Before: float(10**400) raised OverflowError out of every one of these.
    with pytest.raises(ValueError, match=arg) as info:
        call(**{**base, arg: bad})
    assert len(str(info.value)) < 600, "a huge number must not be printed in full"


def test_conversion_that_overflows_is_a_value_error():
    # Before: convert(1e308, "g/dL", "g/L") returned inf.
    with pytest.raises(ValueError, match=r"convert\(1e\+308, 'g/dL', 'g/L'\) overflows"):
        hemaedu.convert(1e308, "g/dL", "g/L")
    with pytest.raises(ValueError, match=r"overflows"):
        hemaedu.convert(1e306, "10^9/L", "/uL")
    assert hemaedu.convert(1e308, "g/L", "g/dL") == pytest.approx(1e307)


@pytest.mark.parametrize("name", [["incidence"], ("incidence",), None, 3, b"incidence"])
def test_load_with_a_name_that_is_not_a_string_says_so(name):
    # Before: load(["incidence"]) raised TypeError "unhashable type: 'list'".
    with pytest.raises(ValueError, match=r"a table name must be a string such as 'incidence'.*valid names are"):
        hemaedu.load(name)


def test_confidence_level_too_close_to_one_is_refused():
    # (1 + level) / 2 rounds to 1.0: the normal quantile would be infinite.
    for call in (lambda: hemaedu.wilson_interval(4, 10, 0.9999999999999999),
                 lambda: hemaedu.expected_cases(rate_per_million=2, population=1e6, level=0.9999999999999999)):
        with pytest.raises(ValueError, match=r"level=0\.9999999999999999 is too close to 1"):
            call()


# --------------------------------------------------------------------------- corrupt files


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that every reader (load and the rules) uses instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setattr(data_module, "data_path", lambda filename: copy / filename)
    data_module._clear_caches()
    yield copy
    data_module._clear_caches()


def _line_of(path: Path, prefix: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(prefix))


def _set_cell(path: Path, key: str, column: str, value: str) -> int:
    """Set one cell of the row whose first cell is ``key``; return the row's line number."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    col = rows[0].index(column)
    index = next(i for i, row in enumerate(rows) if row[0] == key)
    rows[index][col] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return index + 1


def _rules():
    """The rule calls that read thresholds.csv (each must fail on a corrupt table)."""
    return [
        lambda: hemaedu.severity(anc=0.3, platelets=10, reticulocytes=15, cellularity=10),
        lambda: hemaedu.cytopenias(hb=9, wbc=2, platelets=45, sex="female"),
        lambda: hemaedu.response(anc=0.3, hb=8, platelets=30, reticulocytes=15),
    ]


def _assert_refused(table: str, pattern: str, *, rules: bool = False) -> None:
    with pytest.raises(ValueError, match=pattern):
        hemaedu.load(table)
    if rules:
        for rule in _rules():
            data_module._clear_caches()
            with pytest.raises(ValueError, match=pattern):
                rule()


def test_truncated_mid_number_is_refused_by_load_and_rules(data_copy):
    # Before: the rules' own reader turned the platelet cut-off 150 into 15, so
    # cytopenias(platelets=100, ...) no longer found thrombocytopenia.
    path = data_copy / "thresholds.csv"
    text = path.read_text(encoding="utf-8")
    prefix = "thrombocytopenia_platelets,platelets,10^9/L,<,15"
    cut = text.index(prefix) + len(prefix)
    path.write_text(text[:cut], encoding="utf-8")
    line = _line_of(path, "thrombocytopenia_platelets")
    _assert_refused("thresholds", rf"thresholds\.csv line {line} is corrupted: 5 cells, expected 11", rules=True)


@pytest.mark.parametrize("table", ["incidence", "ist_response", "outcomes", "thresholds", "references"])
def test_truncated_at_a_row_boundary_is_refused_by_the_row_count(data_copy, table):
    # Issue 9, defect 6: before, losing the last rows at a line break passed the whole suite.
    path = data_copy / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-2]), encoding="utf-8")
    recorded = json.loads((data_copy / "datapackage.json").read_text())
    rows = next(r["rows"] for r in recorded["resources"] if r["name"] == table)
    pattern = (rf"{table}\.csv has changed since datapackage\.json recorded it \(rows: recorded {rows}, "
               rf"found {rows - 2}; .*2 row\(s\) are missing.*make data-hashes")
    _assert_refused(table, pattern, rules=table == "thresholds")


def test_negative_cutoff_is_refused_with_line_and_column(data_copy):
    # Before: a negative cut-off turned a severe case non-severe.
    line = _set_cell(data_copy / "thresholds.csv", "camitta_anc", "value", "-0.5")
    _assert_refused("thresholds", rf"thresholds\.csv line {line}, column value: -0\.5 is below the minimum 0",
                    rules=True)


def test_flipped_comparator_is_refused_by_the_hash(data_copy):
    # ">" is a valid comparator, so only the recorded hash can tell; before, it was used silently.
    _set_cell(data_copy / "thresholds.csv", "camitta_anc", "comparator", ">")
    _assert_refused("thresholds", r"thresholds\.csv has changed .*hash: recorded sha256:[0-9a-f]{64}, "
                    r"found sha256:[0-9a-f]{64}.*make data-hashes", rules=True)


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("/uL", r"column unit: '/uL' is not one of"),
        ("g/dL", r"columns measure, unit: anc must be stored in 10\^9/L, got 'g/dL'"),
    ],
)
def test_changed_unit_is_refused_with_line_and_column(data_copy, unit, message):
    line = _set_cell(data_copy / "thresholds.csv", "camitta_anc", "unit", unit)
    _assert_refused("thresholds", rf"thresholds\.csv line {line}, {message}", rules=True)


def test_bom_is_refused_and_named(data_copy):
    path = data_copy / "thresholds.csv"
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    _assert_refused("thresholds", r"thresholds\.csv line 1, column 1: .*byte-order mark \(BOM\)", rules=True)


def test_crlf_line_endings_are_refused_with_a_hint(data_copy):
    # Decision: the bytes differ from the recorded hash, so the file is refused;
    # the message says the line endings are CRLF and how to restore LF.
    path = data_copy / "incidence.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    _assert_refused("incidence", r"incidence\.csv has changed .*bytes: recorded \d+, found \d+.*"
                    r"line endings are CRLF \(Windows\).*restore LF line endings.*make data-hashes")


def test_crlf_file_parses_the_same_once_recorded(data_copy):
    # The reader itself copes with CRLF: only the recorded hash objects.
    path = data_copy / "incidence.csv"
    original = hemaedu.load("incidence")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    _refresh(data_copy)
    assert hemaedu.load("incidence").equals(original)


def test_non_utf8_byte_is_refused_with_line_column_and_encoding(data_copy):
    path = data_copy / "thresholds.csv"
    raw = path.read_bytes()
    start = raw.index(b"\ncamitta_anc,") + 1
    end = raw.index(b"\n", start)
    line = raw[:start].count(b"\n") + 1
    column = end - start + 1  # the byte appended after the last character of the line
    path.write_bytes(raw[:end] + b"\xb5" + raw[end:])  # Latin-1 "micro" sign
    _assert_refused("thresholds", rf"thresholds\.csv line {line}, column {column}: byte 0xb5 is not valid UTF-8 "
                    r"\(encoding error", rules=True)


def test_empty_file_is_refused(data_copy):
    (data_copy / "thresholds.csv").write_bytes(b"")
    _assert_refused("thresholds", r"thresholds\.csv is empty", rules=True)


def test_header_only_file_is_refused(data_copy):
    # Before: a header-only CSV loaded as an empty table.
    path = data_copy / "incidence.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    _assert_refused("incidence", r"incidence\.csv has a header but no data rows")


def test_duplicate_key_is_refused_with_both_lines(data_copy):
    path = data_copy / "thresholds.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = _line_of(path, "camitta_anc,")
    path.write_text("".join(lines + [lines[first - 1]]), encoding="utf-8")
    _assert_refused("thresholds", rf"thresholds\.csv line {len(lines) + 1}, column threshold_id: "
                    rf"duplicate primary key 'camitta_anc' \(first on line {first}\)", rules=True)


def test_responders_above_n_is_refused_at_load(data_copy):
    # Before: it loaded, and a lesson failed later.
    path = data_copy / "ist_response.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    line = _set_cell(path, first["arm_id"], "responders", str(int(first["n"]) + 1))
    _assert_refused("ist_response", rf"ist_response\.csv line {line}, columns responders, n: "
                    rf"responders \({int(first['n']) + 1}\) must be at most n \({first['n']}\)")


def test_deliberate_edit_is_accepted_after_refreshing_the_records(data_copy):
    path = data_copy / "thresholds.csv"
    _set_cell(path, "camitta_anc", "notes", "Edited on purpose by a teacher.")
    with pytest.raises(ValueError, match="make data-hashes"):
        hemaedu.load("thresholds")
    assert _refresh(data_copy, "--check").returncode == 1
    assert _refresh(data_copy).returncode == 0
    assert _refresh(data_copy, "--check").returncode == 0
    assert hemaedu.load("thresholds").set_index("threshold_id").loc["camitta_anc", "notes"] == (
        "Edited on purpose by a teacher."
    )
    assert hemaedu.severity(anc=0.3, platelets=10, reticulocytes=15, cellularity=10) == "severe"


def _refresh(folder: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "refresh_data_hashes.py"), "--data", str(folder), *args],
        capture_output=True, text=True, timeout=120,
    )
    data_module._clear_caches()
    return result


def test_frictionless_also_reports_a_file_cut_at_a_row_boundary(data_copy):
    # The records are standard Data Package properties, so the documented
    # `frictionless validate` check sees the damage too.
    path = data_copy / "ist_response.csv"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(frictionless), "validate", "--json", "datapackage.json"], cwd=data_copy,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    report = json.loads(result.stdout)
    types = {error["type"] for task in report["tasks"] for error in task["errors"]}
    assert {"hash-count", "byte-count", "row-count"} <= types, types


# --------------------------------------------------------------------------- runaway work


def test_expected_cases_finishes_or_refuses_for_every_accepted_input():
    # Before: population=1e300 looped forever and 1e18 took 1.4 s. The subprocess
    # (generous timeout, not a speed target) turns a hang into a failure.
    code = """
import json
from hemaedu import expected_cases
out = {}
for population in (1e9, 1e14, 3e18, 1e21, 1e300, 1.7e308):
    try:
        r = expected_cases(rate_per_million=10, population=population, years=30, level=0.999999)
        out[repr(population)] = [r.mean, r.low, r.high]
    except ValueError as exc:
        out[repr(population)] = str(exc)
print(json.dumps(out))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    scipy_stats = pytest.importorskip("scipy.stats")
    # Means 3e5 (exact) and 3e10 (Cornish-Fisher, within one case) agree with scipy.
    for population in ("1000000000.0", "100000000000000.0"):
        mean, low, high = out[population]
        assert abs(low - scipy_stats.poisson.ppf((1 - 0.999999) / 2, mean)) <= 1
        assert abs(high - scipy_stats.poisson.ppf((1 + 0.999999) / 2, mean)) <= 1
    mean, low, high = out["3e+18"]  # mean 9e14, just inside the accepted range
    assert low < mean < high
    for population in ("1e+21", "1e+300"):
        assert "is above 1e+15 cases" in out[population]
    assert "overflows" in out["1.7e+308"]


def test_largest_accepted_mean_is_answered():
    result = hemaedu.expected_cases(rate_per_million=1e6, population=1e15, years=1)  # mean 1e15
    assert result.mean == 1e15
    assert result.low < 1e15 < result.high
    with pytest.raises(ValueError, match=r"= 1\.01e\+15 is above 1e\+15 cases"):
        hemaedu.expected_cases(rate_per_million=1.01e6, population=1e15, years=1)


def test_a_teaching_threshold_may_use_another_unit_but_a_rule_threshold_may_not(data_copy):
    # The original Camitta criterion is "reticulocytes below 1 %": a teaching row in %
    # is legitimate; the same unit on a row the rules read is refused.
    path = data_copy / "thresholds.csv"
    _set_cell(path, "retic_severe_ash2010", "unit", "%")
    _refresh(data_copy)
    assert hemaedu.load("thresholds").set_index("threshold_id").loc["retic_severe_ash2010", "unit"] == "%"
    line = _set_cell(path, "camitta_retic_automated", "unit", "%")
    _refresh(data_copy)
    _assert_refused("thresholds", rf"thresholds\.csv line {line}, columns measure, unit: reticulocytes must be "
                    r"stored in 10\^9/L, got '%'", rules=True)
