namespace Cds.Service.Dtr;

/// <summary>DTR settings (section <c>Cds:Dtr</c>).</summary>
internal sealed class DtrOptions
{
    public const string SectionName = "Cds:Dtr";

    /// <summary>
    /// The SMART launch URL of a DTR app. When set, the missing-data card offers a SMART link to it with the
    /// questionnaire, the order and the coverage in <c>appContext</c>; when empty, a plain link to the questionnaire.
    /// </summary>
    public Uri? AppUrl { get; set; }
}
