namespace Cds.FhirMapping.Policy;

/// <summary>
/// The policy file cannot be used: each problem names the key it is about (<c>thresholds.fullDonorChimerismPercent is
/// required</c>, <c>valueSets.heme-in-relapse is empty</c>). Thrown at load, so a bad file stops the service at start-up
/// instead of deciding a patient on a silent default.
/// </summary>
public sealed class PolicyFileException : InvalidOperationException
{
    public PolicyFileException()
        : this(["The policy file is invalid."])
    {
    }

    public PolicyFileException(string message)
        : this([message])
    {
    }

    public PolicyFileException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    public PolicyFileException(IReadOnlyList<string> problems, Exception? innerException = null)
        : base(Describe(problems), innerException) => Problems = problems;

    /// <summary>One line per problem, each starting with the key path it is about.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems) =>
        problems.Count == 1
            ? $"The policy file is invalid: {problems[0]}"
            : $"The policy file is invalid ({problems.Count} problems):{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", problems)}";
}
