using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Hl7.Fhir.Model;
using LinqExpression = System.Linq.Expressions.Expression;

namespace Cds.FhirMapping.Fhir;

/// <summary>
/// Whether a resource read in Ostrich mode is clean: no node has overflow, and every primitive stores a value of its
/// own .NET type or one its typed getter reads (an instant's string). A clean resource is readable (<see cref="PocoShape"/>
/// would walk it and find nothing), so the check is a sufficient condition for <see cref="PocoShape.IsReadable(Base)"/>,
/// never a replacement: anything else (overflow anywhere, a stored value the getter rejects, a node type the SDK made
/// up) is "not known clean" and goes through <see cref="PocoShape"/>'s full walk, exactly as before.
/// </summary>
/// <remarks>
/// <para>Why it is cheaper: <see cref="PocoShape"/> walks <c>Base.EnumerateElements()</c>, one nested iterator per class
/// level and an empty dictionary per leaf, and looks up the class mapping of every node (about 160 bytes and 85 ns a
/// node on a typical record). This walk reads the fields behind the mapped elements through delegates compiled once per
/// type and allocates nothing (a list property's getter would create an empty list: its field is read instead).</para>
/// <para>Why it visits the same children: without overflow, no element of a node is parked in overflow, so
/// <c>EnumerateElements()</c> yields exactly the node's non-empty mapped elements, read from the same fields (each a
/// <see cref="Base"/> or a list of them, never the overflow placeholder, which is there only beside overflow). The
/// primitive's own value is not a child; it is checked as <see cref="PocoShape"/> checks it.</para>
/// </remarks>
internal static class CleanPoco
{
    private const int MaxDepth = 64;

    // Lazy: hook calls arriving together at start-up would otherwise each compile the same type's readers.
    private static readonly ConcurrentDictionary<Type, Lazy<NodeShape>> Shapes = new();

    /// <summary>True only when every node of <paramref name="node"/> is mapped, has no overflow and holds a value its getter reads.</summary>
    public static bool IsClean(Base node) => IsClean(node, 0);

    private static bool IsClean(Base node, int depth)
    {
        if (depth > MaxDepth || node.HasOverflow)
        {
            return false;
        }

        var shape = Shapes.GetOrAdd(node.GetType(), static type => new Lazy<NodeShape>(() => NodeShape.Of(type))).Value;
        if (!shape.Known)
        {
            return false;
        }

        if (shape.Expected is { } expected && node is PrimitiveType { JsonValue: { } stored }
            && !expected.IsInstanceOfType(stored) && !(stored is string && expected.IsEnum) && !ValueReads(node, shape.Value!))
        {
            return false;
        }

        foreach (var child in shape.Children)
        {
            switch (child(node))
            {
                case Base single when !IsClean(single, depth + 1):
                    return false;
                case IList list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is not Base member || !IsClean(member, depth + 1))
                        {
                            return false;
                        }
                    }

                    break;
            }
        }

        return true;
    }

    // A stored value of another .NET type than the typed getter returns (an instant's string): the getter decides, as it
    // does for PocoShape. Whatever it throws, the resource is not known clean and PocoShape reads it as before.
    private static bool ValueReads(Base primitive, Func<Base, object?> value)
    {
        try
        {
            _ = value(primitive);
            return true;
        }
#pragma warning disable CA1031 // Not a failure here: PocoShape's walk then meets the same getter and decides as it always did.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>What the walk needs of one node type, built once: its element field readers and a primitive's value type and getter.</summary>
    private sealed class NodeShape
    {
        private static readonly MethodInfo GetterOf = typeof(NodeShape).GetMethod(nameof(Getter), BindingFlags.NonPublic | BindingFlags.Static)!;

        private NodeShape(bool known, Type? expected, Func<Base, object?>? value, Func<Base, object?>[] children)
        {
            Known = known;
            Expected = expected;
            Value = value;
            Children = children;
        }

        /// <summary>False for a type without a class mapping or made up by the deserializer (never known clean).</summary>
        public bool Known { get; }

        /// <summary>A primitive's value type as its typed getter returns it (as <see cref="PocoShape"/> reads it).</summary>
        public Type? Expected { get; }

        /// <summary>A primitive's typed value getter (set with <see cref="Expected"/>).</summary>
        public Func<Base, object?>? Value { get; }

        public Func<Base, object?>[] Children { get; }

        public static NodeShape Of(Type type)
        {
            if (type == typeof(DynamicPrimitive) || type == typeof(DynamicDataType) || type == typeof(DynamicResource)
                || ModelInfo.ModelInspector.FindOrImportClassMapping(type) is not { } mapping)
            {
                return new NodeShape(false, null, null, []);
            }

            Type? expected = null;
            Func<Base, object?>? valueGetter = null;
            if (mapping.PrimitiveValueProperty is { NativeProperty: { GetMethod: { } typedGetter } value })
            {
                expected = Nullable.GetUnderlyingType(value.PropertyType) ?? value.PropertyType;
                valueGetter = Delegate(typedGetter, value.PropertyType);
            }

            var children = new List<Func<Base, object?>>();
            foreach (var property in mapping.PropertyMappings)
            {
                if (property.RepresentsValueElement)
                {
                    continue;
                }

                // Every other mapped element is a Base or a list of them, kept in a field "_{Property}" of that type, which is
                // what EnumerateElements reads (a list's getter would create an empty list). Anything else is a shape
                // this walk does not know.
                if (property.NativeProperty is not { DeclaringType: { } declaring } native
                    || !(typeof(Base).IsAssignableFrom(native.PropertyType) || typeof(IEnumerable<Base>).IsAssignableFrom(native.PropertyType))
                    || declaring.GetField("_" + native.Name, BindingFlags.NonPublic | BindingFlags.Instance) is not { } field
                    || field.FieldType != native.PropertyType)
                {
                    return new NodeShape(false, null, null, []);
                }

                children.Add(FieldReader(field));
            }

            return new NodeShape(true, expected, valueGetter, [.. children]);
        }

        private static Func<Base, object?> FieldReader(FieldInfo field)
        {
            var node = LinqExpression.Parameter(typeof(Base), "node");
            var read = LinqExpression.Convert(LinqExpression.Field(LinqExpression.Convert(node, field.DeclaringType!), field), typeof(object));
            return LinqExpression.Lambda<Func<Base, object?>>(read, node).Compile();
        }

        private static Func<Base, object?> Delegate(MethodInfo getter, Type type) =>
            (Func<Base, object?>)GetterOf.MakeGenericMethod(getter.DeclaringType!, type).Invoke(null, [getter])!;

        private static Func<Base, object?> Getter<TNode, TValue>(MethodInfo getter)
            where TNode : Base
        {
            var typed = getter.CreateDelegate<Func<TNode, TValue>>();
            return node => typed((TNode)node);
        }
    }
}
