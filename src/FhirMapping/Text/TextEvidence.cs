using System.Text.RegularExpressions;
using Cds.FhirMapping.Facts;

namespace Cds.FhirMapping.Text;

/// <summary>
/// The one context-aware reader of clinical text (the ConText algorithm of Chapman and Harkema, of the NegEx family):
/// it finds a target phrase and says how firmly the text states it. Every text signal in the product goes through it;
/// its whole lexicon (triggers, pseudo-triggers, termination terms, sentence ends, answers, window, precedence) is the
/// <c>textContext</c> section of the policy file. Immutable and thread-safe; built once per policy file.
/// </summary>
/// <remarks>
/// <para>The algorithm, for each match of the target that does not overlap a match of <c>except</c>:</para>
/// <list type="number">
/// <item><b>Triggers.</b> The text is scanned once for trigger terms, each with a category (negated, historical,
/// hypothetical, tentative, family) and a direction. Longer terms are tried first, so a pseudo-trigger ("no increase",
/// "not only", "gram negative", "negative selection") consumes its words and nothing in it triggers. A trigger that
/// overlaps a match of the target is part of that phrase, not context: "non-myeloablative" is a reduced-intensity
/// phrase, not a negated one, and "not T-cell depleted" is the not-T-cell-depleted phrase.</item>
/// <item><b>Scope.</b> A forward trigger ("no", "without", "history of", "candidate for", "non-") governs a target
/// after it; a backward trigger ("ruled out", "non-reactive", "declined", "pending") a target before it, and only makes
/// it tentative across a soft boundary ("," "and" "with": "HSV-TK DLI ordered, CMV negative" may be about CMV alone); so
/// does a forward negation across one ("No GVHD, HSV-TK cells" must not read as "no HSV-TK"). The scope
/// runs at most <c>windowWords</c> words and ends at a sentence end (".", "!", "?", a line break, a bullet) or at a
/// termination term ("but", "however", "now", "currently", "except", "which", ";" …): "History: CAR-T in 2023; now
/// unmanipulated DLI" leaves "unmanipulated" confirmed, "No GVHD now and HSV-TK gene-modified cells" leaves "HSV-TK"
/// confirmed.</item>
/// <item><b>Questions and answers.</b> When the target is part of a question or label followed by a separator and an
/// answer that ends the segment ("Genetically modified cells?: No", "T-cell depletion: none", "CAR-T: N",
/// "Clinical trial enrollment - declined"), the answer's category applies as if it were a trigger, however long the
/// question (up to 100 characters of it, within the clause); when a soft boundary lies between the phrase and the separator the
/// answer may be about another subject ("HSV-TK DLI ordered, CMV: negative"), so the phrase is only tentative. An answer that only
/// affirms ("Gene-modified product? Yes") changes nothing, so it is not in the lexicon. A bare answer is no trigger
/// for what follows it: in "CAR-T: no, HSV-TK: yes" the "no" answers "CAR-T" and leaves "HSV-TK" confirmed.</item>
/// <item><b>Precedence.</b> When several categories apply, the first in <c>precedence</c> wins; the shipped order is
/// family &gt; negated &gt; hypothetical &gt; tentative &gt; historical. A statement about someone else says nothing about
/// this patient, whether it affirms or denies ("no family history of bone marrow transplant" must not read as "this
/// patient never had one"); a statement that something is absent settles it for the patient whatever else is said
/// ("never had a prior", "not a candidate for"); a plan or a condition ("if relapse, consider") has not happened, which
/// outranks doubt about whether it happened; and doubt outranks time, because "possible prior CAR-T" must not be taken
/// as a fact of the past. The trigger reported is the nearest one of the winning category.</item>
/// </list>
/// <para><b>Historical is only reported, never judged.</b> "s/p allo-HCT", "history of RIC conditioning" are
/// historical, and for a transplant or its conditioning the past IS the fact the policy asks about; for a genetically
/// modified product on this order, a past CAR-T is not. The caller decides what <see cref="Certainty.Historical"/>
/// means for its criterion.</para>
/// </remarks>
public sealed class TextEvidence
{
    private readonly TextLexicon _lexicon;

    private TextEvidence(TextLexicon lexicon) => _lexicon = lexicon;

    /// <summary>Compiles the reader from the policy file's lexicon (already validated).</summary>
    internal static TextEvidence From(TextContextDocument document) => new(TextLexicon.Compile(document));

    /// <summary>
    /// The text, ready to be read for as many targets as the caller has: its sentence ends, and the triggers and
    /// termination terms of each sentence a target falls in, are found once, the first time they are needed, and reused
    /// for every target (a reader that asks one text several questions reads it once). Each
    /// <see cref="ScannedText.Find"/> gives exactly what <see cref="Find"/> gives for the same target.
    /// </summary>
    public ScannedText Read(string? text) => new(_lexicon, text);

    /// <summary>
    /// Every match of <paramref name="target"/> in <paramref name="text"/>, each with the certainty its context gives it
    /// and the trigger that decided it (null when confirmed). Null or blank text gives none; a match that overlaps a
    /// match of <paramref name="except"/> is skipped.
    /// </summary>
    public IReadOnlyList<TextFinding> Find(string? text, Regex target, Regex? except = null)
    {
        // Most texts hold no match of the target: nothing is made for them.
        ArgumentNullException.ThrowIfNull(target);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var matches = target.Matches(text);
        return matches.Count == 0 ? [] : new ScannedText(_lexicon, text).Findings(text, matches, except);
    }

    /// <summary>The first confirmed finding of <paramref name="target"/>, or null.</summary>
    public TextFinding? FindConfirmed(string? text, Regex target, Regex? except = null) =>
        Find(text, target, except).FirstOrDefault(f => f.Certainty == Certainty.Confirmed);
}
