using System.Globalization;
using System.Text.Json.Nodes;

namespace Cds.Bench.Corpus;

/// <summary>
/// A transplant patient's FHIR R4 record of a chosen size, in the prefetch keys of <c>cds-services.json</c>, and the
/// order-sign hook request around it (the shape of <c>samples/order-sign-meets-criteria.json</c>).
/// </summary>
/// <remarks>
/// Every record holds the same ten-resource core, the story of the samples: AML (ICD-10-CM C92.00) relapsed after an
/// allogeneic HCT from a matched unrelated donor (ICD-10-PCS 30233Y3, CPT 38240) with reduced-intensity conditioning,
/// mixed T-cell chimerism, a disease-status Observation (LOINC 97509-4), an H&amp;P, and one active Coverage; so every
/// record meets the criteria and the service does the whole job. The rest is years of follow-up, in the proportions of
/// a heavily treated patient: CBC/CMP and drug-level labs (LOINC), chimerism by lineage (local codes with CPT
/// 81267/81268), transfusions, marrow biopsies and other procedures (CPT, ICD-10-PCS), complications (ICD-10-CM),
/// progress notes and earlier disease-status assessments. All of it is dated before the core's latest results, so the
/// decision does not depend on the size. Deterministic for a given seed and size.
/// </remarks>
internal sealed class PatientRecord
{
    public const int CoreResources = 10;

    private const string Loinc = "http://loinc.org";
    private const string Cpt = "http://www.ama-assn.org/go/cpt";
    private const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    private const string Icd10Pcs = "http://www.cms.gov/Medicare/Coding/ICD10";
    private const string Snomed = "http://snomed.info/sct";
    private const string Ucum = "http://unitsofmeasure.org";
    private const string LocalLab = "urn:oid:2.16.840.1.113883.3.1234.5.7";
    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    private const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";

    // Follow-up from diagnosis to the order; the core's results are the latest.
    private static readonly DateTime Diagnosis = new(2022, 10, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Transplant = new(2023, 3, 12, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Relapse = new(2026, 9, 15, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime LastHistory = new(2026, 10, 10, 0, 0, 0, DateTimeKind.Utc);

    // Shares of the resources beyond the core (labs dominate a long follow-up).
    private static readonly (string Kind, double Share)[] Mix =
    [
        ("lab", 0.78),
        ("chimerism", 0.07),
        ("procedure", 0.06),
        ("document", 0.04),
        ("condition", 0.03),
        ("status", 0.02),
    ];

    private static readonly (string Code, string Display, string Unit, double Low, double High, int Decimals)[] Labs =
    [
        ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", 1.2, 9.8, 1),
        ("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 7.8, 14.2, 1),
        ("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", 18, 310, 0),
        ("751-8", "Neutrophils [#/volume] in Blood by Automated count", "10*3/uL", 0.4, 7.5, 2),
        ("731-0", "Lymphocytes [#/volume] in Blood by Automated count", "10*3/uL", 0.2, 3.1, 2),
        ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.6, 1.9, 2),
        ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 9, 140, 0),
        ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 10, 120, 0),
        ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", 0.2, 3.4, 1),
        ("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 3.1, 5.3, 1),
        ("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 131, 146, 0),
        ("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", 72, 240, 0),
        ("19123-9", "Magnesium [Mass/volume] in Serum or Plasma", "mg/dL", 1.3, 2.5, 1),
        ("11253-2", "Tacrolimus [Mass/volume] in Blood", "ng/mL", 3.5, 14.0, 1),
    ];

    private static readonly (string LocalCode, string Cpt, string Text, double FullDonorFloor)[] ChimerismTests =
    [
        ("CHIM-CD3", "81268", "Chimerism, sorted T cells (CD3+), % donor", 96),
        ("CHIM-CD33", "81268", "Chimerism, sorted myeloid cells (CD33+), % donor", 97),
        ("CHIM-PB", "81267", "Chimerism, peripheral blood (unsorted), % donor", 96),
    ];

    private static readonly (string System, string Code, string Display)[] FollowUpProcedures =
    [
        (Icd10Pcs, "30233N1", "Transfusion of Nonautologous Red Blood Cells into Peripheral Vein, Percutaneous Approach"),
        (Icd10Pcs, "30233R1", "Transfusion of Nonautologous Platelets into Peripheral Vein, Percutaneous Approach"),
        (Cpt, "38222", "Diagnostic bone marrow; biopsy(ies) and aspiration(s)"),
        (Cpt, "96413", "Chemotherapy administration, intravenous infusion technique; up to 1 hour, single or initial substance/drug"),
        (Cpt, "36522", "Photopheresis, extracorporeal"),
        (Cpt, "62270", "Spinal puncture, lumbar, diagnostic"),
        (Cpt, "36558", "Insertion of tunneled centrally inserted central venous catheter, without subcutaneous port or pump; age 5 years or older"),
        (Cpt, "71250", "Computed tomography, thorax, diagnostic; without contrast material"),
    ];

    private static readonly (string Code, string Display, string Status)[] Complications =
    [
        ("D89.811", "Chronic graft-versus-host disease", "active"),
        ("D70.1", "Agranulocytosis secondary to cancer chemotherapy", "resolved"),
        ("B25.9", "Cytomegaloviral disease, unspecified", "resolved"),
        ("I10", "Essential (primary) hypertension", "active"),
        ("E87.6", "Hypokalemia", "resolved"),
        ("E83.42", "Hypomagnesemia", "active"),
        ("K12.31", "Oral mucositis (ulcerative) due to antineoplastic therapy", "resolved"),
        ("E83.111", "Hemochromatosis due to repeated red blood cell transfusions", "active"),
        ("B02.9", "Zoster without complications", "resolved"),
        ("J18.9", "Pneumonia, unspecified organism", "resolved"),
        ("N17.9", "Acute kidney failure, unspecified", "resolved"),
        ("M81.0", "Age-related osteoporosis without current pathological fracture", "active"),
    ];

    private static readonly (string Code, string Display)[] NoteTypes =
    [
        ("11506-3", "Progress note"),
        ("11506-3", "Progress note"),
        ("11506-3", "Progress note"),
        ("11488-4", "Consult note"),
        ("34117-2", "History and physical note"),
    ];

    private readonly Random _random;
    private readonly string _patientId;
    private readonly string _patientReference;
    private readonly string _fhirBase;

    private PatientRecord(int seed, string patientId, string fhirBase)
    {
        _random = new Random(seed);
        _patientId = patientId;
        _patientReference = $"Patient/{patientId}";
        _fhirBase = fhirBase.TrimEnd('/');
    }

    /// <summary>Builds the order-sign hook request: full prefetch, <paramref name="resources"/> resources in it.</summary>
    public static JsonObject HookRequest(string name, int resources, int seed, string fhirBase = "https://ehr.example.org/fhir")
    {
        if (resources < CoreResources)
        {
            throw new ArgumentOutOfRangeException(nameof(resources), resources, $"A record holds at least the {CoreResources} core resources.");
        }

        var record = new PatientRecord(seed ^ resources, $"pat-bench-{name}", fhirBase);
        return record.Build(resources);
    }

    /// <summary>The same request without prefetch: the service must query <paramref name="fhirServer"/>.</summary>
    public static JsonObject WithoutPrefetch(JsonObject request, string fhirServer)
    {
        ArgumentNullException.ThrowIfNull(request);
        var copy = request.DeepClone().AsObject();
        copy["fhirServer"] = fhirServer;
        copy.Remove("prefetch");
        return copy;
    }

    /// <summary>
    /// The same request (same prefetch, byte for byte) with a draft order no policy governs: a CBC (CPT 85025) in place
    /// of the DLI order, the common case of a payer's CRD endpoint.
    /// </summary>
    public static JsonObject WithNonPolicyOrder(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var copy = request.DeepClone().AsObject();
        var order = copy["context"]!["draftOrders"]!["entry"]![0]!["resource"]!.AsObject();
        order["id"] = "sr-cbc-001";
        order["category"] = new JsonArray { Concept(Snomed, "108252007", "Laboratory procedure") };
        order["code"] = Concept(Cpt, "85025", "Blood count; complete (CBC), automated and automated differential WBC count", text: "CBC with differential");
        order["reasonCode"] = new JsonArray { Concept(Icd10Cm, "Z94.84", "Stem cells transplant status") };
        order.Remove("quantityQuantity");
        return copy;
    }

    private JsonObject Build(int resources)
    {
        var extra = Allocate(resources - CoreResources);
        var coverage = new List<JsonObject> { Coverage() };
        var conditions = new List<JsonObject> { DiagnosisCondition(), RelapseCondition() };
        var procedures = new List<JsonObject> { TransplantProcedure(), Conditioning() };
        var observations = new List<JsonObject>();
        var statuses = new List<JsonObject>();
        var documents = new List<JsonObject>();

        conditions.AddRange(Enumerable.Range(0, extra["condition"]).Select(Complication));
        procedures.AddRange(Enumerable.Range(0, extra["procedure"]).Select(i => FollowUpProcedure(i, extra["procedure"])));
        observations.AddRange(Enumerable.Range(0, extra["lab"]).Select(i => Lab(i, extra["lab"])));
        observations.AddRange(Enumerable.Range(0, extra["chimerism"]).Select(i => ChimerismHistory(i, extra["chimerism"])));
        observations.Add(Chimerism("obs-chim-cd3-latest", ChimerismTests[0], new DateTime(2026, 10, 20, 0, 0, 0, DateTimeKind.Utc), 72));
        observations.Add(Chimerism("obs-chim-cd33-latest", ChimerismTests[1], new DateTime(2026, 10, 20, 0, 0, 0, DateTimeKind.Utc), 88));
        statuses.AddRange(Enumerable.Range(0, extra["status"]).Select(i => DiseaseStatus($"obs-status-{i:D4}", Spread(i, extra["status"], Transplant.AddDays(60), Relapse.AddDays(-30)), relapsed: false)));
        statuses.Add(DiseaseStatus("obs-status-latest", new DateTime(2026, 10, 22, 0, 0, 0, DateTimeKind.Utc), relapsed: true));
        documents.AddRange(Enumerable.Range(0, extra["document"]).Select(i => Note(i, extra["document"])));
        documents.Add(Note("doc-hp-latest", ("34117-2", "History and physical note"), new DateTime(2026, 11, 18, 9, 30, 0, DateTimeKind.Utc), "BMT clinic H&P"));

        var hookInstance = Uuid();
        return new JsonObject
        {
            ["hookInstance"] = hookInstance,
            ["hook"] = "order-sign",
            ["fhirServer"] = _fhirBase,
            ["fhirAuthorization"] = new JsonObject
            {
                ["access_token"] = "bench-access-token",
                ["token_type"] = "Bearer",
                ["expires_in"] = 300,
                ["scope"] = "user/Patient.read user/Condition.read user/Procedure.read user/Observation.read user/DocumentReference.read user/Coverage.read",
                ["subject"] = "dli-coverage-service",
            },
            ["context"] = new JsonObject
            {
                ["userId"] = "PractitionerRole/pr-bmt-attending",
                ["patientId"] = _patientId,
                ["encounterId"] = "enc-bmt-clinic-1124",
                ["draftOrders"] = new JsonObject
                {
                    ["resourceType"] = "Bundle",
                    ["type"] = "collection",
                    ["entry"] = new JsonArray { new JsonObject { ["resource"] = DliOrder() } },
                },
            },
            ["prefetch"] = new JsonObject
            {
                ["patient"] = Patient(),
                ["coverage"] = Searchset(coverage),
                ["conditions"] = Searchset(conditions),
                ["procedures"] = Searchset(procedures),
                ["observations"] = Searchset(observations),
                ["diseaseStatus"] = Searchset(statuses),
                ["documents"] = Searchset(documents),
                ["medicationAdministrations"] = Searchset([]),
                ["medicationRequests"] = Searchset([]),
                ["bodyMeasures"] = Searchset([]),
            },
        };
    }

    // Largest-remainder split of the extra resources over the mix.
    private static Dictionary<string, int> Allocate(int extra)
    {
        var exact = Mix.Select(m => (m.Kind, Value: extra * m.Share)).ToList();
        var counts = exact.ToDictionary(e => e.Kind, e => (int)Math.Floor(e.Value), StringComparer.Ordinal);
        var left = extra - counts.Values.Sum();
        foreach (var (kind, _) in exact.OrderByDescending(e => e.Value - Math.Floor(e.Value)).ThenBy(e => e.Kind, StringComparer.Ordinal).Take(left))
        {
            counts[kind]++;
        }

        return counts;
    }

    private JsonObject Searchset(List<JsonObject> resources) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["total"] = resources.Count,
        ["entry"] = new JsonArray([.. resources.Select(r => (JsonNode)new JsonObject
        {
            ["fullUrl"] = $"{_fhirBase}/{(string)r["resourceType"]!}/{(string)r["id"]!}",
            ["resource"] = r,
            ["search"] = new JsonObject { ["mode"] = "match" },
        })]),
    };

    private JsonObject Patient() => new()
    {
        ["resourceType"] = "Patient",
        ["id"] = _patientId,
        ["identifier"] = new JsonArray { new JsonObject { ["system"] = "urn:oid:1.2.36.146.595.217.0.1", ["value"] = $"MRN-{_random.Next(100000, 999999)}" } },
        ["name"] = new JsonArray { new JsonObject { ["family"] = "Benchmark", ["given"] = new JsonArray { "Adaeze" } } },
        ["gender"] = "female",
        ["birthDate"] = "1971-06-14",
    };

    private JsonObject Coverage() => new()
    {
        ["resourceType"] = "Coverage",
        ["id"] = "cov-regence-001",
        ["status"] = "active",
        ["subscriberId"] = $"RGN{_random.Next(100000000, 999999999)}",
        ["beneficiary"] = Subject(),
        ["relationship"] = Concept("http://terminology.hl7.org/CodeSystem/subscriber-relationship", "self", null),
        ["period"] = new JsonObject { ["start"] = "2022-01-01" },
        ["payor"] = new JsonArray { new JsonObject { ["identifier"] = new JsonObject { ["system"] = "http://hl7.org/fhir/sid/us-npi", ["value"] = "1386610063" }, ["display"] = "Regence BlueShield" } },
        ["class"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = Concept("http://terminology.hl7.org/CodeSystem/coverage-class", "plan", null),
                ["value"] = "RGN-PPO-GOLD",
                ["name"] = "Regence Preferred PPO Gold",
            },
        },
    };

    private JsonObject DiagnosisCondition() => Condition("cond-aml-dx", "C92.00", "Acute myeloblastic leukemia, not having achieved remission", "active", Diagnosis);

    private JsonObject RelapseCondition() => Condition("cond-aml-relapse", "C92.02", "Acute myeloblastic leukemia, in relapse", "relapse", Relapse);

    private JsonObject Complication(int i)
    {
        var (code, display, status) = Complications[i % Complications.Length];
        return Condition($"cond-{i:D4}", code, display, status, Spread(i, Complications.Length * 4, Transplant.AddDays(7), LastHistory, jitterDays: 30));
    }

    private JsonObject Condition(string id, string code, string display, string clinicalStatus, DateTime onset) => new()
    {
        ["resourceType"] = "Condition",
        ["id"] = id,
        ["clinicalStatus"] = Concept(ConditionClinical, clinicalStatus, null),
        ["verificationStatus"] = Concept(ConditionVerification, "confirmed", null),
        ["category"] = new JsonArray { Concept(ConditionCategory, "problem-list-item", null) },
        ["code"] = Concept(Icd10Cm, code, display, text: display),
        ["subject"] = Subject(),
        ["onsetDateTime"] = Date(onset),
        ["recordedDate"] = Date(onset),
    };

    private JsonObject TransplantProcedure() => new()
    {
        ["resourceType"] = "Procedure",
        ["id"] = "proc-allo-hct",
        ["status"] = "completed",
        ["category"] = Concept(Snomed, "387713003", "Surgical procedure"),
        ["code"] = new JsonObject
        {
            ["coding"] = new JsonArray
            {
                Coding(Icd10Pcs, "30233Y3", "Transfusion of Allogeneic Unrelated Hematopoietic Stem Cells into Peripheral Vein, Percutaneous Approach"),
                Coding(Cpt, "38240", "Hematopoietic progenitor cell (HPC); allogeneic transplantation per donor"),
            },
            ["text"] = "Allogeneic peripheral blood stem cell transplant, matched unrelated donor",
        },
        ["subject"] = Subject(),
        ["performedDateTime"] = Date(Transplant),
        ["reasonReference"] = new JsonArray { new JsonObject { ["reference"] = "Condition/cond-aml-dx", ["display"] = "Acute myeloid leukemia" } },
        ["note"] = new JsonArray { new JsonObject { ["text"] = "10/10 HLA-matched unrelated donor. Reduced-intensity conditioning (fludarabine/melphalan 140) days -6 to -2." } },
    };

    private JsonObject Conditioning() => new()
    {
        ["resourceType"] = "Procedure",
        ["id"] = "proc-conditioning",
        ["status"] = "completed",
        ["code"] = new JsonObject { ["text"] = "Conditioning regimen: fludarabine 30 mg/m2 x5 + melphalan 140 mg/m2 (reduced-intensity)" },
        ["subject"] = Subject(),
        ["performedPeriod"] = new JsonObject { ["start"] = Date(Transplant.AddDays(-6)), ["end"] = Date(Transplant.AddDays(-2)) },
    };

    private JsonObject FollowUpProcedure(int i, int count)
    {
        var (system, code, display) = FollowUpProcedures[i % FollowUpProcedures.Length];
        var date = Spread(i, count, Transplant.AddDays(1), LastHistory);
        return new JsonObject
        {
            ["resourceType"] = "Procedure",
            ["id"] = $"proc-{i:D4}",
            ["status"] = "completed",
            ["code"] = Concept(system, code, display, text: display),
            ["subject"] = Subject(),
            ["performedDateTime"] = DateTimeText(date),
            ["reasonReference"] = new JsonArray { new JsonObject { ["reference"] = "Condition/cond-aml-dx" } },
        };
    }

    private JsonObject Lab(int i, int count)
    {
        var (code, display, unit, low, high, decimals) = Labs[i % Labs.Length];
        // One draw a visit: the analytes of a visit share its date.
        var visits = Math.Max(1, (count + Labs.Length - 1) / Labs.Length);
        var date = Spread(i / Labs.Length, visits, Diagnosis.AddDays(-14), LastHistory).AddHours(8);
        var value = Math.Round(low + (_random.NextDouble() * (high - low)), decimals);
        return new JsonObject
        {
            ["resourceType"] = "Observation",
            ["id"] = $"obs-lab-{i:D5}",
            ["status"] = "final",
            ["category"] = new JsonArray { Concept(ObservationCategory, "laboratory", "Laboratory") },
            ["code"] = Concept(Loinc, code, display, text: display),
            ["subject"] = Subject(),
            ["effectiveDateTime"] = DateTimeText(date),
            ["issued"] = DateTimeText(date.AddHours(3)),
            ["valueQuantity"] = Quantity(value, unit),
            ["referenceRange"] = new JsonArray
            {
                new JsonObject { ["low"] = Quantity(Math.Round(low * 1.4, decimals), unit), ["high"] = Quantity(Math.Round(high * 0.8, decimals), unit) },
            },
        };
    }

    private JsonObject ChimerismHistory(int i, int count)
    {
        var test = ChimerismTests[i % ChimerismTests.Length];
        var date = Spread(i / ChimerismTests.Length, Math.Max(1, count / ChimerismTests.Length), Transplant.AddDays(30), LastHistory);
        // Full donor for years, then the T-cell fraction drifts down before the relapse.
        var fullDonor = date < Relapse.AddDays(-120);
        var value = fullDonor
            ? Math.Round(test.FullDonorFloor + (_random.NextDouble() * (100 - test.FullDonorFloor)), 0)
            : Math.Round(80 + (_random.NextDouble() * 14), 0);
        return Chimerism($"obs-chim-{i:D4}", test, date, value);
    }

    private JsonObject Chimerism(string id, (string LocalCode, string Cpt, string Text, double FullDonorFloor) test, DateTime date, double value) => new()
    {
        ["resourceType"] = "Observation",
        ["id"] = id,
        ["status"] = "final",
        ["category"] = new JsonArray { Concept(ObservationCategory, "laboratory", "Laboratory") },
        ["code"] = new JsonObject
        {
            ["coding"] = new JsonArray
            {
                Coding(LocalLab, test.LocalCode, test.Text),
                Coding(Cpt, test.Cpt, test.Cpt == "81268"
                    ? "Chimerism (engraftment) analysis, post transplantation specimen; with cell selection"
                    : "Chimerism (engraftment) analysis, post transplantation specimen; without cell selection"),
            },
            ["text"] = test.Text,
        },
        ["subject"] = Subject(),
        ["effectiveDateTime"] = Date(date),
        ["issued"] = $"{Date(date)}T16:02:00Z",
        ["valueQuantity"] = Quantity(value, "%"),
        ["specimen"] = new JsonObject { ["display"] = "Peripheral blood" },
    };

    private JsonObject DiseaseStatus(string id, DateTime date, bool relapsed) => new()
    {
        ["resourceType"] = "Observation",
        ["id"] = id,
        ["status"] = "final",
        ["category"] = new JsonArray { Concept(ObservationCategory, "exam", "Exam") },
        ["code"] = Concept(Loinc, "97509-4", "Cancer disease status"),
        ["subject"] = Subject(),
        ["effectiveDateTime"] = Date(date),
        ["valueCodeableConcept"] = relapsed
            ? Concept(Snomed, "263855007", "Relapse phase (qualifier value)")
            : Concept(Snomed, "277022003", "Remission phase (qualifier value)"),
    };

    private JsonObject Note(int i, int count)
    {
        var type = NoteTypes[i % NoteTypes.Length];
        var date = Spread(i, count, Diagnosis, LastHistory).AddHours(10);
        return Note($"doc-{i:D4}", type, date, $"BMT clinic {type.Display.ToLowerInvariant()}");
    }

    private JsonObject Note(string id, (string Code, string Display) type, DateTime date, string title) => new()
    {
        ["resourceType"] = "DocumentReference",
        ["id"] = id,
        ["status"] = "current",
        ["type"] = Concept(Loinc, type.Code, type.Display),
        ["category"] = new JsonArray { Concept("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note", null) },
        ["subject"] = Subject(),
        ["date"] = $"{Date(date)}T{date:HH:mm}:00Z",
        ["content"] = new JsonArray
        {
            new JsonObject { ["attachment"] = new JsonObject { ["contentType"] = "text/plain", ["url"] = $"Binary/{id}-content", ["title"] = title } },
        },
    };

    private JsonObject DliOrder() => new()
    {
        ["resourceType"] = "ServiceRequest",
        ["id"] = "sr-dli-001",
        ["status"] = "draft",
        ["intent"] = "order",
        ["category"] = new JsonArray { Concept(Snomed, "387713003", "Surgical procedure") },
        ["code"] = Concept(Cpt, "38242", "Allogeneic lymphocyte infusions", text: "Donor lymphocyte infusion"),
        ["subject"] = Subject(),
        ["authoredOn"] = "2026-11-24T10:15:00-08:00",
        ["requester"] = new JsonObject { ["reference"] = "PractitionerRole/pr-bmt-attending", ["display"] = "Dr. Priya Raman, BMT attending" },
        ["reasonCode"] = new JsonArray { Concept(Icd10Cm, "C92.02", "Acute myeloblastic leukemia, in relapse") },
        ["quantityQuantity"] = new JsonObject { ["value"] = 1, ["unit"] = "infusion" },
    };

    private JsonObject Subject() => new() { ["reference"] = _patientReference };

    // The i-th of count dates spread evenly over [from, to], with a little jitter so that visits are not periodic.
    private DateTime Spread(int i, int count, DateTime from, DateTime to, int jitterDays = 2)
    {
        var span = (to - from).TotalDays;
        var position = count <= 1 ? _random.NextDouble() * span : span * i / (count - 1);
        var day = Math.Clamp(position + _random.Next(-jitterDays, jitterDays + 1), 0, span);
        return from.AddDays(Math.Floor(day));
    }

    private string Uuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    private static JsonObject Concept(string system, string code, string? display, string? text = null)
    {
        var concept = new JsonObject { ["coding"] = new JsonArray { Coding(system, code, display) } };
        if (text is not null)
        {
            concept["text"] = text;
        }

        return concept;
    }

    private static JsonObject Coding(string system, string code, string? display)
    {
        var coding = new JsonObject { ["system"] = system, ["code"] = code };
        if (display is not null)
        {
            coding["display"] = display;
        }

        return coding;
    }

    private static JsonObject Quantity(double value, string unit) => new()
    {
        ["value"] = value,
        ["unit"] = unit,
        ["system"] = Ucum,
        ["code"] = unit,
    };

    private static string Date(DateTime date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string DateTimeText(DateTime date) => date.ToString("yyyy-MM-dd'T'HH:mm:ss'-08:00'", CultureInfo.InvariantCulture);
}
