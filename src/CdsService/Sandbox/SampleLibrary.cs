using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Engine;
using Cds.Service.Discovery;

namespace Cds.Service.Sandbox;

/// <summary>One sample patient of <c>samples/patients/</c>: a FHIR transaction Bundle and its documented outcome.</summary>
internal sealed record SamplePatient(
    string Id,
    string File,
    string Name,
    string Title,
    string Story,
    string UserId,
    JsonObject Expected,
    string BundleJson,
    IReadOnlyList<JsonObject> Resources);

/// <summary>A draft order the sandbox can sign for any sample patient.</summary>
internal sealed record SampleOrder(string Id, string Label, JsonObject Resource);

/// <summary>
/// The shipped samples, embedded in the assembly: the hook requests of <c>samples/*.json</c> (sent as they are) and
/// the sample patients of <c>samples/patients/</c> with the draft orders of their catalog (turned into hook requests).
/// </summary>
internal sealed class SampleLibrary
{
    private const string RequestPrefix = "samples/";
    private const string PatientPrefix = "samples/patients/";

    private SampleLibrary(IReadOnlyList<SamplePatient> patients, IReadOnlyList<SampleOrder> orders, IReadOnlyDictionary<string, string> requests)
    {
        Patients = patients;
        Orders = orders;
        Requests = requests;
    }

    public IReadOnlyList<SamplePatient> Patients { get; }

    public IReadOnlyList<SampleOrder> Orders { get; }

    /// <summary>The shipped hook requests by file name (<c>order-sign-meets-criteria.json</c> …), as text.</summary>
    public IReadOnlyDictionary<string, string> Requests { get; }

    public static SampleLibrary Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var names = assembly.GetManifestResourceNames();
        var requests = names
            .Where(n => n.StartsWith(RequestPrefix, StringComparison.Ordinal) && !n.StartsWith(PatientPrefix, StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToDictionary(n => n[RequestPrefix.Length..], n => Read(assembly, n), StringComparer.Ordinal);

        var catalog = JsonNode.Parse(Read(assembly, PatientPrefix + "catalog.json"))!.AsObject();
        var patients = new List<SamplePatient>();
        foreach (var item in catalog["patients"]!.AsArray().OfType<JsonObject>())
        {
            var file = item["file"]!.GetValue<string>();
            var bundle = Read(assembly, PatientPrefix + file);
            var resources = JsonNode.Parse(bundle)!["entry"]!.AsArray()
                .Select(e => e!["resource"]!.AsObject())
                .ToList();
            patients.Add(new SamplePatient(
                item["patientId"]!.GetValue<string>(),
                file,
                item["name"]!.GetValue<string>(),
                item["title"]!.GetValue<string>(),
                item["story"]!.GetValue<string>(),
                item["userId"]!.GetValue<string>(),
                item["expected"]!.AsObject(),
                bundle,
                resources));
        }

        var orders = catalog["orders"]!.AsArray().OfType<JsonObject>()
            .Select(o => new SampleOrder(o["id"]!.GetValue<string>(), o["label"]!.GetValue<string>(), o["resource"]!.AsObject()))
            .ToList();
        return new SampleLibrary(patients, orders, requests);
    }

    public SamplePatient? Patient(string id) => Patients.FirstOrDefault(p => p.Id == id);

    public SampleOrder? Order(string id) => Orders.FirstOrDefault(o => o.Id == id);

    /// <summary>
    /// The hook request an EHR would send when the order is signed (or selected) for the patient: the draft order in
    /// <c>context.draftOrders</c>, and either the prefetch the service's templates ask for, answered from the patient's
    /// Bundle, or no prefetch and a <c>fhirServer</c> for the service to query (the patient loaded there).
    /// </summary>
    public static JsonObject BuildRequest(SamplePatient patient, SampleOrder order, ServiceDefinition service, DateTimeOffset now, Uri? fhirServer)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(service);
        var draft = order.Resource.DeepClone().AsObject();
        draft["subject"] = new JsonObject { ["reference"] = $"Patient/{patient.Id}" };
        draft["authoredOn"] = now.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        var reference = $"{draft["resourceType"]!.GetValue<string>()}/{draft["id"]!.GetValue<string>()}";

        var context = new JsonObject
        {
            ["userId"] = patient.UserId,
            ["patientId"] = patient.Id,
            ["draftOrders"] = new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["type"] = "collection",
                ["entry"] = new JsonArray(new JsonObject { ["resource"] = draft }),
            },
        };
        if (service.Hook == "order-select")
        {
            context["selections"] = new JsonArray(reference);
        }

        var request = new JsonObject
        {
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["hook"] = service.Hook,
        };
        if (fhirServer is not null)
        {
            request["fhirServer"] = fhirServer.AbsoluteUri.TrimEnd('/');
        }

        request["context"] = context;
        if (fhirServer is null)
        {
            var tokens = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["context.patientId"] = patient.Id,
                ["context.userId"] = patient.UserId,
            };
            var prefetch = new JsonObject();
            foreach (var (key, template) in service.Prefetch)
            {
                if (PrefetchSearch.Prefetch(template, tokens, patient.Resources) is { } value)
                {
                    prefetch[key] = value;
                }
            }

            request["prefetch"] = prefetch;
        }

        return request;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded sample '{name}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
