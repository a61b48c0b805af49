using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Testing;
using Applications = SandboxRegistry.SandboxApplications.ServiceMarker;
using Incidents = SandboxRegistry.IncidentClaims.ServiceMarker;
using Registry = SandboxRegistry.AiSystemRegistry.ServiceMarker;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// All three services in one process, each on its own database, sharing one virtual host of the real broker.
/// SandboxApplications reaches the broker through a proxy that a test can cut.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;

    public TcpProxy ApplicationsBrokerLine { get; private set; } = null!;
    public ServiceHost<Applications> Applications { get; private set; } = null!;
    public ServiceHost<Registry> Registry { get; private set; } = null!;
    public ServiceHost<Incidents> Incidents { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("e2e");
        ApplicationsBrokerLine = new TcpProxy(_vhost.Host, _vhost.Port);
        var throughProxy = new UriBuilder(_vhost) { Host = "127.0.0.1", Port = ApplicationsBrokerLine.Port }.Uri;

        Applications = new ServiceHost<Applications>(await _infrastructure.CreateDatabaseAsync("e2e_applications"), throughProxy,
            new Dictionary<string, string?>(AuditSettings) { [$"Insurers:Clients:{InsurerClient}"] = InsurerInn },
            PeersExcept(ServiceNames.SandboxApplications));
        Registry = new ServiceHost<Registry>(await _infrastructure.CreateDatabaseAsync("e2e_registry"), _vhost,
            AuditSettings, PeersExcept(ServiceNames.AiSystemRegistry));
        Incidents = new ServiceHost<Incidents>(await _infrastructure.CreateDatabaseAsync("e2e_incidents"), _vhost,
            AuditSettings, PeersExcept(ServiceNames.IncidentClaims));
        // Consumers first, so their queues exist before anything is published.
        await Registry.WaitUntilReadyAsync();
        await Incidents.WaitUntilReadyAsync();
        await Applications.WaitUntilReadyAsync();
    }

    /// <summary>The insurer integration SandboxApplications accepts insurance events from, bound to Ingosstrakh's INN.</summary>
    public const string InsurerClient = "ingosstrakh-gateway";
    public const string InsurerInn = "7705042179";

    /// <summary>Checkpoints often, so tests see them witnessed quickly; peers are reached in process.</summary>
    public static readonly IReadOnlyDictionary<string, string?> AuditSettings = new Dictionary<string, string?>
    {
        ["Audit:CheckpointEveryEvents"] = "3",
        ["Audit:CheckpointEvery"] = "00:00:01",
        ["Audit:PollInterval"] = "00:00:00.200",
        [$"Audit:Peers:{ServiceNames.SandboxApplications}"] = "http://sandbox-applications/",
        [$"Audit:Peers:{ServiceNames.AiSystemRegistry}"] = "http://ai-system-registry/",
        [$"Audit:Peers:{ServiceNames.IncidentClaims}"] = "http://incident-claims/",
    };

    private Action<IServiceCollection> PeersExcept(string self) =>
        Peers(self, () => Applications.Server.CreateHandler(), () => Registry.Server.CreateHandler(), () => Incidents.Server.CreateHandler());

    /// <summary>The audit peers of <paramref name="self"/>, reached in process through the other hosts' test servers.</summary>
    public static Action<IServiceCollection> Peers(string self, Func<HttpMessageHandler> applications, Func<HttpMessageHandler> registry,
        Func<HttpMessageHandler> incidents) => services =>
    {
        var peers = new Dictionary<string, Func<HttpMessageHandler>>
        {
            [ServiceNames.SandboxApplications] = applications,
            [ServiceNames.AiSystemRegistry] = registry,
            [ServiceNames.IncidentClaims] = incidents,
        };
        foreach (var (name, handler) in peers.Where(p => p.Key != self))
            services.AddHttpClient(ServiceVerifier.PeerClientPrefix + name).ConfigurePrimaryHttpMessageHandler(handler);
    };

    public async Task DisposeAsync()
    {
        ApplicationsBrokerLine.Unblock();
        foreach (var host in new IAsyncDisposable[] { Applications, Registry, Incidents }) await host.DisposeAsync();
        await ApplicationsBrokerLine.DisposeAsync();
        foreach (var db in new[] { Applications.Postgres, Registry.Postgres, Incidents.Postgres })
            await _infrastructure.DropDatabaseAsync(db);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
