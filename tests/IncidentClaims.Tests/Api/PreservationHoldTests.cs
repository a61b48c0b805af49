using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;
using Registry = SandboxRegistry.Contracts.AiSystemRegistry;
using Contract = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>Issue 19 part 3: the preservation hold a serious incident places on its version (AI Act art. 73(6)).</summary>
public class PreservationHoldTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));
    private HttpClient Auditor => fixture.Host.Client(Tokens.Auditor());
    private HttpClient Company => fixture.Host.Client(Tokens.Applicant(World.Ogrn, "compliance-officer"));

    private async Task<JsonElement> Dossier(Guid id, Func<JsonElement, bool> until) =>
        await Eventually.Until(async () =>
        {
            var d = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier").Body();
            return until(d) ? d : (JsonElement?)null;
        }, because: "the dossier should show the hold's progress");

    [Fact]
    public async Task A_serious_incident_holds_its_version_the_registry_acknowledges_a_correction_moves_the_hold_and_the_regulator_lifts_it()
    {
        var published = await Published.Listen(fixture.Host);
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem("61");
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: "61"));

        var link = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { }).Body();

        Assert.Equal(3L, link.GetProperty("version").GetInt64()); // the link and the hold, in one commit
        var placed = await published.One<Contract.PreservationHoldPlaced>(m => m.IncidentId == id);
        Assert.Equal((seeded.AiSystem.AiSystemId, seeded.Version10.VersionId, "1.0"), (placed.AiSystemId, placed.VersionId, placed.Version));
        Assert.Equal((ServiceNames.IncidentClaims, id, 3L), (placed.Source.Service, placed.Source.StreamId, placed.Source.StreamVersion));
        var dossier = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier").Body();
        var hold = Assert.Single(dossier.GetProperty("preservationHolds").EnumerateArray().ToList());
        Assert.Equal(placed.HoldId, hold.GetProperty("holdId").GetGuid());
        Assert.Equal(["seriousHarmToHealth"], hold.GetProperty("grounds").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("reg-ivanova", hold.GetProperty("placedBy").GetString());
        Assert.Equal(JsonValueKind.Null, hold.GetProperty("appliedAt").ValueKind);
        Assert.Equal(3L, hold.GetProperty("source").GetProperty("streamVersion").GetInt64());

        // AiSystemRegistry's acknowledgement, as its outbox publishes it (twice: at least once).
        var appliedAt = DateTimeOffset.UtcNow;
        var ack = new Registry.PreservationHoldApplied(world.Cite(ServiceNames.AiSystemRegistry, seeded.AiSystem.AiSystemId), placed.HoldId, id,
            placed.AiSystemId, placed.VersionId, "1.0", appliedAt);
        await world.Publish(ack);
        await world.Publish(ack);
        dossier = await Dossier(id, d => d.GetProperty("preservationHolds")[0].GetProperty("appliedAt").ValueKind != JsonValueKind.Null);
        hold = dossier.GetProperty("preservationHolds")[0];
        Assert.Equal(appliedAt, hold.GetProperty("appliedAt").GetDateTimeOffset());
        Assert.Equal((ServiceNames.AiSystemRegistry, ack.Source.EventId), (hold.GetProperty("appliedSource").GetProperty("service").GetString(),
            hold.GetProperty("appliedSource").GetProperty("eventId").GetGuid()));
        var status = await Regulator.GetAsync($"/api/v1/incidents/{id}/status").Body();
        Assert.Equal("linked", status.GetProperty("status").GetString());
        var afterAck = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier");
        Assert.Equal("\"4\"", afterAck.Headers.ETag?.Tag); // the acknowledgement recorded once, the redelivery changed nothing

        // The regulator finds that version 1.1 was in service that day after all: the hold moves with the link.
        var corrected = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link-correction",
            new { versionId = seeded.Version11.VersionId, participationId = seeded.Participation.ParticipationId, reason = "The operator ran 1.1 that day." })
            .Body();
        Assert.Equal(7L, corrected.GetProperty("version").GetInt64()); // correction, lift of the old hold, hold on the new version
        var lifted = await published.One<Contract.PreservationHoldLifted>(m => m.IncidentId == id);
        Assert.Equal((placed.HoldId, seeded.Version10.VersionId), (lifted.HoldId, lifted.VersionId));
        Assert.Equal("The link was corrected to version 1.1: The operator ran 1.1 that day.", lifted.Reason);
        var moved = await published.One<Contract.PreservationHoldPlaced>(m => m.IncidentId == id && m.VersionId == seeded.Version11.VersionId);
        Assert.NotEqual(placed.HoldId, moved.HoldId);
        var relinked = await published.One<Contract.IncidentLinkedToAiSystem>(m => m.IncidentId == id && m.VersionId == seeded.Version11.VersionId);
        Assert.True(relinked.Explicit);
        dossier = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier").Body();
        Assert.Equal(seeded.Version11.VersionId, dossier.GetProperty("version").GetProperty("versionId").GetGuid());
        var correction = Assert.Single(dossier.GetProperty("linkCorrections").EnumerateArray().ToList());
        Assert.Equal((seeded.Version10.VersionId, seeded.Version11.VersionId), (correction.GetProperty("previousVersionId").GetGuid(),
            correction.GetProperty("versionId").GetGuid()));
        var holds = dossier.GetProperty("preservationHolds").EnumerateArray().ToList();
        Assert.Equal([seeded.Version10.VersionId, seeded.Version11.VersionId], holds.Select(h => h.GetProperty("versionId").GetGuid()));
        Assert.NotEqual(JsonValueKind.Null, holds[0].GetProperty("liftedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, holds[1].GetProperty("liftedAt").ValueKind);
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link-correction",
                new { versionId = seeded.Version11.VersionId, reason = "Again." })
            .AssertProblem(HttpStatusCode.Conflict, "same-version");

        // Lifted only by the regulator, with a reason.
        await Company.PostAsJsonAsync($"/api/v1/incidents/{id}/preservation-hold/lifting", new { reason = "We examined it." })
            .AssertProblem(HttpStatusCode.Forbidden);
        await Auditor.PostAsJsonAsync($"/api/v1/incidents/{id}/preservation-hold/lifting", new { reason = "Examined." })
            .AssertProblem(HttpStatusCode.Forbidden);
        var noReason = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/preservation-hold/lifting", new { reason = " " })
            .AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(noReason.GetProperty("errors").TryGetProperty("reason", out _));
        var lift = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/preservation-hold/lifting",
            new { reason = "The flight logs and the model were examined by the commission's experts." }).Body();
        Assert.Equal(8L, lift.GetProperty("version").GetInt64());
        var liftedNow = await published.One<Contract.PreservationHoldLifted>(m => m.HoldId == moved.HoldId);
        Assert.Equal("The flight logs and the model were examined by the commission's experts.", liftedNow.Reason);
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/preservation-hold/lifting", new { reason = "Again." })
            .AssertProblem(HttpStatusCode.Conflict, "no-preservation-hold");
        dossier = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier").Body();
        var last = dossier.GetProperty("preservationHolds")[1];
        Assert.Equal(("reg-ivanova", "The flight logs and the model were examined by the commission's experts.", 8L),
            (last.GetProperty("liftedBy").GetString(), last.GetProperty("liftReason").GetString(),
                last.GetProperty("liftSource").GetProperty("streamVersion").GetInt64()));
        var auditors = await Auditor.GetAsync($"/api/v1/incidents/{id}/dossier").Body();
        Assert.Equal(2, auditors.GetProperty("preservationHolds").GetArrayLength());
    }

    [Fact]
    public async Task An_incident_that_is_not_serious_places_no_hold_and_has_none_to_lift()
    {
        var world = new World(fixture.Host);
        await world.SeedDeployedSystem("62");
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: "62", harmType: "damageToPersonProperty", severity: "minor"));

        var link = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { }).Body();

        Assert.Equal(2L, link.GetProperty("version").GetInt64());
        var dossier = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier").Body();
        Assert.Empty(dossier.GetProperty("preservationHolds").EnumerateArray());
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/preservation-hold/lifting", new { reason = "Nothing held." })
            .AssertProblem(HttpStatusCode.Conflict, "no-preservation-hold");
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{Guid.NewGuid()}/preservation-hold/lifting", new { reason = "Unknown." })
            .AssertProblem(HttpStatusCode.NotFound);
    }
}
