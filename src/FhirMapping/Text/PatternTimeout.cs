namespace Cds.FhirMapping.Text;

/// <summary>The match timeout of every regular expression a policy file supplies (the text lexicon, value-set patterns, phrase lists).</summary>
internal static class PatternTimeout
{
    /// <summary>
    /// Guards against a pathological pattern in a policy file, not a budget: the shipped patterns are linear, and a
    /// short timeout fired under CPU load (a hook answered 500). Two seconds is far above any real match.
    /// </summary>
    public static readonly TimeSpan Match = TimeSpan.FromSeconds(2);
}
