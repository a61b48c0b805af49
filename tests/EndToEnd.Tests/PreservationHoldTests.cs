using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.EndToEnd.Tests.Scenario;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// Issue 19 part 3 over real RabbitMQ and PostgreSQL: linking a serious incident in IncidentClaims holds the version in
/// AiSystemRegistry (AI Act art. 73(6)); the registry acknowledges, the dossier records when; the regulator lifts it.
/// </summary>
[Collection(SystemCollection.Name)]
public class PreservationHoldTests(SystemFixture system)
{
    private const string Ogrn = "1037739010891";

    private async Task<(Guid AiSystem, Guid Version)> DeployedSystem(string name, string version)
    {
        var (_, participation) = await ApprovedParticipation(system, Ogrn, $"{name} regime");
        await KnownToRegistry(system, Ogrn, participation);
        var aiSystem = await RegisteredSystem(system, Ogrn, name);
        var owner = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var versionId = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", Release(name, version)),
            HttpStatusCode.Created)).GetProperty("versionId").GetGuid();
        var deployment = (await Ok(owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = aiSystem, versionId, participationId = participation, territory = new[] { "77" }, from = DateTimeOffset.UtcNow.AddDays(-10),
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Until(system.Incidents.Client(Tokens.Auditor()), $"/api/v1/known/deployments/{deployment}", _ => true,
            "IncidentClaims should learn of the deployment");
        return (aiSystem, versionId);
    }

    private static object Release(string name, string version) => new
    {
        version, artifactSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{name}-{version}"))),
        changeSummary = $"Release {version}", trainingDataSummary = "Flight logs", evaluationSummary = "Flight trials",
    };

    private async Task<Guid> Reported(Guid aiSystem, string harmType, string severity)
    {
        var portal = system.Incidents.Client(Tokens.Integration("gosuslugi"));
        portal.DefaultRequestHeaders.Add("Idempotency-Key", $"hold-{Guid.NewGuid():N}");
        return (await Ok(portal.PostAsJsonAsync("/api/v1/incidents", new
        {
            channel = "statePortal", title = "Drone fell on a pedestrian", description = "Lost height over the street.",
            aiInvolvement = "The autopilot chose the route.", occurredAt = DateTimeOffset.UtcNow.AddDays(-2),
            location = new { regionCode = "77", address = "Tverskaya 1" },
            harms = new[] { new { type = harmType, severity, personsAffected = 1, estimatedDamage = new { amount = 90_000m, currency = "RUB" } } },
            aiSystem = new { registryId = aiSystem, name = "drone" },
            reporter = new { fullName = "Maria Ivanova", contacts = new { phone = "+79990001122" }, consentToProcessing = true },
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    private Task<JsonElement> RegistryVersion(Guid aiSystem, Guid version, Func<JsonElement, bool> until, string because) =>
        Until(system.Registry.Client(Tokens.Regulator("reg-sokolova")), $"/api/v1/ai-systems/{aiSystem}",
            s => s.GetProperty("system").GetProperty("versions").EnumerateArray().Any(v => v.GetProperty("id").GetGuid() == version && until(v)),
            because);

    [Fact]
    public async Task A_serious_incident_holds_its_version_in_the_registry_until_the_regulator_lifts_the_hold()
    {
        var (aiSystem, version) = await DeployedSystem("HoldDrone", "1.0.0");
        var owner = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var registryRegulator = system.Registry.Client(Tokens.Regulator("reg-sokolova"));
        var incidentsRegulator = system.Incidents.Client(Tokens.Regulator("reg-ivanova"));
        var incident = await Reported(aiSystem, "injuryToHealth", "serious");

        await Ok(incidentsRegulator.PostAsJsonAsync($"/api/v1/incidents/{incident}/link", new { aiSystemId = aiSystem }));

        var held = await RegistryVersion(aiSystem, version, v => v.GetProperty("onHold").GetBoolean(), "the registry should apply the hold");
        var hold = held.GetProperty("system").GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("id").GetGuid() == version)
            .GetProperty("holds").EnumerateArray().Single();
        Assert.Equal(incident, hold.GetProperty("incidentId").GetGuid());
        var recall = new { reason = "Faulty altitude control" };
        var refused = await registryRegulator.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions/{version}/recall", recall)
            .AssertProblem(HttpStatusCode.Conflict, "version-on-preservation-hold");
        Assert.Contains(incident.ToString(), refused.GetProperty("detail").GetString());
        await owner.PostAsync($"/api/v1/ai-systems/{aiSystem}/versions/{version}/deprecation", null)
            .AssertProblem(HttpStatusCode.Conflict, "version-on-preservation-hold");
        await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", Release("HoldDrone", "1.1.0")), HttpStatusCode.Created);

        // The registry's acknowledgement comes back over the broker and is recorded in the incident's dossier, cited.
        var dossier = await Until(incidentsRegulator, $"/api/v1/incidents/{incident}/dossier",
            d => d.GetProperty("preservationHolds")[0].GetProperty("appliedAt").ValueKind != JsonValueKind.Null,
            "IncidentClaims should record the registry's acknowledgement");
        var recorded = dossier.GetProperty("preservationHolds")[0];
        Assert.Equal(hold.GetProperty("holdId").GetGuid(), recorded.GetProperty("holdId").GetGuid());
        Assert.Equal(hold.GetProperty("since").GetDateTimeOffset(), recorded.GetProperty("appliedAt").GetDateTimeOffset());
        Assert.Equal(("ai-system-registry", aiSystem), (recorded.GetProperty("appliedSource").GetProperty("service").GetString(),
            recorded.GetProperty("appliedSource").GetProperty("streamId").GetGuid()));

        await Ok(incidentsRegulator.PostAsJsonAsync($"/api/v1/incidents/{incident}/preservation-hold/lifting",
            new { reason = "The flight logs and the model were examined." }));

        await RegistryVersion(aiSystem, version, v => !v.GetProperty("onHold").GetBoolean(), "the registry should release the version");
        await Ok(registryRegulator.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions/{version}/recall", recall));
        var released = await Until(incidentsRegulator, $"/api/v1/incidents/{incident}/dossier",
            d => d.GetProperty("preservationHolds")[0].GetProperty("releasedAt").ValueKind != JsonValueKind.Null,
            "IncidentClaims should record the release");
        var lifted = released.GetProperty("preservationHolds")[0];
        Assert.Equal("The flight logs and the model were examined.", lifted.GetProperty("liftReason").GetString());
        Assert.False(lifted.GetProperty("stillHeldByOthers").GetBoolean());
        var verification = await Ok(system.Incidents.Client(Tokens.Auditor()).GetAsync($"/api/v1/incidents/{incident}/dossier/verification"));
        Assert.True(verification.GetProperty("verified").GetBoolean(), verification.ToString());
    }

    [Fact]
    public async Task An_incident_that_is_not_serious_places_no_hold()
    {
        var (aiSystem, version) = await DeployedSystem("MinorDrone", "2.0.0");
        var incidentsRegulator = system.Incidents.Client(Tokens.Regulator("reg-ivanova"));
        var incident = await Reported(aiSystem, "damageToPersonProperty", "minor");

        await Ok(incidentsRegulator.PostAsJsonAsync($"/api/v1/incidents/{incident}/link", new { aiSystemId = aiSystem }));

        var dossier = await Ok(incidentsRegulator.GetAsync($"/api/v1/incidents/{incident}/dossier"));
        Assert.Empty(dossier.GetProperty("preservationHolds").EnumerateArray());
        var counted = await RegistryVersion(aiSystem, version, v => v.GetProperty("incidentCount").GetInt32() == 1,
            "the registry should record the link");
        Assert.Empty(counted.GetProperty("system").GetProperty("versions")[0].GetProperty("holds").EnumerateArray());
        await Ok(system.Registry.Client(Tokens.Regulator("reg-sokolova")).PostAsJsonAsync(
            $"/api/v1/ai-systems/{aiSystem}/versions/{version}/recall", new { reason = "Withdrawn from the pilot" }));
    }
}
