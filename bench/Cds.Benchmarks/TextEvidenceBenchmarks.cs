using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Text;

namespace Cds.Bench.Micro;

/// <summary>
/// The context-aware text reader: one order comment, a progress note of ~2 KB and ~50 KB, and loading the policy file
/// (which compiles the lexicon).
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "BenchmarkDotNet runs public benchmark types only.")]
public class TextEvidenceBenchmarks
{
    private const string OrderComment = "Donor lymphocyte infusion, unmanipulated. History: CAR-T in 2023; now standard DLI. Genetically modified cells?: No";

    private const string NoteParagraph =
        "54M with AML s/p 8/8 MUD allo-HCT (RIC Flu/Mel 140) 03/2023, no GVHD now. Graft was not T-cell depleted; ATG was omitted. " +
        "Peripheral blood chimerism: CD3 64% donor, CD33 91% donor. Candidate for DLI; will discuss CAR-T only if relapse progresses. ";

    // A transplant procedure's words, which ProcedureReader asks six questions (graft and conditioning).
    private const string ProcedureText =
        "Allogeneic HCT from 8/8 MUD, PBSC graft, not T-cell depleted; ATG given in vivo. " +
        "Conditioning: reduced-intensity (Flu/Mel 140), not myeloablative. No CD34+ selection, no GVHD now.";

    private string _note = string.Empty;

    private PolicyDefinition _policy = null!;
    private Regex _geneticModification = null!;
    private Regex _tCellDepleted = null!;
    private Regex[] _procedureTargets = [];
    private Regex _notDepletedOrInVivo = null!;

    /// <summary>Paragraphs of ~250 characters in the note: 8 is about 2 KB, 200 about 50 KB.</summary>
    [Params(8, 200)]
    public int NoteParagraphs { get; set; } = 8;

    [GlobalSetup]
    public void Setup()
    {
        _note = string.Join(' ', Enumerable.Repeat(NoteParagraph, NoteParagraphs));
        _policy = PolicyFiles.LoadDefault();
        _geneticModification = _policy.Pattern(PolicyNames.Patterns.GeneticModification);
        _tCellDepleted = _policy.Pattern(PolicyNames.Patterns.TCellDepleted);
        _procedureTargets = [.. new[]
        {
            PolicyNames.Patterns.NotTCellDepleted, PolicyNames.Patterns.InVivoTCellDepletion, PolicyNames.Patterns.ReducedIntensity,
            PolicyNames.Patterns.Myeloablative, PolicyNames.Patterns.InvestigationalTransplant,
        }.Select(_policy.Pattern)];
        var notDepleted = _policy.Pattern(PolicyNames.Patterns.NotTCellDepleted);
        _notDepletedOrInVivo = new Regex($"(?:{notDepleted})|(?:{_policy.Pattern(PolicyNames.Patterns.InVivoTCellDepletion)})", notDepleted.Options, notDepleted.MatchTimeout);
    }

    /// <summary>The six questions of ProcedureReader on one procedure text, each a Find of its own.</summary>
    [Benchmark]
    public int ProcedureTextFindEach()
    {
        var found = _policy.Text.Find(ProcedureText, _tCellDepleted, _notDepletedOrInVivo).Count;
        foreach (var target in _procedureTargets)
        {
            found += _policy.Text.Find(ProcedureText, target).Count;
        }

        return found;
    }

    /// <summary>The same six questions on one reading of the text (TextEvidence.Read), as ProcedureReader asks them now.</summary>
    [Benchmark]
    public int ProcedureTextReadOnce()
    {
        var text = _policy.Text.Read(ProcedureText);
        var found = text.Find(_tCellDepleted, _notDepletedOrInVivo).Count;
        foreach (var target in _procedureTargets)
        {
            found += text.Find(target).Count;
        }

        return found;
    }

    [Benchmark]
    public IReadOnlyList<TextFinding> OrderCommentGeneticModification() => _policy.Text.Find(OrderComment, _geneticModification);

    [Benchmark]
    public IReadOnlyList<TextFinding> NoteTCellDepleted() => _policy.Text.Find(_note, _tCellDepleted);

    [Benchmark]
    [SuppressMessage("Performance", "CA1822", Justification = "BenchmarkDotNet benchmarks are instance methods.")]
    public PolicyDefinition LoadPolicy() => PolicyFiles.LoadDefault();
}
