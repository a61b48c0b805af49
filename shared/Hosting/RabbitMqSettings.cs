using Microsoft.Extensions.Configuration;

using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Hosting;

/// <summary>Broker address from ConnectionStrings:RabbitMq, an amqp URI such as amqp://user:pass@host:5672/vhost.</summary>
public sealed record RabbitMqSettings(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    public static RabbitMqSettings From(IConfiguration configuration)
    {
        var raw = configuration.GetConnectionString("RabbitMq") ?? "amqp://guest:guest@localhost:5672/";
        return Parse(raw);
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
