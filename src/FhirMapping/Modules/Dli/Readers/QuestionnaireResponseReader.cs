using System.Globalization;
using Cds.FhirMapping.Dtr;
using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using Evidence = Cds.FhirMapping.Facts.Evidence;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Reads a completed (or amended) QuestionnaireResponse to this policy's DTR questionnaire as clinician-attested
/// evidence: each answer becomes the fact the chart would have given (a transplant, a disease status, a graft or
/// conditioning signal, a chimerism result, a note), with the response's author as the attester and the answer's own
/// date (else the day the response was authored). Responses in progress, stopped or to another questionnaire are not
/// evidence. Whether an answer fills a gap or contradicts the chart is decided later, criterion by criterion.
/// </summary>
internal sealed class QuestionnaireResponseReader(Vocabulary vocabulary)
{
    private readonly string _policyId = vocabulary.Policy.Id;
    private readonly string _system = DtrItems.AnswerSystem(vocabulary.Policy.Id);

    /// <summary>True when the response answers this policy's questionnaire (its canonical ends in <c>Questionnaire/{id}</c>, any version).</summary>
    public bool Answers(string? questionnaire) => DtrItems.IsQuestionnaire(questionnaire, _policyId);

    public void Read(QuestionnaireResponse response, FactSink sink)
    {
        if (response.Status is not (QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended)
            || !Answers(response.Questionnaire))
        {
            return;
        }

        // An item answered twice is ambiguous: it is not read.
        var answers = Flatten(response.Item).GroupBy(a => a.LinkId, StringComparer.Ordinal).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);
        var authored = FhirDates.Read(response.Authored);
        var attester = response.Author?.Reference;

        Evidence Cite(string linkId, string? value, EffectiveTime? when) =>
            new("QuestionnaireResponse", response.Id, null, linkId, answers.TryGetValue(linkId, out var a) ? a.Item.Text : null, when?.First, value)
            {
                Source = SourceKind.ClinicianAttested,
                When = when,
                Attester = attester,
            };

        EffectiveTime? DateOf(string linkId) => answers.TryGetValue(linkId, out var a) ? FhirDates.Read(a.Answer.Value) : null;

        var indication = Text(answers, DtrItems.IndicationText);
        if (Boolean(answers, DtrItems.HctAllogeneic) is { } allogeneic)
        {
            var when = allogeneic ? DateOf(DtrItems.HctDate) : null;
            sink.Transplants.Add(new TransplantFact(
                Cite(DtrItems.HctAllogeneic, allogeneic ? "allogeneic HCT (attested)" : "no allogeneic HCT (attested)", when),
                allogeneic ? DonorType.Allogeneic : DonorType.Autologous,
                when,
                [],
                indication is null ? [] : [new CodeRef(null, null, indication)]));
        }

        if (Boolean(answers, DtrItems.IaMalignancy) == true)
        {
            sink.Malignancies.Add(new MalignancyFact(Cite(DtrItems.IaMalignancy, "hematologic malignancy (attested)", authored), MalignancyKind.Hematologic, "attested"));
        }

        if (Code(answers, DtrItems.IaStatus) is { } status)
        {
            var kind = status switch
            {
                DtrItems.Relapsed => DiseaseStatus.Relapsed,
                DtrItems.Refractory => DiseaseStatus.Refractory,
                DtrItems.Remission => DiseaseStatus.Remission,
                _ => (DiseaseStatus?)null,
            };
            if (kind is { } s)
            {
                sink.Statuses.Add(new DiseaseStatusFact(Cite(DtrItems.IaStatus, status, DateOf(DtrItems.IaDate) ?? authored), s, false));
            }
        }

        var signal = Code(answers, DtrItems.IbGraft) switch
        {
            DtrItems.TCellDepleted => RelapseRiskSignal.TCellDepletedGraft,
            DtrItems.NotTCellDepleted => RelapseRiskSignal.UnmanipulatedGraft,
            _ => (RelapseRiskSignal?)null,
        };
        if (signal is { } graft)
        {
            sink.RelapseRisk.Add(new RelapseRiskFact(Cite(DtrItems.IbGraft, Code(answers, DtrItems.IbGraft), null), graft));
        }

        signal = Code(answers, DtrItems.IbConditioning) switch
        {
            DtrItems.ReducedIntensity or DtrItems.NonMyeloablative => RelapseRiskSignal.ReducedIntensityConditioning,
            DtrItems.Myeloablative => RelapseRiskSignal.MyeloablativeConditioning,
            _ => null,
        };
        if (signal is { } conditioning)
        {
            sink.RelapseRisk.Add(new RelapseRiskFact(Cite(DtrItems.IbConditioning, Code(answers, DtrItems.IbConditioning), null), conditioning));
        }

        foreach (var lineage in QuestionnaireGenerator.Lineages(vocabulary.Policy))
        {
            if (answers.TryGetValue(DtrItems.IcPercent(lineage), out var percent) && percent.Answer.Value is FhirDecimal { Value: { } donor } && donor is >= 0 and <= 100)
            {
                var when = DateOf(DtrItems.IcDate(lineage)) ?? authored;
                sink.Chimerism.Add(new ChimerismFact(Cite(DtrItems.IcPercent(lineage), $"{donor.ToString("0.#", CultureInfo.InvariantCulture)}% donor", when), "Unspecified", lineage, donor, false, donor, donor));
            }
        }

        if (answers.TryGetValue(DtrItems.NotesAttachment, out var note) && note.Answer.Value is Attachment attachment && (attachment.Data is { Length: > 0 } || !string.IsNullOrEmpty(attachment.Url)))
        {
            sink.Notes.Add(new DocumentFact(Cite(DtrItems.NotesAttachment, attachment.Title ?? "attached note", authored)));
        }
    }

    private static IEnumerable<Answered> Flatten(IEnumerable<QuestionnaireResponse.ItemComponent> items)
    {
        foreach (var item in items)
        {
            if (item.LinkId is { } linkId && item.Answer.FirstOrDefault() is { Value: not null } answer)
            {
                yield return new Answered(linkId, item, answer);
            }

            foreach (var nested in Flatten(item.Item.Concat(item.Answer.SelectMany(a => a.Item))))
            {
                yield return nested;
            }
        }
    }

    private static bool? Boolean(Dictionary<string, Answered> answers, string linkId) =>
        answers.TryGetValue(linkId, out var a) && a.Answer.Value is FhirBoolean { Value: { } value } ? value : null;

    private string? Code(Dictionary<string, Answered> answers, string linkId) =>
        answers.TryGetValue(linkId, out var a) && a.Answer.Value is Coding coding && coding.System == _system ? coding.Code : null;

    private static string? Text(Dictionary<string, Answered> answers, string linkId) =>
        answers.TryGetValue(linkId, out var a) && a.Answer.Value is FhirString { Value: { Length: > 0 } text } ? text : null;

    private sealed record Answered(string LinkId, QuestionnaireResponse.ItemComponent Item, QuestionnaireResponse.AnswerComponent Answer);
}
