using System.Globalization;
using Cds.Bench.JwtPool;

// Cds.JwtPool key --out DIR
//   writes DIR/client.pem (the bench client's private P-384 key) and DIR/client.args (the service's configuration
//   registering that client's public key inline, one command-line argument a line).
// Cds.JwtPool mint --key DIR/client.pem --audience URL --count N --out FILE [--lifetime-minutes M]
//   writes FILE: N ES384 JWTs, one a line, each with its own jti, valid from now for M minutes (50).
const string Usage = "usage: Cds.JwtPool key --out DIR | Cds.JwtPool mint --key PEM --audience URL --count N --out FILE [--lifetime-minutes M]";

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i]] = args[i + 1];
}

switch (args.FirstOrDefault())
{
    case "key" when options.TryGetValue("--out", out var dir):
    {
        Directory.CreateDirectory(dir);
        using var key = BenchKey.Create();
        await File.WriteAllTextAsync(Path.Combine(dir, "client.pem"), key.ExportPkcs8PrivateKeyPem());
        await File.WriteAllLinesAsync(Path.Combine(dir, "client.args"), BenchKey.ServiceArguments(key));
        Console.Error.WriteLine($"wrote {dir}/client.pem and {dir}/client.args (issuer {BenchKey.Issuer}, kid {BenchKey.KeyId})");
        return 0;
    }

    case "mint" when options.TryGetValue("--key", out var pem) && options.TryGetValue("--audience", out var audience)
        && options.TryGetValue("--out", out var file) && options.TryGetValue("--count", out var countText)
        && int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0:
    {
        var minutes = options.TryGetValue("--lifetime-minutes", out var m) ? int.Parse(m, CultureInfo.InvariantCulture) : 50;
        using var key = BenchKey.Load(pem);
        var minter = new TokenMinter(key, BenchKey.KeyId, BenchKey.Issuer, audience, TimeSpan.FromMinutes(minutes));
        await File.WriteAllLinesAsync(file, minter.MintMany(count, DateTimeOffset.UtcNow));
        Console.Error.WriteLine($"minted {count} tokens into {file}");
        return 0;
    }

    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
