namespace Cds.FhirMapping.Engine;

/// <summary>Keys of a record's items that the service and the reviewer tool must spell alike.</summary>
public static class RecordKeys
{
    /// <summary>
    /// The prefetch key that carries completed DTR answers (a QuestionnaireResponse, or a Bundle of them): read with the
    /// chart as clinician-attested evidence. Not a discovery template: the EHR or the DTR app sends it with the hook.
    /// </summary>
    public const string DtrAnswers = "questionnaireResponse";
}
