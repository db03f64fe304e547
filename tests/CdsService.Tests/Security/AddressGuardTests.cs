using System.Net;
using Cds.Service.Security;

namespace Cds.Service.Tests.Security;

/// <summary>
/// The private-address guard: every IPv4 and IPv6 special-purpose range (IANA registries), and IPv6 forms that carry
/// an IPv4 address, are refused; global addresses pass.
/// </summary>
public sealed class AddressGuardTests
{
    public static TheoryData<string> Refused() =>
    [
        // IPv4 special-purpose ranges: first, inside and last address where it matters
        "0.0.0.0", "0.255.255.255", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.255.255.254",
        "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.0.170", "192.0.2.1", "192.88.99.1",
        "192.168.0.1", "192.168.255.255", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
        "224.0.0.1", "239.255.255.250", "240.0.0.1", "254.255.255.255", "255.255.255.255",

        // IPv6 special-purpose ranges
        "::", "::1", "fc00::1", "fd12:3456:789a::1", "fe80::1", "febf::1", "fec0::1", "ff02::1", "ff0e::1",
        "2001:db8::1", "2001:db8:ffff::1", "100::1", "100::ffff:ffff:ffff:ffff", "2001:2::1", "2001:10::1", "2001:20::1",
        "3fff::1", "5f00::1",

        // IPv4 embedded in IPv6
        "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::ffff:192.168.1.1", "::ffff:100.64.0.1",
        "::127.0.0.1", "::10.0.0.1", "::169.254.169.254", "::192.168.0.1",
        "64:ff9b::127.0.0.1", "64:ff9b::10.0.0.1", "64:ff9b::169.254.169.254", "64:ff9b::192.0.2.1",
        "64:ff9b:1::1", "64:ff9b:1::8.8.8.8", "64:ff9b:1:ffff::1",
        "2002:7f00:1::1", "2002:0a00:0001::1", "2002:0808:0808::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::1",
    ];

    public static TheoryData<string> Allowed() =>
    [
        "8.8.8.8", "1.1.1.1", "93.184.215.14", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.1",
        "192.88.98.255", "192.169.0.1", "198.17.255.255", "198.20.0.0", "223.255.255.255", "169.253.0.1",
        "2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001::1",
        "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "64:ff9b::93.184.215.14", "2001:1::1", "2003::1",
    ];

    [Theory]
    [MemberData(nameof(Refused))]
    public void GivenASpecialPurposeAddress_WhenChecked_ThenItIsRefused(string address)
    {
        // Arrange
        var parsed = IPAddress.Parse(address);

        // Act
        var refused = FhirServerGuard.IsPrivate(parsed);

        // Assert
        Assert.True(refused, $"{address} should be refused");
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public void GivenAGlobalAddress_WhenChecked_ThenItIsAllowed(string address)
    {
        // Arrange
        var parsed = IPAddress.Parse(address);

        // Act
        var refused = FhirServerGuard.IsPrivate(parsed);

        // Assert
        Assert.False(refused, $"{address} should be allowed");
    }

    [Theory]
    [InlineData("http://[::127.0.0.1]:{port}/fhir")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/fhir")]
    [InlineData("http://[64:ff9b::7f00:1]:{port}/fhir")]
    [InlineData("http://[2002:7f00:1::1]:{port}/fhir")]
    [InlineData("http://[::1]:{port}/fhir")]
    [InlineData("http://127.1:{port}/fhir")]
    [InlineData("http://2130706433:{port}/fhir")]
    public async Task GivenAnAllowlistedFhirServerAtAnEmbeddedOrPrivateLiteral_WhenDataMustBeQueried_Then403AndItIsNeverCalled(string template)
    {
        // Arrange: the client may name this server, but the network policy forbids private addresses.
        using var strict = new CdsServiceFactory();
        var fhirServer = template.Replace("{port}", strict.Ehr.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        strict.With("Cds:Security:FhirServers:AllowPrivateNetworks", "false").With("Cds:Security:Clients:0:FhirServers:1", fhirServer);
        using var client = strict.CreateSignedClient();
        var request = Hooks.MoveToEhr(Repository.Sample("order-sign-meets-criteria.json"), strict.Ehr, fhirServer, "conditions");

        // Act
        var (status, body) = await Hooks.PostAsync(client, Hooks.SignService, request);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("OperationOutcome", body!["resourceType"]!.GetValue<string>());
        Assert.Empty(strict.Ehr.LogEntries);
    }
}
