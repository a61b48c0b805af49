using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SandboxRegistry.SandboxApplications.Scheduling;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>
/// Two replicas of the service on one database and one virtual host, as `deploy/up.sh --replicas 2` runs them: the
/// scheduled checks run on both, the outbox on one at a time.
/// </summary>
public sealed class ReplicasTests : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private string _postgres = null!;
    private Uri _vhost = null!;
    private readonly List<ServiceHost<ServiceMarker>> _replicas = [];
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 25, 9, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _postgres = await _infrastructure.CreateDatabaseAsync("t_replicas");
        _vhost = await _infrastructure.CreateVirtualHostAsync("replicas");
    }

    private async Task<ServiceHost<ServiceMarker>> StartReplica()
    {
        // The checks' own loop waits an hour after its first pass, so the test drives every later pass itself.
        var replica = new ServiceHost<ServiceMarker>(_postgres, _vhost, new Dictionary<string, string?> { ["Schedules:CheckInterval"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(_clock));
        _replicas.Add(replica);
        await replica.WaitUntilReadyAsync();
        return replica;
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(_postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }

    private static ScheduledChecks Checks(ServiceHost<ServiceMarker> replica) =>
        replica.Services.GetServices<IHostedService>().OfType<ScheduledChecks>().Single();

    private static async Task<string[]> History(ServiceHost<ServiceMarker> replica, string kind, Guid id) =>
        (await replica.Client(Tokens.Regulator()).GetFromJsonAsync<JsonElement>($"/api/v1/{kind}/{id}/history?pageSize=100"))
            .GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();

    [Fact]
    public async Task Scheduled_checks_racing_on_two_replicas_record_each_fact_once()
    {
        var a = await StartReplica();
        var b = await StartReplica();
        var applications = new List<Guid>();
        for (var i = 0; i < 6; i++) applications.Add(await Submit(a, await EstablishRegime(a, RegimeBody(title: $"Regime {i}"))));
        var approved = await Submit(a, await EstablishRegime(a), OtherCompany);
        await AssignReviewer(a, approved);
        var participation = await Approve(a, approved);

        // Past every review deadline (2 February 2027) and the participation's term (to 31 March 2027): both replicas
        // check at once, three times each.
        _clock.Set(new DateTimeOffset(2027, 4, 2, 9, 0, 0, TimeSpan.Zero));
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { a, b }).Select(r => Task.Run(() => Checks(r).RunOnceAsync(default))));

        foreach (var application in applications)
            Assert.Single(await History(b, "applications", application), type => type == "review_deadline_missed");
        Assert.Single(await History(b, "participations", participation), type => type == "participation_expired");
        var expired = await b.Client(Tokens.Regulator()).GetFromJsonAsync<JsonElement>($"/api/v1/participations/{participation}");
        Assert.Equal("expired", expired.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_outbox_moves_to_the_other_replica_when_the_one_running_it_stops()
    {
        var first = await StartReplica();
        await EstablishRegime(first);
        await ForwardedEverything(first, because: "the only replica runs the outbox");

        var second = await StartReplica();
        await first.DisposeAsync();
        _replicas.Remove(first);

        await EstablishRegime(second, RegimeBody(title: "After the first replica stopped"));
        await ForwardedEverything(second, because: "the remaining replica takes the outbox over");
    }

    /// <summary>The outbox's progress reaches the last event: every event was confirmed by the broker.</summary>
    private static Task ForwardedEverything(ServiceHost<ServiceMarker> replica, string because) =>
        Eventually.True(async () =>
        {
            var store = replica.Services.GetRequiredService<IDocumentStore>();
            var last = (await store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
            var progress = await store.Advanced.AllProjectionProgress();
            return progress.Any(p => p.ShardName.StartsWith("outbox", StringComparison.OrdinalIgnoreCase) && p.Sequence >= last);
        }, TimeSpan.FromSeconds(90), because);
}
