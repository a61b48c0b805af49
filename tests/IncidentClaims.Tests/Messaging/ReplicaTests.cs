using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.Contracts.Audit;
using SandboxRegistry.Testing;

namespace SandboxRegistry.IncidentClaims.Tests.Messaging;

/// <summary>
/// Two replicas of a service on one database and one virtual host: the ordered queue is a quorum queue with a single
/// active consumer, so only one replica applies messages; when that replica's connection dies, the broker hands the
/// queue to the other, which goes on applying. Every queue the service declares, including _skipped, is a quorum queue.
/// </summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    private static readonly string Queue = SandboxRegistry.Hosting.ServiceDefaultsExtensions.IntegrationQueue(ServiceNames.IncidentClaims);
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    private string _postgres = null!;
    private TcpProxy _firstLine = null!;
    private ServiceHost<ServiceMarker> _first = null!;
    private ServiceHost<ServiceMarker> _second = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _postgres = await _infrastructure.CreateDatabaseAsync("t_replicas");
        _vhost = await _infrastructure.CreateVirtualHostAsync("replicas");
        // The first replica reaches the broker through a line the test cuts: to the broker, its process died.
        _firstLine = new TcpProxy(_vhost.Host, _vhost.Port);
        _first = new ServiceHost<ServiceMarker>(_postgres, new UriBuilder(_vhost) { Host = "127.0.0.1", Port = _firstLine.Port }.Uri);
        await _first.WaitUntilReadyAsync();
        _second = new ServiceHost<ServiceMarker>(_postgres, _vhost);
        await _second.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        _firstLine.Unblock();
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _firstLine.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(_postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }

    [Fact]
    public async Task One_replica_consumes_the_ordered_queue_and_the_other_takes_over_when_it_dies()
    {
        var queue = await QueueAsync(Queue);
        Assert.Equal("quorum", queue.GetProperty("type").GetString());
        Assert.True(queue.GetProperty("durable").GetBoolean());
        Assert.True(queue.GetProperty("arguments").GetProperty("x-single-active-consumer").GetBoolean());
        var consumers = await ConsumersAsync(2);
        Assert.Equal(["single_active", "waiting"], consumers.Order());

        await WitnessAsync(1);

        _firstLine.Block();
        Assert.Equal(["single_active"], await ConsumersAsync(1));
        await WitnessAsync(2);
    }

    [Fact]
    public async Task Every_queue_the_service_declares_is_a_quorum_queue_including_skipped()
    {
        // A message no consumer of the queue knows is moved to the queue's _skipped queue, which MassTransit declares
        // on first use with the receive queue's arguments. It is sent through the queue's exchange: a "queue:" address
        // would declare the queue again without its arguments, which the broker refuses.
        var endpoint = await _second.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{Queue}"));
        await endpoint.Send(new NobodyConsumesThis("for the _skipped queue"));
        await Eventually.True(async () => (await QueuesAsync()).Any(q => q.GetProperty("name").GetString() == Queue + "_skipped"),
            TimeSpan.FromSeconds(30), "the unknown message should be moved to the _skipped queue");

        var declared = (await QueuesAsync())
            // MassTransit's per-process response queue (auto-delete, used by request clients only) cannot be a quorum queue.
            .Where(q => !q.GetProperty("auto_delete").GetBoolean())
            .ToDictionary(q => q.GetProperty("name").GetString()!, q => q.GetProperty("type").GetString());
        Assert.Contains(Queue, declared.Keys);
        Assert.Contains(Queue + "_skipped", declared.Keys);
        Assert.All(declared, q => Assert.Equal("quorum", q.Value));
    }

    public sealed record NobodyConsumesThis(string Note);

    /// <summary>A checkpoint of another service, published as that service would; whichever replica is active records it.</summary>
    private async Task WitnessAsync(long sequence)
    {
        await _second.Services.GetRequiredService<IBus>().Publish(new AuditCheckpointPublished(
            ServiceNames.SandboxApplications, sequence, new string('a', 64), sequence, DateTimeOffset.UtcNow));
        using var client = _second.Client();
        await Eventually.True(async () =>
            {
                var witnessed = await client.GetFromJsonAsync<JsonElement>($"/api/v1/audit/witnessed?service={ServiceNames.SandboxApplications}");
                return witnessed.ToString().Contains($"\"sequence\":{sequence}");
            }, TimeSpan.FromSeconds(30), $"checkpoint {sequence} should be witnessed by the active replica");
    }

    private async Task<JsonElement> QueueAsync(string name)
    {
        using var http = _infrastructure.ManagementClient();
        return await http.GetFromJsonAsync<JsonElement>($"api/queues/{VirtualHost}/{Uri.EscapeDataString(name)}");
    }

    private async Task<List<JsonElement>> QueuesAsync()
    {
        using var http = _infrastructure.ManagementClient();
        return (await http.GetFromJsonAsync<JsonElement>($"api/queues/{VirtualHost}")).EnumerateArray().ToList();
    }

    /// <summary>The activity status of each consumer of the ordered queue, once there are <paramref name="count"/>.</summary>
    private async Task<List<string>> ConsumersAsync(int count)
    {
        using var http = _infrastructure.ManagementClient();
        return await Eventually.Until(async () =>
        {
            var consumers = (await http.GetFromJsonAsync<JsonElement>($"api/consumers/{VirtualHost}")).EnumerateArray()
                .Where(c => c.GetProperty("queue").GetProperty("name").GetString() == Queue)
                .Select(c => c.GetProperty("activity_status").GetString()!)
                .ToList();
            return consumers.Count == count && consumers.Contains("single_active") ? consumers : null;
        }, TimeSpan.FromSeconds(30), $"the ordered queue should have {count} consumer(s), one of them active");
    }

    private string VirtualHost => _vhost.AbsolutePath.TrimStart('/');
}
