using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.EndToEnd.Tests.Scenario;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// The whole product over real RabbitMQ and PostgreSQL: a regime and an approved participation, an AI system whose
/// version 1.0 is replaced by 1.1, a harm report that happened under 1.0, the commission's conclusion suspending the
/// participation in SandboxApplications and its deployments in AiSystemRegistry, and a dossier that cites (and
/// verifies) every link at its source.
/// </summary>
public class LiabilityScenarioTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private const string Ogrn = "1027700132195";
    [Fact]
    public async Task A_harm_report_is_traced_to_the_deployed_version_and_the_commissions_suspension_reaches_every_service()
    {
        var now = DateTimeOffset.UtcNow;
        var applicationsRegulator = system.Applications.Client(Tokens.Regulator("reg-sokolova"));
        var owner = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var registryRegulator = system.Registry.Client(Tokens.Regulator("reg-sokolova"));
        var portal = system.Incidents.Client(Tokens.Integration("gosuslugi"));
        var incidentsRegulator = system.Incidents.Client(Tokens.Regulator("reg-ivanova"));
        var auditor = system.Incidents.Client(Tokens.Auditor());

        // 1. The regime, and a company's application approved into a participation (SandboxApplications).
        var (regime, participation) = await ApprovedParticipation("Delivery drones");

        // 2. The registry hears of the participation; the company registers a system, releases 1.0 and deploys it.
        var aiSystem = await RegisteredSystem(participation);
        var v10 = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", Version("1.0.0")), HttpStatusCode.Created))
            .GetProperty("versionId").GetGuid();
        var d10 = (await Ok(owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = aiSystem, versionId = v10, participationId = participation, territory = new[] { "77" }, from = now.AddDays(-40),
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        // 3. 1.1 replaces 1.0 from today.
        var v11 = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", Version("1.1.0")), HttpStatusCode.Created))
            .GetProperty("versionId").GetGuid();
        await Ok(owner.PostAsJsonAsync($"/api/v1/deployments/{d10}/ending", new { reason = "Replaced by 1.1.0" }));
        var d11 = (await Ok(owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = aiSystem, versionId = v11, participationId = participation, territory = new[] { "77" }, from = DateTimeOffset.UtcNow,
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        // 4. A citizen's report, filed by the state portal, about harm twenty days ago: under version 1.0.
        await Until(auditor, $"/api/v1/known/deployments/{d11}", _ => true, "IncidentClaims should learn of both deployments");
        await Until(auditor, $"/api/v1/known/deployments/{d10}", d => d.GetProperty("endedAt").ValueKind != JsonValueKind.Null,
            "IncidentClaims should learn that 1.0 was ended");
        portal.DefaultRequestHeaders.Add("Idempotency-Key", "gosuslugi-2026-000777");
        var incident = (await Ok(portal.PostAsJsonAsync("/api/v1/incidents", new
        {
            channel = "statePortal", title = "Drone fell on a pedestrian", description = "Lost height over Tverskaya street.",
            aiInvolvement = "The autopilot chose a route over a crowded pavement.", occurredAt = now.AddDays(-20),
            location = new { regionCode = "77", address = "Tverskaya 1" },
            harms = new[] { new { type = "injuryToHealth", severity = "serious", personsAffected = 1,
                estimatedDamage = new { amount = 150_000m, currency = "RUB" } } },
            aiSystem = new { registryId = aiSystem, name = "SkyDrop" },
            reporter = new { fullName = "Maria Ivanova", contacts = new { phone = "+79990001122" }, consentToProcessing = true },
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        // 5. Triage resolves the deployment active then and there: 1.0, not 1.1.
        await Ok(incidentsRegulator.PostAsJsonAsync($"/api/v1/incidents/{incident}/link", new { }));
        var linked = await Ok(incidentsRegulator.GetAsync($"/api/v1/incidents/{incident}/dossier"));
        Assert.Equal(d10, linked.GetProperty("deployment").GetProperty("deploymentId").GetGuid());
        Assert.Equal(v10, linked.GetProperty("version").GetProperty("versionId").GetGuid());
        Assert.Equal("1.0.0", linked.GetProperty("version").GetProperty("version").GetString());
        // A serious harm puts the version on hold; the registry's acknowledgement lands on the incident's stream.
        await Until(incidentsRegulator, $"/api/v1/incidents/{incident}/dossier",
            d => d.GetProperty("preservationHolds").EnumerateArray().Any(h => h.GetProperty("appliedAt").ValueKind != JsonValueKind.Null),
            "the registry should acknowledge the preservation hold");

        // 6. The commission concludes that the participation must be suspended, and the chair signs.
        var today = LocalDates.TodayAt("77"); // the local date at the place of the harm
        await Ok(incidentsRegulator.PostAsJsonAsync($"/api/v1/incidents/{incident}/commission", new
        {
            chair = new { fullName = "Olga Sokolova", position = "Deputy Minister" },
            members = new[] { new { fullName = "Pavel Orlov", position = "Expert" } },
            meetingDate = today,
        }));
        await Ok(incidentsRegulator.PutAsJsonAsync($"/api/v1/incidents/{incident}/commission/conclusion", new
        {
            causalLink = "established", responsibleParties = new[] { Ogrn }, damageAssessed = new { amount = 150_000m, currency = "RUB" },
            recommendations = new[] { "suspendParticipation" }, dissents = Array.Empty<object>(),
        }));
        await Ok(incidentsRegulator.PostAsync($"/api/v1/incidents/{incident}/commission/conclusion/signature", null));

        // 7. SandboxApplications suspends the participation; AiSystemRegistry suspends its running deployment.
        var suspended = await Until(applicationsRegulator, $"/api/v1/participations/{participation}",
            p => p.GetProperty("status").GetString() == "suspended", "the conclusion should suspend the participation");
        Assert.Contains("commissionConclusion", suspended.ToString());
        await Until(registryRegulator, $"/api/v1/deployments/{d11}", d => d.GetProperty("status").GetString() == "suspended",
            "the participation's suspension should suspend its running deployment");
        var ended = await Ok(registryRegulator.GetAsync($"/api/v1/deployments/{d10}"));
        Assert.Equal("ended", ended.GetProperty("status").GetString());

        // 8. The dossier holds every link, each cited with the event (and its hash) it rests on...
        var dossier = await Ok(incidentsRegulator.GetAsync($"/api/v1/incidents/{incident}/dossier"));
        AssertCited(dossier.GetProperty("report"), "incident-claims", incident);
        AssertCited(dossier.GetProperty("triage"), "incident-claims", incident);
        AssertCited(dossier.GetProperty("deployment"), "ai-system-registry", d10);
        AssertCited(dossier.GetProperty("version"), "ai-system-registry", aiSystem);
        AssertCited(dossier.GetProperty("aiSystem"), "ai-system-registry", aiSystem);
        AssertCited(dossier.GetProperty("participation"), "sandbox-applications", participation);
        AssertCited(dossier.GetProperty("programme"), "sandbox-applications", regime);
        AssertCited(dossier.GetProperty("insurancePolicy"), "sandbox-applications", participation);
        AssertCited(dossier.GetProperty("responsiblePersons"), "sandbox-applications", participation);
        AssertCited(dossier.GetProperty("commission"), "incident-claims", incident);
        AssertCited(dossier.GetProperty("conclusion"), "incident-claims", incident);
        Assert.Equal("GO-2026-0077", dossier.GetProperty("insurancePolicy").GetProperty("policyNumber").GetString());
        Assert.Equal(["Ivan Petrov"], dossier.GetProperty("responsiblePersons").GetProperty("persons").EnumerateArray()
            .Select(p => p.GetProperty("fullName").GetString()));
        Assert.Equal(1, dossier.GetProperty("programme").GetProperty("programmeVersion").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", dossier.GetProperty("version").GetProperty("artifactSha256").GetString());

        // ...and every citation checks out against the chain of the service it cites.
        var verification = await Ok(auditor.GetAsync($"/api/v1/incidents/{incident}/dossier/verification"));
        Assert.True(verification.GetProperty("verified").GetBoolean(), verification.ToString());
        Assert.Equal(["ai-system-registry", "incident-claims", "sandbox-applications"], verification.GetProperty("checks")
            .EnumerateArray().Select(c => c.GetProperty("citation").GetProperty("service").GetString()).Distinct().Order());
    }

    private Task<(Guid Regime, Guid Participation)> ApprovedParticipation(string title) =>
        Scenario.ApprovedParticipation(system, Ogrn, title);

    private async Task<Guid> RegisteredSystem(Guid participation)
    {
        await Scenario.KnownToRegistry(system, Ogrn, participation);
        return await Scenario.RegisteredSystem(system, Ogrn, "SkyDrop autopilot");
    }

    private static object Version(string number) => new
    {
        version = number, artifactSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"skydrop-{number}"))),
        changeSummary = $"Release {number}", trainingDataSummary = "Flight logs 2025", evaluationSummary = "Crash-free in tests",
    };

    [Fact]
    public async Task A_regulator_suspending_a_participation_in_sandbox_applications_suspends_its_deployments_in_the_registry()
    {
        var (_, participation) = await ApprovedParticipation("Agricultural drones");
        var aiSystem = await RegisteredSystem(participation);
        var owner = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var regulator = system.Applications.Client(Tokens.Regulator("reg-sokolova"));
        var registry = system.Registry.Client(Tokens.Regulator());
        var version = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", Version("2.0.0")), HttpStatusCode.Created))
            .GetProperty("versionId").GetGuid();
        var deployment = (await Ok(owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = aiSystem, versionId = version, participationId = participation, territory = new[] { "77" },
            from = DateTimeOffset.UtcNow.AddDays(-1),
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await Ok(regulator.PostAsJsonAsync($"/api/v1/participations/{participation}/suspension", new { reason = "Inspection" }));
        var suspended = await Until(registry, $"/api/v1/deployments/{deployment}", d => d.GetProperty("status").GetString() == "suspended",
            "the suspension should reach the registry's deployments");
        Assert.Contains("Inspection", suspended.GetProperty("statusReason").GetString());

        await Ok(regulator.PostAsync($"/api/v1/participations/{participation}/resumption", null));
        await Until(registry, $"/api/v1/deployments/{deployment}", d => d.GetProperty("status").GetString() == "active",
            "the resumption should reach the registry's deployments");
    }

    private static void AssertCited(JsonElement element, string service, Guid streamId)
    {
        var source = element.GetProperty("source");
        Assert.Equal(service, source.GetProperty("service").GetString());
        Assert.Equal(streamId, source.GetProperty("streamId").GetGuid());
        Assert.True(source.GetProperty("streamVersion").GetInt64() >= 1);
        Assert.NotEqual(Guid.Empty, source.GetProperty("eventId").GetGuid());
        Assert.Matches("^[0-9a-f]{64}$", source.GetProperty("hash").GetString());
    }
}
