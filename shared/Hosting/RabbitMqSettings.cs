using Microsoft.Extensions.Configuration;

using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Hosting;

/// <summary>
/// Broker address from ConnectionStrings:RabbitMq, an amqp URI such as amqp://user:pass@host:5672/vhost, and the
/// cluster settings of the RabbitMq section: Nodes (every node as host:port, comma-separated, for a cluster),
/// QuorumQueues (default true), StartTimeout (default 00:02:00) and Username/Password, which win over the URI's (so a
/// Secret need not be URI-escaped).
/// </summary>
public sealed record RabbitMqSettings(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public const string Section = "RabbitMq";

    /// <summary>The cluster's nodes as host:port; null for a single broker (the URI's host).</summary>
    public string[]? Nodes { get; init; }

    /// <summary>
    /// Declare the service's queues as quorum queues (replicated across the cluster's nodes) rather than classic ones.
    /// A queue's type is fixed when it is declared: see docs/Cluster.md for brokers that hold classic queues already.
    /// </summary>
    public bool QuorumQueues { get; init; } = true;

    /// <summary>
    /// How long the host waits for the bus to start (connected, every queue declared and bound) before it gives up and
    /// the process exits with an error, for its supervisor to start it again. Without it a start that never completes
    /// (seen in the cluster fault suite while a broker node was being stopped) leaves a process that never serves.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = DefaultStartTimeout;

    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromMinutes(2);

    public static RabbitMqSettings From(IConfiguration configuration)
    {
        var raw = configuration.GetConnectionString("RabbitMq") ?? "amqp://guest:guest@localhost:5672/";
        var section = configuration.GetSection(Section);
        var parsed = Parse(raw);
        var nodes = section["Nodes"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parsed with
        {
            Username = section["Username"] is { Length: > 0 } user ? user : parsed.Username,
            Password = section["Password"] is { Length: > 0 } password ? password : parsed.Password,
            Nodes = nodes is { Length: > 0 } ? nodes : null,
            QuorumQueues = section.GetValue("QuorumQueues", true),
            StartTimeout = section.GetValue("StartTimeout", DefaultStartTimeout) is var timeout && timeout > TimeSpan.Zero
                ? timeout
                : throw new InvalidOperationException("RabbitMq:StartTimeout must be a positive duration such as 00:02:00."),
        };
    }

    public static RabbitMqSettings Parse(string raw)
    {
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "rabbitmq"))
            throw new InvalidOperationException("ConnectionStrings:RabbitMq must be an amqp:// URI.");
        var credentials = uri.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new RabbitMqSettings(
            uri.Host,
            uri.IsDefaultPort || uri.Port < 0 ? (ushort)5672 : (ushort)uri.Port,
            vhost.Length == 0 ? "/" : vhost,
            credentials.Length > 0 && credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : "guest",
            credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "guest");
    }
}
