using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cds.Service.Ledger;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Cds.Service.Tests.Ledger;

/// <summary>
/// Where a test's ledger lives: a SQLite file in its own data directory, or its own schema in the PostgreSQL server named
/// by <c>CDS_TEST_POSTGRES</c> (set by .ci/postgres.sh). Without that variable the PostgreSQL tests are skipped, except in
/// CI (<c>CI=true</c>), where they fail: there they must run.
/// </summary>
public sealed class LedgerBackend : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";
    public const string PostgresVariable = "CDS_TEST_POSTGRES";

    private static readonly string[] Tables = ["hook_call", "coverage_assertion", "hook_card", "card_feedback", "jwt_replay", "ledger_schema"];

    private readonly string? _adminConnectionString;
    private readonly string? _schema;

    private LedgerBackend(string kind, string dataDirectory, string? adminConnectionString, string? schema)
    {
        Kind = kind;
        DataDirectory = dataDirectory;
        _adminConnectionString = adminConnectionString;
        _schema = schema;
        ConnectionString = adminConnectionString is null ? null : new NpgsqlConnectionStringBuilder(adminConnectionString) { SearchPath = schema }.ToString();
    }

    public string Kind { get; }

    /// <summary>The service's data directory (the SQLite file, and the spool for either store).</summary>
    public string DataDirectory { get; }

    /// <summary>PostgreSQL only: the connection string of the test's own schema.</summary>
    public string? ConnectionString { get; }

    public string SqlitePath => Path.Combine(DataDirectory, "ledger.db");

    public static async Task<LedgerBackend> CreateAsync(string kind)
    {
        var directory = Directory.CreateTempSubdirectory("cds-ledger-").FullName;
        if (kind == Sqlite)
        {
            return new LedgerBackend(kind, directory, null, null);
        }

        var connectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Directory.Delete(directory, recursive: true);
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"{PostgresVariable} is not set: CI must run the PostgreSQL ledger tests (.ci/postgres.sh sets it).");
            }

            Assert.Skip($"PostgreSQL ledger test skipped: {PostgresVariable} is not set (source .ci/postgres.sh to install and start PostgreSQL).");
        }

        var schema = "ledger_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await ExecuteAsync(connection, $"CREATE SCHEMA {schema}");
        }

        return new LedgerBackend(kind, directory, connectionString, schema);
    }

    /// <summary>Points the service at this ledger.</summary>
    public CdsServiceFactory Configure(CdsServiceFactory factory)
    {
        factory.With("Cds:DataDirectory", DataDirectory);
        return ConnectionString is null ? factory : factory.With("ConnectionStrings:Ledger", ConnectionString);
    }

    /// <summary>A store of its own on the same ledger, as another process would open it.</summary>
    internal SqlLedgerStore OpenStore() =>
        ConnectionString is null
            ? new SqliteLedgerStore(SqlitePath, TimeProvider.System, NullLogger<SqliteLedgerStore>.Instance)
            : new PostgresLedgerStore(ConnectionString, TimeProvider.System, NullLogger<PostgresLedgerStore>.Instance);

    /// <summary>Every value of every ledger table, as text (to prove what is not kept).</summary>
    public async Task<string> DumpAsync()
    {
        var text = new StringBuilder();
        await using var connection = Connect();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var table in Tables)
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // a fixed table name of this class
            command.CommandText = $"SELECT * FROM {table}";
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i)).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The raw bytes of the SQLite file and its write-ahead log, free pages included.</summary>
    public async Task<byte[]> SqliteBytesAsync()
    {
        var bytes = new List<byte>();
        foreach (var path in new[] { SqlitePath, SqlitePath + "-wal" }.Where(File.Exists))
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, TestContext.Current.CancellationToken);
            bytes.AddRange(buffer.ToArray());
        }

        return [.. bytes];
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = Connect();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the tests' own constant SQL
        command.CommandText = sql;
#pragma warning restore CA2100
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs one of the tests' own statements on the ledger (e.g. to put it back to an older schema).</summary>
    public async Task ExecuteAsync(string sql)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = Connect();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the tests' own constant SQL
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Puts a migrated ledger back to schema version 1, as the first build wrote it: without the compact-record columns
    /// (version 2) and the policy revision columns (version 3).
    /// </summary>
    public async Task DowngradeToVersion1Async()
    {
        await ExecuteAsync("DROP INDEX IF EXISTS ix_coverage_assertion_policy");
        foreach (var column in new[] { "policy_id", "policy_version", "policy_effective", "policy_sha256" })
        {
            await ExecuteAsync($"ALTER TABLE coverage_assertion DROP COLUMN {column}");
        }

        await ExecuteAsync("ALTER TABLE hook_call DROP COLUMN call_outcome");
        await ExecuteAsync("ALTER TABLE hook_call DROP COLUMN order_codes");
        await ExecuteAsync("DELETE FROM ledger_schema WHERE version > 1");
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_adminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync(CancellationToken.None);
            await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private DbConnection Connect() =>
        ConnectionString is null ? new SqliteConnection($"Data Source={SqlitePath}") : new NpgsqlConnection(ConnectionString);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
#pragma warning disable CA2100 // schema names generated by this class (hex)
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}

/// <summary>
/// The payer's identity provider, played by the WireMock server: OpenID Connect metadata and a JWK Set under
/// <c>/idp</c>, and tokens signed with its key (or with a stranger's).
/// </summary>
public static class PayerIdentityProvider
{
    public const string Audience = "https://cds.payer.example/ledger";
    public const string Scope = "coverage-assertions.read";
    public const string Subject = "claims-analyst-7";
    public const string Kid = "payer-es256-1";

    public static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public static readonly ECDsa StrangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static string Authority(CdsServiceFactory factory) => $"{factory.Ehr.Url}/idp";

    /// <summary>Serves the metadata and keys, and configures the service to trust them for the ledger.</summary>
    public static CdsServiceFactory Trust(CdsServiceFactory factory, string? requiredScope = Scope)
    {
        var authority = Authority(factory);
        var p = Key.ExportParameters(false);
        var metadata = $$"""
            {"issuer":"{{authority}}","jwks_uri":"{{authority}}/jwks","authorization_endpoint":"{{authority}}/authorize","token_endpoint":"{{authority}}/token",
             "response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256"]}
            """;
        var jwks = $$"""{"keys":[{"kty":"EC","kid":"{{Kid}}","use":"sig","alg":"ES256","crv":"P-256","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}]}""";
        factory.Ehr.Given(Request.Create().WithPath("/idp/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(metadata));
        factory.Ehr.Given(Request.Create().WithPath("/idp/jwks").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(jwks));
        return factory
            .With("Cds:Ledger:Authority", authority)
            .With("Cds:Ledger:Audience", Audience)
            .With("Cds:Ledger:RequireHttpsMetadata", "false")
            .With("Cds:Ledger:RequiredScope", requiredScope);
    }

    public static string Token(
        CdsServiceFactory factory,
        string audience = Audience,
        string? scope = Scope,
        ECDsa? key = null,
        TimeSpan? issuedOffset = null,
        string? issuer = null)
    {
        var now = factory.Clock.GetUtcNow() + (issuedOffset ?? TimeSpan.Zero);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = Subject,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(),
        };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        var signingKey = new ECDsaSecurityKey(key ?? Key) { KeyId = Kid };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Authority(factory),
            Audience = audience,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        });
    }
}

/// <summary>Hook calls and ledger reads over HTTP.</summary>
public static class LedgerCalls
{
    /// <summary>Posts a hook request and returns the answer exactly as received.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> PostHookAsync(HttpClient client, string serviceId, JsonObject request, string? bearer = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{serviceId}")
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>GET with a bearer token: status, body and the response (headers).</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(HttpClient client, string path, string? bearer)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await client.SendAsync(message, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response);
    }

    /// <summary>The coverage-assertion-id of every system action of an answer.</summary>
    public static IReadOnlyList<string> AssertionIds(string answer) =>
        [.. (JsonNode.Parse(answer)!["systemActions"]?.AsArray() ?? [])
            .Select(a => Hooks.Parts(Hooks.Extension(a!), "coverage-assertion-id").Single()["valueString"]!.GetValue<string>())];

    /// <summary>A sample request with its own hook instance and access token (so the test can look for them).</summary>
    public static JsonObject Sample(string name, out string accessToken)
    {
        var request = Repository.Sample(name);
        request["hookInstance"] = Guid.NewGuid().ToString();
        accessToken = "at-" + Guid.NewGuid().ToString("N");
        request["fhirAuthorization"]!["access_token"] = accessToken;
        return request;
    }

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds, advancing the fake clock if asked.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, CdsServiceFactory? advance = null, TimeSpan? step = null, int attempts = 250)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (await condition())
            {
                return true;
            }

            if (advance is not null)
            {
                advance.Clock.Advance(step ?? TimeSpan.FromMilliseconds(50));
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return await condition();
    }
}
