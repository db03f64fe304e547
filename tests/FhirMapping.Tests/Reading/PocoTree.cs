using System.Collections;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Tests.Reading;

/// <summary>
/// Whether two POCOs hold the same tree: the same elements (overflow included) by name and in order, of the same .NET
/// types, with equal stored primitive values and lists of the same length (null items included). Firely's
/// <c>IsExactly</c> throws on a list with a null item, which Ostrich mode keeps.
/// </summary>
internal static class PocoTree
{
    public static bool Same(Base? a, Base? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.GetType() != b.GetType() || (a is PrimitiveType pa && !Equals(pa.JsonValue, ((PrimitiveType)b).JsonValue)))
        {
            return false;
        }

        var left = a.EnumerateElements().ToList();
        var right = b.EnumerateElements().ToList();
        return left.Count == right.Count && left.Zip(right).All(p => p.First.Key == p.Second.Key && SameValue(p.First.Value, p.Second.Value));
    }

    private static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (Base x, Base y) => Same(x, y),
        (IList x, IList y) => x.Count == y.Count && Enumerable.Range(0, x.Count).All(i => Same(x[i] as Base, y[i] as Base) && (x[i] is null) == (y[i] is null) && (x[i] is Base || Equals(x[i], y[i]))),
        _ => Equals(a, b),
    };
}
