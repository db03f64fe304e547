namespace Cds.Service.Policy;

/// <summary>
/// Loads the policy files when the host starts, not on the first hook: a file with an unknown key, a missing threshold,
/// an empty value set or a bad pattern, or two files claiming one service code, stops the service with a message naming
/// the file and the key (a <see cref="PolicySetException"/>) instead of answering every hook with a 500. A policy
/// whose next review date has passed loads, with a warning.
/// </summary>
internal sealed partial class PolicyStartupCheck(IServiceProvider services, TimeProvider timeProvider, ILogger<PolicyStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var set = services.GetRequiredService<PolicyLibrary>().Current;
        Report(logger, set, DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One line per loaded policy with its revision, and a warning for each whose review is overdue.</summary>
    internal static void Report(ILogger logger, PolicySet set, DateOnly today)
    {
        foreach (var engine in set.Policies)
        {
            var (policy, revision) = (engine.Policy, engine.Revision);
            Log.Loaded(logger, policy.Id, revision.EffectiveText, revision.Version, revision.Sha256, revision.Source, policy.Document.Criteria.Count, policy.Document.ValueSets.Count, policy.Document.TextContext?.Triggers.Count ?? 0);
            if (revision.ReviewOverdue(today) && revision.ReviewDue is { } due)
            {
                Log.ReviewOverdue(logger, policy.Id, revision.Version, policy.Document.NextReview ?? string.Empty, today.DayNumber - due.DayNumber);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Policy {PolicyId} (effective {Effective}) loaded and checked: version {Version}, sha256 {Sha256}, from {Source}; {Criteria} criteria, {ValueSets} value sets, {Triggers} text triggers")]
        public static partial void Loaded(ILogger logger, string policyId, string effective, string version, string sha256, string source, int criteria, int valueSets, int triggers);

        [LoggerMessage(2, LogLevel.Warning, "Policy {PolicyId} version {Version} is past its review date ({NextReview}, {DaysOverdue} day(s) ago); it serves, but a clinical reviewer should revise or re-approve it")]
        public static partial void ReviewOverdue(ILogger logger, string policyId, string version, string nextReview, int daysOverdue);
    }
}
