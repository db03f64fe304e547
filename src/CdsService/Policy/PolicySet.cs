using System.Security.Cryptography;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;

namespace Cds.Service.Policy;

/// <summary>
/// The policies that serve, as one immutable snapshot: a hook call takes one set at its start and uses it to the end,
/// so a reload never mixes two revisions in one answer. Each draft order is routed to the one policy whose service
/// codes govern it (two policies claiming one code never load together).
/// </summary>
internal sealed class PolicySet
{
    /// <summary>The name the embedded Medical Policy 45.03 is listed under when no folder or file is configured.</summary>
    public const string EmbeddedSource = "embedded:dli-45.03.json";

    private PolicySet(IReadOnlyList<CoverageEngine> policies, DateTimeOffset loadedAt)
    {
        Policies = policies;
        LoadedAt = loadedAt;
        Names = string.Join(", ", policies.Select(p => $"{p.Revision.Id} {p.Revision.Version}"));
    }

    /// <summary>The loaded policies, by file name.</summary>
    public IReadOnlyList<CoverageEngine> Policies { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>The policy ids and versions, for log lines: <c>dli-45.03 2024.1, t-01 1</c> (built once).</summary>
    public string Names { get; }

    /// <summary>The policy that governs the order's service code (and whose order it is: not revoked, not do-not-perform); null for none.</summary>
    public CoverageEngine? Route(DraftOrder order)
    {
        foreach (var policy in Policies)
        {
            if (policy.CoveragePolicy.Governs(order))
            {
                return policy;
            }
        }

        return null;
    }

    /// <summary>
    /// True when a policy may govern the order by its JSON code alone (the screen before an order is read with Firely;
    /// <see cref="Route"/> decides on the Firely reading).
    /// </summary>
    public bool MayGovern(DraftOrder order) => Policies.Any(p => p.CoveragePolicy.MayGovern(order));

    public CoverageEngine? Find(string id) => Policies.FirstOrDefault(p => string.Equals(p.Policy.Id, id, StringComparison.Ordinal));

    /// <summary>
    /// Loads every policy file of <paramref name="files"/> (name and bytes) and checks them as a whole: each strictly
    /// (<see cref="PolicyFileException"/> naming the key), then no two claim one service code (system and code) or one id.
    /// Any problem throws <see cref="PolicySetException"/> naming the file(s); nothing is half-loaded.
    /// </summary>
    public static PolicySet Load(IReadOnlyList<(string Name, byte[] Bytes)> files, CdsOptions options, TimeProvider timeProvider, RecordReaders readers)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new PolicySetException("the policy folder holds no policy file (*.json)");
        }

        var engines = new List<CoverageEngine>();
        var claimed = new Dictionary<(string System, string Code), string>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, bytes) in files)
        {
            PolicyDefinition policy;
            try
            {
                using var stream = new MemoryStream(bytes, writable: false);
                policy = PolicyFiles.Load(stream);
            }
            catch (Exception e) when (e is PolicyFileException or InvalidOperationException or KeyNotFoundException or ArgumentException)
            {
                throw new PolicySetException($"policy file {name}: {e.Message}", e);
            }

            if (ids.TryGetValue(policy.Id, out var sameId))
            {
                throw new PolicySetException($"policy files {sameId} and {name} both have the id '{policy.Id}'");
            }

            ids[policy.Id] = name;
            if (files.Count > 1 && policy.Document.Service.Codes.FirstOrDefault(i => (i.Prefixes?.Count ?? 0) + (i.Patterns?.Count ?? 0) > 0) is { } loose)
            {
                // Overlaps between prefixes or patterns cannot be checked: with several policies, every service code is exact.
                throw new PolicySetException($"policy file {name}: service.codes ({loose.System}) uses prefixes or patterns; with several policies loaded each service code must be exact, so that no two policies can claim one order");
            }

            foreach (var code in policy.BillingCodes)
            {
                if (!claimed.TryAdd(code, name))
                {
                    throw new PolicySetException($"policy files {claimed[code]} and {name} both claim the service code {code.System}|{code.Code}");
                }
            }

            var revision = new PolicyRevision(policy.Id, policy.Version, policy.EffectiveDate, policy.ReviewDue, Convert.ToHexStringLower(SHA256.HashData(bytes)), name);
            try
            {
                engines.Add(CoverageEngine.Create(policy, revision, options, timeProvider, readers));
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or ArgumentException)
            {
                throw new PolicySetException($"policy file {name}: {e.Message}", e);
            }
        }

        return new PolicySet(engines, timeProvider.GetUtcNow());
    }
}
