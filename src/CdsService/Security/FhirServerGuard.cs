using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Cds.Service.Security;

/// <summary>
/// Keeps the service from being turned against anyone through <c>fhirServer</c>: only URLs allowed for the calling
/// client, https outside development, and never loopback, link-local or private addresses unless configured — checked
/// on the URL and again on every address the name resolves to when connecting (no DNS rebinding).
/// </summary>
internal sealed class FhirServerGuard(IOptions<SecurityOptions> options, ClientKeyStore keys)
{
    /// <summary>Null when the caller may have the service query <paramref name="fhirServer"/>; otherwise why not.</summary>
    public string? Check(Uri fhirServer, ClaimsPrincipal caller)
    {
        var security = options.Value;
        var authenticated = caller.Identity?.IsAuthenticated == true;
        if (security.DevelopmentMode && !authenticated)
        {
            return null;
        }

        if (fhirServer.Scheme != Uri.UriSchemeHttps && !(security.FhirServers.AllowHttp || security.DevelopmentMode))
        {
            return "fhirServer must use https.";
        }

        var client = keys.Client(caller.FindFirst("iss")?.Value);
        if (client is null || !client.FhirServers.Any(allowed => IsUnder(fhirServer, allowed)))
        {
            return "fhirServer is not on the allowlist of this CDS client.";
        }

        if (IPAddress.TryParse(fhirServer.IdnHost.Trim('[', ']'), out var literal) && IsPrivate(literal) && !AllowsPrivate(security))
        {
            return "fhirServer is a loopback, link-local or private address.";
        }

        return null;
    }

    /// <summary>The connection step of the FHIR HTTP client: refuses private addresses after name resolution.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(IOptions<SecurityOptions> options) =>
        async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            if (!AllowsPrivate(options.Value) && addresses.Any(IsPrivate))
            {
                throw new HttpRequestException("The FHIR server resolves to a loopback, link-local or private address.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };

    private static bool AllowsPrivate(SecurityOptions security) => security.FhirServers.AllowPrivateNetworks || security.DevelopmentMode;

    private static bool IsUnder(Uri url, Uri allowed)
    {
        var prefix = allowed.AbsoluteUri.TrimEnd('/') + "/";
        var candidate = url.AbsoluteUri.TrimEnd('/') + "/";
        return candidate.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Loopback, private, link-local, reserved, or an IPv6 form that embeds one (<see cref="SpecialAddresses"/>).</summary>
    internal static bool IsPrivate(IPAddress address) => SpecialAddresses.IsSpecial(address);
}
