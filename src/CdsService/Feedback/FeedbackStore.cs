using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cds.Service.Ledger;

namespace Cds.Service.Feedback;

/// <summary>
/// Keeps CDS Hooks feedback (accepted / overridden cards, override reasons) in the coverage assertion ledger, linked
/// through the card's uuid to the hook call and the order it was about. Written before the EHR is answered, so an
/// accepted item is on record. An item posted twice (an EHR retry) is kept once.
/// </summary>
internal sealed class FeedbackStore(ILedgerStore ledger, TimeProvider timeProvider)
{
    public async Task AppendAsync(string serviceId, string? issuer, IReadOnlyList<JsonElement> items, CancellationToken cancellationToken)
    {
        var receivedAt = timeProvider.GetUtcNow();
        var records = items.Select(item =>
        {
            var card = item.GetProperty("card").GetString()!;
            var outcome = item.GetProperty("outcome").GetString()!;
            var timestamp = item.GetProperty("outcomeTimestamp").GetString()!;
            DateTimeOffset? outcomeAt = DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
            return LedgerLimits.Bound(new FeedbackRecord(Id(serviceId, card, outcome, timestamp), card, serviceId, issuer, outcome, outcomeAt, receivedAt, item.GetRawText()));
        }).ToList();
        try
        {
            await ledger.AddFeedbackAsync(records, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Answered 503 with Retry-After (LedgerUnavailableHandler): the EHR posts the feedback again later.
            throw new LedgerUnavailableException("The feedback could not be put on record (the ledger store cannot be reached); post it again after the Retry-After delay.", e);
        }
    }

    // The same feedback (service, card, outcome, time) has the same id, so a retried post is not kept twice.
    private static string Id(string serviceId, string card, string outcome, string timestamp) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{serviceId}\n{card}\n{outcome}\n{timestamp}")))[..32];
}
