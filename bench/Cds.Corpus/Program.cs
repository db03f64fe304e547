using System.Globalization;
using System.Text.Json;
using Cds.Bench.Corpus;

// Cds.Corpus --out DIR [--seed N] [--fhir-server URL] NAME=RESOURCES [NAME=RESOURCES ...]
// Writes DIR/NAME.json (order-sign with full prefetch, RESOURCES resources in it) and, when --fhir-server is given,
// DIR/NAME.noprefetch.json (the same call without prefetch, to be answered by that FHIR server). --non-dli NAME=BASE
// writes DIR/NAME.json: corpus BASE's request (same prefetch) with a CBC draft order in place of the DLI order.
const string Usage = "usage: Cds.Corpus --out DIR [--seed N] [--fhir-server URL] [--non-dli NAME=BASE] NAME=RESOURCES [NAME=RESOURCES ...]";

string? outDir = null;
string? fhirServer = null;
var seed = 4503;
var corpora = new List<(string Name, int Resources)>();
var nonDli = new List<(string Name, string Base)>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length:
            outDir = args[++i];
            break;
        case "--seed" when i + 1 < args.Length:
            seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--fhir-server" when i + 1 < args.Length:
            fhirServer = args[++i];
            break;
        case "--non-dli" when i + 1 < args.Length && args[i + 1].Split('=') is [{ Length: > 0 } copyName, { Length: > 0 } baseName]:
            nonDli.Add((copyName, baseName));
            i++;
            break;
        default:
            if (args[i].Split('=') is [var name, var size] && int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var resources)
                && name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                corpora.Add((name, resources));
                break;
            }

            Console.Error.WriteLine(Usage);
            return 2;
    }
}

if (outDir is null || corpora.Count == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

Directory.CreateDirectory(outDir);
var options = new JsonSerializerOptions { WriteIndented = false };
var requests = new Dictionary<string, System.Text.Json.Nodes.JsonObject>(StringComparer.Ordinal);
foreach (var (name, resources) in corpora)
{
    var request = PatientRecord.HookRequest(name, resources, seed);
    requests[name] = request;
    var path = Path.Combine(outDir, $"{name}.json");
    await File.WriteAllTextAsync(path, request.ToJsonString(options));
    var line = $"{name}: {resources} resources, {new FileInfo(path).Length} bytes -> {path}";
    if (fhirServer is not null)
    {
        var bare = Path.Combine(outDir, $"{name}.noprefetch.json");
        await File.WriteAllTextAsync(bare, PatientRecord.WithoutPrefetch(request, fhirServer).ToJsonString(options));
        line += $", {bare}";
    }

    Console.WriteLine(line);
}

foreach (var (name, baseName) in nonDli)
{
    if (!requests.TryGetValue(baseName, out var request))
    {
        Console.Error.WriteLine($"--non-dli {name}={baseName}: no corpus {baseName} in this command");
        return 2;
    }

    var path = Path.Combine(outDir, $"{name}.json");
    await File.WriteAllTextAsync(path, PatientRecord.WithNonPolicyOrder(request).ToJsonString(options));
    Console.WriteLine($"{name}: {baseName} with a CBC order, {new FileInfo(path).Length} bytes -> {path}");
}

return 0;
