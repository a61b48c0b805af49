using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SandboxRegistry.SandboxApplications.Scheduling;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>
/// Insurance events from an insurer's integration (POST /api/v1/insurance-events) and what they do to the participation,
/// through the HTTP API on real PostgreSQL, with the service's own scheduled checks and a clock the test sets.
/// </summary>
public class InsuranceEventsApiTests(ClockedFixture fixture) : IClassFixture<ClockedFixture>
{
    private static readonly DateTimeOffset June1 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private HttpClient Regulator => fixture.Client(Tokens.Regulator());
    private HttpClient Insurer => fixture.Client(Tokens.Integration(Insurers.Ingosstrakh));

    private static object PolicyNumbered(string number) => new
    {
        insurerName = "Ingosstrakh", insurerInn = Insurers.IngosstrakhInn, policyNumber = number,
        sumInsured = new { amount = 15_000_000m, currency = "RUB" }, coveredRisks = new[] { "life", "health", "property" },
        coversAiHarm = true, validFrom = "2026-01-01", validTo = "2027-12-31",
    };

    /// <summary>A regime and a participation (2026-04-01 .. 2027-03-31) insured by Ingosstrakh under <paramref name="policyNumber"/>.</summary>
    private async Task<Guid> Participation(string policyNumber)
    {
        fixture.Clock.Set(June1);
        var regime = (await Regulator.PostAsJsonAsync("/api/v1/regimes", RegimeBody()).Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var application = (await fixture.Client(Tokens.Applicant(Company)).PostAsJsonAsync("/api/v1/applications",
            ApplicationBody(regime, policy: PolicyNumbered(policyNumber))).Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Regulator.PostAsJsonAsync($"/api/v1/applications/{application}/reviewer", new { reviewer = "r" }).Body();
        return (await Regulator.PostAsJsonAsync($"/api/v1/applications/{application}/approval", new { }).Body()).GetProperty("participationId").GetGuid();
    }

    private static HttpRequestMessage Report(object body, string key) => new(HttpMethod.Post, "/api/v1/insurance-events")
    {
        Content = JsonContent.Create(body),
        Headers = { { "Idempotency-Key", key } },
    };

    private Task<JsonElement> Read(Guid id) => Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/participations/{id}")!;

    private async Task<string[]> History(Guid id) =>
        (await Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/participations/{id}/history")).GetProperty("items").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()!).ToArray();

    private ScheduledChecks Checks => fixture.Factory.Services.GetServices<IHostedService>().OfType<ScheduledChecks>().Single();

    [Fact]
    public async Task An_insurers_cancellation_suspends_the_participation_at_once_and_a_compliant_renewal_resumes_it()
    {
        var id = await Participation("GO-CANCEL-1");

        var receipt = await (await Insurer.SendAsync(Report(new
        {
            policyNumber = "GO-CANCEL-1", kind = "cancelled", effectiveOn = "2026-06-01", reason = "Premium not paid",
        }, "cancel-1"))).Body(HttpStatusCode.OK);

        Assert.Equal(("cancelled", "GO-CANCEL-1", 1), (receipt.GetProperty("kind").GetString(), receipt.GetProperty("policyNumber").GetString(),
            receipt.GetProperty("participations").GetInt32()));
        var suspended = await Read(id);
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        Assert.Equal("insuranceLapsed", suspended.GetProperty("suspension").GetProperty("ground").GetString());
        Assert.Equal("No insurance policy in force on 2026-06-01.", suspended.GetProperty("suspension").GetProperty("reason").GetString());
        Assert.Equal("service:sandbox-applications", suspended.GetProperty("suspension").GetProperty("by").GetString());
        Assert.Equal("2026-05-31", Assert.Single(suspended.GetProperty("policies").EnumerateArray()).GetProperty("validTo").GetString());
        var notice = Assert.Single(suspended.GetProperty("insurerNotices").EnumerateArray());
        Assert.Equal(receipt.GetProperty("noticeId").GetGuid(), notice.GetProperty("noticeId").GetGuid());
        Assert.Equal(("cancelled", "2026-06-01", "Premium not paid", Insurers.Ingosstrakh), (notice.GetProperty("kind").GetString(),
            notice.GetProperty("effectiveOn").GetString(), notice.GetProperty("reason").GetString(), notice.GetProperty("reportedBy").GetString()));

        await (await Insurer.SendAsync(Report(new
        {
            policyNumber = "GO-CANCEL-1", kind = "renewed", reason = "Premium paid, new policy issued",
            renewal = new
            {
                policyNumber = "GO-CANCEL-2", sumInsured = new { amount = 12_000_000m, currency = "RUB" }, coveredRisks = new[] { "life", "health" },
                coversAiHarm = true, validFrom = "2026-06-01", validTo = "2027-05-31",
            },
        }, "renew-1"))).Body(HttpStatusCode.OK);

        var resumed = await Read(id);
        Assert.Equal("active", resumed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, resumed.GetProperty("suspension").ValueKind);
        Assert.Equal("GO-CANCEL-2", resumed.GetProperty("insurance").GetProperty("policyNumber").GetString());
        Assert.Equal(["participation_granted", "insurance_event_reported", "participation_suspended", "insurance_event_reported",
            "participation_resumed"], await History(id));
    }

    [Fact]
    public async Task A_replay_with_the_same_key_returns_the_first_receipt_and_appends_nothing_and_another_body_is_a_409()
    {
        var id = await Participation("GO-REPLAY-1");
        var body = new { policyNumber = "GO-REPLAY-1", kind = "notRenewed", reason = "The insured declined renewal" };

        var first = await (await Insurer.SendAsync(Report(body, "replay-1"))).Body(HttpStatusCode.OK);
        var again = await (await Insurer.SendAsync(Report(body, "replay-1"))).Body(HttpStatusCode.OK);

        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(["participation_granted", "insurance_event_reported"], await History(id));
        await (await Insurer.SendAsync(Report(body with { reason = "Other" }, "replay-1")))
            .AssertProblem(HttpStatusCode.Conflict, "idempotency-key-reused");
        var participation = await Read(id);
        Assert.Equal("active", participation.GetProperty("status").GetString());
        Assert.Equal("2028-01-01", Assert.Single(participation.GetProperty("insurerNotices").EnumerateArray()).GetProperty("effectiveOn").GetString());
    }

    [Fact]
    public async Task Only_an_integration_bound_to_the_policys_insurer_reports_on_it()
    {
        var id = await Participation("GO-ACCESS-1");
        var body = new { policyNumber = "GO-ACCESS-1", kind = "cancelled", effectiveOn = "2026-06-01", reason = "x" };

        await (await fixture.Client(Tokens.Integration("gosuslugi")).SendAsync(Report(body, "a-1")))
            .AssertProblem(HttpStatusCode.Forbidden, "insurer-not-bound");
        await (await fixture.Client(Tokens.Applicant(Company)).SendAsync(Report(body, "a-2"))).AssertProblem(HttpStatusCode.Forbidden);
        await (await fixture.Client().SendAsync(Report(body, "a-3"))).AssertProblem(HttpStatusCode.Unauthorized);
        // Another insurer's integration does not learn that the policy exists.
        await (await fixture.Client(Tokens.Integration(Insurers.Sogaz)).SendAsync(Report(body, "a-4"))).AssertProblem(HttpStatusCode.NotFound);
        await (await Insurer.SendAsync(Report(body with { policyNumber = "GO-NO-SUCH" }, "a-5"))).AssertProblem(HttpStatusCode.NotFound);

        var noKey = await Insurer.PostAsJsonAsync("/api/v1/insurance-events", body);
        var problem = await noKey.AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        var incomplete = await (await Insurer.SendAsync(Report(new { policyNumber = "GO-ACCESS-1", kind = "sumInsuredChanged", reason = "x" }, "a-6")))
            .AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["effectiveOn", "sumInsured"], incomplete.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());

        Assert.Equal("active", (await Read(id)).GetProperty("status").GetString());
        Assert.Equal(["participation_granted"], await History(id));
    }

    [Fact]
    public async Task Cover_that_ends_without_renewal_suspends_at_the_start_of_the_next_Moscow_day_and_the_participants_renewal_resumes()
    {
        var id = await Participation("GO-END-1");
        // The insurer ends the policy on 14 June: cover holds through that day, the 15th is the first without it.
        await (await Insurer.SendAsync(Report(new { policyNumber = "GO-END-1", kind = "cancelled", effectiveOn = "2026-06-15", reason = "Early end" },
            "end-1"))).Body(HttpStatusCode.OK);
        Assert.Equal("active", (await Read(id)).GetProperty("status").GetString());

        fixture.Clock.Set(new DateTimeOffset(2026, 6, 14, 20, 59, 0, TimeSpan.Zero)); // 23:59 on the 14th in Moscow
        await Checks.RunOnceAsync(CancellationToken.None);
        Assert.Equal("active", (await Read(id)).GetProperty("status").GetString());

        fixture.Clock.Set(new DateTimeOffset(2026, 6, 14, 21, 0, 0, TimeSpan.Zero)); // midnight of the 15th in Moscow, still the 14th in UTC
        await Checks.RunOnceAsync(CancellationToken.None);
        var suspended = await Read(id);
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        Assert.Equal("No insurance policy in force on 2026-06-15.", suspended.GetProperty("suspension").GetProperty("reason").GetString());

        await fixture.Client(Tokens.Applicant(Company)).PostAsJsonAsync($"/api/v1/participations/{id}/insurance", new
        {
            insurerName = "Sogaz", insurerInn = Insurers.SogazInn, policyNumber = "SG-2026-1",
            sumInsured = new { amount = 20_000_000m, currency = "RUB" }, coveredRisks = new[] { "life", "health", "property" },
            coversAiHarm = true, validFrom = "2026-06-15", validTo = "2027-12-31",
        }).Body(HttpStatusCode.OK);

        Assert.Equal("active", (await Read(id)).GetProperty("status").GetString());
        Assert.Equal(["participation_granted", "insurance_event_reported", "participation_suspended", "insurance_renewed", "participation_resumed"],
            await History(id));
    }
}
