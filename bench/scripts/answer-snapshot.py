#!/usr/bin/env python3
"""The answer must not change: capture a service's responses to every request we have, and compare two captures.

  answer-snapshot.py requests OUT_DIR BASE_URL   # build the request set (BASE_URL: a running service with the sandbox on)
  answer-snapshot.py capture REQ_DIR BASE_URL OUT_DIR
  answer-snapshot.py compare DIR_A DIR_B        # exit 1 when any response differs

The request set: the bench corpus (/tmp/prof/corpus or $CORPUS_DIR: *.json but *.noprefetch.json), any extra corpus
dirs in $EXTRA_CORPUS (space separated, e.g. `dotnet run --project bench/Cds.Corpus -- --out DIR --seed 7 a=10 b=50`),
samples/*.json, the sandbox's request for every sample patient x order x hook (fetched once from BASE_URL, then fixed
on disk so both builds get the same bytes), the case folders cases/*/* (hook.json as is; bundle.json + order.json as a
request with the bundle as prefetch), the draft-order fixtures of tests/FhirMapping.Tests/TestData/DraftOrders on the
typical patient, and each DLI request again with CRD configuration variants (all cards on; coverage-info off;
max-cards 1) and with davinci-crd.requestedVersion 2.2.

Capture a build with answer-capture.sh (it fixes the public base URL, which the links carry). The response body is normalised textually (never re-serialised, so the comparison is byte for byte otherwise):
UUIDs (card and suggestion uuids, coverage-assertion ids) become <uuid>; date-times of the capture day (a suggested
order's authoredOn) become <now>. The status code is kept in the first line. Run both captures on the same UTC day.
"""
import datetime
import zlib
import glob
import json
import os
import re
import sys
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGN = "dli-coverage-order-sign"
SELECT = "dli-coverage-order-select"
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def http(method, url, body=None):
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"} if body is not None else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def write(out, name, request, service):
    with open(os.path.join(out, f"{name}@{service}.json"), "w", encoding="utf-8") as f:
        json.dump(request, f, separators=(",", ":"), ensure_ascii=False)


def prefetch_of(resources, patient_id):
    by = {}
    for r in resources:
        by.setdefault(r.get("resourceType"), []).append(r)

    def bundle(types):
        entries = [{"resource": r} for t in types for r in by.get(t, [])]
        return {"resourceType": "Bundle", "type": "searchset", "entry": entries}

    prefetch = {
        "coverage": bundle(["Coverage", "Organization"]),
        "conditions": bundle(["Condition"]),
        "procedures": bundle(["Procedure"]),
        "observations": bundle(["Observation"]),
        "diseaseStatus": {"resourceType": "Bundle", "type": "searchset", "entry": [
            {"resource": r} for r in by.get("Observation", []) if "97509-4" in json.dumps(r.get("code", {}))]},
        "bodyMeasures": {"resourceType": "Bundle", "type": "searchset", "entry": [
            {"resource": r} for r in by.get("Observation", []) if "vital-signs" in json.dumps(r.get("category", []))]},
        "documents": bundle(["DocumentReference"]),
        "medicationAdministrations": bundle(["MedicationAdministration"]),
        "medicationRequests": bundle(["MedicationRequest", "MedicationStatement"]),
    }
    patients = [p for p in by.get("Patient", []) if p.get("id") == patient_id] or by.get("Patient", [])[:1]
    if patients:
        prefetch["patient"] = patients[0]
    return prefetch


def variants(out, name, request, service):
    write(out, name, request, service)
    if service != SIGN:
        return
    for label, extension in [
        ("all-cards", {"davinci-crd.configuration": {"guideline": True, "clinical-reminder": True}}),
        ("no-coverage-info", {"davinci-crd.configuration": {"coverage-info": False}}),
        ("max-cards-1", {"davinci-crd.configuration": {"max-cards": 1, "guideline": True}}),
        ("crd-2.2", {"davinci-crd.requestedVersion": "2.2"}),
    ]:
        copy = json.loads(json.dumps(request))
        copy.setdefault("extension", {}).update(extension)
        write(out, f"{name}+{label}", copy, service)
    # The same call as order-select (the heads-up card), when its draft orders can be selected.
    orders = [e.get("resource", {}) for e in request.get("context", {}).get("draftOrders", {}).get("entry", [])]
    if orders and all("id" in o for o in orders):
        copy = json.loads(json.dumps(request))
        copy["hook"] = "order-select"
        copy["context"]["selections"] = [f"{orders[0]['resourceType']}/{orders[0]['id']}"]
        write(out, f"{name}+select", copy, SELECT)


def requests(out, base):
    os.makedirs(out, exist_ok=True)
    corpus_dirs = [os.environ.get("CORPUS_DIR", "/tmp/prof/corpus")] + os.environ.get("EXTRA_CORPUS", "").split()
    typical = None
    for d in corpus_dirs:
        for path in sorted(glob.glob(os.path.join(d, "*.json"))):
            if path.endswith(".noprefetch.json") or os.path.getsize(path) > 3_000_000:
                continue
            request = json.load(open(path, encoding="utf-8"))
            name = f"corpus-{os.path.basename(d)}-{os.path.basename(path)[:-5]}"
            variants(out, name, request, SIGN if request.get("hook") == "order-sign" else SELECT)
            if os.path.basename(path) == "typical.json" and typical is None:
                typical = request
    for path in sorted(glob.glob(os.path.join(ROOT, "samples", "*.json"))):
        request = json.load(open(path, encoding="utf-8"))
        variants(out, "sample-" + os.path.basename(path)[:-5], request, SIGN if request["hook"] == "order-sign" else SELECT)
    status, body = http("GET", base + "/sandbox/api/catalog")
    if status != 200:
        sys.exit(f"the sandbox catalog answered {status}: start the service with --Cds:Sandbox:Enabled=true")
    catalog = json.loads(body)
    for patient in catalog["patients"]:
        for order in catalog["orders"]:
            for hook, service in [("order-sign", SIGN), ("order-select", SELECT)]:
                status, body = http("GET", f"{base}/sandbox/api/requests?patient={patient['id']}&order={order['id']}&hook={hook}")
                if status == 200:
                    variants(out, f"sandbox-{patient['id']}-{order['id']}", json.loads(body), service) if hook == "order-sign" else write(out, f"sandbox-{patient['id']}-{order['id']}", json.loads(body), service)
    for case in sorted(glob.glob(os.path.join(ROOT, "cases", "*", "*"))):
        name = "case-" + os.path.basename(os.path.dirname(case)) + "-" + os.path.basename(case)
        if os.path.exists(os.path.join(case, "hook.json")):
            request = json.load(open(os.path.join(case, "hook.json"), encoding="utf-8"))
            variants(out, name, request, SIGN if request.get("hook") == "order-sign" else SELECT)
        elif os.path.exists(os.path.join(case, "bundle.json")) and os.path.exists(os.path.join(case, "order.json")):
            bundle = json.load(open(os.path.join(case, "bundle.json"), encoding="utf-8"))
            order = json.load(open(os.path.join(case, "order.json"), encoding="utf-8"))
            expected = json.load(open(os.path.join(case, "expected.json"), encoding="utf-8"))
            resources = [e["resource"] for e in bundle.get("entry", []) if "resource" in e]
            drafts = order if order.get("resourceType") == "Bundle" else {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": order}]}
            first = drafts["entry"][0]["resource"]
            patient_id = expected.get("patient") or (first.get("subject", {}).get("reference", "Patient/x").split("/")[-1])
            request = {
                "hookInstance": "5e0c1d7a-0000-4000-8000-" + f"{zlib.crc32(name.encode()):012d}",
                "hook": "order-sign",
                "context": {"userId": "PractitionerRole/pr-bmt-attending", "patientId": patient_id, "draftOrders": drafts},
                "prefetch": prefetch_of(resources, patient_id),
            }
            variants(out, name, request, SIGN)
    if typical is not None:
        patient_id = typical["context"]["patientId"]
        for path in sorted(glob.glob(os.path.join(ROOT, "tests", "FhirMapping.Tests", "TestData", "DraftOrders", "*.json"))):
            drafts = json.load(open(path, encoding="utf-8"))
            for entry in drafts.get("entry", []):
                if isinstance(entry.get("resource", {}).get("subject"), dict):
                    entry["resource"]["subject"] = {"reference": f"Patient/{patient_id}"}
            request = json.loads(json.dumps(typical))
            request["context"]["draftOrders"] = drafts
            variants(out, "draftorders-" + os.path.basename(path)[:-5], request, SIGN)
            # The same orders naming the typical patient's Coverage as their insurance (else: the CRD 400).
            coverage = [e["resource"]["id"] for e in typical["prefetch"]["coverage"].get("entry", []) if e.get("resource", {}).get("resourceType") == "Coverage"]
            request = json.loads(json.dumps(request))
            for entry in request["context"]["draftOrders"].get("entry", []):
                if coverage and "insurance" in entry.get("resource", {}):
                    entry["resource"]["insurance"] = [{"reference": f"Coverage/{coverage[0]}"}]
            variants(out, "draftorders-" + os.path.basename(path)[:-5] + "-insured", request, SIGN)
    print(f"{len(os.listdir(out))} requests in {out}")


def normalise(body):
    body = UUID.sub(b"<uuid>", body)
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d").encode()
    return re.sub(rb'"' + today + rb'T\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"', b'"<now>"', body)


def capture(req_dir, base, out):
    os.makedirs(out, exist_ok=True)
    files = sorted(glob.glob(os.path.join(req_dir, "*.json")))
    for path in files:
        service = path[:-5].rsplit("@", 1)[1]
        status, body = http("POST", f"{base}/cds-services/{service}", open(path, "rb").read())
        with open(os.path.join(out, os.path.basename(path)), "wb") as f:
            f.write(str(status).encode() + b"\n" + normalise(body))
    print(f"{len(files)} responses in {out}")


def compare(a, b):
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    differ = [n for n in names if not (os.path.exists(os.path.join(a, n)) and os.path.exists(os.path.join(b, n)))
              or open(os.path.join(a, n), "rb").read() != open(os.path.join(b, n), "rb").read()]
    statuses = {}
    for n in names:
        if os.path.exists(os.path.join(a, n)):
            s = open(os.path.join(a, n), "rb").readline().strip().decode()
            statuses[s] = statuses.get(s, 0) + 1
    print(f"{len(names)} responses compared ({', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}); {len(differ)} differ")
    for n in differ:
        print("  differs:", n)
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "requests":
        requests(sys.argv[2], sys.argv[3].rstrip("/"))
    elif len(sys.argv) == 5 and sys.argv[1] == "capture":
        capture(sys.argv[2], sys.argv[3].rstrip("/"), sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
