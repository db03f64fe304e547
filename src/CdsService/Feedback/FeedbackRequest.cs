using System.Text.Json;

namespace Cds.Service.Feedback;

/// <summary>Checks a CDS Hooks 2.0 feedback body: <c>{"feedback":[{card, outcome, outcomeTimestamp, …}]}</c>.</summary>
internal static class FeedbackRequest
{
    public static IReadOnlyList<JsonElement>? Parse(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("feedback", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            error = "The body must be an object with a 'feedback' array.";
            return null;
        }

        var items = new List<JsonElement>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"feedback[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = $"'{at}' must be an object.";
                return null;
            }

            if (!IsString(item, "card"))
            {
                error = $"'{at}.card' (the card's uuid) is required.";
                return null;
            }

            var outcome = item.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            if (outcome is not ("accepted" or "overridden"))
            {
                error = $"'{at}.outcome' must be 'accepted' or 'overridden'.";
                return null;
            }

            if (!IsString(item, "outcomeTimestamp") || !DateTimeOffset.TryParse(item.GetProperty("outcomeTimestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _))
            {
                error = $"'{at}.outcomeTimestamp' must be an ISO 8601 timestamp.";
                return null;
            }

            if (outcome == "accepted" && (!item.TryGetProperty("acceptedSuggestions", out var accepted) || accepted.ValueKind != JsonValueKind.Array))
            {
                error = $"'{at}.acceptedSuggestions' is required for accepted outcomes.";
                return null;
            }

            if (item.TryGetProperty("overrideReason", out var reason) && reason.ValueKind != JsonValueKind.Object)
            {
                error = $"'{at}.overrideReason' must be an object.";
                return null;
            }

            // CDS Hooks cds-fb-3: an override reason has a reason (a Coding, as offered on the card) and/or a comment.
            if (reason.ValueKind == JsonValueKind.Object)
            {
                var coded = reason.TryGetProperty("reason", out var coding) && coding.ValueKind == JsonValueKind.Object && IsString(coding, "code");
                if (reason.TryGetProperty("reason", out _) && !coded)
                {
                    error = $"'{at}.overrideReason.reason' must be a Coding with a code.";
                    return null;
                }

                if (!coded && !IsString(reason, "userComment"))
                {
                    error = $"'{at}.overrideReason' needs a reason or a userComment.";
                    return null;
                }
            }

            items.Add(item);
        }

        return items;
    }

    private static bool IsString(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString());
}
