"""Unit conversion for hemoglobin and cell counts."""

from __future__ import annotations

import math

import pytest

from hemaedu.units import COUNT_UNITS, HB_MMOL_PER_G_DL, HEMOGLOBIN_UNITS, convert


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (125, "g/L", "g/dL", 12.5),
        (12.5, "g/dL", "g/L", 125.0),
        (10, "g/dL", "mmol/L", 6.206),
        (6.206, "mmol/L", "g/dL", 10.0),
        (7.5, "mmol/L", "g/L", 7.5 / 0.6206 * 10),
        (150_000, "/uL", "10^9/L", 150.0),
        (150_000, "/µL", "10^9/L", 150.0),  # micro sign U+00B5
        (150_000, "/μL", "10^9/L", 150.0),  # Greek mu U+03BC
        (1.5, "10^9/L", "/mm3", 1500.0),
        (4.2, "10^3/uL", "10^9/L", 4.2),
        (4.2, "10^3/µL", "/uL", 4200.0),
        (800, "/mm3", "/uL", 800.0),
        (0, "g/dL", "g/L", 0.0),
        (12.5, "g/dL", "g/dL", 12.5),
    ],
)
def test_known_conversions(value, from_unit, to_unit, expected):
    assert convert(value, from_unit, to_unit) == pytest.approx(expected, rel=1e-12)


def test_hemoglobin_factor_matches_the_monomer_molar_mass():
    # Hb tetramer 64,458 g/mol; the monomer (one heme) is a quarter: 16,114.5 g/mol.
    # 1 g/dL = 10 g/L -> 10 / 16.1145 mmol/L = 0.62056, conventionally 0.6206.
    assert HB_MMOL_PER_G_DL == pytest.approx(10 / (64_458 / 4) * 1000, abs=5e-5)


def test_g_per_l_and_per_microlitre_conversions_are_exact():
    # The common conversions use whole-number factors, so there is no rounding residue.
    assert convert(133, "g/L", "g/dL") == 13.3
    assert convert(45_000, "/uL", "10^9/L") == 45.0


def test_spelling_variants_are_accepted():
    assert convert(120, "G/L", "g/dl") == 12.0
    assert convert(2000, "/mm^3", "10^9/l") == 2.0
    assert convert(2, " 10^3/uL ", "/UL") == 2000.0


def test_unit_lists():
    assert HEMOGLOBIN_UNITS == ("g/dL", "g/L", "mmol/L")
    assert COUNT_UNITS == ("10^9/L", "10^3/uL", "/uL", "/mm3")


@pytest.mark.parametrize(
    ("from_unit", "to_unit"),
    [("g/dL", "10^9/L"), ("/uL", "g/L"), ("mmol/L", "/mm3")],
)
def test_concentration_to_count_is_refused(from_unit, to_unit):
    with pytest.raises(ValueError, match=r"cannot convert a .* to a .*; convert between g/dL, g/L, mmol/L or between"):
        convert(10, from_unit, to_unit)


@pytest.mark.parametrize(
    ("from_unit", "to_unit", "bad"),
    [("mg/dL", "g/dL", "from_unit 'mg/dL'"), ("g/dL", "%", "to_unit '%'"), (None, "g/dL", "from_unit None")],
)
def test_unknown_unit_lists_valid_units(from_unit, to_unit, bad):
    with pytest.raises(
        ValueError,
        match=rf"{bad} is not a known unit; valid hemoglobin units: g/dL, g/L, mmol/L; "
        r"valid cell-count units: 10\^9/L, 10\^3/uL, /uL, /mm3",
    ):
        convert(10, from_unit, to_unit)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, r"value must be >= 0, got -1"),
        (math.nan, r"value must be a finite number, got nan"),
        (math.inf, r"value must be a finite number, got inf"),
        ("12", r"value must be a real number, got '12' \(str\)"),
        (None, r"value must be a real number, got None"),
        (True, r"value must be a real number, got True \(bool\)"),
    ],
)
def test_bad_values_are_refused(value, message):
    with pytest.raises(ValueError, match=message):
        convert(value, "g/L", "g/dL")


def test_convert_fixes_the_unit_trap_the_rules_warn_about():
    # The error from the rules suggests convert(...); following it gives a valid input.
    from hemaedu.clinical import cytopenias

    with pytest.raises(ValueError, match=r'convert\(118, "g/L", "g/dL"\)'):
        cytopenias(hb=118, wbc=5, platelets=210_000 / 1000, sex="female")
    found = cytopenias(hb=convert(118, "g/L", "g/dL"), wbc=5, platelets=convert(210_000, "/uL", "10^9/L"), sex="female")
    assert found == {"anemia"}
