using System.Text.Json;

namespace Cds.FhirMapping.Fhir.Direct;

/// <summary>The shared rules of the direct readers for JSON objects and arrays: no duplicate element, no empty array, no null item.</summary>
internal static class DirectObject
{
    /// <summary>Marks element <paramref name="bit"/> as read; false when it was read before (a duplicate name, or a second choice of a [x] element).</summary>
    public static bool Once(ref int seen, int bit)
    {
        if ((seen & bit) != 0)
        {
            return false;
        }

        seen |= bit;
        return true;
    }

    /// <summary>Every item of a non-empty JSON array read by <paramref name="read"/>, or null when the array is empty or any item is not handled.</summary>
    public static List<T>? List<T>(JsonElement array, Func<JsonElement, T?> read)
        where T : class
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() is not (> 0 and var length))
        {
            return null;
        }

        var items = new List<T>(length);
        foreach (var item in array.EnumerateArray())
        {
            if (read(item) is not { } value)
            {
                return null;
            }

            items.Add(value);
        }

        return items;
    }
}
