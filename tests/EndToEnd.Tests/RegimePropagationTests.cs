using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public class RegimePropagationTests(SystemFixture system)
{
    private static object Regime(string title) => Requests.Regime(title);

    private async Task<Guid> Establish(string title)
    {
        var response = await system.Applications.Client(Tokens.Regulator()).PostAsJsonAsync("/api/v1/regimes", Regime(title));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement?> Read(HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/v1/regimes/{id}");
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    private static Task<JsonElement> Arrival(HttpClient client, Guid id, int sources = 1) =>
        Eventually.Until(async () => await Read(client, id) is { } r && r.GetProperty("sources").GetArrayLength() >= sources ? r : (JsonElement?)null,
            TimeSpan.FromSeconds(30), $"regime {id} should reach the service");

    [Fact]
    public async Task A_regime_established_in_sandbox_applications_reaches_both_other_services_citing_its_event()
    {
        var id = await Establish("Telemedicine triage");

        var inRegistry = await Arrival(system.Registry.Client(), id);
        var inIncidents = await Arrival(system.Incidents.Client(), id);

        foreach (var copy in new[] { inRegistry, inIncidents })
        {
            Assert.Equal("Telemedicine triage", copy.GetProperty("title").GetString());
            Assert.Equal("medicine", copy.GetProperty("direction").GetString());
            Assert.Equal(25_000_000m, copy.GetProperty("insurance").GetProperty("minimumSumInsured").GetProperty("amount").GetDecimal());
            Assert.Equal(["life", "health"], copy.GetProperty("insurance").GetProperty("requiredRisks").EnumerateArray().Select(r => r.GetString()));
            Assert.True(copy.GetProperty("insurance").GetProperty("aiHarmCoverRequired").GetBoolean());
            Assert.Equal("Government Decree No. 1234 of 2025-12-01", copy.GetProperty("legalBasis").GetString());
            var source = Assert.Single(copy.GetProperty("sources").EnumerateArray());
            Assert.Equal("sandbox-applications", source.GetProperty("service").GetString());
            Assert.Equal(id, source.GetProperty("streamId").GetGuid());
            Assert.Equal(1, source.GetProperty("streamVersion").GetInt64());
        }
        // ...and carry the event's hash-chain link, which the owner publishes for anyone to check.
        var cited = inRegistry.GetProperty("sources")[0];
        var seal = await system.Applications.Client().GetFromJsonAsync<JsonElement>(
            $"/api/v1/audit/events/{cited.GetProperty("eventId").GetGuid()}");
        Assert.Equal(seal.GetProperty("hash").GetString(), cited.GetProperty("hash").GetString());
        Assert.Matches("^[0-9a-f]{64}$", cited.GetProperty("hash").GetString());
        // Both copies cite the same event of the owner's store.
        Assert.Equal(inRegistry.GetProperty("sources")[0].GetProperty("eventId").GetGuid(),
            inIncidents.GetProperty("sources")[0].GetProperty("eventId").GetGuid());
    }

    [Fact]
    public async Task A_message_delivered_again_with_the_same_message_id_is_applied_once_in_each_service()
    {
        var id = await Establish("Robotic surgery assistance");
        var original = await Arrival(system.Registry.Client(), id);
        await Arrival(system.Incidents.Client(), id);
        var citation = original.GetProperty("sources")[0].Deserialize<SourceCitation>(JsonSerializerOptions.Web)!;

        // Redeliver the very message the outbox sent (its MessageId is the Marten event id), then a real amendment.
        var bus = system.Applications.Services.GetRequiredService<IBus>();
        var again = new Published.RegimeEstablished(citation, id, 1, "Robotic surgery assistance", "medicine", null, ["77", "78"],
            new DateOnly(2026, 2, 1), new DateOnly(2028, 1, 31),
            new Published.InsuranceRequirements(new Money(25_000_000m, "RUB"), [], false), DateTimeOffset.UtcNow);
        var later = new Published.RegimeAmended(citation with { StreamVersion = 2, EventId = Guid.NewGuid() }, id, 2, "Renamed", "medicine",
            null, ["77", "78"], new DateOnly(2026, 2, 1), new DateOnly(2028, 1, 31), again.Insurance, DateTimeOffset.UtcNow);
        await bus.PublishAsTheOutboxWould(again);
        await bus.PublishAsTheOutboxWould(again);
        await bus.PublishAsTheOutboxWould(later);

        foreach (var client in new[] { system.Registry.Client(), system.Incidents.Client() })
        {
            var copy = await Arrival(client, id, sources: 2);
            var applied = copy.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("eventId").GetGuid()).ToArray();
            Assert.Equal([citation.EventId, later.Source.EventId], applied);
            Assert.Equal("Renamed", copy.GetProperty("title").GetString());
            Assert.Equal(2, copy.GetProperty("programmeVersion").GetInt32());
        }
    }

    [Fact]
    public async Task Regimes_established_while_the_broker_is_unreachable_are_delivered_once_it_returns()
    {
        system.ApplicationsBrokerLine.Block();
        Guid[] ids;
        try
        {
            // The API still accepts work: the event store is the outbox, not the broker.
            ids = [await Establish("Offline 1"), await Establish("Offline 2"), await Establish("Offline 3")];

            // Nothing can cross while the line is cut.
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (DateTime.UtcNow < deadline)
            {
                Assert.Null(await Read(system.Registry.Client(), ids[0]));
                await Task.Delay(200);
            }
        }
        finally
        {
            system.ApplicationsBrokerLine.Unblock();
        }

        foreach (var id in ids)
        {
            var inRegistry = await Arrival(system.Registry.Client(), id);
            var inIncidents = await Arrival(system.Incidents.Client(), id);
            Assert.Single(inRegistry.GetProperty("sources").EnumerateArray());
            Assert.Single(inIncidents.GetProperty("sources").EnumerateArray());
        }
    }
}
