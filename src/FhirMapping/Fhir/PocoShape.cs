using System.Collections;
using System.Reflection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// Whether every element of a resource read in Ostrich mode can be used. Ostrich mode keeps a value of the wrong JSON
/// type (a number for a date, an array for a single CodeableConcept, an object for a code) and the property getter
/// then throws; such a resource is treated as unreadable instead of failing whoever reads it later.
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
