using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Reads a Condition: diagnoses (I.A, III), the statuses it states (I.A), GVHD (an allogeneic graft implied), and
/// transplant status codes. Its certainty comes from <c>verificationStatus</c>: provisional, differential and
/// unconfirmed records are tentative; refuted and entered-in-error ones are not read.
/// </summary>
/// <remarks>
/// One dating rule for every status a Condition states, coded in its code or in its clinical status: the status holds
/// as of the latest date the Condition gives, its onset or the day it was recorded (for remission, its abatement when
/// given, else the same). A problem recorded as "AML in relapse" after the transplant is a current statement, whatever
/// the disease's first onset.
/// </remarks>
internal sealed class ConditionReader(Vocabulary vocabulary, DiagnosisReader diagnoses)
{
    public void Read(Condition condition, FactSink sink)
    {
        var verification = condition.VerificationStatus?.Coding.FirstOrDefault()?.Code;
        if (verification is "entered-in-error" or "refuted")
        {
            return;
        }

        var certainty = verification is "provisional" or "differential" or "unconfirmed" ? Certainty.Tentative : Certainty.Confirmed;
        var onset = FhirDates.Read(condition.Onset);
        var recorded = FhirDates.Read(condition.RecordedDate);
        var abated = FhirDates.Read(condition.Abatement);
        var dated = FhirDates.Later(onset, recorded);
        var clinical = condition.ClinicalStatus?.Coding.FirstOrDefault();

        var statusesBefore = sink.Statuses.Count;
        MalignancyKind? kind = null;
        foreach (var coding in Codings(condition.Code))
        {
            var remission = vocabulary.InRemission.Contains(coding.System, coding.Code);
            var found = diagnoses.Read(condition, coding, remission ? abated ?? dated : dated, certainty, sink, isOrder: false, recordMalignancy: kind is null);
            kind ??= found;
            if (vocabulary.AllogeneicSignal.Contains(coding.System, coding.Code))
            {
                sink.AllogeneicSignals.Add(Cite(condition, coding, dated, clinical?.Code, SourceKind.Code, certainty));
            }

            // "History of allogeneic BMT" and "stem cell transplant status" are Conditions; the transplant date is not
            // the condition's date, so it stays unknown.
            if (Donor(coding) is { } donor)
            {
                sink.Transplants.Add(new TransplantFact(Cite(condition, coding, null, "transplant status", SourceKind.Code, certainty), donor, null, [], []));
            }
        }

        if (kind is not MalignancyKind.Hematologic)
        {
            return;
        }

        ReadStatuses(condition, abated, dated, clinical, certainty, sink);
        if (abated is not null)
        {
            DoubtAbatedRelapse(sink, statusesBefore);
        }
    }

    // A relapse (or refractory disease) the record also says has abated is over by its own account (FHIR R4 con-4: an
    // abated Condition is inactive, resolved or in remission): what holds now is not stated, so it is only tentative.
    private static void DoubtAbatedRelapse(FactSink sink, int from)
    {
        for (var i = from; i < sink.Statuses.Count; i++)
        {
            var status = sink.Statuses[i];
            if (status.Status is DiseaseStatus.Relapsed or DiseaseStatus.Refractory && status.Evidence.Certainty == Certainty.Confirmed)
            {
                sink.Statuses[i] = status with { Evidence = status.Evidence with { Certainty = Certainty.Tentative, Value = $"{status.Evidence.Value}, but abated" } };
            }
        }
    }

    private void ReadStatuses(Condition condition, EffectiveTime? abated, EffectiveTime? dated, Coding? clinical, Certainty certainty, FactSink sink)
    {

        var code = Codings(condition.Code).First();
        var statusCodings = (clinical is null ? [] : new[] { clinical }).Concat(condition.Stage.SelectMany(s => Codings(s.Summary)));
        foreach (var coding in statusCodings)
        {
            DiseaseStatus? status = vocabulary.StatusRelapse.Contains(coding.System, coding.Code) ? DiseaseStatus.Relapsed
                : vocabulary.StatusRefractory.Contains(coding.System, coding.Code) ? DiseaseStatus.Refractory
                : vocabulary.StatusRemission.Contains(coding.System, coding.Code) ? DiseaseStatus.Remission
                : null;
            if (status is { } s)
            {
                var when = s == DiseaseStatus.Remission ? abated ?? dated : dated;
                var evidence = Cite(condition, code, when, coding.Display ?? coding.Code, SourceKind.StructuredValue, certainty);
                sink.Statuses.Add(new DiseaseStatusFact(evidence, s, false, Disease(code), $"Condition/{condition.Id}"));
            }
        }
    }

    /// <summary>True when the Condition's verification status is confirmed (or absent): not refuted, in error or tentative.</summary>
    public static bool IsConfirmed(Condition condition) =>
        condition.VerificationStatus?.Coding.FirstOrDefault()?.Code is null or "confirmed";

    public DonorType? Donor(Coding coding) =>
        vocabulary.HctAllogeneic.Contains(coding.System, coding.Code) ? DonorType.Allogeneic
        : vocabulary.HctAutologous.Contains(coding.System, coding.Code) ? DonorType.Autologous
        : vocabulary.HctUnspecified.Contains(coding.System, coding.Code) ? DonorType.Unknown
        : null;
}
