using System.Text.Json;
using System.Text.Json.Nodes;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Cds.FhirMapping.Tests.Crd;

/// <summary>One finding of <see cref="CrdProfileValidator"/>.</summary>
public sealed record ProfileIssue(OperationOutcome.IssueSeverity Severity, string? Code, string Location, string Message)
{
    public bool IsError => Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;

    public override string ToString() => $"{Severity} [{Code}] at {Location}: {Message}";
}

/// <summary>
/// Profile validation of CRD 2.0.1 output with the Firely validator: the FHIR R4 core definitions (specification.zip
/// from Hl7.Fhir.Specification.Data.R4) plus the CRD <c>ext-coverage-information</c> StructureDefinition, its value sets
/// and the CRD <c>temp</c> code system, copied unchanged from the published package
/// <c>hl7.fhir.us.davinci-crd#2.0.1</c> into <c>TestData/crd-2.0.1</c>. Cardinality, slices, value[x] types, the
/// required bindings (validated locally against those value sets) and the invariants crd-ci-q1..q5 are all checked.
/// A failing terminology call or an extension definition that cannot be found is an error, never a silent pass.
/// </summary>
public sealed class CrdProfileValidator
{
    public const string CoverageInformationProfile = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

    private static readonly Lazy<CrdProfileValidator> Default = new(
        () => new CrdProfileValidator(Path.Combine(AppContext.BaseDirectory, "TestData", "crd-2.0.1")));

    // Strict: an element the R4 model does not know, or a value of the wrong JSON type, is reported, not skipped.
    private static readonly JsonSerializerOptions Strict = new JsonSerializerOptions()
        .ForFhir(ModelInfo.ModelInspector)
        .UsingMode(DeserializationMode.Strict);

    private readonly Validator _validator;
    private readonly Lock _gate = new();
    private readonly CachedResolver _resolver;

    /// <param name="crdPackageDirectory">A folder with the CRD conformance resources (JSON) to validate against.</param>
    public CrdProfileValidator(string crdPackageDirectory)
    {
        if (!File.Exists(Path.Combine(crdPackageDirectory, "StructureDefinition-ext-coverage-information.json")))
        {
            throw new DirectoryNotFoundException($"No CRD ext-coverage-information definition in '{crdPackageDirectory}'.");
        }

        var crd = new DirectorySource(crdPackageDirectory, new DirectorySourceSettings { IncludeSubDirectories = false });
        // Every definition used ships with its snapshot (the CRD package and specification.zip), so none is generated.
        _resolver = new CachedResolver(new MultiResolver(crd, ZipSource.CreateValidationSource()));
        var terminology = new LocalTerminologyService(_resolver);
        var settings = new ValidationSettings
        {
            // The CRD extension must resolve: an unresolved definition would let everything inside it pass.
            FollowExtensionUrl = (_, url) => url == CoverageInformationProfile
                ? ExtensionUrlHandling.ErrorIfMissing
                : ExtensionUrlHandling.WarnIfMissing,
            HandleValidateCodeServiceFailure = (_, _) => TerminologyServiceExceptionResult.Error,
        };
        _validator = new Validator(_resolver, terminology, null, settings);
    }

    /// <summary>The validator over <c>bin/.../TestData/crd-2.0.1</c>, built once (loading the core definitions is slow).</summary>
    public static CrdProfileValidator Shared => Default.Value;

    /// <summary>The definitions the validator uses; lets a test prove the CRD package (not something else) was loaded.</summary>
    public async Task<T?> ResolveAsync<T>(string canonical)
        where T : Resource => (await _resolver.TryResolveByCanonicalUriAsync(canonical).ConfigureAwait(false)).Value as T;

    /// <summary>
    /// Validates one coverage-information extension (the JSON object with <c>url</c> and <c>extension</c>) against
    /// <see cref="CoverageInformationProfile"/>. Returns every issue found; errors are the ones with <see cref="ProfileIssue.IsError"/>.
    /// </summary>
    /// <remarks>
    /// Firely's validator cannot start at a bare Extension (its root cardinality needs a parent), so the extension is
    /// placed on a minimal, valid draft ServiceRequest (a context the definition allows) and validated there; the
    /// carrier itself contributes no issues, so every issue returned is about the extension.
    /// </remarks>
    public IReadOnlyList<ProfileIssue> ValidateCoverageInformation(JsonNode extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        if (extension["url"]?.GetValueKind() != JsonValueKind.String || extension["url"]!.GetValue<string>() != CoverageInformationProfile)
        {
            return [new ProfileIssue(OperationOutcome.IssueSeverity.Error, "url", "Extension.url", $"Not a {CoverageInformationProfile} extension.")];
        }

        var carrier = new JsonObject
        {
            ["resourceType"] = "ServiceRequest",
            ["id"] = "carrier",
            ["extension"] = new JsonArray(extension.DeepClone()),
            ["status"] = "draft",
            ["intent"] = "order",
            ["subject"] = new JsonObject { ["reference"] = "Patient/carrier" },
        };
        return ValidateResource(carrier);
    }

    /// <summary>
    /// Validates a resource against its base R4 definition (or <paramref name="profile"/>); every extension on it whose
    /// definition is known, the CRD coverage-information extension included, is validated against that definition.
    /// </summary>
    public IReadOnlyList<ProfileIssue> ValidateResource(JsonNode resource, string? profile = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!TryRead<Resource>(resource, resource["resourceType"]?.GetValue<string>() ?? "Resource", out var parsed, out var issues))
        {
            return issues;
        }

        // Tests run in parallel; the resolver's caches and the schema compilation are not documented as thread-safe.
        lock (_gate)
        {
            return Issues(_validator.Validate(parsed, profile));
        }
    }

    private static bool TryRead<T>(JsonNode json, string what, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? parsed, out IReadOnlyList<ProfileIssue> issues)
        where T : Base
    {
        try
        {
            parsed = json.Deserialize<T>(Strict);
            issues = parsed is null ? [new ProfileIssue(OperationOutcome.IssueSeverity.Fatal, "parse", what, "JSON null")] : [];
            return parsed is not null;
        }
        catch (DeserializationFailedException e)
        {
            parsed = null;
            issues = [.. e.Exceptions.Select(x => new ProfileIssue(OperationOutcome.IssueSeverity.Error, "parse", what, x.Message))];
            return false;
        }
    }

    private static List<ProfileIssue> Issues(OperationOutcome outcome) =>
    [
        .. outcome.Issue.Select(i => new ProfileIssue(
            i.Severity ?? OperationOutcome.IssueSeverity.Error,
            i.Details?.Coding.FirstOrDefault()?.Code,
            string.Join(", ", i.Expression.Concat(i.Location)),
            i.Details?.Text ?? i.Diagnostics ?? string.Empty)),
    ];
}
