using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Policy;

namespace Cds.Service.Tests.Policy;

/// <summary>
/// A temporary policy folder (Cds:PolicyFolder) holding copies of the shipped 45.03 file and, when asked, the test-only
/// variant policy (tests/policies/variant-v01.json: its own id, wording and made-up service code CPT 0999V).
/// </summary>
public sealed class PolicyFolder : IDisposable
{
    public const string DliFile = "dli-45.03.json";
    public const string VariantFile = "variant-v01.json";
    public const string VariantCode = "0999V";

    public PolicyFolder(bool withVariant = true)
    {
        Path = Directory.CreateTempSubdirectory("cds-policies-").FullName;
        Write(DliFile, ShippedBytes());
        if (withVariant)
        {
            Write(VariantFile, File.ReadAllBytes(Repository.Path("tests", "policies", VariantFile)));
        }
    }

    public string Path { get; }

    public static byte[] ShippedBytes()
    {
        using var stream = typeof(PolicyDefinition).Assembly.GetManifestResourceStream(PolicyDefinition.DefaultPolicyResource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static JsonObject Shipped() => JsonNode.Parse(ShippedBytes())!.AsObject();

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Writes a file in one step (a temp file renamed over it), as a deployment would.</summary>
    public void Write(string name, byte[] bytes)
    {
        var temp = System.IO.Path.Combine(Path, $".{name}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, System.IO.Path.Combine(Path, name), overwrite: true);
    }

    public void Write(string name, JsonObject policy) => Write(name, System.Text.Encoding.UTF8.GetBytes(policy.ToJsonString()));

    public byte[] Read(string name) => File.ReadAllBytes(System.IO.Path.Combine(Path, name));

    public void Remove(string name) => File.Delete(System.IO.Path.Combine(Path, name));

    /// <summary>GET /policies, as JSON.</summary>
    public static async Task<JsonObject> ListAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/policies", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
    }

    /// <summary>"id version" of each policy GET /policies lists.</summary>
    public static async Task<IReadOnlyList<string>> ServingAsync(HttpClient client) =>
        [.. (await ListAsync(client))["policies"]!.AsArray().Select(p => $"{p!["id"]} {p["version"]}")];

    /// <summary>The meets-criteria sample with a second draft order, for the variant policy's made-up service code.</summary>
    public static JsonObject TwoPolicyRequest()
    {
        var request = Repository.Sample("order-sign-meets-criteria.json");
        request["hookInstance"] = Guid.NewGuid().ToString();
        var entries = request["context"]!["draftOrders"]!["entry"]!.AsArray();
        var variant = entries[0]!.DeepClone();
        variant["resource"]!["id"] = "sr-var-001";
        variant["resource"]!["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.ama-assn.org/go/cpt", ["code"] = VariantCode, ["display"] = "Variant infusion" }),
            ["text"] = "Variant infusion",
        };
        entries.Add(variant);
        return request;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
