using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace SandboxRegistry.Testing;

/// <summary>
/// The real PostgreSQL and RabbitMQ the tests run against: containers when a Docker engine answers, otherwise the
/// locally started services named by SANDBOX_TEST_POSTGRES, SANDBOX_TEST_RABBITMQ and SANDBOX_TEST_RABBITMQ_API
/// (deploy/test.sh starts them and sets these). One per test process; each fixture gets its own database and
/// virtual host from it.
/// </summary>
public sealed class Infrastructure
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Infrastructure? _instance;

    /// <summary>Connection string of a role allowed to create databases.</summary>
    public string PostgresAdmin { get; }
    /// <summary>amqp://user:pass@host:port/ of a broker user allowed to create virtual hosts.</summary>
    public Uri RabbitMq { get; }
    /// <summary>The broker's management HTTP API.</summary>
    public Uri RabbitMqApi { get; }
    public string Origin { get; }

    private Infrastructure(string postgresAdmin, Uri rabbitMq, Uri rabbitMqApi, string origin)
    {
        PostgresAdmin = postgresAdmin;
        RabbitMq = rabbitMq;
        RabbitMqApi = rabbitMqApi;
        Origin = origin;
    }

    public static async Task<Infrastructure> GetAsync()
    {
        if (_instance is not null) return _instance;
        await Gate.WaitAsync();
        try
        {
            return _instance ??= await TryContainersAsync() ?? Local();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static Infrastructure Local() => new(
        Environment.GetEnvironmentVariable("SANDBOX_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=5432;Username=sandbox;Password=sandbox;Database=postgres;SSL Mode=Disable",
        new Uri(Environment.GetEnvironmentVariable("SANDBOX_TEST_RABBITMQ") ?? "amqp://sandbox:sandbox@127.0.0.1:5672/"),
        new Uri(Environment.GetEnvironmentVariable("SANDBOX_TEST_RABBITMQ_API") ?? "http://127.0.0.1:15672/"),
        "local services");

    private static async Task<Infrastructure?> TryContainersAsync()
    {
        if (Environment.GetEnvironmentVariable("SANDBOX_TEST_NO_CONTAINERS") == "1") return null;
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null) return null;
        try
        {
            var postgres = new PostgreSqlBuilder("postgres:15-alpine").WithUsername("sandbox").WithPassword("sandbox").Build();
            var rabbit = new RabbitMqBuilder("rabbitmq:3.13-management").WithUsername("sandbox").WithPassword("sandbox")
                .WithPortBinding(15672, true).Build();
            await Task.WhenAll(postgres.StartAsync(), rabbit.StartAsync());
            var builder = new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Database = "postgres" };
            return new Infrastructure(builder.ConnectionString,
                new Uri($"amqp://sandbox:sandbox@{rabbit.Hostname}:{rabbit.GetMappedPublicPort(5672)}/"),
                new Uri($"http://{rabbit.Hostname}:{rabbit.GetMappedPublicPort(15672)}/"),
                "Testcontainers");
        }
        catch (Exception e) when (e is DockerUnavailableException or HttpRequestException or TimeoutException)
        {
            return null; // no engine answered: fall back to the local services
        }
    }

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using var connection = new NpgsqlConnection(PostgresAdmin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name, Pooling = true }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresAdmin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
        try
        {
            await command.ExecuteNonQueryAsync();
        }
        catch (PostgresException e)
        {
            // Cleanup only: a session of another role (someone inspecting the database) keeps it; it is dropped by name later.
            Console.Error.WriteLine($"Test database {name} was not dropped: {e.MessageText}");
        }
    }

    /// <summary>Creates a virtual host for one fixture and returns the amqp URI that points at it.</summary>
    public async Task<Uri> CreateVirtualHostAsync(string prefix)
    {
        var vhost = $"{prefix}-{Guid.NewGuid():N}";
        using var http = ManagementClient();
        (await http.PutAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}", null)).EnsureSuccessStatusCode();
        var user = RabbitMq.UserInfo.Split(':')[0];
        (await http.PutAsJsonAsync($"api/permissions/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(user)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new UriBuilder(RabbitMq) { Path = "/" + Uri.EscapeDataString(vhost) }.Uri;
    }

    public async Task DeleteVirtualHostAsync(Uri amqp)
    {
        using var http = ManagementClient();
        await http.DeleteAsync($"api/vhosts/{amqp.AbsolutePath.TrimStart('/')}");
    }

    /// <summary>The broker's management API (queues, consumers), authenticated as the test user.</summary>
    public HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = RabbitMqApi, Timeout = TimeSpan.FromSeconds(30) };
        var credentials = Uri.UnescapeDataString(RabbitMq.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return http;
    }
}
