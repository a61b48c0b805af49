using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>A host with a tight intake limit (the shipped one is generous: see appsettings.json, RateLimits:intake).</summary>
public sealed class TightIntakeFixture : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    public ServiceHost<ServiceMarker> Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("intake_limits");
        Host = new ServiceHost<ServiceMarker>(await _infrastructure.CreateDatabaseAsync("t_intake_limits"), _vhost,
            new Dictionary<string, string?>
            {
                ["RateLimits:intake:PermitsPerSecond"] = "1", ["RateLimits:intake:Burst"] = "2",
                ["RateLimits:lists:PermitsPerSecond"] = "1", ["RateLimits:lists:Burst"] = "2",
            });
        await Host.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(Host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}

public class IntakeLimitTests(TightIntakeFixture fixture) : IClassFixture<TightIntakeFixture>
{
    private static async Task AssertLimited(HttpResponseMessage refused)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rate-limited", problem.GetProperty("code").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_integration_past_its_intake_limit_gets_429_with_retry_after_while_another_integration_is_still_served()
    {
        var greedy = fixture.Host.Client(Tokens.Integration("greedy-portal"));
        // All at once: one after another, a slow machine could take a second per report and refill the bucket between them.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Post(greedy, Body(), Guid.NewGuid().ToString())));

        Assert.True(answers.Count(r => r.StatusCode == HttpStatusCode.Created) >= 2);
        await AssertLimited(answers.First(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.Created, (await Post(fixture.Host.Client(Tokens.Integration("patient-portal")), Body(),
            Guid.NewGuid().ToString())).StatusCode);
    }

    [Fact]
    public async Task A_client_past_its_list_limit_gets_429()
    {
        var greedy = fixture.Host.Client(Tokens.Regulator("greedy-reader"));
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => greedy.GetAsync("/api/v1/incidents/deadlines")));

        Assert.True(answers.Count(r => r.StatusCode == HttpStatusCode.OK) >= 2);
        await AssertLimited(answers.First(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }
}
