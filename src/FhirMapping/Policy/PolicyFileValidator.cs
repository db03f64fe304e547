using System.Globalization;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Text;

namespace Cds.FhirMapping.Policy;

/// <summary>
/// Every check of a policy file beyond its shape (the JSON reader already refuses unknown keys, missing required keys and
/// nulls): names, empty value sets, regular expressions, code-system aliases, criterion ids, thresholds in range and the
/// text-context lexicon. It adds every problem to the list, each naming its key path as written in the file; the
/// decision section is checked against the evaluators the modules offer, above this layer (<c>Engine.PolicyFiles</c>).
/// </summary>
internal static class PolicyFileValidator
{
    /// <summary>The checks of the file's sections; <paramref name="dli"/>: the file is the DLI module's (its value sets and patterns are required).</summary>
    public static void Validate(PolicyDocument document, bool dli, List<string> problems)
    {
        Date(document.Effective, "effective", problems);
        Revision(document, problems);
        if (document.Thresholds is { } thresholds)
        {
            Thresholds(thresholds, problems);
        }

        Criteria(document, problems);
        Systems(document.Systems, problems);
        if (document.Service.Codes.Count == 0)
        {
            problems.Add("service.codes is empty");
        }

        Includes(document.Service.Codes, "service.codes", document.Systems, problems);
        ValueSets(document, dli, problems);
        Patterns(document.TextPatterns ?? new Dictionary<string, string>(), dli, problems);
        if (document.Lineages is { } lineages)
        {
            Kinds(lineages, "lineages", problems);
        }

        if (document.Specimens is { } specimens)
        {
            Kinds(specimens, "specimens", problems);
        }

        if (document.TextContext is { } textContext)
        {
            TextContext(textContext, problems);
        }
        OrderSuggestions(document, problems);
        if (document.Conditioning is { } conditioning)
        {
            ConditioningValidator.Validate(conditioning, document.Systems, problems);
        }
    }

    // A suggested order names a criterion of the file and a code system alias the file defines.
    private static void OrderSuggestions(PolicyDocument document, List<string> problems)
    {
        var criteria = document.Criteria.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < document.OrderSuggestions.Count; i++)
        {
            var suggestion = document.OrderSuggestions[i];
            if (!criteria.Contains(suggestion.Criterion))
            {
                problems.Add($"orderSuggestions[{i}].criterion '{suggestion.Criterion}' is not a criterion of the file");
            }

            if (!document.Systems.ContainsKey(suggestion.System))
            {
                problems.Add($"orderSuggestions[{i}].system '{suggestion.System}' is not a code system alias");
            }
        }

        if (document.OverrideReasons is { Reasons.Count: 0 })
        {
            problems.Add("overrideReasons.reasons is empty");
        }
    }

    private static void Thresholds(ThresholdsDocument thresholds, List<string> problems)
    {
        if (thresholds.FullDonorChimerismPercent is <= 0 or > 100)
        {
            problems.Add("thresholds.fullDonorChimerismPercent must be above 0 and at most 100");
        }

        if (thresholds.ConditioningWindowDaysBeforeHct is < 0 or > 3650)
        {
            problems.Add("thresholds.conditioningWindowDaysBeforeHct must be between 0 and 3650 days");
        }

        if (thresholds.GraftWindowDaysAfterHct is < 0 or > 3650)
        {
            problems.Add("thresholds.graftWindowDaysAfterHct must be between 0 and 3650 days");
        }

        if (thresholds.EarliestPlausibleYear is < 1800 or > 2100)
        {
            problems.Add("thresholds.earliestPlausibleYear must be between 1800 and 2100");
        }

        if (thresholds.FutureToleranceDays is < 0 or > 30)
        {
            problems.Add("thresholds.futureToleranceDays must be between 0 and 30 days");
        }
    }

    private static void Criteria(PolicyDocument document, List<string> problems)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Criteria.Count; i++)
        {
            if (!ids.Add(document.Criteria[i].Id))
            {
                problems.Add($"criteria[{i}].id '{document.Criteria[i].Id}' is defined twice");
            }

            // The generated reader leaves an absent list null (its initializer does not run): a missing reads would hide every gap.
            if (document.Criteria[i].Reads is null)
            {
                problems.Add($"criteria[{i}].reads is required (the resource types the criterion reads; [] for none)");
                continue;
            }

            // The resource types a criterion reads decide which data gaps keep it undecided: a typo would hide a gap.
            foreach (var type in document.Criteria[i].Reads.Where(t => !Hl7.Fhir.Model.ModelInfo.IsKnownResource(t)))
            {
                problems.Add($"criteria[{i}].reads names '{type}', which is not a FHIR R4 resource type");
            }
        }

        for (var i = 0; i < document.Documentation.Count; i++)
        {
            if (document.Documentation[i].ValueSet is { } name && !document.ValueSets.ContainsKey(name))
            {
                problems.Add($"documentation[{i}].valueSet names '{name}', which valueSets lacks");
            }
        }
    }

    private static void Systems(IReadOnlyDictionary<string, IReadOnlyList<string>> systems, List<string> problems)
    {
        foreach (var (alias, uris) in systems)
        {
            if (uris.Count == 0)
            {
                problems.Add($"systems.{alias} is empty");
            }

            for (var i = 0; i < uris.Count; i++)
            {
                if (!Uri.TryCreate(uris[i], UriKind.Absolute, out _))
                {
                    problems.Add($"systems.{alias}[{i}] '{uris[i]}' is not an absolute URI");
                }
            }
        }
    }

    private static void ValueSets(PolicyDocument document, bool dli, List<string> problems)
    {
        // The DLI module's readers look value sets up by name; a generic policy's leaves name theirs (DecisionValidator).
        if (dli)
        {
            // A generic leaf or a documentation item may name a value set of its own beside the ones the readers use.
            var named = document.Decision.Tree.Select(n => n.ValueSet).Concat(document.Documentation.Select(d => d.ValueSet)).OfType<string>();
            Names(document.ValueSets.Keys, [.. PolicyNames.ValueSets.All.Union(named, StringComparer.Ordinal)], PolicyNames.ValueSets.All, "valueSets", "a value set", problems);
        }

        foreach (var (name, set) in document.ValueSets)
        {
            var path = $"valueSets.{name}";
            if (set.Include.Count == 0 || set.Include.All(Empty))
            {
                problems.Add($"{path} is empty (no codes, prefixes or patterns)");
            }

            Includes(set.Include, $"{path}.include", document.Systems, problems);
            if (set.ValidFrom is { } from)
            {
                Date(from, $"{path}.validFrom", problems);
            }
        }
    }

    internal static void Includes(IReadOnlyList<IncludeDocument> includes, string path, IReadOnlyDictionary<string, IReadOnlyList<string>> systems, List<string> problems)
    {
        for (var i = 0; i < includes.Count; i++)
        {
            var include = includes[i];
            var at = $"{path}[{i}]";
            if (!systems.ContainsKey(include.System))
            {
                problems.Add($"{at}.system '{include.System}' is not a code system alias under systems ({string.Join(", ", systems.Keys)})");
            }

            if (Empty(include))
            {
                problems.Add($"{at} has no codes, prefixes or patterns");
            }

            Blank(include.Codes, $"{at}.codes", problems);
            Blank(include.Prefixes, $"{at}.prefixes", problems);
            var patterns = include.Patterns ?? [];
            for (var j = 0; j < patterns.Count; j++)
            {
                CheckRegex(patterns[j], $"{at}.patterns[{j}]", RegexOptions.CultureInvariant, problems);
            }
        }
    }

    private static void Patterns(IReadOnlyDictionary<string, string> patterns, bool dli, List<string> problems)
    {
        if (dli)
        {
            Names(patterns.Keys, PolicyNames.Patterns.All, PolicyNames.Patterns.All, "textPatterns", "a text pattern", problems);
        }

        foreach (var (name, pattern) in patterns)
        {
            CheckRegex(pattern, $"textPatterns.{name}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, problems);
        }
    }

    // Lineages and specimens: named kinds, each recognised by a pattern.
    private static void Kinds(IReadOnlyList<LineageDocument> kinds, string path, List<string> problems)
    {
        if (kinds.Count == 0)
        {
            problems.Add($"{path} is empty");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < kinds.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(kinds[i].Id) || !ids.Add(kinds[i].Id))
            {
                problems.Add($"{path}[{i}].id '{kinds[i].Id}' is blank or defined twice");
            }

            CheckRegex(kinds[i].Pattern, $"{path}[{i}].pattern", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, problems);
        }
    }

    private static void TextContext(TextContextDocument context, List<string> problems)
    {
        const string Path = "textContext";
        if (context.WindowWords is < 1 or > 30)
        {
            problems.Add($"{Path}.windowWords must be between 1 and 30");
        }

        var precedence = context.Precedence;
        if (precedence.Count != TextLexicon.Categories.Count
            || !precedence.Order(StringComparer.Ordinal).SequenceEqual(TextLexicon.Categories.Keys.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            problems.Add($"{Path}.precedence must list each of {string.Join(", ", TextLexicon.Categories.Keys)} once");
        }

        Terms(context.SentenceEnds, $"{Path}.sentenceEnds", bounded: false, problems);
        Terms(context.Terminations, $"{Path}.terminations", bounded: true, problems);
        Terms(context.PseudoTriggers, $"{Path}.pseudoTriggers", bounded: true, problems, allowEmptyList: true);
        Terms(context.SoftBoundaries, $"{Path}.softBoundaries", bounded: true, problems, allowEmptyList: true);
        Terms(context.AnswerSeparators, $"{Path}.answerSeparators", bounded: false, problems);
        Terms(context.Triggers.Select(t => t.Term).ToArray(), $"{Path}.triggers", bounded: true, problems, suffix: ".term");
        for (var i = 0; i < context.Triggers.Count; i++)
        {
            Category(context.Triggers[i].Category, $"{Path}.triggers[{i}].category", problems);
            if (!TextLexicon.Directions.ContainsKey(context.Triggers[i].Direction))
            {
                problems.Add($"{Path}.triggers[{i}].direction '{context.Triggers[i].Direction}' is not one of {string.Join(", ", TextLexicon.Directions.Keys)}");
            }
        }

        foreach (var category in TextLexicon.Categories.Keys.Where(c => !context.Triggers.Any(t => t.Category == c)))
        {
            problems.Add($"{Path}.triggers has no '{category}' trigger");
        }

        Terms(context.Answers.Select(a => a.Term).ToArray(), $"{Path}.answers", bounded: true, problems, suffix: ".term");
        for (var i = 0; i < context.Answers.Count; i++)
        {
            Category(context.Answers[i].Category, $"{Path}.answers[{i}].category", problems);
        }
    }

    private static void Terms(IReadOnlyList<string> terms, string path, bool bounded, List<string> problems, bool allowEmptyList = false, string suffix = "")
    {
        if (terms.Count == 0 && !allowEmptyList)
        {
            problems.Add($"{path} is empty");
        }

        for (var i = 0; i < terms.Count; i++)
        {
            var at = $"{path}[{i}]{suffix}";
            if (string.IsNullOrWhiteSpace(terms[i]))
            {
                problems.Add($"{at} is blank");
                continue;
            }

            if (terms[i].Contains("(?<", StringComparison.Ordinal) && !terms[i].Contains("(?<!", StringComparison.Ordinal) && !terms[i].Contains("(?<=", StringComparison.Ordinal))
            {
                problems.Add($"{at} must not name a group");
                continue;
            }

            CheckRegex(bounded ? TextLexicon.Bounded(terms[i]) : terms[i], at, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, problems);
        }
    }

    private static void Category(string category, string path, List<string> problems)
    {
        if (!TextLexicon.Categories.ContainsKey(category))
        {
            problems.Add($"{path} '{category}' is not one of {string.Join(", ", TextLexicon.Categories.Keys)}");
        }
    }

    // Each name the code uses is defined, and nothing else is: a misspelt name is a missing one plus an unknown one.
    private static void Names(IEnumerable<string> defined, IReadOnlyList<string> expected, IReadOnlyList<string> required, string path, string what, List<string> problems)
    {
        var present = defined.ToHashSet(StringComparer.Ordinal);
        foreach (var name in required.Where(n => !present.Contains(n)))
        {
            problems.Add($"{path}.{name} is required");
        }

        foreach (var name in present.Where(n => !expected.Contains(n, StringComparer.Ordinal)).Order(StringComparer.Ordinal))
        {
            problems.Add($"{path}.{name} is not {what} the service knows (see PolicyNames)");
        }
    }

    internal static void CheckRegex(string pattern, string path, RegexOptions options, List<string> problems)
    {
        try
        {
            var regex = new Regex(pattern, options, PatternTimeout.Match);
            if (regex.IsMatch(string.Empty))
            {
                problems.Add($"{path} matches empty text, so it would match everything");
            }
        }
        catch (ArgumentException e)
        {
            problems.Add($"{path} is not a valid regular expression: {e.Message}");
        }
    }

    // The revision keys: a version a reviewer can name, a review date that is a month or a day, a short name with text.
    private static void Revision(PolicyDocument document, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(document.Version) || document.Version.Length > 40 || document.Version.Any(char.IsControl))
        {
            problems.Add($"version '{document.Version}' must be 1 to 40 characters of text (e.g. 2024.1)");
        }

        if (document.NextReview is { } review && ReviewDue(review) is null)
        {
            problems.Add($"nextReview '{review}' is not a month (yyyy-MM) or a date (yyyy-MM-dd)");
        }

        if (document.Service.ShortName is { } name && string.IsNullOrWhiteSpace(name))
        {
            problems.Add("service.shortName is blank");
        }
    }

    /// <summary>The last day a review is due: the day itself, or the month's last day for "yyyy-MM"; null when neither.</summary>
    internal static DateOnly? ReviewDue(string value)
    {
        if (value.Length == 10 && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        return value.Length == 7 && DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
            ? month.AddMonths(1).AddDays(-1)
            : null;
    }

    private static void Date(string value, string path, List<string> problems)
    {
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            problems.Add($"{path} '{value}' is not a date (yyyy-MM-dd)");
        }
    }

    private static void Blank(IReadOnlyList<string>? values, string path, List<string> problems)
    {
        for (var i = 0; values is not null && i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                problems.Add($"{path}[{i}] is blank");
            }
        }
    }

    private static bool Empty(IncludeDocument include) =>
        (include.Codes?.Count ?? 0) == 0 && (include.Prefixes?.Count ?? 0) == 0 && (include.Patterns?.Count ?? 0) == 0;
}
