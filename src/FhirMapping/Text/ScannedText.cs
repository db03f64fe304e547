using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Text;

/// <summary>
/// One text read by <see cref="TextEvidence"/> (the algorithm is described there), for as many targets as its caller
/// asks: the sentence ends of the text, and the triggers and termination terms of each sentence a target falls in, are
/// found the first time a target needs them and reused by every later target. Only the target's own matches differ from
/// one target to the next (a trigger inside a target phrase is part of that phrase), so each <see cref="Find"/> gives
/// exactly what a fresh reading of the text would. Made by <see cref="TextEvidence.Read"/>; one caller reads it (not
/// thread-safe).
/// </summary>
public sealed class ScannedText
{
    // The category slots of Read: one per Certainty value.
    private static readonly int CategoryCount = Enum.GetValues<Certainty>().Length;

    // Where a category's nearest trigger came from: a cue of the sentence (its index), the answer, or none yet.
    private const int FromAnswer = -1;
    private const int None = -2;

    private readonly TextLexicon _lexicon;
    private readonly string? _text;
    private List<(int Start, int End)>? _sentenceEnds;
    private List<SentenceScan>? _scans;

    internal ScannedText(TextLexicon lexicon, string? text)
    {
        _lexicon = lexicon;
        _text = string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>
    /// Every match of <paramref name="target"/> in the text, each with the certainty its context gives it and the trigger
    /// that decided it (null when confirmed). Null or blank text gives none; a match that overlaps a match of
    /// <paramref name="except"/> is skipped.
    /// </summary>
    public IReadOnlyList<TextFinding> Find(Regex target, Regex? except = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_text is not { } text)
        {
            return [];
        }

        var matches = target.Matches(text);
        return matches.Count == 0 ? [] : Findings(text, matches, except);
    }

    /// <summary>The findings of the target's <paramref name="matches"/> in this (non-blank) text.</summary>
    internal IReadOnlyList<TextFinding> Findings(string text, MatchCollection matches, Regex? except)
    {
        var excluded = except?.Matches(text);
        var sentenceEnds = _sentenceEnds ??= _lexicon.SentenceEnds(text);
        var findings = new List<TextFinding>(matches.Count);
        Sentence? sentence = null;
        var passed = 0;
        var sentenceStart = 0;
        for (var m = 0; m < matches.Count; m++)
        {
            var match = matches[m];

            // Sentence ends before this match (the matches come in order, so this only moves on).
            while (passed < sentenceEnds.Count && sentenceEnds[passed].End <= match.Index)
            {
                sentenceStart = sentenceEnds[passed++].End;
            }

            if (match.Length == 0 || Overlaps(excluded, match.Index, match.Index + match.Length))
            {
                continue;
            }

            if (sentence is not { } current || current.Start != sentenceStart)
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

            var (certainty, trigger) = Read(text, match.Index, match.Index + match.Length, sentence.Value);
            findings.Add(new TextFinding(match.Value, match.Index, certainty, trigger));
        }

        return findings;
    }

    /// <summary>The first confirmed finding of <paramref name="target"/>, or null.</summary>
    public TextFinding? FindConfirmed(Regex target, Regex? except = null) =>
        Find(target, except).FirstOrDefault(f => f.Certainty == Certainty.Confirmed);

    // No scope crosses a sentence end, so only the sentences that hold a target are scanned for triggers and
    // termination terms, and each scope is measured inside its sentence. The scan of a sentence is the same for every
    // target; what differs is which of its triggers lie inside this target's phrases.
    private Sentence Scan(string text, int start, int end, MatchCollection matches)
    {
        var scan = Scanned(text, start, end);

        // A trigger inside any target phrase is part of that phrase, not context ("Non-myeloablative (NMA)").
        List<ContextCue>? kept = null;
        for (var i = 0; i < scan.Cues.Count; i++)
        {
            var cue = scan.Cues[i];
            if (Overlaps(matches, cue.Start, cue.End))
            {
                kept ??= scan.Cues.GetRange(0, i);
            }
            else
            {
                kept?.Add(cue);
            }
        }

        return new Sentence(start, kept ?? scan.Cues, scan.Terminations);
    }

    private SentenceScan Scanned(string text, int start, int end)
    {
        _scans ??= [];
        foreach (var scan in _scans)
        {
            if (scan.Start == start && scan.End == end)
            {
                return scan;
            }
        }

        var cues = new List<ContextCue>();
        var terminations = new List<(int Start, int End)>();
        _lexicon.Cues(text, start, end, cues);
        _lexicon.Terminations(text, start, end, terminations);
        var scanned = new SentenceScan(start, end, cues, terminations);
        _scans.Add(scanned);
        return scanned;
    }

    private (Certainty Certainty, string? Trigger) Read(string text, int start, int end, Sentence sentence)
    {
        var (cues, terminations) = (sentence.Cues, sentence.Terminations);

        // The nearest applicable trigger of each category (distance in characters from the target), and where it came from.
        Span<int> distances = stackalloc int[CategoryCount];
        Span<int> sources = stackalloc int[CategoryCount];
        sources.Fill(None);
        for (var i = 0; i < cues.Count; i++)
        {
            var cue = cues[i];
            var forward = cue.Direction is not TriggerDirection.Backward && !cue.BareAnswer && cue.End <= start && InScope(text, cue.End, start, terminations);
            var backward = cue.Direction is not TriggerDirection.Forward && cue.Start >= end && InScope(text, end, cue.Start, terminations);
            if (forward)
            {
                // A negation runs through a list ("no CAR-T, HSV-TK or …") but may as well have ended at the comma
                // ("No GVHD, HSV-TK cells"): past a soft boundary it only makes the phrase tentative, never absent.
                var acrossComma = cue.Category == Certainty.Negated && _lexicon.CrossesSoftBoundary(text, cue.End, start);
                Keep(distances, sources, acrossComma ? Certainty.Tentative : cue.Category, start - cue.End, i);
            }
            else if (backward)
            {
                // A trigger after the phrase attaches to the words just before it: across a soft boundary it may be
                // about another subject ("HSV-TK DLI ordered, CMV negative"), so it only makes the phrase tentative.
                var acrossComma = _lexicon.CrossesSoftBoundary(text, end, cue.Start);
                Keep(distances, sources, acrossComma ? Certainty.Tentative : cue.Category, cue.Start - end, i);
            }
        }

        // The answer covers the whole question, however long, up to a termination. A soft boundary in between may start
        // another subject ("HSV-TK DLI ordered, CMV: negative"), so the answer then only makes the phrase tentative.
        var answer = _lexicon.Answer(text, end);
        if (answer is { } found && !AnyWithin(terminations, end, end + found.Label.Length))
        {
            var acrossComma = _lexicon.CrossesSoftBoundary(text, end, end + found.Label.Length);
            Keep(distances, sources, acrossComma ? Certainty.Tentative : found.Category, found.Label.Length, FromAnswer);
        }

        var precedence = _lexicon.Precedence;
        for (var p = 0; p < precedence.Count; p++)
        {
            var category = precedence[p];
            var source = sources[(int)category];
            if (source != None)
            {
                return (category, source == FromAnswer ? answer!.Value.Answer : cues[source].Text);
            }
        }

        return (Certainty.Confirmed, null);
    }

    // A scope reaches from a trigger to the target (both in one sentence) when no termination term lies between and
    // the words between are within the window.
    private bool InScope(string text, int from, int to, List<(int Start, int End)> terminations) =>
        TextLexicon.Words(text.AsSpan(from, to - from)) <= _lexicon.WindowWords
        && !AnyWithin(terminations, from, to);

    // True when a termination term overlaps text[from..to].
    private static bool AnyWithin(List<(int Start, int End)> terminations, int from, int to)
    {
        foreach (var (start, end) in terminations)
        {
            if (start < to && from < end)
            {
                return true;
            }
        }

        return false;
    }

    // The first trigger of a category at the least distance is kept.
    private static void Keep(Span<int> distances, Span<int> sources, Certainty category, int distance, int source)
    {
        var slot = (int)category;
        if (sources[slot] == None || distance < distances[slot])
        {
            distances[slot] = distance;
            sources[slot] = source;
        }
    }

    private static bool Overlaps(MatchCollection? matches, int start, int end)
    {
        if (matches is null)
        {
            return false;
        }

        for (var i = 0; i < matches.Count; i++)
        {
            var x = matches[i];
            if (start < x.Index + x.Length && x.Index < end)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct Sentence(int Start, List<ContextCue> Cues, List<(int Start, int End)> Terminations);

    private sealed record SentenceScan(int Start, int End, List<ContextCue> Cues, List<(int Start, int End)> Terminations);
}
