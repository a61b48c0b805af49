using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.Hosting;
using SandboxRegistry.Regulation;
using Xunit;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.Testing;

/// <summary>
/// What every service that keeps a local copy of SandboxApplications' regimes must do with RegimeEstablished and
/// RegimeAmended messages arriving over the real broker. Each consuming service's test project derives from this once.
/// </summary>
public abstract class RegimeReadModelSpec<TMarker>(ServiceFixture<TMarker> fixture) : IClassFixture<ServiceFixture<TMarker>>
    where TMarker : class
{
    public static Published.RegimeEstablished Message(Guid regimeId, long streamVersion = 1, string title = "Drone delivery") => new(
        new SourceCitation(ServiceNames.SandboxApplications, regimeId, streamVersion, Guid.NewGuid(), 100 + streamVersion),
        regimeId, (int)streamVersion, title, "unmannedAircraft", "Decree No. 1 of 2025-12-01", ["77"], new DateOnly(2026, 1, 1),
        new DateOnly(2027, 12, 31), new Published.InsuranceRequirements(new Money(2_000_000m, "RUB"), ["health"], true),
        DateTimeOffset.UtcNow);

    public static Published.RegimeAmended Amendment(Guid regimeId, long streamVersion, string title) => new(
        new SourceCitation(ServiceNames.SandboxApplications, regimeId, streamVersion, Guid.NewGuid(), 100 + streamVersion),
        regimeId, (int)streamVersion, title, "unmannedAircraft", "Decree No. 2 of 2026-03-01", ["77", "50"], new DateOnly(2026, 1, 1),
        new DateOnly(2028, 12, 31), new Published.InsuranceRequirements(new Money(5_000_000m, "RUB"), ["health", "life"], true),
        DateTimeOffset.UtcNow);

    private Task Publish<T>(T message) where T : class, ICitedMessage =>
        fixture.Host.Services.GetRequiredService<IBus>().PublishAsTheOutboxWould(message);

    private async Task<JsonElement> WaitForSources(Guid regimeId, int count)
    {
        var client = fixture.Host.Client();
        return await Eventually.Until(async () =>
        {
            var response = await client.GetAsync($"/api/v1/regimes/{regimeId}");
            if (!response.IsSuccessStatusCode) return (JsonElement?)null;
            var regime = await response.Content.ReadFromJsonAsync<JsonElement>();
            return regime.GetProperty("sources").GetArrayLength() >= count ? regime : null;
        }, because: $"regime {regimeId} should have {count} applied message(s)");
    }

    [Fact]
    public async Task A_published_regime_becomes_readable_with_the_citation_of_its_source_event()
    {
        var message = Message(Guid.NewGuid());

        await Publish(message);
        var regime = await WaitForSources(message.RegimeId, 1);

        Assert.Equal(message.Title, regime.GetProperty("title").GetString());
        Assert.Equal("unmannedAircraft", regime.GetProperty("direction").GetString());
        Assert.Equal(["77"], regime.GetProperty("territory").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("2027-12-31", regime.GetProperty("endsOn").GetString());
        Assert.Equal(2_000_000m, regime.GetProperty("insurance").GetProperty("minimumSumInsured").GetProperty("amount").GetDecimal());
        var source = regime.GetProperty("sources")[0];
        Assert.Equal(message.Source.EventId, source.GetProperty("eventId").GetGuid());
        Assert.Equal(message.Source.Sequence, source.GetProperty("sequence").GetInt64());
        Assert.Equal("sandbox-applications", source.GetProperty("service").GetString());

        var list = await fixture.Host.Client().AllItems("/api/v1/regimes");
        Assert.Contains(list, r => r.GetProperty("id").GetGuid() == message.RegimeId);
    }

    [Fact]
    public async Task A_redelivered_message_is_applied_once()
    {
        var first = Message(Guid.NewGuid());
        await Publish(first);
        await Publish(first); // the broker or the outbox delivers the same message again
        await Publish(first);
        // The queue is consumed in order: by the time the next message is applied, the redeliveries were handled.
        var next = Amendment(first.RegimeId, streamVersion: 2, title: "Drone delivery, amended");
        await Publish(next);

        var regime = await WaitForSources(first.RegimeId, 2);

        var applied = regime.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("eventId").GetGuid()).ToArray();
        Assert.Equal([first.Source.EventId, next.Source.EventId], applied);
        Assert.Equal("Drone delivery, amended", regime.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_amendment_replaces_the_programme_and_a_replayed_older_version_does_not_bring_it_back()
    {
        var established = Message(Guid.NewGuid());
        await Publish(established);
        var amended = Amendment(established.RegimeId, streamVersion: 2, title: "Drone delivery over two regions");
        await Publish(amended);
        // The same first programme published again under a new event id (a replay of the owner's history): it is older.
        await Publish(established with { Source = established.Source with { EventId = Guid.NewGuid() } });

        var regime = await WaitForSources(established.RegimeId, 3);

        Assert.Equal(2, regime.GetProperty("programmeVersion").GetInt32());
        Assert.Equal("Drone delivery over two regions", regime.GetProperty("title").GetString());
        Assert.Equal(["77", "50"], regime.GetProperty("territory").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("2028-12-31", regime.GetProperty("endsOn").GetString());
        Assert.Equal("Decree No. 2 of 2026-03-01", regime.GetProperty("legalBasis").GetString());
        Assert.Equal(5_000_000m, regime.GetProperty("insurance").GetProperty("minimumSumInsured").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task An_unknown_regime_is_a_404_with_problem_details()
    {
        var response = await fixture.Host.Client().GetAsync($"/api/v1/regimes/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
