using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Tests.Text.Reference;

/// <summary>
/// The text reader as it was at 76d953f (before issue #14's scan-once reading), kept only as the reference the
/// differential test compares the shipped reader with: same lexicon, one <see cref="Find"/> per target, every cue term
/// re-tried one by one. Not used by the product.
/// </summary>
internal sealed class ReferenceTextReader
{
    private readonly ReferenceLexicon _lexicon;

    private ReferenceTextReader(ReferenceLexicon lexicon) => _lexicon = lexicon;

    /// <summary>Compiles the reader from the policy file's lexicon (already validated).</summary>
    internal static ReferenceTextReader From(TextContextDocument document) => new(ReferenceLexicon.Compile(document));

    /// <summary>
    /// Every match of <paramref name="target"/> in <paramref name="text"/>, each with the certainty its context gives it
    /// and the trigger that decided it (null when confirmed). Null or blank text gives none; a match that overlaps a
    /// match of <paramref name="except"/> is skipped.
    /// </summary>
    public IReadOnlyList<TextFinding> Find(string? text, Regex target, Regex? except = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var matches = target.Matches(text);
        if (matches.Count == 0)
        {
            return [];
        }

        var excluded = except?.Matches(text);
        var sentenceEnds = _lexicon.SentenceEnds(text);
        var findings = new List<TextFinding>(matches.Count);
        var sentence = default(Sentence);
        var passed = 0;
        var sentenceStart = 0;
        foreach (Match match in matches)
        {
            // Sentence ends before this match (the matches come in order, so this only moves on).
            while (passed < sentenceEnds.Count && sentenceEnds[passed].End <= match.Index)
            {
                sentenceStart = sentenceEnds[passed++].End;
            }

            if (match.Length == 0 || Overlaps(excluded, match))
            {
                continue;
            }

            if (sentence is null || sentence.Start != sentenceStart)
            {
                var sentenceEnd = text.Length;
                for (var i = passed; i < sentenceEnds.Count; i++)
                {
                    if (sentenceEnds[i].Start >= match.Index + match.Length)
                    {
                        sentenceEnd = sentenceEnds[i].Start;
                        break;
                    }
                }

                sentence = Scan(text, sentenceStart, sentenceEnd, matches);
            }

            var (certainty, trigger) = Read(text, match.Index, match.Index + match.Length, sentence);
            findings.Add(new TextFinding(match.Value, match.Index, certainty, trigger));
        }

        return findings;
    }

    /// <summary>The first confirmed finding of <paramref name="target"/>, or null.</summary>
    public TextFinding? FindConfirmed(string? text, Regex target, Regex? except = null) =>
        Find(text, target, except).FirstOrDefault(f => f.Certainty == Certainty.Confirmed);

    // No scope crosses a sentence end, so only the sentences that hold a target are scanned for triggers and
    // termination terms, and each scope is measured inside its sentence.
    private Sentence Scan(string text, int start, int end, MatchCollection matches)
    {
        var cues = new List<ContextCue>();
        var terminations = new List<(int Start, int End)>();
        _lexicon.Cues(text, start, end, cues);
        _lexicon.Terminations(text, start, end, terminations);

        // A trigger inside any target phrase is part of that phrase, not context ("Non-myeloablative (NMA)").
        cues.RemoveAll(cue => matches.Any(m => cue.Overlaps(m.Index, m.Index + m.Length)));
        return new Sentence(start, cues, terminations);
    }

    private (Certainty Certainty, string? Trigger) Read(string text, int start, int end, Sentence sentence)
    {
        var (cues, terminations) = (sentence.Cues, sentence.Terminations);

        // The nearest applicable trigger of each category (distance in characters from the target).
        var nearest = new Dictionary<Certainty, (int Distance, string Text)>();
        foreach (var cue in cues)
        {
            var forward = cue.Direction is not TriggerDirection.Backward && !cue.BareAnswer && cue.End <= start && InScope(text, cue.End, start, terminations);
            var backward = cue.Direction is not TriggerDirection.Forward && cue.Start >= end && InScope(text, end, cue.Start, terminations);
            if (forward)
            {
                // A negation runs through a list ("no CAR-T, HSV-TK or …") but may as well have ended at the comma
                // ("No GVHD, HSV-TK cells"): past a soft boundary it only makes the phrase tentative, never absent.
                var acrossComma = cue.Category == Certainty.Negated && _lexicon.CrossesSoftBoundary(text, cue.End, start);
                Keep(nearest, acrossComma ? Certainty.Tentative : cue.Category, start - cue.End, cue.Text);
            }
            else if (backward)
            {
                // A trigger after the phrase attaches to the words just before it: across a soft boundary it may be
                // about another subject ("HSV-TK DLI ordered, CMV negative"), so it only makes the phrase tentative.
                var acrossComma = _lexicon.CrossesSoftBoundary(text, end, cue.Start);
                Keep(nearest, acrossComma ? Certainty.Tentative : cue.Category, cue.Start - end, cue.Text);
            }
        }

        // The answer covers the whole question, however long, up to a termination. A soft boundary in between may start
        // another subject ("HSV-TK DLI ordered, CMV: negative"), so the answer then only makes the phrase tentative.
        if (_lexicon.Answer(text, end) is { } answer && !terminations.Exists(b => b.Start < end + answer.Label.Length && end < b.End))
        {
            var acrossComma = _lexicon.CrossesSoftBoundary(text, end, end + answer.Label.Length);
            Keep(nearest, acrossComma ? Certainty.Tentative : answer.Category, answer.Label.Length, answer.Answer);
        }

        foreach (var category in _lexicon.Precedence)
        {
            if (nearest.TryGetValue(category, out var found))
            {
                return (category, found.Text);
            }
        }

        return (Certainty.Confirmed, null);
    }

    // A scope reaches from a trigger to the target (both in one sentence) when no termination term lies between and
    // the words between are within the window.
    private bool InScope(string text, int from, int to, List<(int Start, int End)> terminations) =>
        ReferenceLexicon.Words(text.AsSpan(from, to - from)) <= _lexicon.WindowWords
        && !terminations.Exists(b => b.Start < to && from < b.End);

    private static void Keep(Dictionary<Certainty, (int Distance, string Text)> nearest, Certainty category, int distance, string trigger)
    {
        if (!nearest.TryGetValue(category, out var current) || distance < current.Distance)
        {
            nearest[category] = (distance, trigger);
        }
    }

    private static bool Overlaps(MatchCollection? excluded, Match match)
    {
        if (excluded is null)
        {
            return false;
        }

        foreach (Match x in excluded)
        {
            if (match.Index < x.Index + x.Length && x.Index < match.Index + match.Length)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Sentence(int Start, List<ContextCue> Cues, List<(int Start, int End)> Terminations);
}
