using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;

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
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(30);


    private static async Task<JsonElement> Ok(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<JsonElement?> TryGet(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    private static Task<JsonElement> Until(HttpClient client, string path, Func<JsonElement, bool> condition, string because) =>
        Eventually.Until(async () => await TryGet(client, path) is { } e && condition(e) ? e : (JsonElement?)null, Propagation, because);

    [Fact]
    public async Task A_harm_report_is_traced_to_the_deployed_version_and_the_commissions_suspension_reaches_every_service()
    {
        var now = DateTimeOffset.UtcNow;
        var applicationsRegulator = system.Applications.Client(Tokens.Regulator("reg-sokolova"));
        var applicant = system.Applications.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var owner = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var registryRegulator = system.Registry.Client(Tokens.Regulator("reg-sokolova"));
        var portal = system.Incidents.Client(Tokens.Integration("gosuslugi"));
        var incidentsRegulator = system.Incidents.Client(Tokens.Regulator("reg-ivanova"));
        var auditor = system.Incidents.Client(Tokens.Auditor());

        // 1. The regime, and a company's application approved into a participation (SandboxApplications).
        var regime = (await Ok(applicationsRegulator.PostAsJsonAsync("/api/v1/regimes",
            Requests.Regime("Delivery drones", ["77"], "2026-01-01", "2028-12-31")), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var application = (await Ok(applicant.PostAsJsonAsync("/api/v1/applications", new
        {
            regimeId = regime,
            company = new { legalName = "Aero LLC", ogrn = Ogrn, inn = "7707083893", address = "Moscow, Tverskaya 1" },
            contact = new { email = "office@aero.example", phone = "+7 495 123-45-67" },
            plannedAiUse = "Parcel delivery by drones over Moscow",
            requestedTerm = new { startsOn = "2026-01-01", endsOn = "2027-12-31" },
            territory = new[] { "77" },
            insurance = new
            {
                insurerName = "Ingosstrakh", insurerInn = "7705042179", policyNumber = "GO-2026-0077",
                sumInsured = new { amount = 30_000_000m, currency = "RUB" }, coveredRisks = new[] { "life", "health", "property" },
                coversAiHarm = true, validFrom = "2026-01-01", validTo = "2027-12-31",
            },
            responsiblePersons = new[]
            {
                new { fullName = "Ivan Petrov", position = "CTO", areaOfResponsibility = "Autopilot", contact = new { email = "petrov@aero.example" } },
            },
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(applicationsRegulator.PostAsJsonAsync($"/api/v1/applications/{application}/reviewer", new { reviewer = "reg-sokolova" }));
        var participation = (await Ok(applicationsRegulator.PostAsJsonAsync($"/api/v1/applications/{application}/approval",
            new { conditions = new[] { "Report every incident within 24 hours" } }))).GetProperty("participationId").GetGuid();

        // 2. The registry hears of the participation; the company registers a system, releases 1.0 and deploys it.
        await Until(owner, $"/api/v1/participations/{participation}", p => p.GetProperty("status").GetString() == "active",
            "the registry should learn of the participation");
        var aiSystem = (await Ok(owner.PostAsJsonAsync("/api/v1/ai-systems", new
        {
            name = "SkyDrop autopilot", description = "Flies delivery drones.", intendedPurpose = "Parcel delivery",
            direction = "unmannedAircraft", developer = new { name = "Aero Vision LLC", ogrn = Ogrn }, operatorName = "Aero LLC",
            autonomyLevel = "autonomous", riskClass = "high", technique = "computerVision",
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        object Version(string number) => new
        {
            version = number, artifactSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes($"skydrop-{number}"))),
            changeSummary = $"Release {number}", trainingDataSummary = "Flight logs 2025", evaluationSummary = "Crash-free in tests",
        };
        var v10 = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", Version("1.0.0")), HttpStatusCode.Created))
            .GetProperty("versionId").GetGuid();
        var d10 = (await Ok(owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = aiSystem, versionId = v10, participationId = participation, territory = new[] { "77" }, from = now.AddDays(-40),
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        // 3. 1.1 replaces 1.0 from today.
        var v11 = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", Version("1.1.0")), HttpStatusCode.Created))
            .GetProperty("versionId").GetGuid();
        await Ok(owner.PostAsJsonAsync($"/api/v1/deployments/{d10}/end", new { reason = "Replaced by 1.1.0" }));
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

        // 6. The commission concludes that the participation must be suspended, and the chair signs.
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
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
        await Ok(incidentsRegulator.PostAsync($"/api/v1/incidents/{incident}/commission/conclusion/sign", null));

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
