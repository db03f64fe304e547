using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Tests.Crd;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Cds.FhirMapping.Tests.Dtr;

/// <summary>
/// Profile validation against DTR 2.0.1 with the Firely validator, the way <see cref="CrdProfileValidator"/> does it
/// for CRD: the FHIR R4 core definitions plus the DTR package's StructureDefinitions, value sets and code system,
/// copied unchanged from <c>hl7.fhir.us.davinci-dtr#2.0.1</c> into <c>TestData/dtr-2.0.1</c>, and the CRD package's
/// (the $questionnaire-package input names the CRD Coverage and order profiles). The DTR definitions ship with their
/// snapshots, so the SDC and US Core elements they inherit are checked from those snapshots; the SDC package itself is
/// not on this machine, so an SDC extension (launchContext, initialExpression) is checked as a plain Extension
/// (<see cref="SdcStandIns"/>) and its inside by the tests.
/// </summary>
public sealed class DtrProfileValidator
{
    public const string QuestionnaireProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire";
    public const string PackageInputProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-qpackage-input-parameters";
    public const string PackageOutputProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-qpackage-output-parameters";
    public const string PackageBundleProfile = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/DTR-QPackageBundle";

    private static readonly Lazy<DtrProfileValidator> Default = new(() => new DtrProfileValidator(
        Path.Combine(AppContext.BaseDirectory, "TestData", "dtr-2.0.1"),
        Path.Combine(AppContext.BaseDirectory, "TestData", "crd-2.0.1")));

    private static readonly JsonSerializerOptions Strict = new JsonSerializerOptions()
        .ForFhir(ModelInfo.ModelInspector)
        .UsingMode(DeserializationMode.Strict);

    private readonly Validator _validator;
    private readonly CachedResolver _resolver;
    private readonly Lock _gate = new();

    public DtrProfileValidator(string dtrPackageDirectory, string crdPackageDirectory)
    {
        if (!File.Exists(Path.Combine(dtrPackageDirectory, "StructureDefinition-dtr-std-questionnaire.json")))
        {
            throw new DirectoryNotFoundException($"No DTR questionnaire profile in '{dtrPackageDirectory}'.");
        }

        var settings = new DirectorySourceSettings { IncludeSubDirectories = false };
        var core = ZipSource.CreateValidationSource();
        _resolver = new CachedResolver(new MultiResolver(new DirectorySource(dtrPackageDirectory, settings), new DirectorySource(crdPackageDirectory, settings), core, new SdcStandIns(core)));
        _validator = new Validator(_resolver, new LocalTerminologyService(_resolver), null, new ValidationSettings
        {
            FollowExtensionUrl = (_, url) => url?.ToString()?.StartsWith("http://hl7.org/fhir/us/davinci-", StringComparison.Ordinal) == true
                ? ExtensionUrlHandling.ErrorIfMissing
                : ExtensionUrlHandling.WarnIfMissing,
            HandleValidateCodeServiceFailure = (_, _) => TerminologyServiceExceptionResult.Error,
        });
    }

    public static DtrProfileValidator Shared => Default.Value;

    public async Task<T?> ResolveAsync<T>(string canonical)
        where T : Resource => (await _resolver.TryResolveByCanonicalUriAsync(canonical).ConfigureAwait(false)).Value as T;

    public IReadOnlyList<ProfileIssue> Validate(JsonNode resource, string profile)
    {
        ArgumentNullException.ThrowIfNull(resource);
        Resource parsed;
        try
        {
            parsed = resource.Deserialize<Resource>(Strict) ?? throw new JsonException("null");
        }
        catch (DeserializationFailedException e)
        {
            return [.. e.Exceptions.Select(x => new ProfileIssue(OperationOutcome.IssueSeverity.Error, "parse", "resource", x.Message))];
        }

        lock (_gate)
        {
            var outcome = _validator.Validate(parsed, profile);
            return
            [
                .. outcome.Issue.Select(i => new ProfileIssue(
                    i.Severity ?? OperationOutcome.IssueSeverity.Error,
                    i.Details?.Coding.FirstOrDefault()?.Code,
                    string.Join(", ", i.Expression.Concat(i.Location)),
                    i.Details?.Text ?? i.Diagnostics ?? string.Empty)),
            ];
        }
    }
}
