using Cds.FhirMapping.Evaluation;

namespace Cds.FhirMapping.Crd;

/// <summary>
/// The content of one CRD coverage-information extension (CRD 2.0.1 <c>ext-coverage-information</c>). Codes are the
/// CRD codes as sent on the wire (<c>covered</c>, <c>auth-needed</c>, <c>clinical</c>, <c>withpa</c> …).
/// </summary>
public sealed record CoverageAssertion(
    string CoverageReference,
    string Covered,
    string? PaNeeded,
    string? DocNeeded,
    IReadOnlyList<string> DocPurpose,
    IReadOnlyList<string> InfoNeeded,
    string Reason,
    DateOnly Date,
    string AssertionId)
{
    public const string Extension = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

    /// <summary>
    /// Maps a decision to CRD codes: met → <c>covered</c>; II, III, IV → <c>not-covered</c> (no <c>pa-needed</c>,
    /// invariant crd-ci-q2 of CRD 2.2); cannot be determined → <c>conditional</c> with <c>info-needed</c> OTH
    /// (crd-ci-q3). Documentation is requested only where the hook allows it (not on order-select).
    /// </summary>
    public static CoverageAssertion From(
        CoverageDecision decision,
        string coverageReference,
        string priorAuthorization,
        bool mayRequestDocumentation,
        DateOnly date,
        string assertionId)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var covered = decision.Outcome switch
        {
            DecisionOutcome.MeetsCriteria => "covered",
            DecisionOutcome.CannotBeDetermined => "conditional",
            _ => "not-covered",
        };
        var paNeeded = covered == "not-covered" ? null : priorAuthorization;
        var needsDocumentation = covered == "conditional" || (covered == "covered" && decision.Documentation.Count > 0);
        var docNeeded = mayRequestDocumentation && needsDocumentation ? "clinical" : null;
        IReadOnlyList<string> docPurpose = docNeeded is null ? []
            : paNeeded is "auth-needed" or "performpa" ? ["withpa"]
            : ["withclaim"];
        IReadOnlyList<string> infoNeeded = covered == "conditional" ? ["OTH"] : [];
        return new CoverageAssertion(coverageReference, covered, paNeeded, docNeeded, docPurpose, infoNeeded, decision.Reason, date, assertionId);
    }
}
