"""Rules for cytopenias, aplastic anemia severity and NIH response, tested on vignettes.

Every threshold is exercised just below, exactly at and just above its cut-off;
all comparisons in the sources are strict ("below"), or ">=" for NIH complete response.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hemaedu import _thresholds
from hemaedu import data as data_module
from hemaedu.clinical import (
    Response,
    Severity,
    SeverityCriteria,
    cytopenias,
    is_pancytopenia,
    response,
    severity,
    severity_criteria,
)

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS_CSV = ROOT / "data" / "thresholds.csv"
EPS = 1e-9

# A healthy adult count, the starting point most vignettes change one value of.
NORMAL = dict(hb=14.0, wbc=6.5, anc=3.8, platelets=250.0)

# A hypocellular marrow with nothing else low; vignettes lower what they need.
MARROW = dict(anc=2.0, platelets=200.0, reticulocytes=80.0, cellularity=10.0)


# --------------------------------------------------------------------------- thresholds table


def test_rule_thresholds_have_the_published_values():
    # The rules read these from data/thresholds.csv; the published values are
    # restated here so an accidental edit of the table fails a test.
    expected = {
        "anemia_hb_male": ("<", 13.0),
        "anemia_hb_female": ("<", 12.0),
        "leukopenia_wbc": ("<", 4.0),
        "neutropenia_anc": ("<", 1.5),
        "thrombocytopenia_platelets": ("<", 150.0),
        "camitta_cellularity": ("<", 25.0),
        "camitta_cellularity_partial": ("<", 50.0),
        "camitta_residual": ("<", 30.0),
        "camitta_anc": ("<", 0.5),
        "camitta_platelets": ("<", 20.0),
        "camitta_retic_automated": ("<", 60.0),
        "camitta_retic_manual": ("<", 20.0),
        "camitta_anc_very_severe": ("<", 0.2),
        "nih_complete_anc": (">=", 1.0),
        "nih_complete_hb": (">=", 10.0),
        "nih_complete_platelets": (">=", 100.0),
    }
    got = {tid: (_thresholds.comparator(tid), _thresholds.threshold(tid)) for tid in expected}
    assert got == expected


def test_threshold_row_carries_unit_and_source():
    # The manual-count 20 x10^9/L belongs to the modified criteria (BSH 2016), not Camitta 1976 (issue 13).
    row = _thresholds.get("camitta_retic_manual")
    expected = ("10^9/L", "killick2016", "BSH 2016 (modified Camitta), manual count")
    assert (row.unit, row.source_id, row.scheme) == expected


def test_missing_threshold_id_raises_and_says_reinstall():
    with pytest.raises(ValueError, match=r"'no_such_cutoff' is missing .*[Rr]einstall hemaedu"):
        _thresholds.threshold("no_such_cutoff")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that every reader (load and the rules) uses instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    monkeypatch.setattr(data_module, "data_path", lambda filename: copy / filename)
    data_module._clear_caches()
    yield copy
    data_module._clear_caches()


def _edit_row(path: Path, threshold_id: str, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    col = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == threshold_id:
            row[col] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_missing_file_raises_value_error(data_copy):
    (data_copy / "thresholds.csv").unlink()
    with pytest.raises(ValueError, match=r"cannot read .*thresholds.csv.*reinstall hemaedu"):
        _thresholds.threshold("camitta_anc")


@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        # Each of these was used silently by the rules' own reader before (issue 9).
        ("value", "-0.5", r"line \d+, column value: -0.5 is below the minimum 0"),
        ("value", "twelve", r"line \d+, column value: 'twelve' is not a valid number"),
        ("value", "nan", r"line \d+, column value: 'nan' is not a valid number"),
        ("comparator", "=<", r"line \d+, column comparator: '=<' is not one of"),
        ("unit", "/uL", r"line \d+, column unit: '/uL' is not one of"),
        ("unit", "g/dL", r"line \d+, columns measure, unit: anc must be stored in 10\^9/L, got 'g/dL'"),
    ],
)
def test_schema_violations_in_thresholds_stop_the_rules(data_copy, column, bad, message):
    _edit_row(data_copy / "thresholds.csv", "camitta_anc", column, bad)
    with pytest.raises(ValueError, match=r"thresholds.csv " + message):
        severity(anc=0.3, platelets=10, reticulocytes=15, cellularity=10)


def test_flipped_comparator_stops_the_rules_via_the_hash(data_copy):
    # "<" -> ">" is a valid comparator, so only the recorded hash can tell.
    _edit_row(data_copy / "thresholds.csv", "camitta_anc", "comparator", ">")
    with pytest.raises(ValueError, match=r"thresholds.csv has changed .*hash: recorded sha256:.*make data-hashes"):
        severity(anc=0.3, platelets=10, reticulocytes=15, cellularity=10)


def test_duplicate_threshold_id_names_both_lines(data_copy):
    path = data_copy / "thresholds.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines, start=1) if line.startswith("camitta_anc,"))
    path.write_text("".join(lines + [lines[first - 1]]), encoding="utf-8")
    expected = (rf"line {len(lines) + 1}, column threshold_id: "
                rf"duplicate primary key 'camitta_anc' \(first on line {first}\)")
    with pytest.raises(ValueError, match=expected):
        _thresholds.threshold("camitta_anc")


def test_table_is_read_once(monkeypatch):
    data_module._clear_caches()
    calls = []
    real_decode = data_module._decode
    monkeypatch.setattr(data_module, "_decode", lambda raw, where: calls.append(where) or real_decode(raw, where))
    for _ in range(3):
        severity(anc=0.1, platelets=5, reticulocytes=5, cellularity=5)
        cytopenias(hb=9, anc=1, platelets=50, sex="male")
    # thresholds.csv and plausible_ranges.csv, each once.
    assert sorted(Path(w).name for w in calls) == ["plausible_ranges.csv", "thresholds.csv"]


def test_source_checkout_path_is_the_repository_table():
    # In a source checkout there is no hemaedu/data/, so the top-level data/ is used.
    if (ROOT / "hemaedu" / "data" / "thresholds.csv").exists():
        pytest.skip("running against a copy of data/ inside the package")
    assert Path(str(_thresholds.table_path())).resolve() == THRESHOLDS_CSV.resolve()


def _rule_rows() -> dict[str, dict[str, str]]:
    with THRESHOLDS_CSV.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return {row["threshold_id"]: row for row in rows if row["used_by"] in {"cytopenias", "severity", "response"}}


def _ids_for(used_by: str) -> set[str]:
    return {tid for tid, row in _rule_rows().items() if row["used_by"] == used_by}


# response() also applies the Camitta blood-count criteria ("no longer severe").
CAMITTA_BLOOD = {"camitta_anc", "camitta_platelets", "camitta_retic_automated", "camitta_retic_manual"}
RULE_IDS = {
    "cytopenias": _ids_for("cytopenias"),
    "is_pancytopenia": _ids_for("cytopenias"),
    "severity": _ids_for("severity"),
    "response": _ids_for("response") | CAMITTA_BLOOD,
}


def test_table_lists_the_rule_rows():
    assert len(RULE_IDS["cytopenias"]) == 5
    assert len(RULE_IDS["severity"]) == 8
    assert len(RULE_IDS["response"]) == 7


# Calls that together reach every branch of each rule (both sexes, both retic methods).
RUNS = {
    "cytopenias": [dict(hb=9, wbc=3, anc=1, platelets=50, sex=s) for s in ("female", "male")],
    "is_pancytopenia": [dict(hb=9, wbc=3, anc=1, platelets=50, sex=s) for s in ("female", "male")],
    "severity": [
        dict(anc=0.1, platelets=5, reticulocytes=5, cellularity=40, residual_hematopoietic=10, retic_method=m)
        for m in ("automated", "manual")
    ],
    "response": [
        dict(anc=a, hb=12, platelets=150, reticulocytes=90, retic_method=m)
        for a in (2.0, 0.1)
        for m in ("automated", "manual")
    ],
}


@pytest.mark.parametrize("rule", sorted(RUNS))
def test_each_rule_uses_exactly_the_listed_thresholds(monkeypatch, rule):
    import hemaedu.clinical as clinical

    seen: set[str] = set()
    real_meets = clinical.meets

    def spy(threshold_id, value):
        seen.add(threshold_id)
        return real_meets(threshold_id, value)

    monkeypatch.setattr(clinical, "meets", spy)
    for kwargs in RUNS[rule]:
        getattr(clinical, rule)(**kwargs)
    assert seen == RULE_IDS[rule]


@pytest.mark.parametrize("rule", sorted(RULE_IDS))
def test_docstring_states_every_threshold_the_rule_uses(rule):
    import hemaedu.clinical as clinical

    doc = " ".join(getattr(clinical, rule).__doc__.split())
    rows = _rule_rows()
    missing = []
    for tid in sorted(RULE_IDS[rule]):
        row = rows[tid]
        # e.g. "< 0.5" but not "< 0.55"; the table's own spelling of the value ("4.0").
        pattern = re.escape(row["comparator"]) + r"\s*" + re.escape(row["value"]) + r"(?!\d|\.\d)"
        if not re.search(pattern, doc):
            missing.append(f"{tid}: {row['comparator']} {row['value']}")
    assert not missing, f"{rule} docstring does not state: {missing}"


@pytest.mark.parametrize("rule", ["cytopenias", "severity", "response", "is_pancytopenia"])
def test_docstring_cites_its_source(rule):
    import hemaedu.clinical as clinical

    doc = getattr(clinical, rule).__doc__
    sources = {
        "cytopenias": ["WHO", "2011", "10.1111/bjh.13853"],
        "is_pancytopenia": ["WHO 2011"],
        "severity": ["Killick", "10.1111/bjh.13853", "Camitta", "1976"],
        "response": ["Townsley", "10.1056/NEJMoa1613878", "2017"],
    }[rule]
    for needle in sources:
        assert needle in doc


# --------------------------------------------------------------------------- cytopenias vignettes


def test_normal_count_has_no_cytopenia():
    assert cytopenias(**NORMAL, sex="male") == frozenset()
    assert not is_pancytopenia(**NORMAL, sex="male")


def test_isolated_thrombocytopenia():
    # e.g. immune thrombocytopenia: only the platelets are low.
    found = cytopenias(hb=13.8, wbc=7.2, anc=4.1, platelets=38, sex="female")
    assert found == {"thrombocytopenia"}
    assert not is_pancytopenia(hb=13.8, wbc=7.2, anc=4.1, platelets=38, sex="female")


def test_iron_deficiency_like_anemia():
    # Anemia with normal (often slightly high) platelets and white cells.
    found = cytopenias(hb=9.8, wbc=6.0, anc=3.5, platelets=420, sex="female")
    assert found == {"anemia"}


def test_aplastic_anemia_count_is_pancytopenia():
    found = cytopenias(hb=7.6, wbc=1.4, anc=0.3, platelets=12, sex="male")
    assert found == {"anemia", "leukopenia", "neutropenia", "thrombocytopenia"}
    assert is_pancytopenia(hb=7.6, wbc=1.4, anc=0.3, platelets=12, sex="male")


def test_result_is_a_frozenset_of_str():
    found = cytopenias(hb=9, anc=1, platelets=50, sex="male")
    assert isinstance(found, frozenset)
    assert found == {"anemia", "neutropenia", "thrombocytopenia"}


def test_white_lineage_given_by_one_count_only():
    # Only the lineages measured are reported: neutropenia needs anc.
    assert cytopenias(hb=14, wbc=3.0, platelets=200, sex="male") == {"leukopenia"}
    assert cytopenias(hb=14, anc=1.0, platelets=200, sex="male") == {"neutropenia"}


def test_neutropenia_without_leukopenia_still_makes_pancytopenia():
    # WBC normal because of lymphocytes, but ANC low: the white lineage is low.
    assert is_pancytopenia(hb=9, wbc=4.5, anc=1.2, platelets=90, sex="female")


def test_bicytopenia_is_not_pancytopenia():
    assert not is_pancytopenia(hb=9, wbc=5.0, anc=2.5, platelets=90, sex="female")
    assert not is_pancytopenia(hb=14, wbc=2.0, anc=0.8, platelets=90, sex="male")
    assert not is_pancytopenia(hb=9, wbc=2.0, anc=0.8, platelets=180, sex="male")


@pytest.mark.parametrize(
    ("sex", "cutoff"),
    [("male", 13.0), ("female", 12.0)],
)
def test_anemia_cutoff_by_sex(sex, cutoff):
    base = dict(wbc=6.5, platelets=250, sex=sex)
    assert "anemia" in cytopenias(hb=cutoff - 0.1, **base)
    assert "anemia" not in cytopenias(hb=cutoff, **base)
    assert "anemia" not in cytopenias(hb=cutoff + 0.1, **base)


def test_same_hb_differs_by_sex():
    # 12.5 g/dL: anemia in a man, not in a woman.
    assert "anemia" in cytopenias(hb=12.5, wbc=6, platelets=250, sex="male")
    assert "anemia" not in cytopenias(hb=12.5, wbc=6, platelets=250, sex="female")


@pytest.mark.parametrize(
    ("argument", "cutoff", "name"),
    [
        ("wbc", 4.0, "leukopenia"),
        ("anc", 1.5, "neutropenia"),
        ("platelets", 150.0, "thrombocytopenia"),
    ],
)
def test_count_cutoffs_are_strict(argument, cutoff, name):
    def found(value):
        return cytopenias(**{**NORMAL, argument: value}, sex="female")

    assert name in found(cutoff - 0.01)
    assert name not in found(cutoff)
    assert name not in found(cutoff + 0.01)


# --------------------------------------------------------------------------- severity vignettes


def test_non_severe_aplastic_anemia():
    # Hypocellular marrow with moderate cytopenias: none of the severe blood-count criteria.
    grade = severity(anc=0.9, platelets=45, reticulocytes=70, cellularity=20)
    assert grade is Severity.NON_SEVERE
    assert grade == "non-severe"


def test_non_severe_with_one_blood_criterion():
    c = severity_criteria(anc=0.6, platelets=15, reticulocytes=75, cellularity=15)
    assert (c.marrow, c.count_of_blood_criteria) == (True, 1)
    assert c.severity is Severity.NON_SEVERE


def test_severe_aplastic_anemia():
    grade = severity(anc=0.35, platelets=14, reticulocytes=38, cellularity=15)
    assert grade is Severity.SEVERE
    assert str(grade) == "severe"


def test_very_severe_aplastic_anemia():
    grade = severity(anc=0.1, platelets=8, reticulocytes=12, cellularity=5)
    assert grade is Severity.VERY_SEVERE
    assert f"{grade}" == "very severe"


def test_very_low_anc_alone_is_not_very_severe():
    # ANC < 0.2 but platelets and retics fine: only one blood criterion, so not even severe.
    assert severity(anc=0.1, platelets=90, reticulocytes=90, cellularity=10) is Severity.NON_SEVERE


def test_very_severe_needs_the_marrow_criterion():
    # Severe-range counts but a normocellular marrow (e.g. peripheral destruction).
    assert severity(anc=0.1, platelets=8, reticulocytes=12, cellularity=60) is Severity.NON_SEVERE


def test_severe_without_anc_criterion():
    # Platelets and reticulocytes low, ANC 0.8: severe by the two other criteria.
    assert severity(anc=0.8, platelets=10, reticulocytes=30, cellularity=10) is Severity.SEVERE


@pytest.mark.parametrize(
    ("residual", "expected"),
    [
        (None, Severity.NON_SEVERE),  # unknown residual: second marrow branch not met
        (29.9, Severity.SEVERE),
        (30.0, Severity.NON_SEVERE),
        (30.1, Severity.NON_SEVERE),
    ],
)
def test_cellularity_between_25_and_50_needs_residual_cells(residual, expected):
    grade = severity(anc=0.3, platelets=10, reticulocytes=20, cellularity=40, residual_hematopoietic=residual)
    assert grade is expected


def test_unknown_residual_is_reported_in_the_explanation():
    c = severity_criteria(anc=0.3, platelets=10, reticulocytes=20, cellularity=40)
    assert not c.marrow and not c.residual_known
    assert "residual hematopoietic cells unknown" in c.explain()


def test_residual_ignored_when_cellularity_below_25():
    for residual in (None, 0, 80, 100):
        grade = severity(anc=0.3, platelets=10, reticulocytes=20, cellularity=20, residual_hematopoietic=residual)
        assert grade is Severity.SEVERE


@pytest.mark.parametrize(
    ("cellularity", "marrow"),
    [(24.9, True), (25.0, False), (25.1, False)],
)
def test_cellularity_cutoff_25(cellularity, marrow):
    assert severity_criteria(**{**MARROW, "cellularity": cellularity}).marrow is marrow


@pytest.mark.parametrize(
    ("cellularity", "marrow"),
    [(49.9, True), (50.0, False), (50.1, False)],
)
def test_cellularity_cutoff_50_with_low_residual(cellularity, marrow):
    c = severity_criteria(**{**MARROW, "cellularity": cellularity}, residual_hematopoietic=10)
    assert c.marrow is marrow


@pytest.mark.parametrize(
    ("field", "cutoff", "method"),
    [
        ("anc", 0.5, "automated"),
        ("platelets", 20.0, "automated"),
        ("reticulocytes", 60.0, "automated"),
        ("reticulocytes", 20.0, "manual"),
    ],
)
def test_blood_criteria_cutoffs_are_strict(field, cutoff, method):
    def met(value):
        c = severity_criteria(**{**MARROW, field: value}, retic_method=method)
        return getattr(c, field)

    assert met(cutoff - 0.01) is True
    assert met(cutoff) is False
    assert met(cutoff + 0.01) is False


@pytest.mark.parametrize(("anc", "expected"),
                         [(0.19, Severity.VERY_SEVERE), (0.2, Severity.SEVERE), (0.21, Severity.SEVERE)])
def test_very_severe_anc_cutoff(anc, expected):
    assert severity(anc=anc, platelets=10, reticulocytes=20, cellularity=10) is expected


def test_severity_flips_exactly_at_second_criterion():
    # Platelets 19.99 -> two criteria (ANC + platelets) -> severe; 20 -> one -> non-severe.
    base = dict(anc=0.4, reticulocytes=90, cellularity=10)
    assert severity(platelets=19.99, **base) is Severity.SEVERE
    assert severity(platelets=20, **base) is Severity.NON_SEVERE


def test_manual_versus_automated_reticulocytes():
    # Retics 40 x10^9/L: below the automated cut-off (60) but not the manual one (20).
    base = dict(anc=0.4, platelets=50, reticulocytes=40, cellularity=10)
    assert severity(**base, retic_method="automated") is Severity.SEVERE
    assert severity(**base, retic_method="manual") is Severity.NON_SEVERE
    assert severity(**base) is Severity.SEVERE  # automated is the default


def test_criteria_object_is_consistent():
    c = severity_criteria(anc=0.1, platelets=8, reticulocytes=12, cellularity=5)
    assert isinstance(c, SeverityCriteria)
    assert c == SeverityCriteria(
        marrow=True,
        anc=True,
        platelets=True,
        reticulocytes=True,
        count_of_blood_criteria=3,
        very_severe_anc=True,
        residual_known=False,
    )
    assert c.severe and c.severity is Severity.VERY_SEVERE
    with pytest.raises(AttributeError):
        c.marrow = False  # frozen: the widgets cannot alter a verdict by accident


def test_explain_lists_each_criterion():
    text = severity_criteria(anc=0.35, platelets=14, reticulocytes=70, cellularity=15).explain()
    assert "Marrow criterion: met" in text
    assert "Reticulocytes: not met" in text
    assert "Blood criteria met: 2 of 3" in text
    assert text.endswith("Grade: severe")


def test_severity_ranks_order_the_grades():
    assert [s.rank for s in (Severity.NON_SEVERE, Severity.SEVERE, Severity.VERY_SEVERE)] == [0, 1, 2]


# --------------------------------------------------------------------------- response vignettes


def test_complete_response():
    assert response(anc=1.8, hb=11.2, platelets=130, reticulocytes=80) is Response.COMPLETE


def test_partial_response_transfusion_free_but_low():
    # No longer severe (only platelets < 20 would count, and they are 35), not complete.
    assert response(anc=0.8, hb=8.5, platelets=35, reticulocytes=45) is Response.PARTIAL


def test_no_response_still_severe():
    assert response(anc=0.3, hb=7.9, platelets=9, reticulocytes=15) is Response.NONE


def test_response_one_severe_criterion_left_is_partial():
    # Platelets still < 20 but ANC and retics recovered: one criterion, so partial.
    assert response(anc=1.2, hb=9.5, platelets=15, reticulocytes=70) is Response.PARTIAL


@pytest.mark.parametrize(
    ("field", "cutoff"),
    [("anc", 1.0), ("hb", 10.0), ("platelets", 100.0)],
)
def test_complete_response_cutoffs_are_inclusive(field, cutoff):
    base = dict(anc=1.5, hb=12.0, platelets=150.0, reticulocytes=90.0)
    assert response(**{**base, field: cutoff - 0.01}) is Response.PARTIAL
    assert response(**{**base, field: cutoff}) is Response.COMPLETE
    assert response(**{**base, field: cutoff + 0.01}) is Response.COMPLETE


def test_response_retic_method_changes_partial_versus_none():
    # ANC 0.4 (criterion met), retics 40: below 60 (automated) but not below 20 (manual).
    base = dict(anc=0.4, hb=8, platelets=40, reticulocytes=40)
    assert response(**base, retic_method="automated") is Response.NONE
    assert response(**base, retic_method="manual") is Response.PARTIAL


def test_response_values_are_strings():
    assert {r.value for r in Response} == {"complete", "partial", "none"}
    assert response(anc=2, hb=12, platelets=150, reticulocytes=90) == "complete"


# --------------------------------------------------------------------------- input validation


GOOD_SEVERITY = dict(anc=0.3, platelets=10, reticulocytes=20, cellularity=15)
GOOD_RESPONSE = dict(anc=1.0, hb=10.0, platelets=100.0, reticulocytes=50.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"anc": -0.1}, r"anc must be >= 0, got -0\.1"),
        ({"anc": math.nan}, r"anc must be a finite number, got nan"),
        ({"platelets": math.inf}, r"platelets must be a finite number, got inf"),
        ({"reticulocytes": "12"}, r"reticulocytes must be a real number, got '12' \(str\)"),
        ({"anc": None}, r"anc must be a real number, got None"),
        ({"anc": True}, r"anc must be a real number, got True \(bool\)"),
        ({"cellularity": 120}, r"cellularity is a percentage .* 0-100, got 120"),
        ({"cellularity": -5}, r"cellularity must be >= 0, got -5"),
        ({"residual_hematopoietic": 101}, r"residual_hematopoietic is a percentage .* got 101"),
        ({"retic_method": "flow"}, r"retic_method must be one of 'automated', 'manual', got 'flow'"),
        ({"platelets": 150_000}, r'platelets=150000 .* per microlitre.*convert\(150000, "/uL", "10\^9/L"\)'),
        ({"anc": 800.0 * 10}, r'anc=8000\.0 .*convert\(8000\.0, "/uL", "10\^9/L"\)'),
    ],
)
def test_severity_rejects_bad_input(changes, message):
    with pytest.raises(ValueError, match=message):
        severity(**{**GOOD_SEVERITY, **changes})
    with pytest.raises(ValueError, match=message):
        severity_criteria(**{**GOOD_SEVERITY, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hb": 120}, r'hb=120 g/dL is implausible .*g/L.*convert\(120, "g/L", "g/dL"\)'),
        ({"hb": -1}, r"hb must be >= 0, got -1"),
        ({"hb": None}, r"hb must be a real number, got None"),
        ({"sex": "F"}, r"sex must be one of 'female', 'male', got 'F'"),
        ({"sex": None}, r"sex must be one of 'female', 'male', got None"),
        ({"wbc": math.nan}, r"wbc must be a finite number, got nan"),
        ({"platelets": 250_000}, r"platelets=250000 .*convert\("),
        ({"wbc": None, "anc": None}, r"needs the white lineage: pass wbc=\.\.\. and/or anc=\.\.\."),
    ],
)
def test_cytopenias_rejects_bad_input(changes, message):
    args = {**NORMAL, "sex": "female", **changes}
    with pytest.raises(ValueError, match=message):
        cytopenias(**args)
    with pytest.raises(ValueError, match=message):
        is_pancytopenia(**args)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hb": 105}, r"hb=105 g/dL is implausible"),
        ({"anc": -1}, r"anc must be >= 0, got -1"),
        ({"reticulocytes": math.inf}, r"reticulocytes must be a finite number"),
        ({"retic_method": "Manual"}, r"retic_method must be one of 'automated', 'manual', got 'Manual'"),
    ],
)
def test_response_rejects_bad_input(changes, message):
    with pytest.raises(ValueError, match=message):
        response(**{**GOOD_RESPONSE, **changes})


def _limit(measure: str) -> float:
    with (ROOT / "data" / "plausible_ranges.csv").open(encoding="utf-8") as handle:
        return float(next(row["high"] for row in csv.DictReader(handle) if row["measure"] == measure))


def test_values_just_below_the_plausibility_limits_are_accepted():
    below = {m: _limit(m) - 0.01 for m in ("hb", "wbc", "anc", "platelets", "reticulocytes")}
    assert cytopenias(hb=below["hb"], wbc=below["wbc"], anc=below["anc"], platelets=below["platelets"],
                      sex="male") == frozenset()
    assert severity(anc=below["anc"], platelets=below["platelets"], reticulocytes=below["reticulocytes"],
                    cellularity=10) is Severity.NON_SEVERE


@pytest.mark.parametrize("measure", ["hb", "wbc", "anc", "platelets"])
def test_values_at_the_plausibility_limit_are_refused(measure):
    args = {**NORMAL, "sex": "male", measure: _limit(measure)}
    with pytest.raises(ValueError, match=rf"{measure}=\S+ .*is implausible .*to below {_limit(measure):g}.*convert\("):
        cytopenias(**args)


def test_plausibility_limits_in_docstrings_match_the_table():
    import hemaedu.clinical as clinical

    for measure, doc in [("hb", cytopenias.__doc__), ("platelets", cytopenias.__doc__), ("wbc", cytopenias.__doc__),
                         ("anc", severity.__doc__), ("reticulocytes", severity.__doc__)]:
        assert f"below {_limit(measure):g}" in " ".join(doc.split()), measure
    assert "below 25 g/dL; WBC 0 to below 500, ANC 0 to below 100" in " ".join(clinical.__doc__.split())


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        # Issue 9, defect 1: each of these gave a wrong answer (in brackets) before.
        (severity, dict(anc=150, platelets=10, reticulocytes=15, cellularity=10)),  # "severe"
        (severity, dict(anc=300, platelets=30, reticulocytes=15, cellularity=10)),  # "non-severe"
        (response, dict(anc=300, hb=8, platelets=30, reticulocytes=15)),  # "partial"
        (is_pancytopenia, dict(hb=9, wbc=1500, platelets=45, sex="female")),  # False
        (cytopenias, dict(hb=14, wbc=3000, platelets=250, sex="male")),  # leukopenia dropped
    ],
)
def test_counts_typed_per_microlitre_are_refused(call, kwargs):
    with pytest.raises(ValueError, match=r"looks like a count per microlitre.*convert\("):
        call(**kwargs)


def test_anc_above_wbc_is_refused():
    with pytest.raises(ValueError, match=r"anc=50 is above wbc=2\.1 .*neutrophils are part of the white cells"):
        cytopenias(hb=9, wbc=2.1, anc=50, platelets=45, sex="female")
    # Equal counts are possible (every white cell a neutrophil) and accepted.
    assert "neutropenia" in cytopenias(hb=9, wbc=1.2, anc=1.2, platelets=45, sex="female")


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        severity(0.1, 10, 10, 10)  # type: ignore[misc]
    with pytest.raises(TypeError):
        cytopenias(9, 50, "male", 3.0)  # type: ignore[misc]


def test_rules_accept_numpy_scalars():
    # Values read from a DataFrame arrive as numpy scalars.
    np = pytest.importorskip("numpy")

    grade = severity(anc=np.float64(0.1), platelets=np.int64(8), reticulocytes=np.float32(12), cellularity=5)
    assert grade is Severity.VERY_SEVERE


# --------------------------------------------------------------------------- light import


def test_rules_import_without_pandas_numpy_or_plotly():
    code = (
        "import hemaedu.clinical, hemaedu.stats, hemaedu.units, sys; "
        "heavy = {'pandas', 'numpy', 'plotly'} & set(sys.modules); "
        "assert not heavy, heavy; "
        "print(hemaedu.clinical.severity(anc=0.1, platelets=8, reticulocytes=12, cellularity=5))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "very severe"
