using System.Collections;
using System.Reflection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// Whether every element of a resource read in Ostrich mode can be used. Ostrich mode keeps a value of the wrong JSON
/// type (a number for a date, an array for a single CodeableConcept, an object for a code, a string for a
/// CodeableConcept): the property getter then throws, or the value silently reads as absent. Such a resource is
/// unreadable (the caller names it as missing data) instead of failing, or misleading, whoever reads it later. Unknown
/// elements of a resource and malformed dates stay lenient.
/// </summary>
internal static class PocoShape
{
    private const int MaxDepth = 64;

    public static bool IsReadable(Base node) => IsReadable(node, 0);

    private static bool IsReadable(Base node, int depth)
    {
        if (depth > MaxDepth || ModelInfo.ModelInspector.FindOrImportClassMapping(node.GetType()) is not { } mapping)
        {
            return false;
        }

        foreach (var (name, element) in node.EnumerateElements())
        {
            // Ostrich keeps what did not fit as an element the type does not have: an object where a primitive was
            // expected ("code": {…}), or a primitive where an object was expected ("clinicalStatus": "active").
            if (mapping.FindMappedElementByName(name) is null
                && (node is PrimitiveType || (name == "value" && node is not Resource && element is PrimitiveType)))
            {
                return false;
            }
        }

        foreach (var property in mapping.PropertyMappings)
        {
            if (property.NativeProperty is not { } native)
            {
                continue;
            }

            object? value;
            try
            {
                value = native.GetValue(node);
            }
            catch (TargetInvocationException e) when (e.InnerException is CodedValidationException or InvalidCastException or FormatException)
            {
                return false;
            }

            switch (value)
            {
                case Base child when !IsReadable(child, depth + 1):
                    return false;
                case IEnumerable list and not string:
                    foreach (var item in list)
                    {
                        if (item is Base element && !IsReadable(element, depth + 1))
                        {
                            return false;
                        }
                    }

                    break;
            }
        }

        return true;
    }
}
