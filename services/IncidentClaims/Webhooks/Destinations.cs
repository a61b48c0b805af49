using System.Net;
using System.Net.Sockets;

namespace SandboxRegistry.IncidentClaims.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>http:// destinations; false outside Development whatever the setting says.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Destinations in loopback, private, link-local and other non-public ranges (a local receiver, tests).</summary>
    public bool AllowPrivateDestinations { get; set; }

    /// <summary>How long a delivery is retried from its first attempt before it is parked.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The wait after the first failure; doubled after each one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the dispatcher looks for deliveries that are due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take, connection included.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long before a statutory clock's due time its subscribers are warned (incident.clock-due-soon).</summary>
    public TimeSpan ClockWarningAhead { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the dispatching replica looks for clocks coming due.</summary>
    public TimeSpan ClockCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan Backoff(int failedAttempts) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, InitialBackoff.Ticks * (long)Math.Pow(2, Math.Min(failedAttempts - 1, 30))));
}

/// <summary>
/// Where webhooks may go. Checked twice: when a subscription is made (the URL, and every address its host resolves to
/// now), and at every connection (<see cref="ConnectAsync"/>), because a name that resolved to a public address when the
/// subscription was made can resolve to 127.0.0.1 or 10.0.0.5 later (DNS rebinding). The connection is made to the address
/// that was checked, never to a name resolved again.
/// </summary>
public sealed class Destinations(WebhookOptions options, bool development)
{
    public const int MaxUrlLength = 2000;

    /// <summary>Why the URL may not receive webhooks (field message), or null. Resolves the host.</summary>
    public async Task<string?> ProblemAsync(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return $"'url' must be an absolute URL of at most {MaxUrlLength} characters.";
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && options.AllowHttp && development))
            return development && options.AllowHttp ? "'url' must be an http:// or https:// URL." : "'url' must be an https:// URL.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "'url' must not carry credentials.";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "'url' must not have a fragment.";
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return "'url' names a host that does not resolve.";
        }
        if (addresses.Length == 0) return "'url' names a host that does not resolve.";
        return addresses.FirstOrDefault(a => !Allowed(a)) is { } refused
            ? $"'url' resolves to {refused}, an address in a loopback, private or otherwise non-public range."
            : null;
    }

    public bool Allowed(IPAddress address) => options.AllowPrivateDestinations || IsPublic(address);

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);

    /// <summary>
    /// SocketsHttpHandler.ConnectCallback: resolves the host, refuses the connection when any of its addresses is not
    /// allowed (a name with one public and one private address is refused whole), and connects to the checked addresses.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, ct);
        if (addresses.Length == 0 || addresses.Any(a => !Allowed(a)))
            throw new DestinationRefused("The destination host resolves to an address that webhooks may not reach.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Public unicast only: not loopback, private (RFC 1918, RFC 4193), link-local, CGNAT, unspecified, multicast, documentation or reserved.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 ||
                     (b[0] == 100 && b[1] >= 64 && b[1] <= 127) ||
                     (b[0] == 169 && b[1] == 254) ||
                     (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||
                     (b[0] == 192 && b[1] == 168) ||
                     (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) ||
                     (b[0] == 198 && (b[1] == 18 || b[1] == 19)) ||
                     (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
                     (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)) return false;
            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return false;
            if (address.IsIPv6Teredo || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)) return false; // 2001:db8::/32
            if (b[0] == 0x00 && b.Take(12).All(x => x == 0)) return false; // ::/96, IPv4-compatible
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return false; // 64:ff9b::/96 NAT64
            return true;
        }
        return false;
    }
}

/// <summary>The connection was refused by the destination rules; the attempt fails (and is retried: DNS may change back).</summary>
public sealed class DestinationRefused(string message) : Exception(message);
