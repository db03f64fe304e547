using System.Globalization;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Reads chimerism results for I.C, one fact per (specimen, lineage) value: from <c>valueQuantity</c> (with its
/// comparator), <c>valueString</c> ("72% donor / 28% recipient", "&lt;1 % recipient"), panel components, recipient-
/// fraction codes, and, when the result carries no value, its narrative ("88 % donor nuclei"). Only a result that is
/// chimerism counts: a chimerism code, or chimerism words together with a percentage (an "engraftment" ANC in
/// 10*3/uL is not one).
/// </summary>
internal sealed partial class ChimerismReader(Vocabulary vocabulary)
{
    private const decimal Epsilon = 0.0001m;

    public bool IsChimerism(Observation observation) =>
        Codings(observation.Code).Any(c => vocabulary.Chimerism.Contains(c.System, c.Code) || vocabulary.ChimerismRecipient.Contains(c.System, c.Code))
        || vocabulary.ChimerismText.IsMatch(string.Join(" ", Texts(observation.Code)));

    public void Read(Observation observation, EffectiveTime? when, Certainty certainty, FactSink sink)
    {
        var codings = Codings(observation.Code).ToList();
        var codeTexts = Texts(observation.Code).ToList();
        var recipientByCode = codings.Any(c => vocabulary.ChimerismRecipient.Contains(c.System, c.Code));
        var coded = recipientByCode || codings.Any(c => vocabulary.Chimerism.Contains(c.System, c.Code));
        var specimenTexts = new[] { observation.Specimen?.Display }.Concat(Texts(observation.BodySite)).Concat(codeTexts).OfType<string>().ToList();
        var specimen = Named(vocabulary.Policy.Specimens, specimenTexts) ?? "Unspecified";
        var result = new Result(observation, codings.FirstOrDefault(), when, certainty, specimen, coded, sink);
        var before = sink.Chimerism.Count;

        var ownRecipient = recipientByCode || RecipientWords(string.Join(" ", codeTexts));
        AddValue(result, observation.Value, [.. codeTexts, .. specimenTexts], ownRecipient, SourceKind.StructuredValue);

        // Lineage panels: one component per sorted cell population.
        foreach (var component in observation.Component)
        {
            var componentTexts = Texts(component.Code).ToList();
            var componentRecipient = recipientByCode
                || Codings(component.Code).Any(c => vocabulary.ChimerismRecipient.Contains(c.System, c.Code))
                || RecipientWords(string.Join(" ", componentTexts));
            AddValue(result with { Coding = Codings(component.Code).FirstOrDefault() ?? result.Coding }, component.Value, [.. componentTexts, .. codeTexts, .. specimenTexts], componentRecipient, SourceKind.StructuredValue);
        }

        if (sink.Chimerism.Count == before)
        {
            var narrative = Notes(observation.Note).Append(Narrative(observation.Text?.Div)).OfType<string>().Where(t => !string.IsNullOrWhiteSpace(t));
            foreach (var text in narrative)
            {
                AddString(result, text, [text, .. codeTexts, .. specimenTexts], ownRecipient, SourceKind.ClinicalText);
            }
        }

        // A coded chimerism result whose value could not be read (a wrongly typed value is dropped by the lenient
        // reader) may be the newest one: it is a gap, not nothing.
        if (coded && sink.Chimerism.Count == before)
        {
            sink.Gaps.Add(new DataGap("Observation", $"Observation/{observation.Id}: chimerism result without a readable value"));
        }
    }

    private void AddValue(Result result, DataType? value, IReadOnlyList<string> lineageTexts, bool recipient, SourceKind source)
    {
        switch (value)
        {
            case Quantity quantity:
                AddQuantity(result, quantity, lineageTexts, recipient, source);
                break;
            case FhirString { Value: { } text }:
                AddString(result, text, [text, .. lineageTexts], recipient, source);
                break;
        }
    }

    private void AddQuantity(Result result, Quantity quantity, IReadOnlyList<string> lineageTexts, bool recipient, SourceKind source)
    {
        if (quantity.Value is not { } raw)
        {
            return;
        }

        var unit = quantity.Code ?? quantity.Unit ?? string.Empty;
        decimal percent;
        if (unit.Contains('%', StringComparison.Ordinal))
        {
            percent = raw;
        }
        else if (result.Coded && raw <= 1m && (unit.Length == 0 || unit is "1" or "{ratio}" or "ratio" or "{fraction}"))
        {
            percent = raw * 100m;
        }
        else if (result.Coded && unit.Length == 0)
        {
            percent = raw;
        }
        else
        {
            return; // not a percentage: an ANC, a count, a ratio of something else
        }

        var comparator = quantity.Comparator switch
        {
            Quantity.QuantityComparator.LessThan => "<",
            Quantity.QuantityComparator.LessOrEqual => "<=",
            Quantity.QuantityComparator.GreaterOrEqual => ">=",
            Quantity.QuantityComparator.GreaterThan => ">",
            _ => null,
        };
        Add(result, percent, comparator, recipient, Lineage(lineageTexts), source);
    }

    private void AddString(Result result, string text, IReadOnlyList<string> lineageTexts, bool recipient, SourceKind source)
    {
        var values = PercentPattern().Matches(text)
            .Select(m => (Match: m, Who: Who(text, m)))
            .ToList();
        var chosen = values.FirstOrDefault(v => v.Who == "donor");
        var isRecipient = false;
        if (chosen.Match is null)
        {
            chosen = values.FirstOrDefault(v => v.Who == "recipient");
            isRecipient = chosen.Match is not null;
        }

        if (chosen.Match is null && values.Count == 1)
        {
            chosen = values[0];
            isRecipient = recipient;
        }

        if (chosen.Match is null)
        {
            return;
        }

        var percent = decimal.Parse(chosen.Match.Groups["num"].Value, CultureInfo.InvariantCulture);
        var comparator = chosen.Match.Groups["cmp"].Value switch
        {
            "≤" => "<=",
            "≥" => ">=",
            "" => null,
            var c => c,
        };
        Add(result, percent, comparator, isRecipient, Lineage(lineageTexts), source);
    }

    private static void Add(Result result, decimal percent, string? comparator, bool recipient, string lineage, SourceKind source)
    {
        percent = Math.Clamp(percent, 0m, 100m);
        var donor = recipient ? 100m - percent : percent;

        // The range the comparator allows, turned to donor % when the value is the recipient's.
        var (low, high) = comparator switch
        {
            "<" => (0m, percent - Epsilon),
            "<=" => (0m, percent),
            ">" => (percent + Epsilon, 100m),
            ">=" => (percent, 100m),
            _ => (percent, percent),
        };
        if (recipient)
        {
            (low, high) = (100m - high, 100m - low);
        }

        var shownComparator = comparator is null ? string.Empty : recipient ? Flip(comparator) : comparator;
        var shown = recipient
            ? $"{shownComparator}{Format(donor)}% donor ({comparator}{Format(percent)}% recipient)"
            : $"{shownComparator}{Format(donor)}% donor";
        var specimen = result.Specimen == "Unspecified" ? string.Empty : $", {result.Specimen.ToLowerInvariant()}";
        var evidence = Cite(result.Observation, result.Coding, result.When, $"{lineage}: {shown}{specimen}", source, result.Certainty);
        result.Sink.Chimerism.Add(new ChimerismFact(evidence, result.Specimen, lineage, donor, recipient, Math.Clamp(low, 0m, 100m), Math.Clamp(high, 0m, 100m)));
    }

    private static string Flip(string comparator) => comparator switch
    {
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        _ => comparator,
    };

    // Whose percentage this is: the word right after it ("72% donor"), or the last one before it ("Donor: 72%").
    private string? Who(string text, Match match)
    {
        var label = match.Groups["who"].Value;
        if (label.Length == 0)
        {
            var start = Math.Max(0, match.Index - 24);
            var before = text[start..match.Index];
            var cut = before.LastIndexOfAny(['/', ';', ',', '%']);
            label = cut >= 0 ? before[(cut + 1)..] : before;
        }

        var donor = vocabulary.DonorText.IsMatch(label);
        var recipient = vocabulary.RecipientText.IsMatch(label) || label.Contains("patient", StringComparison.OrdinalIgnoreCase);
        return donor && !recipient ? "donor" : recipient && !donor ? "recipient" : null;
    }

    private bool RecipientWords(string text) => vocabulary.RecipientText.IsMatch(text) && !vocabulary.DonorText.IsMatch(text);

    /// <summary>
    /// The cell lineage of a result, from the most specific text that names exactly one lineage: a component's own code
    /// before the panel's code, the code's text before each display, the specimen last. A text that names several
    /// lineages (a panel title "sorted CD3+ and CD33+ cells") does not say which population this result is.
    /// </summary>
    private string Lineage(IReadOnlyList<string> texts) => Named(vocabulary.Policy.Lineages, texts) ?? "Unsorted";

    internal static string? Named(IReadOnlyList<(string Id, Regex Pattern)> kinds, IReadOnlyList<string> texts)
    {
        for (var t = 0; t < texts.Count; t++)
        {
            // A text equal to an earlier one names what that one named: nothing, or it would have been returned.
            var text = texts[t];
            if (Earlier(texts, t))
            {
                continue;
            }

            // The one kind the text names (several patterns may share an id); none, or two different ones, say nothing.
            string? named = null;
            var several = false;
            for (var i = 0; i < kinds.Count && !several; i++)
            {
                if (kinds[i].Pattern.IsMatch(text))
                {
                    several = named is not null && !string.Equals(named, kinds[i].Id, StringComparison.Ordinal);
                    named ??= kinds[i].Id;
                }
            }

            if (named is not null && !several)
            {
                return named;
            }
        }

        return null;
    }

    private static bool Earlier(IReadOnlyList<string> texts, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(texts[i], texts[index], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string? Narrative(string? xhtml) => xhtml is null ? null : TagPattern().Replace(xhtml, " ");

    private static string Format(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<cmp><=|>=|≤|≥|<|>)?\s*(?<num>\d{1,3}(?:\.\d+)?)\s*%\s*(?<who>donor|recipient|host)?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex PercentPattern();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex TagPattern();

    private sealed record Result(Observation Observation, Coding? Coding, EffectiveTime? When, Certainty Certainty, string Specimen, bool Coded, FactSink Sink);
}
