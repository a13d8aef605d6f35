"""Lesson 06's case files: one TOML file per virtual patient, read and checked on load.

A case lives in ``content/<lang>/cases/<id>.toml`` (the file's stem is its id; files starting
with ``_``, such as ``_template.toml``, are skipped). Its numbers are the patient's own; the
right answer of every *gradable* decision comes from the course's rules, never from the file:

========================  ===============================================  ======================
decision ``kind``         the rules that answer it                         option ``value``
========================  ===============================================  ======================
``cytopenias``            :func:`hemaedu.cytopenias` of the latest count   list of lineages
``pancytopenia``          :func:`hemaedu.is_pancytopenia`                  ``"yes"`` / ``"no"``
``severity``              :func:`hemaedu.severity_criteria` (count+marrow) a grade or
                                                                           ``"not_applicable"``
``pathway``               :func:`hemaedu.pathway.choose_step`              a ``step_id``
``response``              :func:`hemaedu.response` of the latest count     complete/partial/none
``choice``                the author: one option has ``correct = true``    (none)
========================  ===============================================  ======================

Validation raises ``ValueError`` naming the file and the field: a missing stage, an unknown
stage kind, an option without ``why``, a gradable decision none of whose options is what the
rules give (or whose ``expected`` disagrees with the rules), an unknown source, a question the
rules cannot answer at that point (a grade before any marrow), or an adult-only rule asked of a
child.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from ...clinical import cytopenias, is_pancytopenia, response, severity_criteria
from ...data import records
from ...pathway import choose_step, pathway_steps
from .. import LESSONS
from ..content import DEFAULT_LANGUAGE, language, render
from .case_types import Case, Count, Decision, Marrow, Option, Patient, Review, Stage

__all__ = [
    "GRADABLE",
    "STAGE_KINDS",
    "Case",
    "Count",
    "Decision",
    "Marrow",
    "Option",
    "Review",
    "Stage",
    "case_ids",
    "load_case",
    "parse_case",
    "rule_answer",
]

PACKAGE = "cases"
#: The stages a patient is revealed in, in this order (a kind may repeat, e.g. a second count).
STAGE_KINDS = ("presentation", "examination", "blood_count", "blood_film", "marrow", "special_tests", "follow_up")
#: Stages every case must have.
REQUIRED_STAGES = ("presentation", "examination", "blood_count")
#: Decision kinds whose right answer the rules compute.
GRADABLE = ("cytopenias", "pancytopenia", "severity", "pathway", "response")
KINDS = (*GRADABLE, "choice")
LINEAGES = ("anemia", "leukopenia", "neutropenia", "thrombocytopenia")
GRADES = ("non-severe", "severe", "very severe", "not_applicable")
COUNT_FIELDS = ("hb", "wbc", "anc", "platelets", "reticulocytes")
#: Age from which the rules' adult cut-offs (WHO 2011 hemoglobin) apply, in years.
ADULT_AGE = 15


# --------------------------------------------------------------------------- the rules' answers


def _canonical_lineages(value: Any, where: str) -> str:
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
    if items is None or any(not isinstance(x, str) for x in items):
        raise ValueError(f"{where}: a cytopenias option needs value = a list of lineages, got {value!r}")
    unknown = sorted(set(items) - set(LINEAGES) - {"none"})
    if unknown:
        raise ValueError(f"{where}: unknown lineage(s) {unknown}; use {list(LINEAGES)} or 'none'")
    found = [x for x in LINEAGES if x in items]
    return ",".join(found) or "none"


def rule_answer(kind: str, *, count: Count | None, marrow: Marrow | None, patient: Patient,
                where: str = "case") -> str:
    """The answer the course's rules give to a gradable decision.

    >>> p = Patient(age=30, sex="male", sibling_donor=True, transfusion_dependent=True)
    >>> c = Count(hb=7.0, wbc=1.2, anc=0.3, platelets=12, reticulocytes=20)
    >>> rule_answer("cytopenias", count=c, marrow=None, patient=p)
    'anemia,leukopenia,neutropenia,thrombocytopenia'
    >>> rule_answer("severity", count=c, marrow=Marrow(10), patient=p)
    'severe'
    >>> rule_answer("pathway", count=c, marrow=Marrow(10), patient=p)
    'severe_sibling_young'
    """
    if kind in ("cytopenias", "pancytopenia", "response") and count is None:
        raise ValueError(f"{where}: a {kind!r} decision needs a blood_count stage before it")
    if kind in ("severity", "pathway") and (count is None or marrow is None):
        raise ValueError(f"{where}: a {kind!r} decision needs a blood_count and a marrow stage before it")
    if kind in ("cytopenias", "pancytopenia") and patient.age < ADULT_AGE:
        raise ValueError(f"{where}: the rules' {kind} cut-offs are for adults ({ADULT_AGE} y and over); "
                         f"the patient is {patient.age:g}; ask a 'choice' question instead")
    assert count is not None  # for type checkers: checked above
    blood: dict[str, Any] = dict(hb=count.hb, wbc=count.wbc, anc=count.anc, platelets=count.platelets,
                                 sex=patient.sex)
    if kind == "cytopenias":
        return ",".join(x for x in LINEAGES if x in cytopenias(**blood)) or "none"
    if kind == "pancytopenia":
        return "yes" if is_pancytopenia(**blood) else "no"
    if kind == "response":
        return str(response(anc=count.anc, hb=count.hb, platelets=count.platelets,
                            reticulocytes=count.reticulocytes, retic_method=count.retic_method))
    assert marrow is not None
    criteria = severity_criteria(anc=count.anc, platelets=count.platelets, reticulocytes=count.reticulocytes,
                                 cellularity=marrow.cellularity, residual_hematopoietic=marrow.residual_hematopoietic,
                                 retic_method=count.retic_method)
    if kind == "severity":
        return str(criteria.severity) if criteria.marrow else "not_applicable"
    if kind == "pathway":
        if not criteria.marrow:
            raise ValueError(f"{where}: a 'pathway' decision needs aplastic anemia (the marrow criterion is not met)")
        return choose_step(age=patient.age, severity=str(criteria.severity), sibling_donor=patient.sibling_donor,
                           transfusion_dependent=patient.transfusion_dependent, steps=_steps()).step_id
    raise ValueError(f"{where}: unknown decision kind {kind!r}; use one of {KINDS}")


@cache
def _steps() -> tuple[Any, ...]:
    # The table's rows through the standard-library reader: the lesson runtime stays pandas-free.
    return pathway_steps(records("treatment_pathway"))


# --------------------------------------------------------------------------- parsing


_FIELDS = {
    "case": {"id", "title", "summary", "onset_class", "sources", "patient", "stage"},
    "stage": {"kind", "title", "text", "count", "marrow", "patient", "decision"},
    "decision": {"id", "kind", "prompt", "expected", "review", "option"},
    "option": {"text", "why", "correct", "value", "consequence"},
}


def _known_fields(raw: Mapping[str, Any], level: str, where: str) -> None:
    """Refuse a misspelt field (e.g. 'consequnce'), which would otherwise be ignored silently."""
    unknown = sorted(set(raw) - _FIELDS[level])
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {unknown}; a {level} has {sorted(_FIELDS[level])}")


def _text(raw: Mapping[str, Any], field: str, where: str, *, required: bool = True) -> str:
    value = raw.get(field, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}: the field {field!r} is missing or empty")
    return render(value.strip(), where=f"{where} [{field}]", package=PACKAGE) if value else ""


def _number(raw: Mapping[str, Any], field: str, where: str) -> float:
    value = raw.get(field)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: the field {field!r} must be a number, got {value!r}")
    return float(value)


def _flag(raw: Mapping[str, Any], field: str, where: str) -> bool:
    value = raw.get(field)
    if not isinstance(value, bool):
        raise ValueError(f"{where}: the field {field!r} must be true or false, got {value!r}")
    return value


def _patient(raw: Any, where: str, base: Patient | None = None) -> Patient:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: the [patient] table is missing")
    fields = {} if base is None else dict(base.__dict__)
    for key in ("age",):
        if key in raw or base is None:
            fields[key] = _number(raw, key, where)
    if "sex" in raw or base is None:
        if raw.get("sex") not in ("female", "male"):
            raise ValueError(f"{where}: the field 'sex' must be 'female' or 'male', got {raw.get('sex')!r}")
        fields["sex"] = raw["sex"]
    for key in ("sibling_donor", "transfusion_dependent"):
        if key in raw or base is None:
            fields[key] = _flag(raw, key, where)
    return Patient(**fields)


def _count(raw: Any, where: str) -> Count:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: [stage.count] must be a table with {list(COUNT_FIELDS)}")
    values = {k: _number(raw, k, f"{where} [count]") for k in COUNT_FIELDS}
    count = Count(**values, retic_method=str(raw.get("retic_method", "automated")))
    try:  # the rules check units and ranges once: let them refuse an implausible count here
        cytopenias(hb=count.hb, wbc=count.wbc, anc=count.anc, platelets=count.platelets, sex="female")
        severity_criteria(anc=count.anc, platelets=count.platelets, reticulocytes=count.reticulocytes,
                          cellularity=50, retic_method=count.retic_method)
    except ValueError as exc:
        raise ValueError(f"{where} [count]: {exc}") from None
    return count


def _marrow(raw: Any, where: str) -> Marrow:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: [stage.marrow] must be a table with 'cellularity'")
    residual = raw.get("residual_hematopoietic")
    return Marrow(_number(raw, "cellularity", f"{where} [marrow]"),
                  None if residual is None else _number(raw, "residual_hematopoietic", f"{where} [marrow]"))


def _review(raw: Any, where: str) -> Review | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not {"lesson", "section"} <= set(raw):
        raise ValueError(f"{where}: review must be {{lesson = \"01\", section = \"<heading>\"}}")
    number = str(raw["lesson"])
    if number not in {x.number for x in LESSONS}:
        raise ValueError(f"{where}: review names lesson {number!r}, which is not in registry.toml")
    return Review(number, str(raw["section"]))


def _decision(raw: Mapping[str, Any], where: str, stage: int, answer: str | None) -> Decision:
    decision_id = raw.get("id")
    if not isinstance(decision_id, str) or not decision_id:
        raise ValueError(f"{where}: a [[stage.decision]] has no id")
    here = f"{where} decision {decision_id!r}"
    _known_fields(raw, "decision", here)
    kind = raw.get("kind", "choice")
    if kind not in KINDS:
        raise ValueError(f"{here}: kind {kind!r} is unknown; use one of {KINDS}")
    options_raw = raw.get("option") or []
    if len(options_raw) < 2:
        raise ValueError(f"{here}: needs at least two [[stage.decision.option]] entries")
    options = []
    for n, opt in enumerate(options_raw, start=1):
        at = f"{here} option {n}"
        _known_fields(opt, "option", at)
        text, why = _text(opt, "text", at), _text(opt, "why", at)
        consequence = _text(opt, "consequence", at, required=False)
        if kind == "choice":
            if "value" in opt or not isinstance(opt.get("correct"), bool):
                raise ValueError(f"{at}: a 'choice' option needs correct = true or false (and no value)")
            options.append(Option(text, why, opt["correct"], None, consequence))
            continue
        if "correct" in opt:
            raise ValueError(f"{at}: the rules grade a {kind!r} decision; give 'value', not 'correct'")
        if "value" not in opt:
            raise ValueError(f"{at}: the field 'value' is missing (a {kind!r} decision is graded by the rules)")
        value = _canonical_lineages(opt["value"], at) if kind == "cytopenias" else str(opt["value"])
        options.append(Option(text, why, value == answer, value, consequence))
    if kind != "choice":
        expected = raw.get("expected")
        if expected is not None:
            written = _canonical_lineages(expected, here) if kind == "cytopenias" else str(expected)
            if written != answer:
                raise ValueError(f"{here}: expected = {expected!r}, but the rules give {answer!r} "
                                 "for this patient; fix the patient's numbers or the expected answer")
    n_right = sum(o.correct for o in options)
    if n_right != 1:
        if answer is not None:
            raise ValueError(f"{here}: no option has the value the rules give ({answer!r}); option values: "
                             f"{[o.value for o in options]}; fix the patient's numbers or the options")
        raise ValueError(f"{here}: needs exactly one right option, has {n_right}")
    return Decision(decision_id, kind, _text(raw, "prompt", here), tuple(options), stage,
                    _review(raw.get("review"), here), answer)


def parse_case(raw: Mapping[str, Any], case_id: str, where: str) -> Case:
    """Validate a parsed case file and compute the rules' answers (see the module docstring)."""
    if raw.get("id", case_id) != case_id:
        raise ValueError(f"{where}: id {raw.get('id')!r} differs from the file name {case_id!r}")
    _known_fields(raw, "case", where)
    patient = _patient(raw.get("patient"), f"{where} [patient]")
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        raise ValueError(f"{where}: the field 'sources' must list source_ids of data/references.csv")
    known = {r["source_id"] for r in records("references")}
    unknown = [s for s in sources if s not in known]
    if unknown:
        raise ValueError(f"{where}: the field 'sources' names unknown source(s) {unknown}; "
                         "add them to data/references.csv or fix the ids")
    onset = raw.get("onset_class")
    if onset is not None and onset not in {r["class_id"] for r in records("aa_classification")}:
        raise ValueError(f"{where}: onset_class {onset!r} is not a class_id of data/aa_classification.csv")
    stages_raw = raw.get("stage") or []
    kinds = [s.get("kind") for s in stages_raw]
    for kind in REQUIRED_STAGES:
        if kind not in kinds:
            raise ValueError(f"{where}: missing stage {kind!r}; every case has {list(REQUIRED_STAGES)}")
    if kinds[0] != "presentation":
        raise ValueError(f"{where}: the first stage must be 'presentation', got {kinds[0]!r}")
    stages: list[Stage] = []
    count: Count | None = None
    marrow: Marrow | None = None
    seen: set[str] = set()
    for i, s in enumerate(stages_raw):
        here = f"{where} stage {i + 1}"
        _known_fields(s, "stage", here)
        if s.get("kind") not in STAGE_KINDS:
            raise ValueError(f"{here}: kind {s.get('kind')!r} is unknown; use one of {STAGE_KINDS}")
        stage_count = _count(s["count"], here) if "count" in s else None
        if s["kind"] == "blood_count" and stage_count is None:
            raise ValueError(f"{here}: a blood_count stage needs a [stage.count] table")
        stage_marrow = _marrow(s["marrow"], here) if "marrow" in s else None
        count, marrow = stage_count or count, stage_marrow or marrow
        patient_now = _current(patient, stages_raw[: i + 1], where)
        decisions = []
        for d in s.get("decision") or []:
            kind = d.get("kind", "choice")
            answer = (rule_answer(kind, count=count, marrow=marrow, patient=patient_now,
                                  where=f"{here} decision {d.get('id')!r}") if kind in GRADABLE else None)
            decision = _decision(d, here, i, answer)
            if decision.id in seen:
                raise ValueError(f"{here}: decision id {decision.id!r} appears twice")
            seen.add(decision.id)
            decisions.append(decision)
        stages.append(Stage(s["kind"], _text(s, "title", here), _text(s, "text", here), stage_count,
                            stage_marrow, tuple(decisions)))
    if not seen:
        raise ValueError(f"{where}: a case needs at least one [[stage.decision]]")
    return Case(case_id, where, _text(raw, "title", where), _text(raw, "summary", where), onset, patient,
                tuple(stages), tuple(sources))


def _current(patient: Patient, stages_so_far: list[Mapping[str, Any]], where: str) -> Patient:
    """The patient as the stages so far leave them (a stage's [stage.patient] changes fields)."""
    for n, s in enumerate(stages_so_far, start=1):
        if "patient" in s:
            patient = _patient(s["patient"], f"{where} stage {n} [patient]", base=patient)
    return patient


# --------------------------------------------------------------------------- files


def _folder(lang: str) -> Traversable:
    return resources.files("hemaedu.lessons") / PACKAGE / "content" / lang / "cases"


def case_ids(lang: str | None = None) -> tuple[str, ...]:
    """Every case id, in file-name order (files starting with ``_`` are templates, skipped)."""
    names = {p.name for lg in dict.fromkeys((lang or language(), DEFAULT_LANGUAGE))
             if _folder(lg).is_dir() for p in _folder(lg).iterdir()}
    return tuple(sorted(n.removesuffix(".toml") for n in names if n.endswith(".toml") and not n.startswith("_")))


@cache
def load_case(case_id: str, lang: str | None = None) -> Case:
    """The case ``case_id`` in the current language (falling back to English), validated."""
    lang = lang or language()
    for candidate in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        path = _folder(candidate) / f"{case_id}.toml"
        if path.is_file():
            where = "/".join(("hemaedu", "lessons", PACKAGE, "content", candidate, "cases", f"{case_id}.toml"))
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{where} is not valid TOML: {exc}") from None
            return parse_case(raw, case_id, where)
    raise ValueError(f"no case {case_id!r}; cases are {', '.join(case_ids())}")
