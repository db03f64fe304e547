using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cds.Service.Tests;

/// <summary>
/// The socket transport reads at most 64 KB of a connection ahead of the service (issue 14): a body waiting for the
/// request-body budget stays in the client's socket instead of Kestrel's pinned buffers. On real Kestrel over loopback,
/// since the test host has no sockets: a body many times the read-ahead is still read whole and decided.
/// </summary>
public sealed class SocketReadAheadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GivenTheServiceOnKestrel_WhenABodyOf900KbArrives_ThenTheTransportReadsAt64KbAheadAndTheBodyIsDecided()
    {
        // Arrange: the sample request padded with 900 KB of whitespace (the tests allow 1 MB bodies), sent over a real socket.
        await using var factory = new CdsServiceFactory();
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient(new LocalhostAudience(() => factory.Clock.GetUtcNow())) { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
        var body = Repository.Sample("order-sign-meets-criteria.json").ToJsonString() + new string(' ', 900 * 1024);

        // Act
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"cds-services/{Hooks.SignService}", content, Cancel);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel));

        // Assert
        Assert.Equal(64 * 1024, factory.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.MaxReadBufferSize);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("covered", Hooks.Code(Hooks.Extension(answer!["systemActions"]![0]!), "covered"));
    }

    /// <summary>Signs each call for the audience the test configuration names (http://localhost/), whatever port Kestrel took.</summary>
    private sealed class LocalhostAudience(Func<DateTimeOffset> now) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new("Bearer", TestTokens.Create(new TestTokens.Spec { Audience = "http://localhost" + request.RequestUri!.AbsolutePath, Now = now() }));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
