using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.EndToEnd.Tests.Scenario;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// An insurer's integration reports on a participant's policy to SandboxApplications; the suspension on the ground
/// insuranceLapsed, and the resumption after a renewal, reach the registry's deployments and IncidentClaims' copy of the
/// participation's cover over the real broker.
/// </summary>
public class InsuranceEventsTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private const string Ogrn = "1027700132195";

    private static object Version(string number) => new
    {
        version = number, artifactSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"fieldbot-{number}"))),
        changeSummary = $"Release {number}", trainingDataSummary = "Field logs 2025", evaluationSummary = "Passed field trials",
    };

    private static HttpRequestMessage Report(object body, string key) => new(HttpMethod.Post, "/api/v1/insurance-events")
    {
        Content = JsonContent.Create(body),
        Headers = { { "Idempotency-Key", key } },
    };

    [Fact]
    public async Task A_cancelled_policy_suspends_the_participation_and_its_deployments_and_a_renewal_resumes_both()
    {
        var (_, participation) = await ApprovedParticipation(system, Ogrn, "Field robots");
        await KnownToRegistry(system, Ogrn, participation);
        var aiSystem = await RegisteredSystem(system, Ogrn, "FieldBot");
        var owner = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var version = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", Version("1.0.0")), HttpStatusCode.Created))
            .GetProperty("versionId").GetGuid();
        var deployment = (await Ok(owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = aiSystem, versionId = version, participationId = participation, territory = new[] { "77" },
            from = DateTimeOffset.UtcNow.AddDays(-1),
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var insurer = system.Applications.Client(Tokens.Integration(SystemFixture.InsurerClient));
        var registry = system.Registry.Client(Tokens.Regulator());
        var applications = system.Applications.Client(Tokens.Regulator());
        var incidents = system.Incidents.Client(Tokens.Auditor());
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).DateTime);

        await Ok(insurer.SendAsync(Report(new
        {
            policyNumber = "GO-2026-0077", kind = "cancelled", effectiveOn = today.ToString("yyyy-MM-dd"), reason = "Premium not paid",
        }, $"cancel-{participation}")));

        var suspended = await Ok(applications.GetAsync($"/api/v1/participations/{participation}"));
        Assert.Equal(("suspended", "insuranceLapsed"), (suspended.GetProperty("status").GetString(),
            suspended.GetProperty("suspension").GetProperty("ground").GetString()));
        var inRegistry = await Until(registry, $"/api/v1/deployments/{deployment}", d => d.GetProperty("status").GetString() == "suspended",
            "the insurance lapse should suspend the registry's deployment");
        Assert.Contains("insuranceLapsed", inRegistry.GetProperty("statusReason").GetString());
        var cut = today.AddDays(-1).ToString("yyyy-MM-dd");
        await Until(incidents, $"/api/v1/known/participations/{participation}",
            p => p.GetProperty("policies").EnumerateArray().Any(c => c.GetProperty("policy").GetProperty("validTo").GetString() == cut) &&
                 p.GetProperty("policies").GetArrayLength() == 1,
            "IncidentClaims should learn that the policy's cover ended the day before the cancellation");

        await Ok(insurer.SendAsync(Report(new
        {
            policyNumber = "GO-2026-0077", kind = "renewed", reason = "Premium paid; new policy",
            renewal = new
            {
                policyNumber = "GO-2026-0078", sumInsured = new { amount = 30_000_000m, currency = "RUB" },
                coveredRisks = new[] { "life", "health", "property" }, coversAiHarm = true,
                validFrom = today.ToString("yyyy-MM-dd"), validTo = today.AddYears(1).ToString("yyyy-MM-dd"),
            },
        }, $"renew-{participation}")));

        Assert.Equal("active", (await Ok(applications.GetAsync($"/api/v1/participations/{participation}"))).GetProperty("status").GetString());
        await Until(registry, $"/api/v1/deployments/{deployment}", d => d.GetProperty("status").GetString() == "active",
            "the resumption after the renewal should reach the registry's deployment");
        var registryCopy = await Until(registry, $"/api/v1/participations/{participation}",
            p => p.GetProperty("insurance").GetProperty("policyNumber").GetString() == "GO-2026-0078",
            "the registry's copy of the participation should hold the renewed policy");
        Assert.Equal(today.AddYears(1).ToString("yyyy-MM-dd"), registryCopy.GetProperty("insurance").GetProperty("validTo").GetString());
        var known = await Until(incidents, $"/api/v1/known/participations/{participation}",
            p => p.GetProperty("policies").GetArrayLength() == 2, "IncidentClaims should learn of the renewed policy");
        Assert.Equal(["GO-2026-0077", "GO-2026-0078"], known.GetProperty("policies").EnumerateArray()
            .Select(c => c.GetProperty("policy").GetProperty("policyNumber").GetString()));
    }
}
