using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cds.Service.Tests;

/// <summary>
/// How an answer of the EHR's FHIR server is read (Prefetch/FhirAnswerReader): into one buffer sized by Content-Length
/// or grown by doubling when the answer is chunked (a loopback Kestrel server serves these pages both ways), never past
/// Cds:Fhir:MaxResponseBytes; and the FHIR client's
/// requests are not logged by HttpClientFactory's handlers, whatever the log level.
/// </summary>
public sealed class FhirAnswerReadingTests
{
    private const int Limit = 20_000;

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    public async Task GivenASearchPageOfExactlyTheLimitOrOneByteMore_WhenQueried_ThenItIsReadWholeOrNamedAsTooLarge(bool chunked, int over)
    {
        // Arrange: the lab results' page padded with trailing whitespace (still the same JSON) to the limit, or one byte past it.
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var observations = request["prefetch"]!["observations"]!.ToJsonString();
        request["prefetch"]!.AsObject().Remove("observations");
        var page = Padded(observations, Limit + over);
        await using var server = await LoopbackFhirServer.StartAsync(page, chunked);
        using var factory = new CdsServiceFactory()
            .With("Cds:Fhir:MaxResponseBytes", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Cds:Security:Clients:0:FhirServers:1", server.FhirBase);
        using var client = factory.CreateSignedClient();
        request["fhirServer"] = server.FhirBase;
        await AssertServedAsAsync(server.FhirBase, chunked, Limit + over);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: at the limit the page is evidence (covered); past it the search is missing data, named, and nothing is decided against the patient.
        Assert.Equal(HttpStatusCode.OK, status);
        var details = Hooks.CardDetails(body!);
        if (over == 0)
        {
            Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
            Assert.DoesNotContain("Data could not be read", details, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("conditional", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
            Assert.Contains($"observations (the FHIR server's answer is larger than {Limit} bytes)", details, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GivenAChunkedSearchPageManyTimesTheFirstBuffer_WhenQueried_ThenEveryByteIsReadAndTheRecordDecided()
    {
        // Arrange: 100 KB of a chunked page (the reader starts at 16 KB and doubles), the Bundle at its end.
        var request = Repository.Sample("order-sign-meets-criteria.json");
        var observations = request["prefetch"]!["observations"]!.ToJsonString();
        request["prefetch"]!.AsObject().Remove("observations");
        var page = new string(' ', 100_000 - Encoding.UTF8.GetByteCount(observations)) + observations;
        await using var server = await LoopbackFhirServer.StartAsync(page, chunked: true);
        using var factory = new CdsServiceFactory().With("Cds:Security:Clients:0:FhirServers:1", server.FhirBase);
        using var client = factory.CreateSignedClient();
        request["fhirServer"] = server.FhirBase;
        await AssertServedAsAsync(server.FhirBase, chunked: true, 100_000);

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: the lab results at the end of the page were read (covered needs the chimerism results).
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(body!["systemActions"]![0]!), "covered"));
        Assert.DoesNotContain("Data could not be read", Hooks.CardDetails(body!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenHttpClientLoggingAtInformation_WhenTheServiceQueriesTheEhr_ThenNoHttpClientHandlerLogsTheRequest()
    {
        // Arrange: an operator turns the HttpClient categories up; the FHIR client has no logging handlers to answer.
        using var factory = new CdsServiceFactory().With("Logging:LogLevel:System.Net.Http.HttpClient", "Information");
        using var client = factory.CreateSignedClient();
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), factory.Ehr, factory.FhirBase, "conditions", "observations");

        // Act
        var (status, _) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert: both searches were sent, and no record of HttpClientFactory's handlers (which carry the URL) was written.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, factory.Ehr.LogEntries.Count);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains("System.Net.Http.HttpClient.fhir", StringComparison.Ordinal));
    }

    private static string Padded(string json, int bytes) => json + new string(' ', bytes - Encoding.UTF8.GetByteCount(json));

    // The page as the service will get it (its length; chunked or with a Content-Length), asked directly.
    private static async Task AssertServedAsAsync(string fhirBase, bool chunked, int bytes)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{fhirBase}/Observation?category=laboratory&patient={Hooks.PatientId}", TestContext.Current.CancellationToken);
        var content = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal(bytes, content.Length);
        Assert.Equal(chunked, response.Headers.TransferEncodingChunked == true);
    }

    /// <summary>
    /// A FHIR server on loopback that answers the lab-results search (the only one the request leaves out of prefetch) with
    /// one page, 4 KB a write: chunked, as a server that does not know its answer's length sends it, or with its
    /// Content-Length (WireMock answers chunked, whatever the length, so it cannot serve both on purpose).
    /// </summary>
    private sealed class LoopbackFhirServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LoopbackFhirServer(WebApplication app, string fhirBase)
        {
            _app = app;
            FhirBase = fhirBase;
        }

        public string FhirBase { get; }

        public static async Task<LoopbackFhirServer> StartAsync(string page, bool chunked)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var bytes = Encoding.UTF8.GetBytes(page);
            app.MapGet("/fhir/Observation", async context =>
            {
                context.Response.ContentType = "application/fhir+json";
                if (!chunked)
                {
                    context.Response.ContentLength = bytes.Length;
                }

                for (var at = 0; at < bytes.Length; at += 4096)
                {
                    await context.Response.Body.WriteAsync(bytes.AsMemory(at, Math.Min(4096, bytes.Length - at)), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new LoopbackFhirServer(app, address.TrimEnd('/') + "/fhir");
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
