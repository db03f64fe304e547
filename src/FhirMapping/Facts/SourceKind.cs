namespace Cds.FhirMapping.Facts;

/// <summary>
/// Where a fact was read from, strongest first: the precedence of evidence is code over structured value over text,
/// and the order's own words are read before other clinical text.
/// </summary>
public enum SourceKind
{
    /// <summary>A coding in a value set of the policy file.</summary>
    Code,

    /// <summary>A structured element: a quantity, a status, a component, a comparator.</summary>
    StructuredValue,

    /// <summary>Words on the order being decided (code text, orderDetail, note, patientInstruction).</summary>
    OrderText,

    /// <summary>Words elsewhere in the chart (code text, display, notes, narrative).</summary>
    ClinicalText,

    /// <summary>
    /// An answer a clinician gave in a completed DTR QuestionnaireResponse, with its author and date: it fills what the
    /// chart does not say, and never overrides a contradicting coded record (that is a conflict for review).
    /// </summary>
    ClinicianAttested,
}
