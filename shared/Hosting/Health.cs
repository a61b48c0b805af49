using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Hosting;

internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.");
        }
    }
}

internal static class HealthResponse
{
    public static Task Write(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
            waiting = report.Entries.Where(e => e.Value.Data.Count > 0).ToDictionary(e => e.Key, e => e.Value.Data),
        }));
    }
}

/// <summary>
/// Degraded while any of the service's _error queues holds messages: a message that could not be applied after its
/// retries waits there for an operator (README: inspecting and replaying), and readiness says so instead of hiding it.
/// Messages behind it keep flowing; the service stays ready to serve.
/// </summary>
internal sealed class ErrorQueuesHealthCheck(RabbitMqSettings broker, IReadOnlyList<string> queues) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var factory = new RabbitMQ.Client.ConnectionFactory
            {
                HostName = broker.Host, Port = broker.Port, VirtualHost = broker.VirtualHost,
                UserName = broker.Username, Password = broker.Password,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            };
            await using var connection = await factory.CreateConnectionAsync("health-error-queues", cancellationToken);
            var waiting = new Dictionary<string, object>();
            foreach (var queue in queues.Select(q => q + "_error"))
            {
                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                try
                {
                    var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                    if (declared.MessageCount > 0) waiting[queue] = declared.MessageCount;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    // No such queue: nothing has failed there yet.
                }
            }
            return waiting.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded($"Messages wait in {string.Join(", ", waiting.Keys)}.", data: waiting);
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or TimeoutException or
                                      OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Degraded("The broker's error queues could not be read.");
        }
    }
}
