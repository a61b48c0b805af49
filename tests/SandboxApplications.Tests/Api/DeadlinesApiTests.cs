using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>What happens as time passes: due dates, missed deadlines, expiry. Each test sets the clock it needs.</summary>
public class DeadlinesApiTests(ClockedFixture fixture) : IClassFixture<ClockedFixture>
{
    private static readonly DateTimeOffset ChristmasFriday = new(2026, 12, 25, 9, 0, 0, TimeSpan.Zero);

    private HttpClient Regulator => fixture.Client(Tokens.Regulator());

    private async Task<Guid> Establish(string endsOn = "2028-12-31") =>
        (await (await Regulator.PostAsJsonAsync("/api/v1/regimes", RegimeBody(endsOn: endsOn))).Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private async Task<Guid> Submit(Guid regime, string ogrn = Company) =>
        (await (await fixture.Client(Tokens.Applicant(ogrn)).PostAsJsonAsync("/api/v1/applications", ApplicationBody(regime, ogrn)))
            .Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private Task<JsonElement> Read(string url) => Regulator.GetFromJsonAsync<JsonElement>(url)!;

    private Task<JsonElement> HistoryWith(Guid id, string type, string kind = "applications") =>
        Eventually.Until(async () =>
        {
            var history = (await Read($"/api/v1/{kind}/{id}/history")).GetProperty("items");
            return history.EnumerateArray().Any(e => e.GetProperty("type").GetString() == type) ? history : (JsonElement?)null;
        }, because: $"{id} should record {type}");

    [Fact]
    public async Task The_due_date_counts_working_days_across_the_New_Year_holidays()
    {
        fixture.Clock.Set(ChristmasFriday);
        var id = await Submit(await Establish());

        var application = await Read($"/api/v1/applications/{id}");

        // After Friday 25 December 2026: 28-30 December, then 31 December and 1-10 January are days off, so the
        // 20th working day is Tuesday 2 February 2027.
        Assert.Equal("2027-02-02", application.GetProperty("dueOn").GetString());
        Assert.False(application.GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task The_clock_pauses_while_information_is_requested()
    {
        fixture.Clock.Set(ChristmasFriday); // due 2 February 2027
        var id = await Submit(await Establish(), OtherCompany);
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/reviewer", new { reviewer = "r" })).Body(HttpStatusCode.OK);
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/information-requests", new { questions = new[] { "q" } }))
            .Body(HttpStatusCode.OK); // asked on 25 December: 20 working days left

        fixture.Clock.Set(new DateTimeOffset(2027, 1, 15, 9, 0, 0, TimeSpan.Zero));
        await (await fixture.Client(Tokens.Applicant(OtherCompany)).PostAsJsonAsync($"/api/v1/applications/{id}/information",
            new { answer = "a" })).Body(HttpStatusCode.OK);

        // 20 working days after Friday 15 January 2027.
        Assert.Equal("2027-02-12", (await Read($"/api/v1/applications/{id}")).GetProperty("dueOn").GetString());
    }

    [Fact]
    public async Task A_missed_deadline_is_recorded_once_and_the_application_is_listed_as_overdue()
    {
        fixture.Clock.Set(ChristmasFriday);
        var regime = await Establish();
        var late = await Submit(regime, "1027700067328");

        fixture.Clock.Set(new DateTimeOffset(2027, 2, 3, 9, 0, 0, TimeSpan.Zero));
        await HistoryWith(late, "review_deadline_missed");
        var application = await Read($"/api/v1/applications/{late}");
        Assert.True(application.GetProperty("overdue").GetBoolean());
        Assert.True(application.GetProperty("deadlineMissed").GetBoolean());
        var overdue = await Read($"/api/v1/applications?overdue=true&regimeId={regime}");
        Assert.Equal([late], overdue.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));

        // A later application's deadline passing proves later checks ran; the first stays recorded once.
        var later = await Submit(regime, "1037739010891");
        fixture.Clock.Set(new DateTimeOffset(2027, 3, 15, 9, 0, 0, TimeSpan.Zero));
        await HistoryWith(later, "review_deadline_missed");
        var history = (await Read($"/api/v1/applications/{late}/history")).GetProperty("items");
        Assert.Single(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "review_deadline_missed");
    }

    [Fact]
    public async Task Regimes_and_participations_expire_after_their_term()
    {
        fixture.Clock.Set(ChristmasFriday);
        var regime = await Establish(endsOn: "2027-03-31");
        var application = await Submit(regime, "1027700132195");
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{application}/reviewer", new { reviewer = "r" })).Body(HttpStatusCode.OK);
        var participation = (await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{application}/approval", new { }))
            .Body(HttpStatusCode.OK)).GetProperty("participationId").GetGuid();

        fixture.Clock.Set(new DateTimeOffset(2027, 4, 1, 9, 0, 0, TimeSpan.Zero));
        await HistoryWith(participation, "participation_expired", "participations");
        await HistoryWith(regime, "regime_expired", "regimes");

        Assert.Equal("expired", (await Read($"/api/v1/participations/{participation}")).GetProperty("status").GetString());
        Assert.Equal("expired", (await Read($"/api/v1/regimes/{regime}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Participations_end_when_their_regime_is_terminated()
    {
        fixture.Clock.Set(ChristmasFriday);
        var regime = await Establish();
        var application = await Submit(regime, "1027700132195");
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{application}/reviewer", new { reviewer = "r" })).Body(HttpStatusCode.OK);
        var participation = (await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{application}/approval", new { }))
            .Body(HttpStatusCode.OK)).GetProperty("participationId").GetGuid();

        await (await Regulator.PostAsJsonAsync($"/api/v1/regimes/{regime}/termination", new { reason = "Programme failed" })).Body(HttpStatusCode.OK);

        var history = await HistoryWith(participation, "participation_terminated", "participations");
        Assert.Equal("The regime ended.", history[history.GetArrayLength() - 1].GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal("service:sandbox-applications", history[history.GetArrayLength() - 1].GetProperty("data").GetProperty("terminatedBy").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_company_already_participating_cannot_apply_again_to_the_same_regime()
    {
        fixture.Clock.Set(ChristmasFriday);
        var regime = await Establish();
        var application = await Submit(regime, "1027739049689");
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{application}/reviewer", new { reviewer = "r" })).Body(HttpStatusCode.OK);
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{application}/approval", new { })).Body(HttpStatusCode.OK);

        await (await fixture.Client(Tokens.Applicant("1027739049689")).PostAsJsonAsync("/api/v1/applications", ApplicationBody(regime, "1027739049689")))
            .AssertProblem(HttpStatusCode.Conflict, "already-participating");
    }
}
