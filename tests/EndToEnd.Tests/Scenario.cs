using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>Steps the end-to-end scenarios share, through the services' public APIs.</summary>
public static class Scenario
{
    public static readonly TimeSpan Propagation = TimeSpan.FromSeconds(30);

    /// <summary>Awaits the call and asserts its status (showing the body when it differs); the body as JSON.</summary>
    public static async Task<JsonElement> Ok(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls <paramref name="path"/> until its body meets <paramref name="condition"/>.</summary>
    public static Task<JsonElement> Until(HttpClient client, string path, Func<JsonElement, bool> condition, string because) =>
        Eventually.Until(async () =>
        {
            var response = await client.GetAsync(path);
            return response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<JsonElement>() is var e && condition(e)
                ? e
                : (JsonElement?)null;
        }, Propagation, because);

    /// <summary>A regime in region 77 and the company's participation in it, approved by a regulator.</summary>
    public static async Task<(Guid Regime, Guid Participation)> ApprovedParticipation(SystemFixture system, string ogrn, string title)
    {
        var regulator = system.Applications.Client(Tokens.Regulator("reg-sokolova"));
        var applicant = system.Applications.Client(Tokens.Applicant(ogrn, "compliance-officer"));
        var regime = (await Ok(regulator.PostAsJsonAsync("/api/v1/regimes",
            Requests.Regime(title, ["77"], "2026-01-01", "2028-12-31")), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var application = (await Ok(applicant.PostAsJsonAsync("/api/v1/applications", new
        {
            regimeId = regime,
            company = new { legalName = "Aero LLC", ogrn, inn = "7707083893", address = "Moscow, Tverskaya 1" },
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
        await Ok(regulator.PostAsJsonAsync($"/api/v1/applications/{application}/reviewer", new { reviewer = "reg-sokolova" }));
        var participation = (await Ok(regulator.PostAsJsonAsync($"/api/v1/applications/{application}/approval",
            new { conditions = new[] { "Report every incident within 24 hours" } }))).GetProperty("participationId").GetGuid();
        return (regime, participation);
    }

    /// <summary>Waits until AiSystemRegistry has learnt of the participation from SandboxApplications.</summary>
    public static Task KnownToRegistry(SystemFixture system, string ogrn, Guid participation) =>
        Until(system.Registry.Client(Tokens.Applicant(ogrn, "compliance-officer")), $"/api/v1/participations/{participation}",
            p => p.GetProperty("status").GetString() == "active", "the registry should learn of the participation");

    /// <summary>Registers an AI system of the company (whose participation the registry knows) and returns its id.</summary>
    public static async Task<Guid> RegisteredSystem(SystemFixture system, string ogrn, string name) =>
        (await Ok(system.Registry.Client(Tokens.Applicant(ogrn, "compliance-officer")).PostAsJsonAsync("/api/v1/ai-systems", new
        {
            name, description = "Flies delivery drones.", intendedPurpose = "Parcel delivery",
            direction = "unmannedAircraft", developer = new { name = "Aero Vision LLC", ogrn }, operatorName = "Aero LLC",
            autonomyLevel = "autonomous", riskClass = "high", technique = "computerVision",
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
}
