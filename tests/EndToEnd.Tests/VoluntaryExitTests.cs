using System.Net;
using System.Net.Http.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.EndToEnd.Tests.Scenario;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>A participant leaving a regime in SandboxApplications ends its deployments in AiSystemRegistry over the broker.</summary>
[Collection(SystemCollection.Name)]
public class VoluntaryExitTests(SystemFixture system)
{
    private const string Ogrn = "1037739010891";

    [Fact]
    public async Task A_participant_that_leaves_the_regime_has_its_deployments_ended_in_the_registry_and_IncidentClaims_records_it()
    {
        var (_, participation) = await ApprovedParticipation(system, Ogrn, "Harvest drones");
        await KnownToRegistry(system, Ogrn, participation);
        var aiSystem = await RegisteredSystem(system, Ogrn, "HarvestEye");
        var owner = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var version = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", new
        {
            version = "3.0.0", artifactSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("harvesteye-3"u8.ToArray())),
            changeSummary = "Release 3.0.0", trainingDataSummary = "Field logs", evaluationSummary = "Field trials",
        }), HttpStatusCode.Created)).GetProperty("versionId").GetGuid();
        var deployment = (await Ok(owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = aiSystem, versionId = version, participationId = participation, territory = new[] { "77" },
            from = DateTimeOffset.UtcNow.AddDays(-1),
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await Ok(system.Applications.Client(Tokens.Applicant(Ogrn, "compliance-officer"))
            .PostAsJsonAsync($"/api/v1/participations/{participation}/exit", new { reason = "Pilot complete" }));

        var ended = await Until(system.Registry.Client(Tokens.Regulator()), $"/api/v1/deployments/{deployment}",
            d => d.GetProperty("status").GetString() == "ended", "the exit should end the registry's deployment");
        Assert.Contains("left the regime", ended.GetProperty("statusReason").GetString());
        Assert.Equal("left", (await Ok(owner.GetAsync($"/api/v1/participations/{participation}"))).GetProperty("status").GetString());
        await Until(system.Incidents.Client(Tokens.Auditor()), $"/api/v1/known/participations/{participation}",
            p => p.GetProperty("statusHistory").EnumerateArray().Any(s => s.GetProperty("status").GetString() == "left"),
            "IncidentClaims should record the exit");
    }
}
