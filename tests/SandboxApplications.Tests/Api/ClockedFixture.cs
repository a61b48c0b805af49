using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Testing;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>A clock the test sets; the service reads "now" from it.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;
}

/// <summary>Insurer integrations the fixtures bind to insurers' INNs (Insurers:Clients).</summary>
public static class Insurers
{
    public const string Ingosstrakh = "ingosstrakh-gateway";
    public const string IngosstrakhInn = "7705042179";
    public const string Sogaz = "sogaz-gateway";
    public const string SogazInn = "7736035485";
}

/// <summary>The service on its own database and virtual host, with a test-driven clock and frequent scheduled checks.</summary>
public sealed class ClockedFixture : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    private ServiceHost<ServiceMarker> _host = null!;

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 25, 9, 0, 0, TimeSpan.Zero));
    public WebApplicationFactory<ServiceMarker> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        var postgres = await _infrastructure.CreateDatabaseAsync("t_sandboxapplications_clock");
        _vhost = await _infrastructure.CreateVirtualHostAsync("sandboxapplications-clock");
        _host = new ServiceHost<ServiceMarker>(postgres, _vhost, new Dictionary<string, string?>
        {
            ["Schedules:CheckInterval"] = "00:00:00.200",
            [$"Insurers:Clients:{Insurers.Ingosstrakh}"] = Insurers.IngosstrakhInn,
            [$"Insurers:Clients:{Insurers.Sogaz}"] = Insurers.SogazInn,
        });
        Factory = _host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock)));
        _ = Factory.Server;
    }

    public HttpClient Client(string? token = null)
    {
        var client = Factory.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(_host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}
