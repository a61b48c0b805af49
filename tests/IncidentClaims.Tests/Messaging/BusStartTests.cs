using MassTransit;
using SandboxRegistry.Testing;

namespace SandboxRegistry.IncidentClaims.Tests.Messaging;

/// <summary>
/// A start whose bus never comes up ends after RabbitMq:StartTimeout, so the process exits for its supervisor to start
/// it again rather than staying alive and never serving (the cluster fault suite saw a replica hang in the bus start
/// while a broker node was being stopped). The broker is taken away from this service only, through a line the test
/// cuts: every connection is refused, and MassTransit keeps retrying.
/// </summary>
public sealed class BusStartTests : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    private string _postgres = null!;
    private TcpProxy _line = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _postgres = await _infrastructure.CreateDatabaseAsync("t_bus_start");
        _vhost = await _infrastructure.CreateVirtualHostAsync("bus-start");
        _line = new TcpProxy(_vhost.Host, _vhost.Port);
    }

    public async Task DisposeAsync()
    {
        await _line.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(_postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }

    private ServiceHost<ServiceMarker> Replica() => new(_postgres, new UriBuilder(_vhost) { Host = "127.0.0.1", Port = _line.Port }.Uri,
        new Dictionary<string, string?> { ["RabbitMq:StartTimeout"] = "00:00:05" });

    [Fact]
    public async Task A_start_whose_bus_never_comes_up_fails_after_the_start_timeout_and_the_next_start_serves()
    {
        _line.Block();
        var stuck = Replica();
        // Without the timeout this start never returns: the bound turns that into a failure instead of a hung run.
        var failure = await Record.ExceptionAsync(() => Task.Run(() => stuck.CreateClient()).WaitAsync(TimeSpan.FromMinutes(2)));
        // The start gives up with the broker's last refusal (a hang would be the bound's TimeoutException instead).
        Assert.IsType<RabbitMqConnectionException>(failure);
        try { await stuck.DisposeAsync(); } catch (Exception) { /* a host that never started may fail to stop */ }

        _line.Unblock();
        await using var started = Replica();
        await started.WaitUntilReadyAsync();
    }
}
