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
        _ = Host.Server;
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
