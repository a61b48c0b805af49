using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SandboxRegistry.Contracts;
using Xunit;

namespace SandboxRegistry.Testing;

/// <summary>One service in process, on its own database, talking to a real broker at <paramref name="rabbitMq"/>.</summary>
public sealed class ServiceHost<TMarker>(string postgres, Uri rabbitMq, IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? configureServices = null)
    : WebApplicationFactory<TMarker> where TMarker : class
{
    public string Postgres { get; } = postgres;

    /// <summary>The broker and virtual host the service talks to.</summary>
    public Uri RabbitMq { get; } = rabbitMq;

    /// <summary>What the host logged, at Information and above (as in production), whatever the console shows.</summary>
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Postgres", Postgres);
        builder.UseSetting("ConnectionStrings:RabbitMq", RabbitMq.ToString());
        builder.UseSetting("Auth:DevSigningKey", Tokens.SigningKey);
        builder.UseSetting("Vault:MasterKey", Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7 + 1)).ToArray()));
        // No peer by default: the appsettings' peers are the services deploy/up.sh runs on this machine, which a test host
        // must neither ask to cosign nor compare its verification with (a fixture that wants peers sets its own).
        foreach (var peer in new[] { ServiceNames.SandboxApplications, ServiceNames.AiSystemRegistry, ServiceNames.IncidentClaims })
            builder.UseSetting($"Audit:Peers:{peer}", "http://127.0.0.1:9/");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(level => level >= LogLevel.Warning);
            logging.SetMinimumLevel(LogLevel.Information);
        });
        if (configureServices is not null) builder.ConfigureTestServices(configureServices);
    }

    /// <summary>
    /// Starts the host and waits until /health/ready answers 200: PostgreSQL reached and the bus's endpoints up, so
    /// its queue is bound before anything is published to it (a message published earlier has nowhere to go).
    /// </summary>
    public async Task WaitUntilReadyAsync()
    {
        var client = CreateClient();
        await Eventually.True(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60), $"{typeof(TMarker).Namespace} should become ready");
    }

    /// <summary>A client that sends <paramref name="token"/> as its bearer token (none when null).</summary>
    public HttpClient Client(string? token = null)
    {
        var client = CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>A service with a database and a virtual host of its own, for one test class.</summary>
public class ServiceFixture<TMarker> : IAsyncLifetime where TMarker : class
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    public ServiceHost<TMarker> Host { get; private set; } = null!;

    /// <summary>Settings a fixture gives its service on top of the defaults (configuration keys such as "Webhooks:PollInterval").</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        var postgres = await _infrastructure.CreateDatabaseAsync("t_" + typeof(TMarker).Assembly.GetName().Name!.ToLowerInvariant());
        _vhost = await _infrastructure.CreateVirtualHostAsync(typeof(TMarker).Assembly.GetName().Name!.ToLowerInvariant());
        Host = new ServiceHost<TMarker>(postgres, _vhost, Settings);
        await Host.WaitUntilReadyAsync(); // start now, so the first test does not pay for it inside its own timeout
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(Host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}
