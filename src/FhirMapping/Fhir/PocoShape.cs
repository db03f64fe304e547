using System.Collections;
using System.Reflection;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// Whether every element of a resource read in Ostrich mode can be used. Ostrich mode keeps a value of the wrong JSON
/// type (a number for a date, an array for a single CodeableConcept, an object for a code, a string for a
/// CodeableConcept): the property getter then throws, or the value silently reads as absent. Such a resource is
/// unreadable (the caller names it as missing data) instead of failing, or misleading, whoever reads it later. Unknown
/// elements of a resource and malformed dates stay lenient. A null item in a list (a JSON <c>null</c> inside an array of
/// elements) makes the resource unreadable too.
/// </summary>
/// <remarks>
/// One walk over the elements as stored (no getters): a primitive whose stored value is not of its .NET type, or a
/// node with overflow, is then checked through its property getters, which is where Ostrich's mismatches throw.
/// Clean data never takes that slower path.
/// </remarks>
internal static class PocoShape
{
    private const int MaxDepth = 64;

    /// <summary>Whether every element of <paramref name="node"/> can be used; a clean node (<see cref="CleanPoco"/>) is, without the walk.</summary>
    public static bool IsReadable(Base node) => CleanPoco.IsClean(node) || IsReadable(node, 0);

    private static bool IsReadable(Base node, int depth)
    {
        if (depth > MaxDepth || ModelInfo.ModelInspector.FindOrImportClassMapping(node.GetType()) is not { } mapping)
        {
            return false;
        }

        if (node.HasOverflow && !OverflowIsHarmless(node, mapping))
        {
            return false;
        }

        if (node is PrimitiveType primitive && !PrimitiveIsReadable(primitive, mapping))
        {
            return false;
        }

        foreach (var (_, element) in node.EnumerateElements())
        {
            switch (element)
            {
                case Base child when !IsReadable(child, depth + 1):
                    return false;
                case IEnumerable list and not string:
                    foreach (var item in list)
                    {
                        // A JSON null inside an array of elements ("reasonReference": [null]) is kept by Ostrich mode as
                        // a null item, which every reader would trip over: not FHIR, so the resource is unreadable.
                        if (item is null || (item is Base member && !IsReadable(member, depth + 1)))
                        {
                            return false;
                        }
                    }

                    break;
            }
        }

        return true;
    }

    // Unknown elements of a resource are tolerated; anything else in overflow is a value that did not fit: an object
    // where a primitive was expected ("code": {…}), a primitive where an object was expected ("clinicalStatus":
    // "active"), or a list or type the element does not take (its getter throws).
    private static bool OverflowIsHarmless(Base node, ClassMapping mapping)
    {
        foreach (var (name, element) in node.EnumerateElements())
        {
            if (mapping.FindMappedElementByName(name) is { } property)
            {
                if (!GetterWorks(node, property))
                {
                    return false;
                }
            }
            else if (node is PrimitiveType || (name == "value" && node is not Resource && element is PrimitiveType))
            {
                return false;
            }
        }

        return true;
    }

    // A primitive's stored value must be what its typed getter returns; when the stored .NET type differs (a number
    // for a date), the getter decides.
    private static bool PrimitiveIsReadable(PrimitiveType primitive, ClassMapping mapping)
    {
        var stored = primitive.JsonValue;
        if (stored is null || mapping.PrimitiveValueProperty is not { NativeProperty: { } native } value)
        {
            return true;
        }

        // Codes (Code<T>) store the JSON string and return an enum: a string is what they take.
        var expected = Nullable.GetUnderlyingType(native.PropertyType) ?? native.PropertyType;
        return expected.IsInstanceOfType(stored) || (stored is string && expected.IsEnum) || GetterWorks(primitive, value);
    }

    private static bool GetterWorks(Base node, PropertyMapping property)
    {
        if (property.NativeProperty is not { } native)
        {
            return true;
        }

        try
        {
            _ = native.GetValue(node);
            return true;
        }
        catch (TargetInvocationException e) when (e.InnerException is CodedValidationException or InvalidCastException or FormatException)
        {
            return false;
        }
    }
}
