namespace Cds.FhirMapping.Facts;

/// <summary>
/// How firmly a record states a fact about this patient, after reading its status fields and its words in context
/// (the ConText categories of Chapman and Harkema: negation, temporality, hypothetical, uncertainty, experiencer).
/// </summary>
public enum Certainty
{
    /// <summary>Stated as a current fact about this patient.</summary>
    Confirmed,

    /// <summary>Provisional, differential, unconfirmed, "possible", "suspected", "rule out".</summary>
    Tentative,

    /// <summary>Stated as absent: "no", "without", "not a", "declined", a question answered "No".</summary>
    Negated,

    /// <summary>True in the past, not now ("history of", "prior", "in 2023").</summary>
    Historical,

    /// <summary>Planned, considered, or conditional ("if", "candidate for", "will consider", "screening for").</summary>
    Hypothetical,

    /// <summary>About someone else ("mother", "donor's family", "family history").</summary>
    Family,
}
