"""Lesson 04's NIH response explanation: four counts in, the category and the cut-offs each count reached.

Pure and standard-library only; the category is :func:`hemaedu.response`'s, the cut-offs come
from :mod:`hemaedu.thresholds`. The app writes the reason from the lesson's content.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import thresholds
from ...clinical import Response, response

__all__ = ["COMPLETE_IDS", "SEVERE_IDS", "VIGNETTE", "ResponseExplanation", "compute_response"]

#: Thresholds (``data/thresholds.csv``) of the NIH response: the complete-response levels and
#: the blood criteria of severe disease a partial response no longer meets.
COMPLETE_IDS = {"anc": "nih_complete_anc", "hb": "nih_complete_hb", "platelets": "nih_complete_platelets"}
SEVERE_IDS = {"anc": "camitta_anc", "platelets": "camitta_platelets", "reticulocytes": "camitta_retic_automated"}

#: The self-check vignette's counts, six months after treatment (invented for teaching; canonical units).
VIGNETTE = {"anc": 1.4, "hb": 9.1, "platelets": 60.0, "reticulocytes": 70.0}


@dataclass(frozen=True)
class ResponseExplanation:
    """The NIH response of four counts, and which cut-offs each count reached.

    ``complete_met[k]``: count ``k`` reaches its complete-response level; ``severe_met[k]``:
    count ``k`` still meets its severe-disease criterion.
    """

    values: dict[str, float]
    category: Response
    complete_met: dict[str, bool]
    severe_met: dict[str, bool]


def compute_response(*, anc: float, hb: float, platelets: float, reticulocytes: float) -> ResponseExplanation:
    """The NIH response (``hemaedu.response``) with the criteria that decided it.

    >>> r = compute_response(anc=thresholds.value("nih_complete_anc"), hb=thresholds.value("nih_complete_hb"),
    ...                      platelets=thresholds.value("nih_complete_platelets"), reticulocytes=0)
    >>> str(r.category), all(r.complete_met.values())
    ('complete', True)
    """
    values = {"anc": anc, "hb": hb, "platelets": platelets, "reticulocytes": reticulocytes}
    return ResponseExplanation(
        values=values,
        category=response(anc=anc, hb=hb, platelets=platelets, reticulocytes=reticulocytes),
        complete_met={k: thresholds.meets(t, values[k]) for k, t in COMPLETE_IDS.items()},
        severe_met={k: thresholds.meets(t, values[k]) for k, t in SEVERE_IDS.items()},
    )
