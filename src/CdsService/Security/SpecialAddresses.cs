using System.Net;
using System.Net.Sockets;

namespace Cds.Service.Security;

/// <summary>
/// The addresses a fhirServer must never resolve to (unless private networks are allowed): every IPv4 and IPv6 range of
/// the IANA special-purpose address registries that is not globally reachable, plus multicast and the reserved blocks.
/// An IPv6 address that embeds an IPv4 one (IPv4-mapped <c>::ffff:a.b.c.d</c>, IPv4-compatible <c>::a.b.c.d</c>, NAT64
/// <c>64:ff9b::a.b.c.d</c>) is judged by the IPv4 address it carries. The transition forms that tunnel to an address
/// the service cannot see (6to4 <c>2002::/16</c>, Teredo <c>2001::/32</c>) and local-use NAT64 <c>64:ff9b:1::/48</c>
/// are refused whatever they carry.
/// </summary>
internal static class SpecialAddresses
{
    private static readonly Range[] IPv4 = Ranges(
        "0.0.0.0/8",          // "this network"
        "10.0.0.0/8",         // private
        "100.64.0.0/10",      // shared address space (carrier-grade NAT)
        "127.0.0.0/8",        // loopback
        "169.254.0.0/16",     // link-local (cloud metadata services live here)
        "172.16.0.0/12",      // private
        "192.0.0.0/24",       // IETF protocol assignments
        "192.0.2.0/24",       // documentation TEST-NET-1
        "192.88.99.0/24",     // 6to4 relay anycast (deprecated)
        "192.168.0.0/16",     // private
        "198.18.0.0/15",      // benchmarking
        "198.51.100.0/24",    // documentation TEST-NET-2
        "203.0.113.0/24",     // documentation TEST-NET-3
        "224.0.0.0/4",        // multicast
        "240.0.0.0/4",        // reserved
        "255.255.255.255/32"); // limited broadcast

    private static readonly Range[] IPv6 = Ranges(
        "::/128",             // unspecified
        "::1/128",            // loopback
        "64:ff9b:1::/48",     // local-use IPv4/IPv6 translation
        "100::/64",           // discard-only
        "2001::/32",          // Teredo
        "2001:2::/48",        // benchmarking
        "2001:10::/28",       // ORCHID (deprecated)
        "2001:20::/28",       // ORCHIDv2
        "2001:db8::/32",      // documentation
        "2002::/16",          // 6to4
        "3fff::/20",          // documentation
        "5f00::/16",          // segment routing SIDs
        "fc00::/7",           // unique local
        "fe80::/10",          // link-local
        "fec0::/10",          // site-local (deprecated)
        "ff00::/8");          // multicast

    private static readonly Range[] EmbeddingIPv4 = Ranges(
        "::ffff:0:0/96",      // IPv4-mapped
        "::/96",              // IPv4-compatible (deprecated)
        "64:ff9b::/96");      // NAT64 well-known prefix

    /// <summary>True when <paramref name="address"/> is loopback, private, link-local, reserved or otherwise not global.</summary>
    public static bool IsSpecial(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IPv4.Any(r => r.Contains(address));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true; // neither IPv4 nor IPv6: nothing the service should connect to
        }

        if (IPv6.Any(r => r.Contains(address)))
        {
            return true;
        }

        if (EmbeddingIPv4.Any(r => r.Contains(address)))
        {
            var bytes = address.GetAddressBytes();
            return IsSpecial(new IPAddress(bytes.AsSpan(12, 4)));
        }

        return false;
    }

    private static Range[] Ranges(params string[] cidrs) => [.. cidrs.Select(Range.Parse)];

    private sealed record Range(byte[] Network, int PrefixLength)
    {
        public static Range Parse(string cidr)
        {
            var slash = cidr.IndexOf('/', StringComparison.Ordinal);
            return new Range(IPAddress.Parse(cidr[..slash]).GetAddressBytes(), int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        public bool Contains(IPAddress address)
        {
            var bytes = address.GetAddressBytes();
            if (bytes.Length != Network.Length)
            {
                return false;
            }

            var whole = PrefixLength / 8;
            if (!bytes.AsSpan(0, whole).SequenceEqual(Network.AsSpan(0, whole)))
            {
                return false;
            }

            var rest = PrefixLength % 8;
            if (rest == 0)
            {
                return true;
            }

            var mask = (byte)(0xFF << (8 - rest));
            return (bytes[whole] & mask) == (Network[whole] & mask);
        }
    }
}
