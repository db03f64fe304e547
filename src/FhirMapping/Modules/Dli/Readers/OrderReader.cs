using Cds.FhirMapping.Facts;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;
using Evidence = Cds.FhirMapping.Facts.Evidence;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Reads what the order itself says: genetic modification (IV) from its codes and words, and its indication
/// (<c>reasonCode</c>, read like a diagnosis on the problem list; <c>reasonReference</c>, resolved by the evaluator).
/// </summary>
internal sealed class OrderReader(Vocabulary vocabulary, DiagnosisReader diagnoses)
{
    public OrderFacts Read(DraftOrder order)
    {
        var modification = new List<Evidence>();
        var indication = new FactSink();
        var hasIndication = false;
        var nonMalignant = new List<Evidence>();
        var malignant = new List<Evidence>();
        var otherIndication = new List<Evidence>();
        if (order.Resource is ServiceRequest request)
        {
            var when = FhirDates.Read(request.AuthoredOn);
            foreach (var coding in Codings(request.Code).Concat(request.OrderDetail.SelectMany(Codings)))
            {
                if (vocabulary.GeneticModification.Contains(coding.System, coding.Code))
                {
                    modification.Add(Cite(request, coding, when, "engineered cell product code"));
                }
            }

            // The order's own words decide IV, but only what they state as a fact about this product: "not a CAR-T
            // product", "Genetically modified cells?: No", "History: CAR-T in 2023; now unmanipulated DLI" do not.
            var words = Texts(request.Code)
                .Concat(request.OrderDetail.SelectMany(Texts))
                .Concat(Notes(request.Note))
                .Append(request.PatientInstruction);
            var uncertain = new List<Evidence>();
            foreach (var text in words)
            {
                // III: another indication in the order's words ("virus-specific T cells", "for CMV infection"), stated
                // or suspected; a negated, historical or hypothetical one ("hold if CMV reactivation") is not.
                foreach (var finding in vocabulary.Text.Find(text, vocabulary.OtherIndicationText))
                {
                    if (finding.Certainty is Certainty.Confirmed or Certainty.Tentative)
                    {
                        otherIndication.Add(Cite(request, null, when, finding, SourceKind.OrderText));
                    }
                }

                foreach (var finding in vocabulary.Text.Find(text, vocabulary.GeneticModificationText))
                {
                    if (finding.Certainty == Certainty.Confirmed)
                    {
                        modification.Add(Cite(request, null, when, finding, SourceKind.OrderText));
                    }
                    else if (finding.Certainty is Certainty.Tentative or Certainty.Hypothetical)
                    {
                        uncertain.Add(Cite(request, null, when, finding, SourceKind.OrderText));
                    }
                }
            }

            foreach (var coding in request.ReasonCode.SelectMany(Codings))
            {
                var kind = diagnoses.Read(request, coding, when, Certainty.Confirmed, indication, isOrder: true);
                var evidence = Cite(request, coding, when, "order indication");
                if (kind is not null)
                {
                    malignant.Add(evidence);
                }
                else if (vocabulary.NonMalignant.Contains(coding.System, coding.Code))
                {
                    nonMalignant.Add(evidence);
                }
            }

            // A reason in words only (or in a local code system) is read by no value set: kept, so that it is not
            // taken as "no other indication".
            var unread = new List<Evidence>();
            foreach (var reason in request.ReasonCode)
            {
                var codings = Codings(reason).ToList();
                if (codings.Any(c => c.System is { } system && vocabulary.KnownSystems.Contains(system)))
                {
                    continue;
                }

                var stated = reason.Text ?? codings.Select(c => c.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d));
                if (!string.IsNullOrWhiteSpace(stated) || codings.Count > 0)
                {
                    unread.Add(Cite(request, codings.FirstOrDefault(), when, $"order indication \"{stated ?? codings[0].Code}\"", SourceKind.OrderText));
                }
            }

            hasIndication = request.ReasonCode.Count > 0 || request.ReasonReference.Count > 0;
            var references = request.ReasonReference.Select(r => r.Reference).OfType<string>().ToList();
            return new OrderFacts(order.ResourceType, order.Id, modification, indication.ToFacts([]), hasIndication)
            {
                NonMalignantReasons = nonMalignant,
                MalignantReasons = malignant,
                UnreadReasons = unread,
                OtherIndicationWords = otherIndication,
                ReasonReferences = references,
                UncertainGeneticModification = uncertain,
            };
        }

        return new OrderFacts(order.ResourceType, order.Id, modification, indication.ToFacts([]), hasIndication);
    }
}
