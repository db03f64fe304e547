using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Fhir.Readers;
using Cds.FhirMapping.Text;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Tests.Facts.Reference;

/// <summary>
/// Reads a Procedure: transplants (the precondition, III) with their donor type and indications, and graft processing
/// and conditioning (I.B), from codes first and from the record's words through the one text reader.
/// </summary>
internal sealed class ReferenceProcedureReader(Vocabulary vocabulary, ConditionReader conditions)
{
    private readonly Regex _notDepletedOrInVivo = new($"(?:{vocabulary.NotTCellDepletedText})|(?:{vocabulary.InVivoDepletionText})", vocabulary.NotTCellDepletedText.Options, vocabulary.NotTCellDepletedText.MatchTimeout);

    public void Read(Procedure procedure, IReadOnlyDictionary<string, Condition> conditionsById, FactSink sink)
    {
        // A procedure whose status is unknown, or that was stopped part-way, is not a fact the policy can rest on:
        // what it says is read, as tentative.
        if (procedure.Status is EventStatus.Unknown or EventStatus.Stopped)
        {
            var mark = sink.Mark();
            ReadPerformed(procedure, conditionsById, sink);
            sink.TentativeSince(mark);
            return;
        }

        ReadPerformed(procedure, conditionsById, sink);
    }

    private void ReadPerformed(Procedure procedure, IReadOnlyDictionary<string, Condition> conditionsById, FactSink sink)
    {
        // Not done, not yet done (preparation, on hold) or recorded in error: not something the patient received.
        if (procedure.Status is EventStatus.EnteredInError or EventStatus.NotDone or EventStatus.Preparation or EventStatus.OnHold)
        {
            return;
        }

        var when = FhirDates.Read(procedure.Performed);
        var codings = Codings(procedure.Code).ToList();
        var words = Texts(procedure.Code).Concat(Notes(procedure.Note)).ToList();
        var primary = codings.FirstOrDefault();

        // Each text may be asked up to nine questions (transplant, donor, investigational, graft, conditioning): it is read
        // once, when the first is asked.
        List<ScannedText>? read = null;
        var transplant = Transplant(procedure, codings, words, ref read, when, conditionsById);
        if (transplant is not null)
        {
            sink.Transplants.Add(transplant);
            primary = codings.FirstOrDefault(c => conditions.Donor(c) is not null) ?? primary;
        }

        var isGraftProcessing = false;
        foreach (var coding in codings)
        {
            if (vocabulary.AllogeneicSignal.Contains(coding.System, coding.Code))
            {
                sink.AllogeneicSignals.Add(Cite(procedure, coding, when, "implies a prior allogeneic graft"));
            }

            if (vocabulary.TCellDepleted.Contains(coding.System, coding.Code))
            {
                sink.RelapseRisk.Add(new RelapseRiskFact(Cite(procedure, coding, when, "T-cell depleted graft"), RelapseRiskSignal.TCellDepletedGraft));
                isGraftProcessing = true;
            }
            else if (vocabulary.Unmanipulated.Contains(coding.System, coding.Code)
                && (vocabulary.Unmanipulated.ValidFrom is not { } from || when is null || when.First >= from))
            {
                sink.RelapseRisk.Add(new RelapseRiskFact(Cite(procedure, coding, when, "graft coded without T-cell depletion"), RelapseRiskSignal.UnmanipulatedGraft));
                isGraftProcessing = true;
            }
        }

        // Conditioning intensity and graft manipulation are words on the transplant, conditioning or cell-processing
        // record ("RIC (Flu/Mel 100)", "CD34+ selected, T-cell depleted graft"); a marrow biopsy's words are not read
        // for them. Only what is stated as a fact counts.
        var aboutGraftOrConditioning = transplant is not null || isGraftProcessing
            || words.Any(t => vocabulary.ConditioningText.IsMatch(t) || vocabulary.TCellDepletedText.IsMatch(t) || vocabulary.NotTCellDepletedText.IsMatch(t));
        if (aboutGraftOrConditioning)
        {
            foreach (var text in read ??= Read(words))
            {
                ReadRelapseRiskWords(procedure, primary, when, text, sink);
            }
        }
    }

    private TransplantFact? Transplant(Procedure procedure, List<Coding> codings, List<string> texts, ref List<ScannedText>? read, EffectiveTime? when, IReadOnlyDictionary<string, Condition> conditionsById)
    {
        DonorType? donor = null;
        Coding? matched = null;
        foreach (var coding in codings)
        {
            if (conditions.Donor(coding) is { } d)
            {
                donor = d;
                matched = coding;
                break;
            }
        }

        var source = SourceKind.Code;

        // A procedure with a standard code that is not a transplant code (a marrow biopsy "after allo-HCT", a prior DLI)
        // is not a transplant, whatever its words say; local codes are read from their words.
        var locallyCoded = !codings.Any(c => c.System is { } system && vocabulary.KnownSystems.Contains(system));
        var words = donor is DonorType.Unknown || (donor is null && locallyCoded) ? read ??= Read(texts) : null;
        if (words is not null && words.Any(t => Stated(t, vocabulary.HctText)))
        {
            source = donor is null ? SourceKind.ClinicalText : SourceKind.Code;
            donor = words.Any(t => Stated(t, vocabulary.AllogeneicText)) ? DonorType.Allogeneic
                : words.Any(t => Stated(t, vocabulary.AutologousText)) ? DonorType.Autologous
                : DonorType.Unknown;
        }

        if (donor is null)
        {
            return null;
        }

        var investigational = (read ??= Read(texts))
            .SelectMany(t => t.Find(vocabulary.InvestigationalText))
            .Where(f => f.Certainty == Certainty.Confirmed)
            .Select(f => Cite(procedure, matched, when, f, SourceKind.ClinicalText))
            .ToList();
        var indications = procedure.ReasonCode.SelectMany(Codings)
            .Concat(procedure.ReasonReference
                .Select(r => r.Reference?.Split('/') is [.., "Condition", var id] && conditionsById.TryGetValue(id, out var c) ? c : null)
                .OfType<Condition>()
                .Where(ConditionReader.IsConfirmed)
                .SelectMany(c => Codings(c.Code)))
            .Select(c => new CodeRef(c.System, c.Code, c.Display))
            .ToList();
        return new TransplantFact(
            Cite(procedure, matched ?? codings.FirstOrDefault(), when, donor.Value.ToString().ToLowerInvariant(), source),
            donor.Value,
            when,
            investigational,
            indications);
    }

    private void ReadRelapseRiskWords(Procedure procedure, Coding? coding, EffectiveTime? when, ScannedText text, FactSink sink)
    {
        void Add(TextFinding finding, RelapseRiskSignal signal) =>
            sink.RelapseRisk.Add(new RelapseRiskFact(Cite(procedure, coding, when, finding, SourceKind.ClinicalText), signal));

        foreach (var finding in text.Find(vocabulary.TCellDepletedText, except: _notDepletedOrInVivo))
        {
            // "without T-cell depletion", "non-T-cell-depleted graft": the graft is stated as not depleted.
            if (finding.Certainty == Certainty.Confirmed)
            {
                Add(finding, RelapseRiskSignal.TCellDepletedGraft);
            }
            else if (finding.Certainty == Certainty.Negated)
            {
                Add(finding, RelapseRiskSignal.UnmanipulatedGraft);
            }
        }

        foreach (var finding in text.Find(vocabulary.NotTCellDepletedText).Where(f => f.Certainty == Certainty.Confirmed))
        {
            Add(finding, RelapseRiskSignal.UnmanipulatedGraft);
        }

        foreach (var finding in text.Find(vocabulary.InVivoDepletionText).Where(f => f.Certainty == Certainty.Confirmed))
        {
            Add(finding, RelapseRiskSignal.InVivoTCellDepletion);
        }

        var reduced = text.Find(vocabulary.ReducedIntensityText);
        foreach (var finding in reduced)
        {
            // "conditioning was not reduced-intensity": stated as full intensity.
            if (finding.Certainty == Certainty.Confirmed)
            {
                Add(finding, RelapseRiskSignal.ReducedIntensityConditioning);
            }
            else if (finding.Certainty == Certainty.Negated)
            {
                Add(finding, RelapseRiskSignal.MyeloablativeConditioning);
            }
        }

        if (!reduced.Any(f => f.Certainty == Certainty.Confirmed))
        {
            foreach (var finding in text.Find(vocabulary.MyeloablativeText).Where(f => f.Certainty == Certainty.Confirmed))
            {
                Add(finding, RelapseRiskSignal.MyeloablativeConditioning);
            }
        }
    }

    private List<ScannedText> Read(List<string> texts) => texts.ConvertAll(vocabulary.Text.Read);

    // A transplant in the past is still a transplant: "s/p allo-HCT 2024" is historical and counts.
    private static bool Stated(ScannedText text, Regex pattern) =>
        text.Find(pattern).Any(f => f.Certainty is Certainty.Confirmed or Certainty.Historical);
}
