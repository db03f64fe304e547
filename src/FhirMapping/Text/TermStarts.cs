namespace Cds.FhirMapping.Text;

/// <summary>
/// The characters a lexicon term (a regular-expression fragment) can begin with, when that is plain to see: literal
/// ASCII letters and digits, through groups and alternatives ("(was |were )?cancel(l)?ed" begins with w or c). Letters
/// are given in lower case and stand for every character the case-insensitive engine takes for them. Anything else
/// (a class, an escape such as \w, a wildcard, a look-around, a non-ASCII letter, punctuation, a term that may match
/// nothing) gives null: the term may begin anywhere. Only ever an over-estimate, never an under-estimate.
/// </summary>
internal static class TermStarts
{
    /// <summary>The lower-cased ASCII letters and digits <paramref name="term"/> can begin with, or null when not plain.</summary>
    public static IReadOnlySet<char>? Of(string term)
    {
        var at = 0;
        var starts = new HashSet<char>();
        return Alternatives(term, ref at, starts) && at == term.Length && !starts.Contains(NotPlain) ? starts : null;
    }

    // A start that is not an ASCII letter or digit (a space, a punctuation mark): the term is then not plain.
    private const char NotPlain = '\0';

    // Alternatives up to the end of the term or of the enclosing group (at is left on its ')'); false when not plain or
    // when an alternative may match nothing.
    private static bool Alternatives(string term, ref int at, HashSet<char> starts)
    {
        while (true)
        {
            if (!Sequence(term, ref at, starts))
            {
                return false;
            }

            if (at < term.Length && term[at] == '|')
            {
                at++;
                continue;
            }

            return true;
        }
    }

    // One alternative: its atoms' starts up to the first atom that must match something; the rest is skipped over.
    private static bool Sequence(string term, ref int at, HashSet<char> starts)
    {
        var settled = false;
        while (at < term.Length && term[at] is not ('|' or ')'))
        {
            if (settled)
            {
                // Past the start: only the end of the alternative matters.
                if (!SkipAtom(term, ref at) || (at < term.Length && term[at] is '?' or '*' or '+' or '{' && !SkipQuantifier(term, ref at)))
                {
                    return false;
                }

                continue;
            }

            var atomStarts = new HashSet<char>();
            if (!Atom(term, ref at, atomStarts))
            {
                return false;
            }

            var optional = false;
            if (at < term.Length && term[at] is '?' or '*' or '+' or '{')
            {
                optional = term[at] is '?' or '*' || (term[at] == '{' && at + 1 < term.Length && term[at + 1] == '0');
                if (!SkipQuantifier(term, ref at))
                {
                    return false;
                }
            }

            starts.UnionWith(atomStarts);
            settled = !optional;
        }

        return settled;
    }

    private static bool Atom(string term, ref int at, HashSet<char> starts)
    {
        var c = term[at];
        if (char.IsAsciiLetterOrDigit(c))
        {
            starts.Add(char.ToLowerInvariant(c));
            at++;
            return true;
        }

        if (c == '(')
        {
            // A plain group: "(...)" or "(?:...)"; look-arounds, named groups and inline options are not plain.
            at++;
            if (at < term.Length && term[at] == '?')
            {
                if (at + 1 >= term.Length || term[at + 1] != ':')
                {
                    return false;
                }

                at += 2;
            }

            if (!Alternatives(term, ref at, starts) || at >= term.Length || term[at] != ')')
            {
                return false;
            }

            at++;
            return true;
        }

        // Spaces and punctuation that stand for themselves (only after a first atom that settles the start: they are
        // not letters or digits, so a term or alternative that may begin with one is not plain).
        if (c is ' ' or '-' or '\'' or '/' or ',' or '&' or ';' or ':' or '=' or '%' or '#' or '"' or '<' or '>' or '~' or '!' or '@' or '_')
        {
            starts.Add(NotPlain);
            at++;
            return true;
        }

        if (c == '\\' && at + 1 < term.Length && !char.IsAsciiLetterOrDigit(term[at + 1]))
        {
            // An escaped punctuation mark ("\.", "\-") is itself; "\w", "\d", "\s", "\b", "\u…" are not plain.
            starts.Add(NotPlain);
            at += 2;
            return true;
        }

        return false;
    }

    // Any atom, understood or not: an escape, a class, a group (to its closing parenthesis) or one character.
    private static bool SkipAtom(string term, ref int at)
    {
        switch (term[at])
        {
            case '\\':
                at += 2;
                return at <= term.Length;
            case '[':
                at++;
                if (at < term.Length && term[at] == '^')
                {
                    at++;
                }

                // A ']' first in a class is a literal.
                if (at < term.Length && term[at] == ']')
                {
                    at++;
                }

                while (at < term.Length && term[at] != ']')
                {
                    at += term[at] == '\\' ? 2 : 1;
                }

                at++;
                return at <= term.Length;
            case '(':
                at++;
                while (at < term.Length && term[at] != ')')
                {
                    if (term[at] == '|' || term[at] is '?' or '*' or '+')
                    {
                        at++;
                    }
                    else if (!SkipAtom(term, ref at))
                    {
                        return false;
                    }
                }

                at++;
                return at <= term.Length;
            default:
                at++;
                return true;
        }
    }

    private static bool SkipQuantifier(string term, ref int at)
    {
        if (term[at] == '{')
        {
            var close = term.IndexOf('}', at);
            if (close < 0)
            {
                return false;
            }

            at = close + 1;
        }
        else
        {
            at++;
        }

        // A lazy or possessive mark after the quantifier.
        if (at < term.Length && term[at] is '?' or '+')
        {
            at++;
        }

        return true;
    }
}
