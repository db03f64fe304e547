namespace Cds.Service.Policy;

/// <summary>
/// Loads the policy file when the host starts, not on the first hook: a file with an unknown key, a missing threshold,
/// an empty value set or a bad pattern stops the service with a message naming the key (a
/// <see cref="Cds.FhirMapping.Policy.PolicyFileException"/>) instead of answering every hook with a 500.
/// </summary>
internal sealed partial class PolicyStartupCheck(IServiceProvider services, ILogger<PolicyStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var policy = services.GetRequiredService<CoverageEngine>().Policy;
        Log.Loaded(logger, policy.Id, policy.Document.Effective, policy.Document.Criteria.Count, policy.Document.ValueSets.Count, policy.Document.TextContext?.Triggers.Count ?? 0);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Policy {PolicyId} (effective {Effective}) loaded and checked: {Criteria} criteria, {ValueSets} value sets, {Triggers} text triggers")]
        public static partial void Loaded(ILogger logger, string policyId, string effective, int criteria, int valueSets, int triggers);
    }
}
