using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>An initiative proposal approved by the coordinating body establishes a regime the whole system learns of.</summary>
[Collection(SystemCollection.Name)]
public class ProposalRegimeTests(SystemFixture system)
{
    private const string Initiator = "1027700132195";

    private static object Proposal(string title) => new
    {
        initiator = new { legalName = "Robotaxi LLC", inn = "7707083893", address = "Moscow, Tverskaya 1" },
        programme = new
        {
            title,
            direction = "transport",
            legalBasis = new { actNumber = "Draft Government Decree", actDate = "2026-11-20" },
            description = "Driverless taxis without a safety driver",
            territory = new[] { "77", "50" },
            startsOn = "2027-02-01",
            endsOn = "2029-01-31",
            disappliedNorms = new[] { "Traffic rules, section 2.1" },
            subjectRequirements = new[] { "A licensed carrier" },
            insurance = new
            {
                minimumSumInsured = new { amount = 30_000_000m, currency = "RUB" },
                requiredRisks = new[] { "life", "health", "property" },
                aiHarmCoverRequired = true,
            },
            expectedResults = new[] { new { result = "Fewer road accidents", measure = "Accidents per 1 000 000 km" } },
        },
        regulatoryBarrier = "Traffic rules require a driver at the wheel",
        justification = "A year of closed-track tests",
        riskAssessment = new
        {
            summary = "Moderate",
            risks = new[] { new { description = "Collision", likelihood = "low", impact = "high", mitigation = "Remote operator" } },
        },
    };

    private static async Task<JsonElement?> Read(HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/v1/regimes/{id}");
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    [Fact]
    public async Task An_approved_proposal_establishes_a_regime_that_the_registry_and_incident_claims_learn_of_citing_its_event()
    {
        var applications = system.Applications;
        var regulator = applications.Client(Tokens.Regulator());
        var created = await applications.Client(Tokens.Applicant(Initiator)).PostAsJsonAsync("/api/v1/proposals", Proposal("Robotaxis on ring roads"))
            .Body(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        await regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/registration", new
        {
            registrationNumber = "ERP-E2E-1",
            bodies = new object[] { new { name = "Ministry of Transport", kind = "regulatoryBody" }, new { name = "Moscow Region Government", kind = "regionalExecutive" } },
        }).Body();
        foreach (var body in new[] { "Ministry of Transport", "Moscow Region Government" })
            await regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/opinions", new { body, conclusion = "supports", text = "No objections" }).Body();
        var approved = await regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/approval",
            new { legalBasis = new { actNumber = "Government Decree No. 2077", actDate = "2026-12-01" } }).Body();
        var regimeId = approved.GetProperty("regimeId").GetGuid();
        Assert.Equal(id, (await applications.Client().GetAsync($"/api/v1/regimes/{regimeId}").Body()).GetProperty("proposalId").GetGuid());

        foreach (var service in new[] { system.Registry.Client(), system.Incidents.Client() })
        {
            var copy = await Eventually.Until(() => Read(service, regimeId), TimeSpan.FromSeconds(30), $"regime {regimeId} should reach the service");
            Assert.Equal(("Robotaxis on ring roads", "transport", "Government Decree No. 2077 of 2026-12-01", 30_000_000m),
                (copy.GetProperty("title").GetString(), copy.GetProperty("direction").GetString(), copy.GetProperty("legalBasis").GetString(),
                    copy.GetProperty("insurance").GetProperty("minimumSumInsured").GetProperty("amount").GetDecimal()));
            var source = Assert.Single(copy.GetProperty("sources").EnumerateArray());
            Assert.Equal(("sandbox-applications", regimeId, 1L), (source.GetProperty("service").GetString(), source.GetProperty("streamId").GetGuid(),
                source.GetProperty("streamVersion").GetInt64()));
        }
    }
}
