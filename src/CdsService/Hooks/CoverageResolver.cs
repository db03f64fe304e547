using System.Security.Claims;
using System.Text.Json;
using Cds.FhirMapping.Coverages;
using Cds.FhirMapping.Fhir;
using Cds.Service.Contract;
using Cds.Service.Policy;
using Cds.Service.Prefetch;
using Cds.Service.Security;
using Microsoft.Extensions.Options;

namespace Cds.Service.Hooks;

/// <summary>
/// Finds the Coverage each order's assertion is written on: reads the patient's Coverages, resolves payor references
/// the prefetch did not carry by reading them from fhirServer with the hook's token (only when the caller may use that
/// server), then applies <see cref="CoverageSelection"/> with this service's payer identity.
/// </summary>
internal sealed partial class CoverageResolver
{
    // A Coverage names one or two payors; more unresolved references than this are not read (bounded work per call).
    private const int MaxReads = 4;

    private readonly PatientDataGatherer _gatherer;
    private readonly FhirServerGuard _guard;
    private readonly ILogger<CoverageResolver> _logger;

    public CoverageResolver(PatientDataGatherer gatherer, FhirServerGuard guard, PolicyLibrary policies, IOptions<PayerOptions> options, ILogger<CoverageResolver> logger)
    {
        _gatherer = gatherer;
        _guard = guard;
        _logger = logger;
        var payer = options.Value;
        // With no payer configured, the insurers of the policies loaded at start-up (a reload does not change the payer).
        var names = payer.Names.Count == 0 && payer.Identifiers.Count == 0 ? [.. policies.Current.Policies.Select(p => p.Insurer).Distinct(StringComparer.Ordinal)] : payer.Names;
        Payer = new PayerIdentity(payer.Identifiers, names);
    }

    public PayerIdentity Payer { get; }

    public async Task<CoverageRecord> ReadAsync(IEnumerable<JsonElement> items, HookRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var record = CoverageRecord.Read(items, request.PatientId);
        if (record.Unresolved.Count == 0 || request.FhirServer is null)
        {
            return record;
        }

        if (_guard.Check(request.FhirServer, caller) is not null)
        {
            Log.PayorsNotRead(_logger, request.HookInstance, record.Unresolved.Count);
            return record;
        }

        var read = await Task.WhenAll(record.Unresolved.Take(MaxReads).Select(r => _gatherer.ReadResourceAsync(request, r, cancellationToken)));
        return record.WithOrganizations(read.OfType<JsonElement>());
    }

    public CoverageChoice Choose(CoverageRecord record, DraftOrder order, DateOnly today) =>
        CoverageSelection.Select(record.Coverages, Payer, OrderCoverageContext.DateOf(order, today), OrderCoverageContext.InsuranceOf(order));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Hook {HookInstance}: {Count} payor reference(s) not read, the fhirServer may not be used by this caller")]
        public static partial void PayorsNotRead(ILogger logger, string hookInstance, int count);
    }
}
