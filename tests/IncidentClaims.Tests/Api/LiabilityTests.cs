using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;
using Out = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>From a linked incident to the commission's signed conclusion, the insurance claim, closure and the dossier.</summary>
public class LiabilityTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));
    /// <summary>A commission meeting today at the place of the harm (the local date there).</summary>
    private static object Commission(string region) => new
    {
        chair = new { fullName = "Olga Sokolova", position = "Deputy Minister" },
        members = new[] { new { fullName = "Pavel Orlov", position = "Expert" }, new { fullName = "Irina Volkova", position = "Lawyer" } },
        meetingDate = LocalDates.TodayAt(region),
    };

    private async Task<(Guid Id, Seeded Seeded)> LinkedIncident(string region)
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem(region);
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: region));
        Assert.Equal(HttpStatusCode.OK, (await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { })).StatusCode);
        return (id, seeded);
    }

    private async Task Ok(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

    [Fact]
    public async Task The_whole_chain_ends_in_a_dossier_with_every_link_cited()
    {
        var published = await Published.Listen(fixture.Host);
        var (id, seeded) = await LinkedIncident("77");

        await Ok(await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/commission", Commission("77")));
        await Ok(await Regulator.PutAsJsonAsync($"/api/v1/incidents/{id}/commission/conclusion", new
        {
            causalLink = "established",
            responsibleParties = new[] { World.Ogrn, seeded.Person.EntryId.ToString() },
            damageAssessed = new { amount = 150_000m, currency = "RUB" },
            recommendations = new[] { "suspendParticipation" },
            dissents = new[] { new { member = "Pavel Orlov", text = "The link is likely, not established." } },
        }));
        await Ok(await Regulator.PostAsync($"/api/v1/incidents/{id}/commission/conclusion/signature", null));
        await Ok(await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/insurance-claim", new { claimed = new { amount = 150_000m, currency = "RUB" } }));
        await Ok(await Regulator.PostAsync($"/api/v1/incidents/{id}/insurance-claim/insurer-notification", null));
        await Ok(await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/insurance-claim/payment", new { amount = new { amount = 150_000m, currency = "RUB" } }));
        var closed = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/closure", new { outcome = "liabilityEstablished", summary = "Paid in full." });

        await Ok(closed);
        Assert.Equal("\"10\"", closed.Headers.ETag?.Tag); // the link commits with the preservation hold
        var dossierResponse = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier");
        Assert.Equal("\"10\"", dossierResponse.Headers.ETag?.Tag);
        var dossier = await dossierResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("closed", dossier.GetProperty("status").GetString());
        var commission = dossier.GetProperty("commission");
        Assert.Equal("Olga Sokolova", commission.GetProperty("chair").GetProperty("fullName").GetString());
        Assert.Equal(2, commission.GetProperty("members").GetArrayLength());
        Assert.Equal(LocalDates.TodayAt("77"), commission.GetProperty("meetingDate").GetString());
        Assert.Equal(4, commission.GetProperty("source").GetProperty("streamVersion").GetInt64());
        var conclusion = dossier.GetProperty("conclusion");
        Assert.Equal("established", conclusion.GetProperty("conclusion").GetProperty("causalLink").GetString());
        Assert.Equal([World.Ogrn, seeded.Person.EntryId.ToString()],
            conclusion.GetProperty("conclusion").GetProperty("responsibleParties").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(["suspendParticipation"], conclusion.GetProperty("conclusion").GetProperty("recommendations").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Pavel Orlov", conclusion.GetProperty("conclusion").GetProperty("dissents")[0].GetProperty("member").GetString());
        Assert.Equal("Olga Sokolova", conclusion.GetProperty("signedByChair").GetString());
        Assert.False(conclusion.GetProperty("signedLate").GetBoolean());
        Assert.Equal(6, conclusion.GetProperty("signatureSource").GetProperty("streamVersion").GetInt64());
        var claim = dossier.GetProperty("insuranceClaim");
        Assert.Equal("paid", claim.GetProperty("status").GetString());
        Assert.Equal("POL-1", claim.GetProperty("policyNumber").GetString());
        Assert.Equal(150_000m, claim.GetProperty("amountPaid").GetProperty("amount").GetDecimal());
        Assert.Equal([7L, 8L, 9L], claim.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("streamVersion").GetInt64()));
        Assert.Equal("liabilityEstablished", dossier.GetProperty("closure").GetProperty("outcome").GetString());
        Assert.Equal(seeded.Version10.VersionId, dossier.GetProperty("version").GetProperty("versionId").GetGuid());
        Assert.All(dossier.GetProperty("clocks").EnumerateArray(), c => Assert.NotEqual(JsonValueKind.Null, c.GetProperty("metAt").ValueKind));
        Assert.Equal([("report", false), ("commission", false), ("conclusion", false)], dossier.GetProperty("clocks").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString(), c.GetProperty("metLate").GetBoolean())));

        var issued = await published.One<Out.CommissionConclusionIssued>(m => m.IncidentId == id);
        Assert.Equal(seeded.Participation.ParticipationId, issued.ParticipationId);
        Assert.Equal(seeded.Version10.VersionId, issued.VersionId);
        Assert.Equal([Out.Recommendations.SuspendParticipation], issued.Recommendations);
        Assert.Equal(new Money(150_000m, "RUB"), issued.DamageAssessed);
        Assert.Equal(3, (await published.One<Out.CommissionConvened>(m => m.IncidentId == id)).Members);
        Assert.Equal("paid", (await published.One<Out.InsuranceClaimSettled>(m => m.IncidentId == id)).Outcome);
        Assert.Equal("liabilityEstablished", (await published.One<Out.IncidentClosed>(m => m.IncidentId == id)).Outcome);
        var status = await Portal.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{id}/status");
        Assert.Equal("closed", status.GetProperty("status").GetString());
        Assert.Equal("liabilityEstablished", status.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Auditors_read_the_dossier_without_the_reporters_personal_data_and_integrations_not_at_all()
    {
        var (id, _) = await LinkedIncident("55");

        var auditor = await fixture.Host.Client(Tokens.Auditor()).GetAsync($"/api/v1/incidents/{id}/dossier");
        var integration = await Portal.GetAsync($"/api/v1/incidents/{id}/dossier");
        var applicant = await fixture.Host.Client(Tokens.Applicant(World.Ogrn)).GetAsync($"/api/v1/incidents/{id}/dossier");

        Assert.Equal(HttpStatusCode.OK, auditor.StatusCode);
        var text = await auditor.Content.ReadAsStringAsync();
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(text).RootElement.GetProperty("report").GetProperty("reporter").ValueKind);
        Assert.DoesNotContain("Ivan Petrov", text);
        Assert.DoesNotContain("ivan.petrov", text);
        Assert.Equal(HttpStatusCode.Forbidden, integration.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, applicant.StatusCode);
        await Responses.AssertProblem(await Regulator.GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/dossier"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_conclusion_can_only_hold_responsible_those_triage_resolved()
    {
        var (id, _) = await LinkedIncident("42");
        await Ok(await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/commission", Commission("42")));

        var response = await Regulator.PutAsJsonAsync($"/api/v1/incidents/{id}/commission/conclusion", new
        {
            causalLink = "likely",
            responsibleParties = new[] { "1037739010891" },
            recommendations = new[] { "none" },
        });

        Assert.Equal("unknown-responsible-party", (await Responses.AssertProblem(response, HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Commission_steps_out_of_order_are_409s_with_codes()
    {
        var id = await File(Portal, Body());

        var convene = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/commission", Commission("77"));
        var sign = await Regulator.PostAsync($"/api/v1/incidents/{id}/commission/conclusion/signature", null);
        var claim = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/insurance-claim", new { });
        var close = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/closure", new { outcome = "withdrawn" });

        Assert.Equal("incident-not-linked", (await Responses.AssertProblem(convene, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal("no-conclusion", (await Responses.AssertProblem(sign, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal("incident-not-linked", (await Responses.AssertProblem(claim, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal("not-triaged", (await Responses.AssertProblem(close, HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Commission_and_claim_requests_are_validated()
    {
        var id = await File(Portal, Body());

        var convene = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/commission", new { chair = new { fullName = "" }, members = Array.Empty<object>() });
        var conclude = await Regulator.PutAsJsonAsync($"/api/v1/incidents/{id}/commission/conclusion", new
        {
            damageAssessed = new { amount = 0m, currency = "XXX" },
            recommendations = new[] { "none", "recallVersion" },
        });
        // A negative amount never gets as far as the validator: the input rules refuse it while the body is read.
        var negative = await Regulator.PutAsJsonAsync($"/api/v1/incidents/{id}/commission/conclusion", new
        {
            damageAssessed = new { amount = -1m, currency = "RUB" },
        });
        var pay = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/insurance-claim/payment", new { amount = new { amount = 0m, currency = "RUB" } });
        var close = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/closure", new { });

        var conveneErrors = (await Responses.AssertProblem(convene, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["chair.fullName", "chair.position", "meetingDate", "members"], conveneErrors);
        var concludeErrors = (await Responses.AssertProblem(conclude, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["causalLink", "damageAssessed.currency", "recommendations"], concludeErrors);
        Assert.Equal(["damageAssessed.amount"],
            (await Responses.AssertProblem(negative, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.True((await Responses.AssertProblem(pay, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("amount.amount", out _));
        Assert.True((await Responses.AssertProblem(close, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("outcome", out _));
    }

    [Fact]
    public async Task A_payment_above_the_sum_insured_is_refused()
    {
        var (id, _) = await LinkedIncident("66");
        await Ok(await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/insurance-claim", new { claimed = new { amount = 150_000m, currency = "RUB" } }));
        await Ok(await Regulator.PostAsync($"/api/v1/incidents/{id}/insurance-claim/insurer-notification", null));

        var above = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/insurance-claim/payment",
            new { amount = new { amount = 40_000_000m, currency = "RUB" } });
        var otherCurrency = await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/insurance-claim/payment",
            new { amount = new { amount = 100m, currency = "EUR" } });

        Assert.Equal("payment-above-sum-insured", (await Responses.AssertProblem(above, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        Assert.Equal("payment-currency-differs",
            (await Responses.AssertProblem(otherCurrency, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        await Ok(await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/insurance-claim/payment",
            new { amount = new { amount = 5_000_000m, currency = "RUB" } }));
    }

    [Fact]
    public async Task Regulators_list_due_and_overdue_clocks()
    {
        // Aware 19 days ago of a serious injury: the 15-day report deadline has passed.
        var world = new World(fixture.Host);
        var body = Body(occurredAt: world.Now.AddDays(-20));
        body["awareAt"] = world.Now.AddDays(-19);
        var overdue = await File(Portal, body);
        var fresh = await File(Portal, Body(occurredAt: world.Now.AddHours(-3)));
        var minor = await File(Portal, Body(harmType: "damageToPersonProperty", severity: "minor"));

        var all = await Regulator.AllItems("/api/v1/incidents/deadlines");
        var late = await Regulator.AllItems("/api/v1/incidents/deadlines?overdueOnly=true");

        var overdueEntry = all.Single(e => e.GetProperty("incidentId").GetGuid() == overdue);
        Assert.Equal("report", overdueEntry.GetProperty("clock").GetString());
        Assert.True(overdueEntry.GetProperty("overdue").GetBoolean());
        var freshEntry = all.Single(e => e.GetProperty("incidentId").GetGuid() == fresh);
        Assert.False(freshEntry.GetProperty("overdue").GetBoolean());
        Assert.DoesNotContain(all, e => e.GetProperty("incidentId").GetGuid() == minor); // not serious: no report clock
        Assert.Contains(late, e => e.GetProperty("incidentId").GetGuid() == overdue);
        Assert.DoesNotContain(late, e => e.GetProperty("incidentId").GetGuid() == fresh);
        Assert.Equal(HttpStatusCode.Forbidden, (await Portal.GetAsync("/api/v1/incidents/deadlines")).StatusCode);
    }

    [Fact]
    public async Task Linking_meets_the_report_clock_and_starts_the_commission_clock()
    {
        var (id, _) = await LinkedIncident("36");

        var all = await Regulator.AllItems("/api/v1/incidents/deadlines");

        var entry = all.Single(e => e.GetProperty("incidentId").GetGuid() == id);
        Assert.Equal("commission", entry.GetProperty("clock").GetString());
        Assert.False(entry.GetProperty("overdue").GetBoolean());
        var due = entry.GetProperty("dueBy").GetDateTimeOffset();
        Assert.InRange(due, DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(30));
    }
}
