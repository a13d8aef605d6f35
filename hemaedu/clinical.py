"""Rule functions for cytopenias, aplastic anemia severity and treatment response.

Teaching material, not a clinical tool: these functions reproduce published
definitions so learners can explore them; they are not advice for a patient.

Canonical units: ``hb`` in g/dL; ``wbc``, ``anc``, ``platelets`` and
``reticulocytes`` in 10^9/L; ``cellularity`` and ``residual_hematopoietic`` in
percent. Use :func:`hemaedu.units.convert` for other units.

Accepted ranges (``data/plausible_ranges.csv``, each with its source): hb 0 to
below 25 g/dL; WBC 0 to below 500, ANC 0 to below 100, platelets 0 to below
1000 and reticulocytes 0 to below 1000 x10^9/L; percentages 0-100. A value at
or above an upper limit only makes sense in another unit (per microlitre, or
g/L) and raises ``ValueError`` suggesting the ``convert(...)`` call, so a count
typed per microlitre can never be graded as if it were in 10^9/L. The limits
cannot catch every wrong unit: an ANC typed per microlitre below 100 /uL, or a
hemoglobin in mmol/L, lies inside the ranges; always pass canonical units.

Every cut-off is read from ``data/thresholds.csv`` (see
:mod:`hemaedu._thresholds`); the docstrings repeat the values and a test keeps
the two in step.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from . import _validate as v
from ._thresholds import meets
from .units import convert  # noqa: F401  (used in the examples)

__all__ = [
    "Response",
    "Severity",
    "SeverityCriteria",
    "cytopenias",
    "is_pancytopenia",
    "response",
    "severity",
    "severity_criteria",
]

SEXES = ("female", "male")
RETIC_METHODS = ("automated", "manual")


class Severity(enum.StrEnum):
    """Grade of aplastic anemia (modified Camitta criteria); compares equal to its text."""

    NON_SEVERE = "non-severe"
    SEVERE = "severe"
    VERY_SEVERE = "very severe"

    @property
    def rank(self) -> int:
        """0 for non-severe, 1 for severe, 2 for very severe (for ordering and colour scales)."""
        return list(Severity).index(self)


class Response(enum.StrEnum):
    """Hematologic response after immunosuppressive therapy (NIH criteria)."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    NONE = "none"


# --------------------------------------------------------------------------- cytopenias


def cytopenias(
    *,
    hb: float,
    platelets: float,
    sex: str,
    wbc: float | None = None,
    anc: float | None = None,
) -> frozenset[str]:
    """Name the low blood lineages in an adult full blood count.

    Parameters
    ----------
    hb : float
        Hemoglobin in g/dL, 0 to below 25.
    platelets : float
        Platelet count in 10^9/L, 0 to below 1000.
    sex : {"female", "male"}
        Selects the hemoglobin cut-off.
    wbc, anc : float, optional
        White cell count (0 to below 500) and absolute neutrophil count (0 to
        below 100) in 10^9/L; at least one is required, and the ANC may not
        exceed the WBC when both are given. A lineage that is not given is not
        reported.

    Returns
    -------
    frozenset of str
        Members among ``"anemia"``, ``"leukopenia"``, ``"neutropenia"`` and
        ``"thrombocytopenia"``; empty when every given value is at or above
        its cut-off.

    Raises
    ------
    ValueError
        If neither ``wbc`` nor ``anc`` is given, ``sex`` is unknown, a value
        is negative or not finite, a value lies at or above its upper limit
        (plausible only in another unit: per microlitre or g/L), or the ANC
        exceeds the WBC.

    Notes
    -----
    All comparisons are strict ("below"):

    - anemia: Hb < 13 g/dL in men, Hb < 12 g/dL in non-pregnant women
      (WHO 2011 adult cut-offs, age 15 y and over);
    - leukopenia: WBC < 4.0 x10^9/L;
    - neutropenia: ANC < 1.5 x10^9/L (BSH 2016, Killick et al.);
    - thrombocytopenia: platelets < 150 x10^9/L.

    The WBC and platelet cut-offs are the usual adult pancytopenia
    definition (StatPearls); some laboratories use 4.5 for WBC. Pregnancy,
    children and altitude need other hemoglobin cut-offs, not handled here.

    References
    ----------
    World Health Organization. Haemoglobin concentrations for the diagnosis
    of anaemia and assessment of severity. WHO/NMH/NHD/MNM/11.1, 2011.

    Killick SB et al. Guidelines for the diagnosis and management of adult
    aplastic anaemia. Br J Haematol 2016;172:187-207. doi:10.1111/bjh.13853

    Examples
    --------
    A woman with Hb 9.1 g/dL, WBC 2.1, ANC 0.9 and platelets 45 x10^9/L:

    >>> sorted(cytopenias(hb=9.1, wbc=2.1, anc=0.9, platelets=45, sex="female"))
    ['anemia', 'leukopenia', 'neutropenia', 'thrombocytopenia']
    >>> cytopenias(hb=14.2, wbc=6.5, platelets=250, sex="male")
    frozenset()
    """
    hb = v.hemoglobin("hb", hb)
    platelets = v.count("platelets", platelets)
    sex = v.choice("sex", sex, SEXES)
    if wbc is None and anc is None:
        raise ValueError(
            "cytopenias needs the white lineage: pass wbc=... and/or anc=... (both in 10^9/L); got neither."
        )
    found: set[str] = set()
    if meets(f"anemia_hb_{sex}", hb):
        found.add("anemia")
    if wbc is not None:
        wbc = v.count("wbc", wbc)
    if anc is not None:
        anc = v.count("anc", anc)
    if wbc is not None and anc is not None:
        v.anc_within_wbc(anc, wbc)
    if wbc is not None and meets("leukopenia_wbc", wbc):
        found.add("leukopenia")
    if anc is not None and meets("neutropenia_anc", anc):
        found.add("neutropenia")
    if meets("thrombocytopenia_platelets", platelets):
        found.add("thrombocytopenia")
    return frozenset(found)


def is_pancytopenia(
    *,
    hb: float,
    platelets: float,
    sex: str,
    wbc: float | None = None,
    anc: float | None = None,
) -> bool:
    """Whether all three lineages are low: anemia, thrombocytopenia and a low white lineage.

    Same arguments, units and errors as :func:`cytopenias`. The white lineage
    counts as low when WBC < 4.0 x10^9/L (leukopenia) or ANC < 1.5 x10^9/L
    (neutropenia).

    Notes
    -----
    Pancytopenia = anemia (Hb < 13 g/dL men, < 12 g/dL non-pregnant women;
    WHO 2011) and thrombocytopenia (platelets < 150 x10^9/L) and leukopenia
    or neutropenia. It is a finding, not a diagnosis: its causes range from
    B12 deficiency to aplastic anemia.

    Examples
    --------
    >>> is_pancytopenia(hb=8.4, wbc=2.5, platelets=60, sex="male")
    True
    >>> is_pancytopenia(hb=13.5, anc=3.1, platelets=42, sex="male")  # isolated thrombocytopenia
    False
    """
    found = cytopenias(hb=hb, platelets=platelets, sex=sex, wbc=wbc, anc=anc)
    return "anemia" in found and "thrombocytopenia" in found and bool({"leukopenia", "neutropenia"} & found)


# --------------------------------------------------------------------------- severity


@dataclass(frozen=True)
class SeverityCriteria:
    """Which modified Camitta criteria a set of values meets.

    Attributes
    ----------
    marrow : bool
        Cellularity < 25 %, or < 50 % with < 30 % residual hematopoietic cells.
    anc, platelets, reticulocytes : bool
        Each peripheral-blood criterion for severe disease.
    count_of_blood_criteria : int
        How many of the three blood criteria are met (0-3).
    very_severe_anc : bool
        ANC below the very-severe cut-off.
    residual_known : bool
        Whether ``residual_hematopoietic`` was given.
    """

    marrow: bool
    anc: bool
    platelets: bool
    reticulocytes: bool
    count_of_blood_criteria: int
    very_severe_anc: bool
    residual_known: bool = True

    @property
    def severe(self) -> bool:
        """Marrow criterion and at least two blood criteria."""
        return self.marrow and self.count_of_blood_criteria >= 2

    @property
    def severity(self) -> Severity:
        """The grade these criteria give."""
        if not self.severe:
            return Severity.NON_SEVERE
        return Severity.VERY_SEVERE if self.very_severe_anc else Severity.SEVERE

    def explain(self) -> str:
        """A short plain-text account of which criteria were met, for learners."""

        def mark(met: bool) -> str:
            return "met" if met else "not met"

        marrow = mark(self.marrow)
        if not self.marrow and not self.residual_known:
            marrow += " (residual hematopoietic cells unknown)"
        lines = [
            f"Marrow criterion: {marrow}",
            f"ANC: {mark(self.anc)}",
            f"Platelets: {mark(self.platelets)}",
            f"Reticulocytes: {mark(self.reticulocytes)}",
            f"Blood criteria met: {self.count_of_blood_criteria} of 3 (2 needed)",
            f"ANC below the very-severe cut-off: {'yes' if self.very_severe_anc else 'no'}",
            f"Grade: {self.severity}",
        ]
        return "\n".join(lines)


def _blood_criteria(anc: float, platelets: float, reticulocytes: float, retic_method: str) -> tuple[bool, bool, bool]:
    """The three peripheral-blood criteria for severe disease (inputs already validated)."""
    return (
        meets("camitta_anc", anc),
        meets("camitta_platelets", platelets),
        meets(f"camitta_retic_{retic_method}", reticulocytes),
    )


def severity_criteria(
    *,
    anc: float,
    platelets: float,
    reticulocytes: float,
    cellularity: float,
    residual_hematopoietic: float | None = None,
    retic_method: str = "automated",
) -> SeverityCriteria:
    """Evaluate each modified Camitta criterion separately (see :func:`severity`).

    Same arguments, thresholds and errors as :func:`severity`; returns a
    :class:`SeverityCriteria` whose ``.severity`` is the grade and whose
    ``.explain()`` lists the criteria met.

    Examples
    --------
    >>> c = severity_criteria(anc=0.4, platelets=15, reticulocytes=70, cellularity=15)
    >>> c.marrow, c.anc, c.platelets, c.reticulocytes, c.count_of_blood_criteria
    (True, True, True, False, 2)
    >>> print(c.severity)
    severe
    """
    anc = v.count("anc", anc)
    platelets = v.count("platelets", platelets)
    reticulocytes = v.count("reticulocytes", reticulocytes)
    cellularity = v.percent("cellularity", cellularity)
    retic_method = v.choice("retic_method", retic_method, RETIC_METHODS)
    if residual_hematopoietic is not None:
        residual_hematopoietic = v.percent("residual_hematopoietic", residual_hematopoietic)

    # Unknown residual cells: the second marrow branch cannot be shown, so it is not met.
    marrow = meets("camitta_cellularity", cellularity) or (
        residual_hematopoietic is not None
        and meets("camitta_cellularity_partial", cellularity)
        and meets("camitta_residual", residual_hematopoietic)
    )
    low_anc, low_platelets, low_retic = _blood_criteria(anc, platelets, reticulocytes, retic_method)
    return SeverityCriteria(
        marrow=marrow,
        anc=low_anc,
        platelets=low_platelets,
        reticulocytes=low_retic,
        count_of_blood_criteria=low_anc + low_platelets + low_retic,
        very_severe_anc=meets("camitta_anc_very_severe", anc),
        residual_known=residual_hematopoietic is not None,
    )


def severity(
    *,
    anc: float,
    platelets: float,
    reticulocytes: float,
    cellularity: float,
    residual_hematopoietic: float | None = None,
    retic_method: str = "automated",
) -> Severity:
    """Grade aplastic anemia as non-severe, severe or very severe (modified Camitta).

    Parameters
    ----------
    anc, platelets, reticulocytes : float
        Absolute neutrophil (0 to below 100), platelet (0 to below 1000) and
        reticulocyte (0 to below 1000) counts in 10^9/L.
    cellularity : float
        Bone-marrow cellularity in percent (0-100).
    residual_hematopoietic : float, optional
        Percentage of residual hematopoietic cells in the marrow (0-100),
        needed only when cellularity is between 25 and 50 %.
    retic_method : {"automated", "manual"}
        How the reticulocytes were counted; selects the reticulocyte cut-off.

    Returns
    -------
    Severity
        A string enum: ``"non-severe"``, ``"severe"`` or ``"very severe"``.

    Raises
    ------
    ValueError
        For a negative or non-finite value, a percentage outside 0-100, a
        count at or above its upper limit (plausible only per microlitre, e.g.
        ``anc=150``: pass ``convert(150, "/uL", "10^9/L")``), or an unknown
        ``retic_method``.

    Notes
    -----
    All comparisons are strict. Marrow criterion: cellularity < 25 %, or
    cellularity < 50 % with residual hematopoietic cells < 30 %; when the
    residual percentage is unknown that second branch is not met.

    Severe: marrow criterion plus at least two of

    - ANC < 0.5 x10^9/L,
    - platelets < 20 x10^9/L,
    - reticulocytes < 60 x10^9/L by automated count, or < 20 x10^9/L by
      manual count (the modified criteria as restated by BSH 2016; the
      original Camitta 1976 criterion was < 1 % corrected reticulocytes).

    Very severe: severe plus ANC < 0.2 x10^9/L. Non-severe: anything else
    (this function does not check that the patient has aplastic anemia).

    References
    ----------
    Killick SB et al. Guidelines for the diagnosis and management of adult
    aplastic anaemia. Br J Haematol 2016;172:187-207. doi:10.1111/bjh.13853

    Camitta BM et al. Severe aplastic anemia: a prospective study of the
    effect of early marrow transplantation on acute mortality. Blood
    1976;48:63-70.

    Examples
    --------
    >>> print(severity(anc=0.1, platelets=8, reticulocytes=12, cellularity=10))
    very severe
    >>> severity(anc=0.9, platelets=45, reticulocytes=70, cellularity=30, residual_hematopoietic=20)
    <Severity.NON_SEVERE: 'non-severe'>

    An ANC of 150 /uL typed without conversion is refused, not graded:

    >>> severity(anc=150, platelets=10, reticulocytes=15, cellularity=10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: anc=150 x10^9/L is implausible (...below 100 x10^9/L)...anc=convert(150, "/uL", "10^9/L") = 0.15.
    >>> print(severity(anc=convert(150, "/uL", "10^9/L"), platelets=10, reticulocytes=15, cellularity=10))
    very severe
    """
    return severity_criteria(
        anc=anc,
        platelets=platelets,
        reticulocytes=reticulocytes,
        cellularity=cellularity,
        residual_hematopoietic=residual_hematopoietic,
        retic_method=retic_method,
    ).severity


# --------------------------------------------------------------------------- response


def response(
    *,
    anc: float,
    hb: float,
    platelets: float,
    reticulocytes: float,
    retic_method: str = "automated",
) -> Response:
    """Classify the hematologic response of severe aplastic anemia after immunosuppression.

    Applies to patients treated for severe aplastic anemia with
    immunosuppressive therapy (IST, e.g. horse ATG + cyclosporine +
    eltrombopag), assessed at a timepoint such as 3 or 6 months.

    Parameters
    ----------
    anc, platelets, reticulocytes : float
        Absolute neutrophil (0 to below 100), platelet (0 to below 1000) and
        reticulocyte (0 to below 1000) counts in 10^9/L.
    hb : float
        Hemoglobin in g/dL, 0 to below 25.
    retic_method : {"automated", "manual"}
        Selects the reticulocyte cut-off of the severe criteria.

    Returns
    -------
    Response
        ``"complete"``, ``"partial"`` or ``"none"``.

    Raises
    ------
    ValueError
        For a negative or non-finite value, a value at or above its upper
        limit (plausible only per microlitre or in g/L) or an unknown
        ``retic_method``.

    Notes
    -----
    NIH definition (Townsley et al. 2017):

    - complete: ANC >= 1.0 x10^9/L and Hb >= 10 g/dL and platelets
      >= 100 x10^9/L;
    - partial: blood counts no longer meet the criteria for severe disease,
      i.e. fewer than two of ANC < 0.5, platelets < 20 and reticulocytes
      < 60 (automated) or < 20 (manual) x10^9/L, but the response is not
      complete;
    - none: at least two of those severe criteria are still met.

    The trial also required transfusion independence, which counts cannot
    show; other schemes (BSH/EBMT) use different cut-offs.

    References
    ----------
    Townsley DM et al. Eltrombopag added to standard immunosuppression for
    aplastic anemia. N Engl J Med 2017;376:1540-1550.
    doi:10.1056/NEJMoa1613878

    Examples
    --------
    >>> print(response(anc=1.8, hb=11.2, platelets=130, reticulocytes=80))
    complete
    >>> print(response(anc=0.8, hb=8.5, platelets=35, reticulocytes=45))
    partial
    >>> print(response(anc=0.3, hb=7.9, platelets=9, reticulocytes=15))
    none
    """
    anc = v.count("anc", anc)
    hb = v.hemoglobin("hb", hb)
    platelets = v.count("platelets", platelets)
    reticulocytes = v.count("reticulocytes", reticulocytes)
    retic_method = v.choice("retic_method", retic_method, RETIC_METHODS)

    if meets("nih_complete_anc", anc) and meets("nih_complete_hb", hb) and meets("nih_complete_platelets", platelets):
        return Response.COMPLETE
    still_severe = sum(_blood_criteria(anc, platelets, reticulocytes, retic_method)) >= 2
    return Response.NONE if still_severe else Response.PARTIAL
