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
    /// Maps a decision to CRD codes: met → <c>covered</c>; II, III, IV → <c>not-covered</c> with <c>pa-needed</c>
    /// <c>no-auth</c> (see below); cannot be determined → <c>conditional</c> with <c>info-needed</c> OTH (crd-ci-q3).
    /// Documentation is requested only where the hook allows it (not on order-select).
    /// </summary>
    /// <remarks>
    /// CRD 2.0.1's crd-ci-q2 is <c>extension.where(url = 'covered' and value != 'not-covered') implies
    /// extension.where(url = 'pa-needed').exists()</c>. For <c>not-covered</c> its left side is empty, so without
    /// <c>pa-needed</c> it evaluates to empty, which validators (Firely, HL7) count as a failed invariant; its human text
    /// only says pa-needed "should not" exist. So a not-covered assertion carries <c>no-auth</c> (no prior authorization
    /// applies to a service that is not covered). CRD 2.2 rewrote crd-ci-q2 to forbid pa-needed on not-covered, so when the
    /// client asked for CRD 2.2 (<paramref name="crdVersion"/>) a not-covered assertion has no pa-needed.
    /// </remarks>
    public static CoverageAssertion From(
        CoverageDecision decision,
        string coverageReference,
        string priorAuthorization,
        bool mayRequestDocumentation,
        DateOnly date,
        string assertionId,
        string? crdVersion = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var covered = decision.Outcome switch
        {
            DecisionOutcome.MeetsCriteria => "covered",
            DecisionOutcome.CannotBeDetermined => "conditional",
            _ => "not-covered",
        };
        var paNeeded = covered != "not-covered" ? priorAuthorization
            : crdVersion == "2.2" ? null
            : "no-auth";
        var needsDocumentation = covered == "conditional" || (covered == "covered" && decision.Documentation.Count > 0);
        var docNeeded = mayRequestDocumentation && needsDocumentation ? "clinical" : null;
        IReadOnlyList<string> docPurpose = docNeeded is null ? []
            : paNeeded is "auth-needed" or "performpa" ? ["withpa"]
            : ["withclaim"];
        IReadOnlyList<string> infoNeeded = covered == "conditional" ? ["OTH"] : [];
        return new CoverageAssertion(coverageReference, covered, paNeeded, docNeeded, docPurpose, infoNeeded, decision.Reason, date, assertionId);
    }
}
