using System.Globalization;
using System.Net;
using SandboxRegistry.Testing;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>
/// /metrics, in Prometheus text format, answers only on the metrics port and to anyone there; it carries the request
/// duration histogram by route, outbox lag, queue and _error queue depths and the statutory clocks, and they move.
/// </summary>
/// <summary>
/// Runs alone, with no other test host alive beside it: the test reads exact totals from the exposition, and in the
/// full run (many hosts in one process) it once missed its clock count within 30 s while it passed alone.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsCollection;

[Collection(nameof(MetricsTests))]
public sealed class MetricsTests : IAsyncLifetime
{
    private const int MetricsPort = 9103; // appsettings.json
    private const string Route = "/api/v1/incidents/"; // the route pattern, as ASP.NET Core reports it
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    private ServiceHost<ServiceMarker> _host = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("metrics");
        _host = new ServiceHost<ServiceMarker>(await _infrastructure.CreateDatabaseAsync("t_metrics"), _vhost,
            new Dictionary<string, string?> { ["Metrics:SampleInterval"] = "00:00:00.200", ["Metrics:ClockSampleInterval"] = "00:00:00.200" });
        await _host.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(_host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }

    [Fact]
    public async Task Metrics_are_served_on_the_metrics_port_only()
    {
        // On the API's port /metrics is answered as any path that does not exist.
        var api = await _host.CreateClient().GetAsync("/metrics");
        var unknown = await _host.CreateClient().GetAsync("/no-such-path");
        Assert.NotEqual(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(unknown.StatusCode, api.StatusCode);

        var response = await Scraper().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Each_metric_appears_and_the_request_count_and_clocks_move()
    {
        var queue = "incident-claims-integration-events";
        var before = await Eventually.Until(async () =>
        {
            var text = await Scrape();
            return text.Contains("sandbox_clocks_open") && text.Contains("sandbox_error_queue_messages") ? text : null;
        }, TimeSpan.FromSeconds(30), "the first sample should be taken");
        Assert.Equal(0, Value(before, "sandbox_outbox_lag"));
        Assert.Equal(0, Value(before, "sandbox_queue_messages", ("queue", queue)));
        Assert.Equal(0, Value(before, "sandbox_error_queue_messages", ("queue", queue + "_error")));
        foreach (var clock in new[] { "report", "commission", "conclusion" })
        {
            Assert.Equal(0, Value(before, "sandbox_clocks_open", ("clock", clock)));
            Assert.Equal(0, Value(before, "sandbox_clocks_breached", ("clock", clock)));
        }
        var filed = Value(before, "http_server_request_duration_seconds_count", ("http_route", Route), ("http_request_method", "POST"));

        // A serious injury reported today starts the AI Act art. 73 report clock; one aware of it 20 days ago is overdue.
        var portal = _host.Client(Tokens.Integration("gosuslugi"));
        await Reports.File(portal, Reports.Body());
        var late = Reports.Body(occurredAt: DateTimeOffset.UtcNow.AddDays(-20));
        late["awareAt"] = DateTimeOffset.UtcNow.AddDays(-20);
        await Reports.File(portal, late);

        var after = await Eventually.Until(async () =>
        {
            var text = await Scrape();
            return Value(text, "sandbox_clocks_open", ("clock", "report")) == 2 ? text : null;
        }, TimeSpan.FromSeconds(30), "both report clocks should be counted");
        Assert.Equal(1, Value(after, "sandbox_clocks_breached", ("clock", "report")));
        Assert.Equal(filed + 2, Value(after, "http_server_request_duration_seconds_count", ("http_route", Route), ("http_request_method", "POST")));

        // The two reports' events are published by the outbox: the lag returns to nothing behind the high-water mark.
        await Eventually.True(async () => Value(await Scrape(), "sandbox_outbox_lag") == 0, TimeSpan.FromSeconds(30),
            "the outbox should publish both reports");
    }

    private HttpClient Scraper()
    {
        var client = _host.CreateClient();
        client.BaseAddress = new Uri($"http://localhost:{MetricsPort}/");
        return client;
    }

    private async Task<string> Scrape() => await Scraper().GetStringAsync("/metrics");

    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels include every one given; 0 when none.</summary>
    private static double Value(string exposition, string metric, params (string Name, string Value)[] labels) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{") || line.StartsWith(metric + " "))
            .Where(line => labels.All(l => line.Contains($"{l.Name}=\"{l.Value}\"")))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : metric.Length)..].Trim().Split(' ')[0],
                CultureInfo.InvariantCulture));
}
