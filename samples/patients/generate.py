#!/usr/bin/env python3
"""Builds samples/patients/: one FHIR R4 transaction Bundle per policy outcome, and catalog.json.

The clinical content comes from the shipped hook requests in samples/*.json (their prefetch and draft orders), so the
sample patients and the sample requests tell the same story. Each patient gets its own ids (prefix dli4503-) so all
six can live side by side on one FHIR server, and every literal reference resolves inside its Bundle (servers such as
HAPI refuse dangling references). Re-run after changing a sample:  python3 samples/patients/generate.py
"""
import base64
import copy
import json
import pathlib
import uuid

HERE = pathlib.Path(__file__).resolve().parent
SAMPLES = HERE.parent
NAMESPACE = uuid.UUID("6f1d0c55-3b7e-4f57-9a59-4503d1a00001")
MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1"
PRACTITIONER_ID = "dli4503-practitioner-raman"


def sample(name):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def prefetch_resources(request, key):
    value = request["prefetch"][key]
    return [copy.deepcopy(e["resource"]) for e in value.get("entry", [])]


def by_id(resources, resource_id):
    return copy.deepcopy(next(r for r in resources if r["id"] == resource_id))


MET = sample("order-sign-meets-criteria.json")
NOT_MEDICALLY_NECESSARY = sample("order-sign-not-medically-necessary.json")
MISSING = sample("order-sign-missing-data.json")
INVESTIGATIONAL = sample("order-sign-investigational.json")
NOT_DLI = sample("order-sign-not-dli.json")

CONDITIONS = prefetch_resources(MET, "conditions")
PROCEDURES = prefetch_resources(MET, "procedures")
OBSERVATIONS = prefetch_resources(MET, "observations")
DOCUMENTS_SOURCE = prefetch_resources(MET, "documents")
COVERAGE = prefetch_resources(MET, "coverage")[0]


def chimerism(resource_id, value):
    observation = by_id(OBSERVATIONS, resource_id)
    observation["valueQuantity"]["value"] = value
    return observation


def hct_note(text):
    procedure = by_id(PROCEDURES, "proc-allo-hct")
    procedure["note"] = [{"text": text}]
    return procedure


def conditioning(text):
    procedure = by_id(PROCEDURES, "proc-conditioning")
    procedure["code"] = {"text": text}
    return procedure


def history_and_physical(text):
    document = by_id(DOCUMENTS_SOURCE, "doc-hp-2026-11")
    attachment = document["content"][0]["attachment"]
    attachment.pop("url", None)
    attachment["data"] = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return document


# The note's text travels inside the DocumentReference (attachment.data): no Binary to load separately.
DOCUMENTS = [history_and_physical(
    "BMT clinic history and physical. AML after allogeneic HCT (matched unrelated donor, 2025-03-12). "
    "Assessment: donor lymphocyte infusion considered; see problem list, transplant record and chimerism results.")]

SICKLE_CELL = {
    "resourceType": "Condition",
    "id": "cond-sickle-cell",
    "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
    "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item"}]}],
    "code": {
        "coding": [
            {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "D57.1", "display": "Sickle-cell disease without crisis"},
            {"system": "http://snomed.info/sct", "code": "417357006", "display": "Sickling disorder due to hemoglobin S (disorder)"},
        ],
        "text": "Sickle cell disease (HbSS)",
    },
    "onsetDateTime": "2001-09-10",
    "recordedDate": "2002-01-15",
}

SICKLE_CELL_HCT = {
    "resourceType": "Procedure",
    "id": "proc-allo-hct",
    "status": "completed",
    "category": {"coding": [{"system": "http://snomed.info/sct", "code": "387713003", "display": "Surgical procedure"}]},
    "code": {
        "coding": [
            {"system": "http://www.cms.gov/Medicare/Coding/ICD10", "code": "30233G2", "display": "Transfusion of Allogeneic Related Bone Marrow into Peripheral Vein, Percutaneous Approach"},
            {"system": "http://www.ama-assn.org/go/cpt", "code": "38240", "display": "Hematopoietic progenitor cell (HPC); allogeneic transplantation per donor"},
        ],
        "text": "Allogeneic bone marrow transplant, HLA-matched sibling donor",
    },
    "performedDateTime": "2025-06-18",
    "reasonReference": [{"reference": "Condition/cond-sickle-cell", "display": "Sickle cell disease (HbSS)"}],
    "note": [{"text": "HLA-identical sibling marrow. Reduced-intensity conditioning (alemtuzumab, fludarabine, melphalan)."}],
}

PATIENTS = [
    {
        "slug": "met",
        "name": ("Okafor", ["Adaeze"]), "gender": "female", "birthDate": "1971-06-14", "mrn": "MRN-448291",
        "title": "Meets criteria",
        "story": "AML relapsed after a reduced-intensity matched unrelated donor transplant; mixed T-cell chimerism (72% donor).",
        "expected": {"covered": "covered", "outcome": "MeetsCriteria", "criterion": "I", "summary": "DLI meets policy 45.03 criteria"},
        "resources": CONDITIONS + PROCEDURES + OBSERVATIONS + DOCUMENTS,
    },
    {
        "slug": "not-met-ia",
        "name": ("Herrera", ["Tomás"]), "gender": "male", "birthDate": "1964-02-09", "mrn": "MRN-448307",
        "title": "Not met: I.A (in remission)",
        "story": "AML in remission after a reduced-intensity transplant; mixed T-cell chimerism, but no relapse or refractory disease.",
        "expected": {"covered": "not-covered", "outcome": "NotMedicallyNecessary", "criterion": "II", "notMet": ["I.A"], "summary": "not medically necessary under policy 45.03 (criterion II)"},
        "resources": [by_id(CONDITIONS, "cond-aml-dx"), by_id(prefetch_resources(NOT_MEDICALLY_NECESSARY, "conditions"), "cond-aml-remission")]
        + PROCEDURES + OBSERVATIONS + DOCUMENTS,
    },
    {
        "slug": "not-met-ib",
        "name": ("Chen", ["Mei-Ling"]), "gender": "female", "birthDate": "1982-08-30", "mrn": "MRN-448315",
        "title": "Needs review: I.B stated only in words (myeloablative, unmanipulated graft)",
        "story": "AML relapsed after a busulfan/cyclophosphamide transplant with a graft that was not T-cell depleted. The conditioning intensity is stated only in words, so it is for a reviewer: never a denial on words alone.",
        "expected": {"covered": "conditional", "outcome": "CannotBeDetermined", "criterion": "I", "review": ["I.B"], "summary": "cannot be determined: 1 record to review"},
        "resources": CONDITIONS
        + [
            hct_note("10/10 HLA-matched unrelated donor, G-CSF mobilized peripheral blood stem cells (unmanipulated graft). Myeloablative conditioning (busulfan/cyclophosphamide) days -7 to -2."),
            conditioning("Myeloablative conditioning: busulfan 3.2 mg/kg/day x4 days, cyclophosphamide 60 mg/kg/day x2 days (Bu/Cy)"),
        ]
        + OBSERVATIONS + DOCUMENTS,
    },
    {
        "slug": "not-met-ic",
        "name": ("Ellison", ["Robert"]), "gender": "male", "birthDate": "1958-11-21", "mrn": "MRN-448323",
        "title": "Not met: I.C (full donor chimerism)",
        "story": "AML relapsed after a reduced-intensity transplant, with full donor chimerism in T cells (99%) and myeloid cells (98%).",
        "expected": {"covered": "not-covered", "outcome": "NotMedicallyNecessary", "criterion": "II", "notMet": ["I.C"], "summary": "not medically necessary under policy 45.03 (criterion II)"},
        "resources": CONDITIONS + PROCEDURES
        + [chimerism("obs-chim-cd3-2026-10", 99), chimerism("obs-chim-cd33-2026-10", 98), by_id(OBSERVATIONS, "obs-hgb-2026-10")]
        + DOCUMENTS,
    },
    {
        "slug": "investigational",
        "name": ("Whitaker", ["Jamal"]), "gender": "male", "birthDate": "2001-04-03", "mrn": "MRN-448331",
        "title": "Investigational: non-malignant indication (criterion III)",
        "story": "Sickle cell disease treated with a matched sibling marrow transplant; mixed myeloid chimerism (38% donor), no malignancy.",
        "expected": {"covered": "not-covered", "outcome": "Investigational", "criterion": "III", "summary": "investigational under policy 45.03 (criterion III)"},
        "resources": [SICKLE_CELL, SICKLE_CELL_HCT, chimerism("obs-chim-cd33-2026-10", 38), by_id(OBSERVATIONS, "obs-hgb-2026-10"),
                      history_and_physical("BMT clinic H&P. HbSS sickle cell disease, matched sibling BMT 2025-06-18. Declining myeloid donor chimerism; DLI discussed.")],
    },
    {
        "slug": "missing-data",
        "name": ("Solberg", ["Ingrid"]), "gender": "female", "birthDate": "1975-12-12", "mrn": "MRN-448349",
        "title": "Cannot be determined: missing data",
        "story": "AML relapsed after an allogeneic transplant, but conditioning, graft processing and chimerism are not on record, and there is no H&P.",
        "expected": {"covered": "conditional", "outcome": "CannotBeDetermined", "criterion": "I", "missing": ["I.B", "I.C"], "summary": "cannot be determined: 2 items missing"},
        "resources": prefetch_resources(MISSING, "conditions") + prefetch_resources(MISSING, "procedures") + prefetch_resources(MISSING, "observations"),
    },
]

ORDERS = [
    ("dli", "Donor lymphocyte infusion (CPT 38242)", MET),
    ("dli-genetically-modified", "DLI with genetically modified donor T cells (CPT 38242)", INVESTIGATIONAL),
    ("bone-marrow-biopsy", "Bone marrow biopsy (CPT 38221, not a DLI)", NOT_DLI),
]


def patient_resource(patient, patient_id):
    family, given = patient["name"]
    return {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"use": "usual", "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}, "system": MRN_SYSTEM, "value": patient["mrn"]}],
        "name": [{"use": "official", "family": family, "given": given}],
        "gender": patient["gender"],
        "birthDate": patient["birthDate"],
        "generalPractitioner": [{"reference": f"Practitioner/{PRACTITIONER_ID}"}],
    }


PRACTITIONER = {
    "resourceType": "Practitioner",
    "id": PRACTITIONER_ID,
    "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1538264790"}],
    "name": [{"family": "Raman", "given": ["Priya"], "prefix": ["Dr."]}],
}


def rewrite(resource, prefix, patient_id):
    """Gives a resource its patient's ids: own id prefixed, subject/beneficiary to the patient, references prefixed."""
    resource = copy.deepcopy(resource)
    resource["id"] = f"{prefix}-{resource['id']}"

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "reference" and isinstance(value, str) and "/" in value:
                    kind, target = value.split("/", 1)
                    node[key] = f"Patient/{patient_id}" if kind == "Patient" else f"{kind}/{prefix}-{target}"
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(resource)
    if resource["resourceType"] == "Coverage":
        resource["beneficiary"] = {"reference": f"Patient/{patient_id}"}
    else:
        resource["subject"] = {"reference": f"Patient/{patient_id}"}
    return resource


def entry(resource):
    key = f"{resource['resourceType']}/{resource['id']}"
    return {"fullUrl": f"urn:uuid:{uuid.uuid5(NAMESPACE, key)}", "resource": resource, "request": {"method": "PUT", "url": key}}


def bundle(patient):
    patient_id = f"dli4503-{patient['slug']}"
    coverage = rewrite(COVERAGE, patient_id, patient_id)
    coverage["subscriberId"] = "RGN" + patient["mrn"].split("-")[1] + "0033"
    resources = [PRACTITIONER, patient_resource(patient, patient_id), coverage]
    resources += [rewrite(r, patient_id, patient_id) for r in patient["resources"]]
    # Practitioner and Patient first: servers that resolve references in order find them already written.
    return patient_id, {"resourceType": "Bundle", "type": "transaction", "entry": [entry(r) for r in resources]}


def order(order_id, label, request):
    resource = copy.deepcopy(request["context"]["draftOrders"]["entry"][0]["resource"])
    # The diagnosis comes from the patient's chart, not from the order: a reason code on the order would decide I.A
    # for every patient.
    resource.pop("reasonCode", None)
    resource.pop("subject", None)
    resource.pop("authoredOn", None)
    resource["id"] = f"sr-{order_id}"
    return {"id": order_id, "label": label, "resource": resource}


def write(path, value):
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main():
    catalog = {"patients": [], "orders": [order(*o) for o in ORDERS]}
    for patient in PATIENTS:
        patient_id, content = bundle(patient)
        file = f"dli-{patient['slug']}.json"
        write(HERE / file, content)
        family, given = patient["name"]
        catalog["patients"].append({
            "file": file,
            "patientId": patient_id,
            "name": f"{' '.join(given)} {family}",
            "title": patient["title"],
            "story": patient["story"],
            "userId": f"Practitioner/{PRACTITIONER_ID}",
            "expected": patient["expected"],
        })
    write(HERE / "catalog.json", catalog)


if __name__ == "__main__":
    main()
