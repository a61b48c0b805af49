using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Testing;
using SandboxRegistry.WebConsole.Api;
using Applications = SandboxRegistry.SandboxApplications.ServiceMarker;
using Incidents = SandboxRegistry.IncidentClaims.ServiceMarker;
using Registry = SandboxRegistry.AiSystemRegistry.ServiceMarker;

namespace SandboxRegistry.WebConsole.Tests.Browser;

/// <summary>
/// The three services in process on real PostgreSQL and RabbitMQ (a database each, one virtual host), and the console on
/// a real Kestrel port for the browser, calling the services as it would over the network.
/// </summary>
public sealed class ConsoleSystem : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;

    public ServiceHost<Applications> Applications { get; private set; } = null!;
    public ServiceHost<Registry> Registry { get; private set; } = null!;
    public ServiceHost<Incidents> Incidents { get; private set; } = null!;
    public ConsoleHost Console { get; private set; } = null!;
    public Uri ConsoleUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("console");
        Applications = new ServiceHost<Applications>(await _infrastructure.CreateDatabaseAsync("console_applications"), _vhost,
            AuditSettings, PeersExcept(ServiceNames.SandboxApplications));
        Registry = new ServiceHost<Registry>(await _infrastructure.CreateDatabaseAsync("console_registry"), _vhost,
            AuditSettings, PeersExcept(ServiceNames.AiSystemRegistry));
        Incidents = new ServiceHost<Incidents>(await _infrastructure.CreateDatabaseAsync("console_incidents"), _vhost,
            AuditSettings, PeersExcept(ServiceNames.IncidentClaims));
        await Registry.WaitUntilReadyAsync();
        await Incidents.WaitUntilReadyAsync();
        await Applications.WaitUntilReadyAsync();

        Console = new ConsoleHost(new()
        {
            [Service.SandboxApplications] = () => Applications.Server.CreateHandler(),
            [Service.AiSystemRegistry] = () => Registry.Server.CreateHandler(),
            [Service.IncidentClaims] = () => Incidents.Server.CreateHandler(),
        });
        Console.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        Console.StartServer();
        ConsoleUrl = new Uri(Console.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private static readonly Dictionary<string, string?> AuditSettings = new()
    {
        ["Audit:CheckpointEveryEvents"] = "3",
        ["Audit:CheckpointEvery"] = "00:00:01",
        ["Audit:PollInterval"] = "00:00:00.200",
        [$"Audit:Peers:{ServiceNames.SandboxApplications}"] = "http://sandbox-applications/",
        [$"Audit:Peers:{ServiceNames.AiSystemRegistry}"] = "http://ai-system-registry/",
        [$"Audit:Peers:{ServiceNames.IncidentClaims}"] = "http://incident-claims/",
    };

    private Action<IServiceCollection> PeersExcept(string self) => services =>
    {
        var peers = new Dictionary<string, Func<HttpMessageHandler>>
        {
            [ServiceNames.SandboxApplications] = () => Applications.Server.CreateHandler(),
            [ServiceNames.AiSystemRegistry] = () => Registry.Server.CreateHandler(),
            [ServiceNames.IncidentClaims] = () => Incidents.Server.CreateHandler(),
        };
        foreach (var (name, handler) in peers.Where(p => p.Key != self))
            services.AddHttpClient(ServiceVerifier.PeerClientPrefix + name).ConfigurePrimaryHttpMessageHandler(handler);
    };

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        foreach (var host in new IAsyncDisposable[] { Applications, Registry, Incidents }) await host.DisposeAsync();
        foreach (var db in new[] { Applications.Postgres, Registry.Postgres, Incidents.Postgres }) await _infrastructure.DropDatabaseAsync(db);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}

/// <summary>The console in Development (development sign-in with the tests' signing key), its API clients on the hosts.</summary>
public sealed class ConsoleHost(Dictionary<Service, Func<HttpMessageHandler>> services) : WebApplicationFactory<ConsoleMarker>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Auth:DevSigningKey", Tokens.SigningKey);
        builder.ConfigureTestServices(s =>
        {
            foreach (var (service, handler) in services)
                s.AddHttpClient(service.ToString()).ConfigurePrimaryHttpMessageHandler(handler);
        });
    }
}
