using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using Incidents = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>Preservation holds as IncidentClaims publishes them, applied over RabbitMQ (AI Act art. 73(6)).</summary>
public class PreservationHoldApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private readonly Scenario S = new(fixture.Host);

    private static SourceCitation FromIncidentClaims(Guid incidentId, long version) =>
        new(ServiceNames.IncidentClaims, incidentId, version, Guid.NewGuid(), 700 + version);

    private async Task<JsonElement> Version(Guid system, Guid version, Func<JsonElement, bool> until) =>
        await Eventually.Until(async () =>
        {
            var view = await S.Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{system}");
            var v = view.GetProperty("system").GetProperty("versions").EnumerateArray().Single(x => x.GetProperty("id").GetGuid() == version);
            return until(v) ? v : (JsonElement?)null;
        }, because: "the hold messages should be applied");

    private Task<HttpResponseMessage> Recall(Guid system, Guid version) =>
        S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{system}/versions/{version}/recall", new { reason = "Faulty sign reading" });

    [Fact]
    public async Task A_held_version_refuses_recall_deprecation_and_withdrawal_until_every_hold_is_lifted_and_a_new_version_is_released_meanwhile()
    {
        var system = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(system, "1.0.0");
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var (firstHold, secondHold) = (Guid.NewGuid(), Guid.NewGuid());
        var placedAt = DateTimeOffset.UtcNow.AddSeconds(-5);
        var placed = new Incidents.PreservationHoldPlaced(FromIncidentClaims(first, 3), firstHold, first, system, version, "1.0.0", placedAt);
        await S.PublishAsync(placed);
        await S.PublishAsync(placed); // redelivered by the outbox: recorded once
        await S.PublishAsync(new Incidents.PreservationHoldPlaced(FromIncidentClaims(second, 3), secondHold, second, system, version, "1.0.0", placedAt));

        var held = await Version(system, version, v => v.GetProperty("holds").GetArrayLength() == 2);
        Assert.True(held.GetProperty("onHold").GetBoolean());
        var hold = held.GetProperty("holds").EnumerateArray().Single(h => h.GetProperty("holdId").GetGuid() == firstHold);
        Assert.Equal(first, hold.GetProperty("incidentId").GetGuid());
        Assert.Equal(placedAt, hold.GetProperty("placedAt").GetDateTimeOffset());
        Assert.True(hold.GetProperty("since").GetDateTimeOffset() >= placedAt);
        Assert.Equal(placed.Source.EventId, hold.GetProperty("source").GetProperty("eventId").GetGuid());
        Assert.Equal(JsonValueKind.Null, hold.GetProperty("liftedAt").ValueKind);
        var owners = await S.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{system}");
        Assert.True(owners.GetProperty("system").GetProperty("versions")[0].GetProperty("onHold").GetBoolean());

        var refusal = await Recall(system, version).AssertProblem(HttpStatusCode.Conflict, "version-on-preservation-hold");
        Assert.Contains(first.ToString(), refusal.GetProperty("detail").GetString());
        await S.Owner.PostAsync($"/api/v1/ai-systems/{system}/versions/{version}/deprecation", null)
            .AssertProblem(HttpStatusCode.Conflict, "version-on-preservation-hold");
        await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{system}/withdrawal", new { reason = "Leaving the regime" })
            .AssertProblem(HttpStatusCode.Conflict, "version-on-preservation-hold");
        var next = await S.ReleaseAsync(system, "1.0.1", 'b');

        await S.PublishAsync(new Incidents.PreservationHoldLifted(FromIncidentClaims(first, 5), firstHold, first, system, version, "Examined.",
            DateTimeOffset.UtcNow));
        var oneLeft = await Version(system, version, v => v.GetProperty("holds").EnumerateArray().Count(h => h.GetProperty("liftedAt").ValueKind != JsonValueKind.Null) == 1);
        Assert.True(oneLeft.GetProperty("onHold").GetBoolean());
        Assert.Equal("Examined.", oneLeft.GetProperty("holds").EnumerateArray().Single(h => h.GetProperty("holdId").GetGuid() == firstHold)
            .GetProperty("liftReason").GetString());
        await Recall(system, version).AssertProblem(HttpStatusCode.Conflict, "version-on-preservation-hold");

        await S.PublishAsync(new Incidents.PreservationHoldLifted(FromIncidentClaims(second, 5), secondHold, second, system, version, "Examined too.",
            DateTimeOffset.UtcNow));
        await Version(system, version, v => !v.GetProperty("onHold").GetBoolean());
        (await Recall(system, version)).EnsureSuccessStatusCode();
        var after = await S.Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/ai-systems/{system}");
        var versions = after.GetProperty("system").GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["recalled", "released"], versions.Select(v => v.GetProperty("status").GetString()));
        Assert.Equal(next, versions[1].GetProperty("id").GetGuid());
        var publicView = await S.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/register/ai-systems/{system}");
        Assert.False(publicView.GetProperty("versions")[0].TryGetProperty("holds", out _));
    }
}
