using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;
using Hl7.Fhir.Model;
using Evidence = Cds.FhirMapping.Facts.Evidence;
using ValueSet = Cds.FhirMapping.Policy.ValueSet;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// Turns a patient's FHIR resources into <see cref="ClinicalFacts"/>: one pass over the record, every code list and
/// text pattern taken from the <see cref="PolicyDefinition"/>. No decisions are made here, only observations.
/// </summary>
public sealed class FactExtractor(PolicyDefinition policy)
{
    private readonly ValueSet _heme = policy.ValueSet("heme-malignancy");
    private readonly ValueSet _hemeReview = policy.ValueSet("heme-malignancy-review");
    private readonly ValueSet _solid = policy.ValueSet("solid-malignancy");
    private readonly ValueSet _inRelapse = policy.ValueSet("heme-in-relapse");
    private readonly ValueSet _inRemission = policy.ValueSet("heme-in-remission");
    private readonly ValueSet _notAchievedRemission = policy.ValueSet("heme-not-achieved-remission");
    private readonly ValueSet _statusRelapse = policy.ValueSet("status-relapse");
    private readonly ValueSet _statusRefractory = policy.ValueSet("status-refractory");
    private readonly ValueSet _statusRemission = policy.ValueSet("status-remission");
    private readonly ValueSet _diseaseStatusObservation = policy.ValueSet("disease-status-observation");
    private readonly ValueSet _hctAllogeneic = policy.ValueSet("hct-allogeneic");
    private readonly ValueSet _hctAutologous = policy.ValueSet("hct-autologous");
    private readonly ValueSet _hctUnspecified = policy.ValueSet("hct-unspecified");
    private readonly ValueSet _allogeneicSignal = policy.ValueSet("allogeneic-signal");
    private readonly ValueSet _tCellDepleted = policy.ValueSet("t-cell-depleted-graft");
    private readonly ValueSet _unmanipulated = policy.ValueSet("unmanipulated-graft");
    private readonly ValueSet _chimerism = policy.ValueSet("chimerism-observation");
    private readonly ValueSet _chimerismRecipient = policy.ValueSet("chimerism-recipient-fraction");
    private readonly ValueSet _notes = policy.ValueSet("clinical-notes");
    private readonly ValueSet _geneticModification = policy.ValueSet("genetic-modification");
    private readonly ValueSet _nonMalignant = policy.ValueSet("non-malignant-indication");
    private readonly Regex _reducedIntensityText = policy.Pattern("reduced-intensity");
    private readonly Regex _myeloablativeText = policy.Pattern("myeloablative");
    private readonly Regex _tCellDepletedText = policy.Pattern("t-cell-depleted");
    private readonly Regex _notTCellDepletedText = policy.Pattern("not-t-cell-depleted");
    private readonly Regex _conditioningText = policy.Pattern("conditioning");
    private readonly Regex _investigationalText = policy.Pattern("investigational-transplant");
    private readonly Regex _negation = policy.Pattern("negation");
    private readonly Regex _chimerismText = policy.Pattern("chimerism-observation");
    private readonly Regex _recipientText = policy.Pattern("chimerism-recipient");
    private readonly Regex _donorText = policy.Pattern("chimerism-donor");
    private readonly Regex _geneticModificationText = policy.Pattern("genetic-modification");
    private readonly Regex _hctText = policy.Pattern("hct");
    private readonly Regex _allogeneicText = policy.Pattern("allogeneic");
    private readonly Regex _autologousText = policy.Pattern("autologous");
    private readonly PolicyDefinition _policy = policy;
    private readonly HashSet<string> _knownSystems = policy.Document.Systems.Values.SelectMany(uris => uris).ToHashSet(StringComparer.Ordinal);

    /// <summary>Extracts the facts the policy needs from the whole record.</summary>
    public ClinicalFacts Extract(ClinicalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var sink = new Sink();
        var conditions = new Dictionary<string, Condition>(StringComparer.Ordinal);
        foreach (var resource in record.Resources)
        {
            if (resource is Condition { Id: { } id } c)
            {
                conditions[id] = c;
            }
        }

        foreach (var resource in record.Resources)
        {
            switch (resource)
            {
                case Condition condition:
                    ReadCondition(condition, sink);
                    break;
                case Procedure procedure:
                    ReadProcedure(procedure, conditions, sink);
                    break;
                case Observation observation:
                    ReadObservation(observation, sink);
                    break;
                case DocumentReference document:
                    ReadDocument(document, sink);
                    break;
                case Coverage { Id: { } coverageId } coverage when coverage.Status == FinancialResourceStatusCodes.Active:
                    sink.Coverages.Add(new CoverageFact(
                        coverageId,
                        coverage.Payor.FirstOrDefault()?.Display,
                        coverage.SubscriberId));
                    break;
            }
        }

        return sink.ToFacts();
    }

    /// <summary>
    /// Reads the patient's resources and Bundles into a record, deserializing only what <see cref="Extract"/> uses:
    /// Conditions, Procedures, DocumentReferences, Coverages, and the Observations that are chimerism or disease-status
    /// results (judged on their JSON code). The facts are the same as from <see cref="ClinicalRecord.Parse(IEnumerable{JsonElement})"/>.
    /// </summary>
    public ClinicalRecord Read(IEnumerable<JsonElement> resourcesOrBundles) => ClinicalRecord.Parse(resourcesOrBundles, IsRelevant);

    private bool IsRelevant(string resourceType, JsonElement json) => resourceType switch
    {
        "Condition" or "Procedure" or "DocumentReference" or "Coverage" => true,
        "Observation" => IsRelevantObservation(json),
        _ => false,
    };

    // The same tests ReadObservation applies to Observation.code, on the JSON: most lab results stop here.
    private bool IsRelevantObservation(JsonElement json)
    {
        if (!json.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var text = new List<string>();
        if (code.TryGetProperty("text", out var codeText) && codeText.ValueKind == JsonValueKind.String)
        {
            text.Add(codeText.GetString()!);
        }

        if (code.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array)
        {
            foreach (var coding in codings.EnumerateArray())
            {
                if (coding.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var system = coding.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                var value = coding.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                if (_diseaseStatusObservation.Contains(system, value) || _chimerism.Contains(system, value) || _chimerismRecipient.Contains(system, value))
                {
                    return true;
                }

                if (coding.TryGetProperty("display", out var display) && display.ValueKind == JsonValueKind.String)
                {
                    text.Add(display.GetString()!);
                }
            }
        }

        return _chimerismText.IsMatch(string.Join(" ", text));
    }

    /// <summary>True when the draft order is a request to perform this policy's service (CPT 38242).</summary>
    public bool IsPolicyOrder(DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Resource is ServiceRequest request
            && request.DoNotPerform != true
            && request.Status is not (RequestStatus.Revoked or RequestStatus.EnteredInError or RequestStatus.Completed)
            && Codings(request.Code).Any(c => _policy.Service.Contains(c.System, c.Code));
    }

    /// <summary>Reads what the order itself says: genetic modification (IV) and its coded indication.</summary>
    public OrderFacts ExtractOrder(DraftOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var modification = new List<Evidence>();
        var indication = new Sink();
        var hasIndication = false;
        if (order.Resource is ServiceRequest request)
        {
            var date = ToDate(request.AuthoredOn);
            foreach (var coding in Codings(request.Code).Concat(request.OrderDetail.SelectMany(Codings)))
            {
                if (_geneticModification.Contains(coding.System, coding.Code))
                {
                    modification.Add(new Evidence("ServiceRequest", request.Id, coding.System, coding.Code, coding.Display, date, "engineered cell product code"));
                }
            }

            var texts = Texts(request.Code)
                .Concat(request.OrderDetail.SelectMany(Texts))
                .Concat(request.Note.Select(n => n.Text))
                .Append(request.PatientInstruction);
            foreach (var text in texts)
            {
                if (Find(_geneticModificationText, text, negation: _negation) is { } phrase)
                {
                    modification.Add(new Evidence("ServiceRequest", request.Id, null, null, null, date, $"\"{phrase}\""));
                }
            }

            foreach (var coding in request.ReasonCode.SelectMany(Codings))
            {
                ReadDiagnosis(request, coding, date, indication);
            }

            hasIndication = request.ReasonCode.Count > 0 || request.ReasonReference.Count > 0;
        }

        return new OrderFacts(order.ResourceType, order.Id, modification, indication.ToFacts(), hasIndication);
    }

    private void ReadCondition(Condition condition, Sink sink)
    {
        var verification = condition.VerificationStatus?.Coding.FirstOrDefault()?.Code;
        if (verification is "entered-in-error" or "refuted")
        {
            return;
        }

        var onset = condition.Onset switch
        {
            FhirDateTime dt => ToDate(dt.Value),
            Period p => ToDate(p.Start),
            _ => null,
        } ?? ToDate(condition.RecordedDate);
        var clinical = condition.ClinicalStatus?.Coding.FirstOrDefault();

        MalignancyKind? kind = null;
        foreach (var coding in Codings(condition.Code))
        {
            var found = ReadDiagnosis(condition, coding, onset, sink, recordMalignancy: kind is null);
            kind ??= found;
            var evidence = Cite(condition, coding, onset, clinical?.Code);
            if (_allogeneicSignal.Contains(coding.System, coding.Code))
            {
                sink.AllogeneicSignals.Add(evidence);
            }

            // "History of allogeneic BMT" and "stem cell transplant status" are recorded as Conditions; the
            // transplant date is not the condition's date, so it stays unknown.
            if (TransplantDonor(coding) is { } donor)
            {
                sink.Transplants.Add(new TransplantFact(evidence with { Value = "transplant status" }, donor, null, false, []));
            }
        }

        if (kind is MalignancyKind.Hematologic)
        {
            var statusCodings = (clinical is null ? [] : new[] { clinical })
                .Concat(condition.Stage.SelectMany(s => Codings(s.Summary)));
            foreach (var coding in statusCodings)
            {
                // A clinical status holds as of when it was recorded, not when the disease began.
                var recorded = Latest(onset, ToDate(condition.RecordedDate));
                var date = _statusRemission.Contains(coding.System, coding.Code) && condition.Abatement is FhirDateTime abated
                    ? ToDate(abated.Value) ?? recorded
                    : recorded;
                var evidence = Cite(condition, Codings(condition.Code).First(), date, coding.Display ?? coding.Code);
                if (_statusRelapse.Contains(coding.System, coding.Code))
                {
                    sink.Statuses.Add(new DiseaseStatusFact(evidence, DiseaseStatus.Relapsed, false));
                }
                else if (_statusRefractory.Contains(coding.System, coding.Code))
                {
                    sink.Statuses.Add(new DiseaseStatusFact(evidence, DiseaseStatus.Refractory, false));
                }
                else if (_statusRemission.Contains(coding.System, coding.Code))
                {
                    sink.Statuses.Add(new DiseaseStatusFact(evidence, DiseaseStatus.Remission, false));
                }
            }
        }
    }

    /// <summary>
    /// Classifies one diagnosis coding (a Condition's code or an order's reasonCode): malignancy kind, the status that
    /// the code itself carries, and non-malignant indications. Returns the malignancy kind, if any.
    /// </summary>
    private MalignancyKind? ReadDiagnosis(Resource resource, Coding coding, DateOnly? date, Sink sink, bool recordMalignancy = true)
    {
        var evidence = Cite(resource, coding, date, null);
        MalignancyKind? kind = _heme.Contains(coding.System, coding.Code) ? MalignancyKind.Hematologic
            : _hemeReview.Contains(coding.System, coding.Code) ? MalignancyKind.HematologicReview
            : _solid.Contains(coding.System, coding.Code) ? MalignancyKind.Solid
            : null;
        if (kind is { } k && recordMalignancy)
        {
            sink.Malignancies.Add(new MalignancyFact(evidence, k));
        }

        if (_inRelapse.Contains(coding.System, coding.Code))
        {
            sink.Statuses.Add(new DiseaseStatusFact(evidence with { Value = "in relapse (code)" }, DiseaseStatus.Relapsed, false));
        }
        else if (_inRemission.Contains(coding.System, coding.Code))
        {
            sink.Statuses.Add(new DiseaseStatusFact(evidence with { Value = "in remission (code)" }, DiseaseStatus.Remission, false));
        }
        else if (_notAchievedRemission.Contains(coding.System, coding.Code))
        {
            // Also the default code for newly diagnosed disease: refractory only when coded after the transplant.
            sink.Statuses.Add(new DiseaseStatusFact(evidence with { Value = "not having achieved remission (code)" }, DiseaseStatus.Refractory, true));
        }

        if (_nonMalignant.Contains(coding.System, coding.Code))
        {
            sink.NonMalignant.Add(evidence);
        }

        return kind;
    }

    private void ReadProcedure(Procedure procedure, Dictionary<string, Condition> conditions, Sink sink)
    {
        // Not done, not yet done (preparation, on hold) or recorded in error: not something the patient received.
        if (procedure.Status is EventStatus.EnteredInError or EventStatus.NotDone or EventStatus.Preparation or EventStatus.OnHold)
        {
            return;
        }

        var date = procedure.Performed switch
        {
            FhirDateTime dt => ToDate(dt.Value),
            Period p => ToDate(p.Start),
            _ => null,
        };
        var codings = Codings(procedure.Code).ToList();
        var texts = Texts(procedure.Code).Concat(procedure.Note.Select(n => n.Text)).OfType<string>().ToList();

        DonorType? donor = null;
        Coding? matched = null;
        foreach (var coding in codings)
        {
            if (TransplantDonor(coding) is { } d)
            {
                donor = d;
                matched = coding;
                break;
            }
        }

        var isTransplant = donor is not null;

        // A procedure with a standard code that is not a transplant code (a marrow biopsy "after allo-HCT", a prior DLI)
        // is not a transplant, whatever its words say.
        var locallyCoded = !codings.Any(c => c.System is { } system && _knownSystems.Contains(system));
        if ((donor is DonorType.Unknown || (donor is null && locallyCoded)) && texts.Any(_hctText.IsMatch))
        {
            // Local codes: read the donor type from the words ("allogeneic PBSC transplant", "auto-HCT").
            isTransplant = true;
            donor = texts.Any(_allogeneicText.IsMatch) ? DonorType.Allogeneic
                : texts.Any(_autologousText.IsMatch) ? DonorType.Autologous
                : DonorType.Unknown;
        }

        var primary = matched ?? codings.FirstOrDefault();
        if (isTransplant)
        {
            var indications = procedure.ReasonCode.SelectMany(Codings)
                .Concat(procedure.ReasonReference
                    .Select(r => r.Reference?.Split('/') is ["Condition", var id] && conditions.TryGetValue(id, out var c) ? c : null)
                    .OfType<Condition>()
                    .SelectMany(c => Codings(c.Code)))
                .Select(c => new CodeRef(c.System, c.Code, c.Display))
                .ToList();
            var investigational = texts.Any(t => Find(_investigationalText, t, negation: _negation) is not null);
            sink.Transplants.Add(new TransplantFact(
                Cite(procedure, primary, date, donor.ToString()!.ToLowerInvariant()),
                donor!.Value,
                date,
                investigational,
                indications));
        }

        var isGraftProcessing = false;
        foreach (var coding in codings)
        {
            if (_allogeneicSignal.Contains(coding.System, coding.Code))
            {
                sink.AllogeneicSignals.Add(Cite(procedure, coding, date, "implies a prior allogeneic graft"));
            }

            if (_tCellDepleted.Contains(coding.System, coding.Code))
            {
                sink.RelapseRisk.Add(new RelapseRiskFact(Cite(procedure, coding, date, "T-cell depleted graft"), RelapseRiskSignal.TCellDepletedGraft));
                isGraftProcessing = true;
            }
            else if (_unmanipulated.Contains(coding.System, coding.Code) && (_unmanipulated.ValidFrom is not { } from || date is null || date >= from))
            {
                sink.RelapseRisk.Add(new RelapseRiskFact(Cite(procedure, coding, date, "graft coded without T-cell depletion"), RelapseRiskSignal.UnmanipulatedGraft));
                isGraftProcessing = true;
            }
        }

        // Conditioning intensity and graft manipulation are usually words on the transplant or conditioning record.
        if (isTransplant || isGraftProcessing || texts.Any(_conditioningText.IsMatch))
        {
            // "not T-cell depleted" / "no T-cell depletion" contain the T-cell depletion phrase: only its negation counts.
            AddTextSignal(procedure, primary, date, texts, _tCellDepletedText, RelapseRiskSignal.TCellDepletedGraft, sink, except: _notTCellDepletedText);
            AddTextSignal(procedure, primary, date, texts, _notTCellDepletedText, RelapseRiskSignal.UnmanipulatedGraft, sink);
            if (!AddTextSignal(procedure, primary, date, texts, _reducedIntensityText, RelapseRiskSignal.ReducedIntensityConditioning, sink))
            {
                AddTextSignal(procedure, primary, date, texts, _myeloablativeText, RelapseRiskSignal.MyeloablativeConditioning, sink);
            }
        }
    }

    private static bool AddTextSignal(Procedure procedure, Coding? coding, DateOnly? date, List<string> texts, Regex pattern, RelapseRiskSignal signal, Sink sink, Regex? except = null)
    {
        foreach (var text in texts)
        {
            if (Find(pattern, text, except) is { } phrase)
            {
                sink.RelapseRisk.Add(new RelapseRiskFact(Cite(procedure, coding, date, $"\"{phrase}\""), signal));
                return true;
            }
        }

        return false;
    }

    private void ReadObservation(Observation observation, Sink sink)
    {
        if (observation.Status is ObservationStatus.Cancelled or ObservationStatus.EnteredInError or ObservationStatus.Registered)
        {
            return;
        }

        var date = observation.Effective switch
        {
            FhirDateTime dt => ToDate(dt.Value),
            Period p => ToDate(p.Start),
            Instant i => i.Value is { } v ? DateOnly.FromDateTime(v.UtcDateTime) : null,
            _ => null,
        } ?? (observation.Issued is { } issued ? DateOnly.FromDateTime(issued.UtcDateTime) : null);
        var codings = Codings(observation.Code).ToList();

        if (codings.Any(c => _diseaseStatusObservation.Contains(c.System, c.Code)) && observation.Value is CodeableConcept value)
        {
            foreach (var coding in Codings(value))
            {
                var evidence = Cite(observation, codings.First(c => _diseaseStatusObservation.Contains(c.System, c.Code)), date, coding.Display ?? coding.Code);
                DiseaseStatus? status = _statusRelapse.Contains(coding.System, coding.Code) ? DiseaseStatus.Relapsed
                    : _statusRefractory.Contains(coding.System, coding.Code) ? DiseaseStatus.Refractory
                    : _statusRemission.Contains(coding.System, coding.Code) ? DiseaseStatus.Remission
                    : null;
                if (status is { } s)
                {
                    sink.Statuses.Add(new DiseaseStatusFact(evidence, s, false));
                }
            }

            return;
        }

        var codeTexts = Texts(observation.Code).ToList();
        var codeText = string.Join(" ", codeTexts);
        var recipientByCode = codings.Any(c => _chimerismRecipient.Contains(c.System, c.Code));
        var isChimerism = recipientByCode
            || codings.Any(c => _chimerism.Contains(c.System, c.Code))
            || _chimerismText.IsMatch(codeText);
        if (!isChimerism)
        {
            return;
        }

        var specimen = observation.Specimen?.Display ?? string.Empty;
        var primary = codings.FirstOrDefault();
        if (observation.Value is Quantity quantity)
        {
            AddChimerism(observation, primary, date, quantity, $"{codeText} {specimen}", [.. codeTexts, specimen], recipientByCode, sink);
        }

        // Lineage panels: one component per sorted cell population.
        foreach (var component in observation.Component)
        {
            if (component.Value is Quantity q)
            {
                var componentTexts = Texts(component.Code).ToList();
                var componentText = string.Join(" ", componentTexts);
                var componentRecipient = recipientByCode || Codings(component.Code).Any(c => _chimerismRecipient.Contains(c.System, c.Code));
                AddChimerism(observation, Codings(component.Code).FirstOrDefault() ?? primary, date, q, $"{componentText} {codeText} {specimen}", [.. componentTexts, .. codeTexts, specimen], componentRecipient, sink, componentText);
            }
        }
    }

    private void AddChimerism(Observation observation, Coding? coding, DateOnly? date, Quantity quantity, string text, IReadOnlyList<string> lineageTexts, bool recipientByCode, Sink sink, string? ownText = null)
    {
        if (quantity.Value is not { } raw)
        {
            return;
        }

        var unit = quantity.Code ?? quantity.Unit ?? string.Empty;
        var percent = unit.Contains('%', StringComparison.Ordinal) ? raw
            : raw <= 1m && (unit.Length == 0 || unit is "1" or "{ratio}" or "ratio" or "{fraction}") ? raw * 100m
            : raw;
        var own = ownText ?? text;
        var recipient = recipientByCode || (_recipientText.IsMatch(own) && !_donorText.IsMatch(own));
        var donor = Math.Clamp(recipient ? 100m - percent : percent, 0m, 100m);
        var lineage = Lineage(lineageTexts);
        var shown = recipient
            ? $"{donor.ToString("0.#", CultureInfo.InvariantCulture)}% donor ({percent.ToString("0.#", CultureInfo.InvariantCulture)}% recipient)"
            : $"{donor.ToString("0.#", CultureInfo.InvariantCulture)}% donor";
        sink.Chimerism.Add(new ChimerismFact(Cite(observation, coding, date, $"{lineage}: {shown}"), lineage, donor, recipient));
    }

    /// <summary>
    /// The cell lineage of a chimerism result, from the most specific text that names exactly one lineage: a component's
    /// own code before the panel's code, the code's text before each display, the specimen last. A text that names
    /// several lineages (a panel title "sorted CD3+ and CD33+ cells", the CPT 81268 descriptor "eg, CD3, CD33") does not
    /// say which population this result is.
    /// </summary>
    private string Lineage(IReadOnlyList<string> texts)
    {
        foreach (var text in texts)
        {
            var named = _policy.Lineages.Where(l => l.Pattern.IsMatch(text)).Select(l => l.Id).Distinct(StringComparer.Ordinal).ToList();
            if (named.Count == 1)
            {
                return named[0];
            }
        }

        return "Unsorted";
    }

    private void ReadDocument(DocumentReference document, Sink sink)
    {
        if (document.Status is DocumentReferenceStatus.EnteredInError)
        {
            return;
        }

        DateOnly? date = document.Date is { } d ? DateOnly.FromDateTime(d.UtcDateTime) : null;
        foreach (var coding in Codings(document.Type))
        {
            if (_notes.Contains(coding.System, coding.Code))
            {
                sink.Notes.Add(new DocumentFact(Cite(document, coding, date, coding.Display)));
                return;
            }
        }
    }

    private DonorType? TransplantDonor(Coding coding) =>
        _hctAllogeneic.Contains(coding.System, coding.Code) ? DonorType.Allogeneic
        : _hctAutologous.Contains(coding.System, coding.Code) ? DonorType.Autologous
        : _hctUnspecified.Contains(coding.System, coding.Code) ? DonorType.Unknown
        : null;

    private static Evidence Cite(Resource resource, Coding? coding, DateOnly? date, string? value) =>
        new(resource.TypeName, resource.Id, coding?.System, coding?.Code, coding?.Display, date, value);

    private static IEnumerable<Coding> Codings(CodeableConcept? concept) =>
        concept?.Coding.Where(c => c is not null) ?? [];

    private static IEnumerable<string> Texts(CodeableConcept? concept)
    {
        if (concept is null)
        {
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(concept.Text))
        {
            yield return concept.Text;
        }

        foreach (var coding in concept.Coding)
        {
            if (!string.IsNullOrWhiteSpace(coding?.Display))
            {
                yield return coding.Display;
            }
        }
    }

    // The first match of pattern that does not overlap a match of except and is not negated just before it
    // ("not genetically modified", "not on a clinical trial").
    private static string? Find(Regex pattern, string? text, Regex? except = null, Regex? negation = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var excluded = except?.Matches(text);
        foreach (Match match in pattern.Matches(text))
        {
            if ((excluded is null || !excluded.Any(x => match.Index < x.Index + x.Length && x.Index < match.Index + match.Length))
                && (negation is null || !negation.IsMatch(text[..match.Index])))
            {
                return match.Value;
            }
        }

        return null;
    }

    private static DateOnly? Latest(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : (a > b ? a : b);

    /// <summary>Reads the date part of a FHIR date or dateTime ("2024", "2024-05", "2024-05-03T10:00:00Z").</summary>
    internal static DateOnly? ToDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length < 4)
        {
            return null;
        }

        var formats = value.Length switch
        {
            4 => "yyyy",
            7 => "yyyy-MM",
            _ => "yyyy-MM-dd",
        };
        var datePart = value.Length >= 10 ? value[..10] : value;
        return DateOnly.TryParseExact(datePart, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    private sealed class Sink
    {
        public List<MalignancyFact> Malignancies { get; } = [];

        public List<DiseaseStatusFact> Statuses { get; } = [];

        public List<TransplantFact> Transplants { get; } = [];

        public List<Evidence> AllogeneicSignals { get; } = [];

        public List<RelapseRiskFact> RelapseRisk { get; } = [];

        public List<ChimerismFact> Chimerism { get; } = [];

        public List<Evidence> NonMalignant { get; } = [];

        public List<DocumentFact> Notes { get; } = [];

        public List<CoverageFact> Coverages { get; } = [];

        public ClinicalFacts ToFacts() => new()
        {
            Malignancies = Malignancies,
            DiseaseStatus = Statuses,
            Transplants = Transplants,
            AllogeneicSignals = AllogeneicSignals,
            RelapseRisk = RelapseRisk,
            Chimerism = Chimerism,
            NonMalignantIndications = NonMalignant,
            Notes = Notes,
            ActiveCoverages = Coverages,
        };
    }
}
