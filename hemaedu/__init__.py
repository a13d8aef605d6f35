"""hemaedu: teaching data and rules for bone-marrow failure.

Teaching material, not a clinical tool: nothing here is advice for a real patient.

Canonical units, used by every function (see ``hemaedu.convert`` for others):

* ``hb`` (hemoglobin): g/dL
* ``wbc``, ``anc``, ``platelets``, ``reticulocytes``: 10^9/L
* ``cellularity``, ``residual_hematopoietic``: percent of marrow

A value that only makes sense in another unit (a count typed per microlitre,
hemoglobin in g/L) is refused with a ``ValueError`` that suggests the
``convert(...)`` call; the accepted range of each value is kept, with its
source, in ``data/plausible_ranges.csv``.

``import hemaedu`` is deliberately light: the rules, units and statistics use the
standard library only. pandas is imported the first time a table is loaded and
plotly/ipywidgets only when a figure or widget module is imported, so the rules
also run in a minimal (browser) kernel.

>>> import hemaedu
>>> hemaedu.severity(anc=0.1, platelets=10, reticulocytes=15, cellularity=10)
<Severity.VERY_SEVERE: 'very severe'>
"""

from __future__ import annotations

from .clinical import (
    Response,
    Severity,
    cytopenias,
    is_pancytopenia,
    response,
    severity,
    severity_criteria,
)
from .data import TABLES, describe, format_references, load
from .stats import (
    ConfidenceInterval,
    ExpectedCases,
    expected_cases,
    simulate_cohorts,
    wilson_interval,
)
from .units import convert

__version__ = "0.1.0"

__all__ = [
    "TABLES",
    "ConfidenceInterval",
    "ExpectedCases",
    "Response",
    "Severity",
    "convert",
    "cytopenias",
    "describe",
    "expected_cases",
    "format_references",
    "is_pancytopenia",
    "load",
    "response",
    "severity",
    "severity_criteria",
    "simulate_cohorts",
    "wilson_interval",
]
