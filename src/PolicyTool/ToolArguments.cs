namespace Cds.PolicyTool;

/// <summary>A command's options (<c>--name value</c>, or a flag) and positional arguments, checked against what the command accepts.</summary>
internal sealed class ToolArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private ToolArguments(List<string> positional) => Positional = positional;

    public IReadOnlyList<string> Positional { get; }

    public static ToolArguments Parse(IEnumerable<string> args, string command, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        var positional = new List<string>();
        var parsed = new ToolArguments(positional);
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            if (flags.Contains(arg))
            {
                parsed._flags.Add(arg);
                continue;
            }

            if (!options.Contains(arg))
            {
                throw new ToolInputException($"'{command}' has no option {arg} (options: {string.Join(", ", options.Concat(flags))})");
            }

            if (!e.MoveNext() || e.Current.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ToolInputException($"option {arg} needs a value");
            }

            if (!parsed._values.TryAdd(arg, e.Current))
            {
                throw new ToolInputException($"option {arg} is given twice");
            }
        }

        return parsed;
    }

    public string? this[string option] => _values.GetValueOrDefault(option);

    public bool Has(string flag) => _flags.Contains(flag);
}
