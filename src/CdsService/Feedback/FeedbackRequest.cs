using System.Text.Json;
using Cds.Service.Contract;

namespace Cds.Service.Feedback;

/// <summary>Checks a CDS Hooks 2.0 feedback body: <c>{"feedback":[{card, outcome, outcomeTimestamp, …}]}</c>, within limits.</summary>
internal static class FeedbackRequest
{
    public static IReadOnlyList<JsonElement>? Parse(JsonElement root, FeedbackOptions limits, out BodyProblem? refusal)
    {
        ArgumentNullException.ThrowIfNull(limits);
        refusal = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("feedback", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            refusal = Invalid("The body must be an object with a 'feedback' array.");
            return null;
        }

        if (list.GetArrayLength() > limits.MaxItems)
        {
            refusal = TooCostly($"{list.GetArrayLength()} feedback items exceed the limit of {limits.MaxItems} per post.");
            return null;
        }

        var items = new List<JsonElement>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"feedback[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                refusal = Invalid($"'{at}' must be an object.");
                return null;
            }

            if (System.Text.Encoding.UTF8.GetByteCount(item.GetRawText()) > limits.MaxItemBytes)
            {
                refusal = TooCostly($"'{at}' is larger than {limits.MaxItemBytes} bytes.");
                return null;
            }

            if (!IsString(item, "card") || item.GetProperty("card").GetString()!.Length > limits.MaxCardIdLength)
            {
                refusal = Invalid($"'{at}.card' (the card's uuid) is required, at most {limits.MaxCardIdLength} characters.");
                return null;
            }

            var outcome = item.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            if (outcome is not ("accepted" or "overridden"))
            {
                refusal = Invalid($"'{at}.outcome' must be 'accepted' or 'overridden'.");
                return null;
            }

            if (!IsString(item, "outcomeTimestamp") || !DateTimeOffset.TryParse(item.GetProperty("outcomeTimestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _))
            {
                refusal = Invalid($"'{at}.outcomeTimestamp' must be an ISO 8601 timestamp.");
                return null;
            }

            if (outcome == "accepted" && (!item.TryGetProperty("acceptedSuggestions", out var accepted) || accepted.ValueKind != JsonValueKind.Array))
            {
                refusal = Invalid($"'{at}.acceptedSuggestions' is required for accepted outcomes.");
                return null;
            }

            if (item.TryGetProperty("overrideReason", out var reason) && reason.ValueKind != JsonValueKind.Object)
            {
                refusal = Invalid($"'{at}.overrideReason' must be an object.");
                return null;
            }

            // CDS Hooks cds-fb-3: an override reason has a reason (a Coding, as offered on the card) and/or a comment.
            if (reason.ValueKind == JsonValueKind.Object)
            {
                var coded = reason.TryGetProperty("reason", out var coding) && coding.ValueKind == JsonValueKind.Object && IsString(coding, "code");
                if (reason.TryGetProperty("reason", out _) && !coded)
                {
                    refusal = Invalid($"'{at}.overrideReason.reason' must be a Coding with a code.");
                    return null;
                }

                if (!coded && !IsString(reason, "userComment"))
                {
                    refusal = Invalid($"'{at}.overrideReason' needs a reason or a userComment.");
                    return null;
                }
            }

            items.Add(item);
        }

        return items;
    }

    private static bool IsString(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString());

    private static BodyProblem Invalid(string diagnostics) => new(StatusCodes.Status400BadRequest, "invalid", diagnostics);

    private static BodyProblem TooCostly(string diagnostics) => new(StatusCodes.Status422UnprocessableEntity, "too-costly", diagnostics);
}
