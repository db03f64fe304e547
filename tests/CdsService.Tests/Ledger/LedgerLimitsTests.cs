using Cds.Service.Ledger;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// <see cref="LedgerLimits.Bound(HookCallRecord)"/> copies nothing for a record within every limit (the hook's thread pays
/// nothing for it), and still cuts each kind of value that is over its limit, wherever it sits in the record.
/// </summary>
public sealed class LedgerLimitsTests
{
    private static readonly string LongId = new('i', LedgerLimits.Identifier + 1);
    private static readonly string LongText = new('t', LedgerLimits.FreeText + 1);

    public static TheoryData<string> Places =>
    [
        "id", "service", "hook", "hookInstance", "issuer", "patient", "user", "encounter", "fhirServer", "order", "orderCode",
        "card", "cardOrder", "sourceKey", "sourceValue", "failureKey", "failureReason", "stage", "error", "orderRef", "assertion",
        "coverage", "outcome", "deciding", "reason", "covered", "pa", "doc", "criterionId", "label", "status", "summary",
        "evidence", "missing", "missingWhat", "documentation", "infoNeeded", "docPurpose", "review", "supersedes", "answer",
    ];

    [Fact]
    public void GivenARecordWithinEveryLimit_WhenBounded_ThenTheSameRecordIsReturned()
    {
        // Arrange
        var record = Full();

        // Act
        var bounded = LedgerLimits.Bound(record);

        // Assert
        Assert.Same(record, bounded);
    }

    [Theory]
    [MemberData(nameof(Places))]
    public void GivenOneValueOverItsLimit_WhenBounded_ThenItIsCutAndNothingElseChanges(string place)
    {
        // Arrange
        var record = With(Full(), place);

        // Act
        var bounded = LedgerLimits.Bound(record);

        // Assert: a new record, with no value over its limit any more, and the long one marked as cut.
        Assert.NotSame(record, bounded);
        var json = LedgerJson.Serialize(bounded, LedgerJsonContext.Default.HookCallRecord);
        Assert.DoesNotContain(LongId, json, StringComparison.Ordinal);
        Assert.DoesNotContain(LongText, json, StringComparison.Ordinal);
        Assert.Contains("chars)", json, StringComparison.Ordinal);
        Assert.Same(bounded, LedgerLimits.Bound(bounded));
    }

    private static HookCallRecord Full()
    {
        var detail = new DecisionDetail(
            [new CriterionRecord("I.C", "I.C label", "met", "summary", ["Observation/obs-1"])],
            [new MissingRecord("I.A", "what is missing")],
            [new MissingRecord("I", "documentation")],
            ["performer"],
            ["withpa"])
        {
            Review = [new MissingRecord("I.B", "review this")],
            Supersedes = "assertion-0",
            Answers = ["QuestionnaireResponse/qr-1"],
        };
        return new HookCallRecord
        {
            Id = "call-1",
            ReceivedAt = DateTimeOffset.UnixEpoch,
            ServiceId = "svc",
            Hook = "order-sign",
            HookInstance = "instance",
            Issuer = "https://ehr.example.org",
            PatientId = "pat-1",
            UserId = "Practitioner/1",
            EncounterId = "enc-1",
            FhirServer = "https://ehr.example.org/fhir",
            Status = 200,
            Orders = ["ServiceRequest/sr-1"],
            OrderCodes = ["http://www.ama-assn.org/go/cpt|38242"],
            Decisions = [new OrderDecisionRecord("ServiceRequest/sr-1", "assertion-1", "Coverage/cov-1", "meets-criteria", "I", "reason", "covered", "auth-needed", "clinical", new DateOnly(2026, 11, 24), detail)],
            Cards = [new CardRecord("card-1", "ServiceRequest/sr-1")],
            DataSources = new Dictionary<string, string> { ["patient"] = "prefetch" },
            DataFailures = [new DataFailureRecord("coverage", "failed")],
            Timings = [new StageTiming("read", 0.1)],
            Response = """{"cards":[]}""",
            ResponseSha256 = new string('0', 64),
            Error = "none",
        };
    }

    private static HookCallRecord With(HookCallRecord r, string place)
    {
        var d = r.Decisions[0];
        var detail = d.Detail;
        var criterion = detail.Criteria[0];
        HookCallRecord WithDecision(OrderDecisionRecord changed) => r with { Decisions = [changed] };
        HookCallRecord WithDetail(DecisionDetail changed) => WithDecision(d with { Detail = changed });
        HookCallRecord WithCriterion(CriterionRecord changed) => WithDetail(detail with { Criteria = [changed] });
        return place switch
        {
            "id" => r with { Id = LongId },
            "service" => r with { ServiceId = LongId },
            "hook" => r with { Hook = LongId },
            "hookInstance" => r with { HookInstance = LongId },
            "issuer" => r with { Issuer = LongId },
            "patient" => r with { PatientId = LongId },
            "user" => r with { UserId = LongId },
            "encounter" => r with { EncounterId = LongId },
            "fhirServer" => r with { FhirServer = new string('u', LedgerLimits.Url + 1) + LongId },
            "order" => r with { Orders = ["ServiceRequest/sr-1", LongId] },
            "orderCode" => r with { OrderCodes = [LongId] },
            "card" => r with { Cards = [new CardRecord(LongId, null)] },
            "cardOrder" => r with { Cards = [new CardRecord("card-1", LongId)] },
            "sourceKey" => r with { DataSources = new Dictionary<string, string> { [LongId] = "prefetch" } },
            "sourceValue" => r with { DataSources = new Dictionary<string, string> { ["patient"] = LongId } },
            "failureKey" => r with { DataFailures = [new DataFailureRecord(LongId, "failed")] },
            "failureReason" => r with { DataFailures = [new DataFailureRecord("coverage", LongText)] },
            "stage" => r with { Timings = [new StageTiming(LongId, 1)] },
            "error" => r with { Error = LongText },
            "orderRef" => WithDecision(d with { OrderReference = LongId }),
            "assertion" => WithDecision(d with { AssertionId = LongId }),
            "coverage" => WithDecision(d with { CoverageReference = LongId }),
            "outcome" => WithDecision(d with { Outcome = LongId }),
            "deciding" => WithDecision(d with { DecidingCriterion = LongId }),
            "reason" => WithDecision(d with { Reason = LongText }),
            "covered" => WithDecision(d with { Covered = LongId }),
            "pa" => WithDecision(d with { PaNeeded = LongId }),
            "doc" => WithDecision(d with { DocNeeded = LongId }),
            "criterionId" => WithCriterion(criterion with { Id = LongId }),
            "label" => WithCriterion(criterion with { Label = LongText }),
            "status" => WithCriterion(criterion with { Status = LongId }),
            "summary" => WithCriterion(criterion with { Summary = LongText }),
            "evidence" => WithCriterion(criterion with { Evidence = ["Observation/obs-1", LongId] }),
            "missing" => WithDetail(detail with { Missing = [new MissingRecord(LongId, "what")] }),
            "missingWhat" => WithDetail(detail with { Missing = [new MissingRecord("I.A", LongText)] }),
            "documentation" => WithDetail(detail with { Documentation = [new MissingRecord("I", LongText)] }),
            "infoNeeded" => WithDetail(detail with { InfoNeeded = [LongId] }),
            "docPurpose" => WithDetail(detail with { DocPurpose = [LongId] }),
            "review" => WithDetail(detail with { Review = [new MissingRecord("I.B", LongText)] }),
            "supersedes" => WithDetail(detail with { Supersedes = LongId }),
            "answer" => WithDetail(detail with { Answers = [LongId] }),
            _ => throw new ArgumentOutOfRangeException(nameof(place), place, "no such place"),
        };
    }
}
