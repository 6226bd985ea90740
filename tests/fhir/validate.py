"""Validates Holdspace FHIR exports with fhir.resources (FHIR R4, 4.0.1).

usage: validate.py BUNDLE.json...   prints one line per file; exit 1 if any is invalid.

Beyond the model's own validation (types, cardinality, required elements), checks what the
export promises: US Core vital-signs coding (LOINC codes, UCUM units), blood pressure as a
panel with systolic and diastolic components, SpO2 coded 2708-6 and 59408-5, every reference
resolving inside the Bundle, and a Patient that carries nothing but the client code.
"""
import json
import sys

import fhir.resources
from fhir.resources.bundle import Bundle

assert fhir.resources.__fhir_version__ == "4.0.1", fhir.resources.__fhir_version__

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
VITALS = {
    "85354-9": None,  # blood pressure panel: the values are in its components
    "8867-4": "/min",
    "9279-1": "/min",
    "2708-6": "%",
    "8310-5": "Cel",
}
BP_COMPONENTS = {"8480-6": "mm[Hg]", "8462-4": "mm[Hg]"}


def loinc_codes(concept):
    return [c.code for c in (concept.coding or []) if c.system == LOINC]


def check_quantity(q, unit, where):
    if q is None or q.system != UCUM or q.code != unit or q.value is None:
        raise ValueError(f"{where}: expected a UCUM quantity in {unit}, got {q and q.dict()}")


def check(path):
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    bundle = Bundle.parse_obj(raw)
    if bundle.type != "collection":
        raise ValueError(f"Bundle.type is {bundle.type}, not collection")
    urls = {e.fullUrl for e in bundle.entry}
    counts = {}
    for i, entry in enumerate(bundle.entry):
        r = entry.resource
        where = f"entry[{i}] {r.resource_type}"
        counts[r.resource_type] = counts.get(r.resource_type, 0) + 1
        for ref in _references(raw["entry"][i]["resource"]):
            if not ref.startswith("#") and ref not in urls:
                raise ValueError(f"{where}: reference {ref} is not in the Bundle")
        if r.resource_type == "Patient":
            extra = set(raw["entry"][i]["resource"]) - {"resourceType", "identifier"}
            if extra or len(r.identifier) != 1:
                raise ValueError(f"{where}: the Patient must carry only the client code, has {sorted(extra)}")
        if r.resource_type == "Observation":
            cats = [c.code for cat in (r.category or []) for c in (cat.coding or [])]
            codes = loinc_codes(r.code)
            if "vital-signs" in cats:
                known = [c for c in codes if c in VITALS]
                if not known:
                    raise ValueError(f"{where}: a vital sign without a known LOINC code: {codes}")
                if "2708-6" in codes and "59408-5" not in codes:
                    raise ValueError(f"{where}: SpO2 must carry 59408-5 (pulse oximetry) too")
                if "59408-5" in codes and "2708-6" not in codes:
                    raise ValueError(f"{where}: SpO2 must carry 2708-6 too")
                if known[0] == "85354-9":
                    found = {}
                    for comp in r.component or []:
                        for c in loinc_codes(comp.code):
                            if c in BP_COMPONENTS:
                                check_quantity(comp.valueQuantity, BP_COMPONENTS[c], f"{where} component {c}")
                                found[c] = True
                    if set(found) != set(BP_COMPONENTS):
                        raise ValueError(f"{where}: blood pressure needs systolic and diastolic components")
                else:
                    check_quantity(r.valueQuantity, VITALS[known[0]], where)
                if not r.meta or not r.meta.profile:
                    raise ValueError(f"{where}: no US Core profile")
        if r.resource_type == "MedicationAdministration":
            if r.dosage is None or r.dosage.dose is None:
                raise ValueError(f"{where}: no dose")
    return counts


def _references(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "reference" and isinstance(v, str):
                yield v
            else:
                yield from _references(v)
    elif isinstance(node, list):
        for v in node:
            yield from _references(v)


def main(paths):
    bad = 0
    for p in paths:
        try:
            counts = check(p)
            print(f"{p}: valid FHIR R4 Bundle: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
        except Exception as e:  # noqa: BLE001 - every failure is reported, per file
            bad += 1
            print(f"{p}: INVALID: {e}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
