using System.Globalization;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Modules;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace Cds.FhirMapping.Tests.Conditioning;

/// <summary>
/// Builds conditioning records the way a transplant centre's EHR sends them: one MedicationAdministration per dose
/// (RxNorm ingredient coding, dose in UCUM, route in SNOMED), a TBI course summary Procedure (mCODE
/// dose-delivered-to-volume extension), vital-sign weight and height Observations. The rest of the record is the
/// fixture patient: AML in relapse (I.A met), mixed CD3 chimerism (I.C met), an allogeneic HCT on 2024-03-12 coded
/// ICD-10-PCS 30233Y3 (graft coded not T-cell depleted).
/// </summary>
internal sealed class ConditioningFixture
{
    public static readonly DateOnly HctDay = new(2024, 3, 12);

    private readonly List<JsonObject> _resources =
    [
        FhirFixtures.Resource("Condition/cond-aml-relapse-2025"),
        FhirFixtures.Resource("Procedure/proc-hct-allo-mud-2024"),
        FhirFixtures.Resource("Observation/obs-chim-cd3-mixed-2025"),
    ];

    private int _next;

    public static readonly IReadOnlyDictionary<string, (string Code, string Name)> Drugs = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["busulfan"] = ("1828", "busulfan 6 MG/ML Injectable Solution"),
        ["fludarabine"] = ("24698", "fludarabine phosphate 50 MG Injection"),
        ["melphalan"] = ("6718", "melphalan 50 MG Injection"),
        ["cyclophosphamide"] = ("3002", "cyclophosphamide 1000 MG Injection"),
        ["treosulfan"] = ("38508", "treosulfan 5 G Injection"),
        ["atg"] = ("1011", "anti-thymocyte globulin (rabbit) 25 MG Injection"),
        ["alemtuzumab"] = ("117055", "alemtuzumab 30 MG/ML Injectable Solution"),
    };

    public IReadOnlyList<JsonObject> Resources => _resources;

    public ConditioningFixture With(JsonObject resource)
    {
        _resources.Add(resource);
        return this;
    }

    /// <summary>One administration per day from <paramref name="firstDay"/> (days relative to the HCT), each of <paramref name="dose"/>.</summary>
    public ConditioningFixture Given(string drug, decimal dose, string unit, int firstDay, int days = 1, string route = "intravenous", bool coded = true, int perDay = 1)
    {
        for (var d = 0; d < days; d++)
        {
            for (var i = 0; i < perDay; i++)
            {
                _resources.Add(Administration(drug, dose, unit, HctDay.AddDays(firstDay + d).ToDateTime(new TimeOnly(i * 24 / perDay, 0)), route, coded));
            }
        }

        return this;
    }

    public JsonObject Administration(string drug, decimal dose, string unit, DateTime when, string route, bool coded)
    {
        var (code, name) = Drugs[drug];
        var concept = new JsonObject { ["text"] = name };
        if (coded)
        {
            concept["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = code, ["display"] = drug });
        }

        return new JsonObject
        {
            ["resourceType"] = "MedicationAdministration",
            ["id"] = $"ma-{drug}-{++_next}",
            ["status"] = "completed",
            ["medicationCodeableConcept"] = concept,
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{Dli.PatientId}" },
            ["effectiveDateTime"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss'-07:00'", CultureInfo.InvariantCulture),
            ["dosage"] = new JsonObject
            {
                ["route"] = Route(route),
                ["dose"] = Quantity(dose, unit),
            },
        };
    }

    public ConditioningFixture Ordered(string drug, decimal dose, string unit, int firstDay, int count, string route = "intravenous")
    {
        var (code, name) = Drugs[drug];
        var start = HctDay.AddDays(firstDay);
        _resources.Add(new JsonObject
        {
            ["resourceType"] = "MedicationRequest",
            ["id"] = $"mr-{drug}-{++_next}",
            ["status"] = "completed",
            ["intent"] = "order",
            ["medicationCodeableConcept"] = new JsonObject
            {
                ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = code, ["display"] = drug }),
                ["text"] = name,
            },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{Dli.PatientId}" },
            ["authoredOn"] = start.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["dosageInstruction"] = new JsonArray(new JsonObject
            {
                ["timing"] = new JsonObject
                {
                    ["repeat"] = new JsonObject
                    {
                        ["boundsPeriod"] = new JsonObject
                        {
                            ["start"] = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                            ["end"] = start.AddDays(count - 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        },
                        ["count"] = count,
                        ["frequency"] = 1,
                        ["period"] = 1,
                        ["periodUnit"] = "d",
                    },
                },
                ["route"] = Route(route),
                ["doseAndRate"] = new JsonArray(new JsonObject { ["doseQuantity"] = Quantity(dose, unit) }),
            }),
        });
        return this;
    }

    /// <summary>A TBI course summary Procedure (mCODE) ending on <paramref name="lastDay"/> relative to the HCT.</summary>
    public ConditioningFixture Tbi(decimal totalCGy, int? fractions, int lastDay = -1, int courseDays = 1)
    {
        var extension = new JsonArray(new JsonObject
        {
            ["url"] = "totalDoseDelivered",
            ["valueQuantity"] = new JsonObject { ["value"] = totalCGy, ["unit"] = "cGy", ["system"] = "http://unitsofmeasure.org", ["code"] = "cGy" },
        });
        if (fractions is { } f)
        {
            extension.Add(new JsonObject { ["url"] = "fractionsDelivered", ["valueUnsignedInt"] = f });
        }

        _resources.Add(new JsonObject
        {
            ["resourceType"] = "Procedure",
            ["id"] = $"proc-tbi-{++_next}",
            ["extension"] = new JsonArray(new JsonObject
            {
                ["url"] = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-dose-delivered-to-volume",
                ["extension"] = extension,
            }),
            ["status"] = "completed",
            ["code"] = new JsonObject { ["text"] = "Total body irradiation" },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{Dli.PatientId}" },
            ["performedPeriod"] = new JsonObject
            {
                ["start"] = HctDay.AddDays(lastDay - courseDays + 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["end"] = HctDay.AddDays(lastDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
        });
        return this;
    }

    public ConditioningFixture Weight(decimal kg, int day = -8) => With(Vital("29463-7", "Body weight", kg, "kg", day));

    public ConditioningFixture Height(decimal cm, int day = -8) => With(Vital("8302-2", "Body height", cm, "cm", day));

    /// <summary>A conditioning Procedure whose words state an intensity.</summary>
    public ConditioningFixture StatedConditioning(string text, int day = -6)
    {
        var procedure = FhirFixtures.Resource("Procedure/proc-conditioning-ric-2024");
        procedure.Remove("performedPeriod");
        procedure["performedDateTime"] = HctDay.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        procedure["code"]!["text"] = text;
        return With(procedure);
    }

    public CoverageDecision Decide(PolicyDefinition? policy = null)
    {
        var record = FhirFixtures.PatientRecord(_resources);
        if (policy is null)
        {
            return Dli.Decide(record, _resources.Count + 1, Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));
        }

        var extractor = new FactExtractor(policy);
        var order = Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242"));
        var facts = extractor.Extract(extractor.Read(record, Dli.PatientId));
        return new PolicyEvaluator(policy, new FakeTimeProvider(Dli.Now), ModuleCatalog.All).Evaluate(facts, extractor.ExtractOrder(order));
    }

    public JsonObject Vital(string loinc, string display, decimal value, string unit, int day) => new()
    {
        ["resourceType"] = "Observation",
        ["id"] = $"obs-vital-{++_next}",
        ["status"] = "final",
        ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/observation-category", ["code"] = "vital-signs" }) }),
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = loinc, ["display"] = display }), ["text"] = display },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{Dli.PatientId}" },
        ["effectiveDateTime"] = HctDay.AddDays(day).ToString("yyyy-MM-dd'T08:00:00-07:00'", CultureInfo.InvariantCulture),
        ["valueQuantity"] = Quantity(value, unit),
    };

    private static JsonObject Route(string route) => route == "oral"
        ? new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "26643006", ["display"] = "Oral route" }) }
        : new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "47625008", ["display"] = "Intravenous route" }) };

    private static JsonObject Quantity(decimal value, string unit) =>
        new() { ["value"] = value, ["unit"] = unit, ["system"] = "http://unitsofmeasure.org", ["code"] = unit };
}
