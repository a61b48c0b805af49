using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>A host with a tight list limit, to see the limiter answer.</summary>
public sealed class TightLimitsFixture : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    public ServiceHost<ServiceMarker> Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("limits");
        Host = new ServiceHost<ServiceMarker>(await _infrastructure.CreateDatabaseAsync("t_limits"), _vhost,
            new Dictionary<string, string?> { ["RateLimits:lists:PermitsPerSecond"] = "1", ["RateLimits:lists:Burst"] = "3" });
        await Host.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(Host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}

public class LimitsTests(TightLimitsFixture fixture) : IClassFixture<TightLimitsFixture>
{
    [Fact]
    public async Task A_client_past_its_list_limit_gets_429_with_retry_after_while_another_client_is_still_served()
    {
        var greedy = fixture.Host.Client(Tokens.Regulator("greedy"));
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++) answers.Add(await greedy.GetAsync("/api/v1/regimes"));

        var refused = answers.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(answers.Count(r => r.StatusCode == HttpStatusCode.OK) >= 3);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) >= 1);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rate-limited", problem.GetProperty("code").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await fixture.Host.Client(Tokens.Regulator("patient")).GetAsync("/api/v1/regimes")).StatusCode);
    }

    [Theory]
    [InlineData("pageSize=500", "pageSize")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=0", "page")]
    public async Task Page_sizes_are_capped(string query, string field)
    {
        var response = await fixture.Host.Client(Tokens.Regulator($"pager-{field}-{query}")).GetAsync($"/api/v1/regimes?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task An_oversized_body_is_413_with_problem_details()
    {
        var body = new StringContent("{\"note\":\"" + new string('x', 1_100_000) + "\"}", Encoding.UTF8, "application/json");

        var response = await fixture.Host.Client(Tokens.Regulator("big")).PostAsync("/api/v1/regimes", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("body-too-large", problem.GetProperty("code").GetString());
    }
}

/// <summary>
/// A host whose requests time out after one second and whose witness accepts connections and never answers, so a
/// whole-service verification waits its five seconds for that witness.
/// </summary>
public sealed class ShortRequestTimeoutFixture : IAsyncLifetime
{
    private readonly System.Net.Sockets.TcpListener _silentWitness = new(IPAddress.Loopback, 0);
    private readonly System.Collections.Concurrent.ConcurrentBag<System.Net.Sockets.TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    public ServiceHost<ServiceMarker> Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _silentWitness.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) _held.Add(await _silentWitness.AcceptTcpClientAsync(_stop.Token));
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // Stopped with the fixture.
            }
        });
        var witness = $"http://127.0.0.1:{((IPEndPoint)_silentWitness.LocalEndpoint).Port}/";
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("timeouts");
        Host = new ServiceHost<ServiceMarker>(await _infrastructure.CreateDatabaseAsync("t_timeouts"), _vhost,
            new Dictionary<string, string?>
            {
                ["Limits:RequestTimeout"] = "00:00:01",
                [$"Audit:Peers:{SandboxRegistry.Contracts.ServiceNames.IncidentClaims}"] = witness,
            });
        await Host.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _silentWitness.Stop();
        foreach (var client in _held) client.Dispose();
        await Host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(Host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}

public class VerificationTimeoutTests(ShortRequestTimeoutFixture fixture) : IClassFixture<ShortRequestTimeoutFixture>
{
    [Fact]
    public async Task A_whole_service_verification_longer_than_the_request_timeout_answers_with_its_verdict()
    {
        var response = await fixture.Host.Client(Tokens.Auditor()).GetAsync("/api/v1/audit/verify?full=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var verdict = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(verdict.GetProperty("valid").GetBoolean(), verdict.ToString());
        var witness = Assert.Single(verdict.GetProperty("witnesses").EnumerateArray(),
            w => w.GetProperty("witness").GetString() == SandboxRegistry.Contracts.ServiceNames.IncidentClaims);
        Assert.Equal("unreachable", witness.GetProperty("status").GetString());
    }
}
