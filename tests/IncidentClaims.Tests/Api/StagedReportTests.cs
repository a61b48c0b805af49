using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Webhooks;
using SandboxRegistry.Regulation;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>Issue 19 part 1: the participant's staged reports (initial, follow-ups, final), their clocks and the regulator's decisions.</summary>
public class StagedReportTests(LocalWebhooksFixture fixture) : IClassFixture<LocalWebhooksFixture>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));
    private HttpClient Company => fixture.Host.Client(Tokens.Applicant(World.Ogrn, "compliance-officer"));

    private async Task<(Guid Id, DateTimeOffset LinkedAt)> LinkedIncident(string region, string harmType = "injuryToHealth", string severity = "serious")
    {
        var world = new World(fixture.Host);
        await world.SeedDeployedSystem(region);
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: region, harmType: harmType, severity: severity));
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { }).Body();
        var dossier = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier").Body();
        return (id, dossier.GetProperty("triage").GetProperty("at").GetDateTimeOffset());
    }

    private async Task<Guid> FileStage(Guid id, object body) =>
        (await Company.PostAsJsonAsync($"/api/v1/incidents/{id}/provider-reports", body).Body()).GetProperty("reportId").GetGuid();

    [Fact]
    public async Task Initial_follow_up_and_final_reports_run_on_their_clocks_and_the_regulator_accepts_or_asks_for_more()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        var created = await Company.PostAsJsonAsync("/api/v1/webhooks/subscriptions",
            new { url = hook.Url, eventTypes = new[] { WebhookEventTypes.InformationRequested, WebhookEventTypes.ReportAccepted } }).Body(HttpStatusCode.Created);
        hook.Secret = created.GetProperty("secret").GetString()!;
        var (id, linkedAt) = await LinkedIncident("81");

        var before = await Company.GetAsync($"/api/v1/incidents/{id}/provider-reports").Body();
        var initial = await FileStage(id, new { stage = "initial", summary = "The drone lost power over the street; the fleet is grounded." });
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/provider-reports/{initial}/information-request",
            new { questions = new[] { "Send the flight log.", "Which battery firmware was on board?" } }).Body();
        var followUp = await FileStage(id, new { stage = "followUp", summary = "Flight log attached to the case file; firmware 2.3.1." });
        await Regulator.PostAsync($"/api/v1/incidents/{id}/provider-reports/{followUp}/acceptance", null).Body();
        var final = await FileStage(id, new
        {
            stage = "final", summary = "Battery cell failure under cold load.", rootCause = "A battery cell below its rated temperature.",
            correctiveActions = new[] { "Cold-weather battery check before take-off", "Firmware 2.4 limits flights below -10 C" },
            versionAffected = true,
        });
        await Regulator.PostAsync($"/api/v1/incidents/{id}/provider-reports/{final}/acceptance", null).Body();

        var beforeClocks = before.GetProperty("clocks").EnumerateArray().ToList();
        Assert.Equal(["providerInitialReport", "providerFinalReport"], beforeClocks.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(linkedAt.AddDays(15), beforeClocks[0].GetProperty("dueBy").GetDateTimeOffset()); // art. 73(2), from the jurisdiction profile
        Assert.Equal(linkedAt.AddDays(60), beforeClocks[1].GetProperty("dueBy").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, beforeClocks[0].GetProperty("metLate").ValueKind);

        var view = await Regulator.GetAsync($"/api/v1/incidents/{id}/provider-reports").Body();
        var clocks = view.GetProperty("clocks").EnumerateArray().ToList();
        Assert.Equal(["providerInitialReport", "providerFollowUp", "providerFinalReport"], clocks.Select(c => c.GetProperty("name").GetString()));
        Assert.All(clocks, c => Assert.False(c.GetProperty("metLate").GetBoolean()));
        var reports = view.GetProperty("reports").EnumerateArray().ToList();
        Assert.Equal([("initial", "moreRequested"), ("followUp", "accepted"), ("final", "accepted")],
            reports.Select(r => (r.GetProperty("stage").GetString(), r.GetProperty("decision").GetString())));
        Assert.Equal(["Send the flight log.", "Which battery firmware was on board?"],
            reports[0].GetProperty("questions").EnumerateArray().Select(q => q.GetString()));

        var dossier = await fixture.Host.Client(Tokens.Auditor()).GetAsync($"/api/v1/incidents/{id}/dossier").Body();
        var stages = dossier.GetProperty("providerReports").EnumerateArray().ToList();
        Assert.Equal([initial, followUp, final], stages.Select(s => s.GetProperty("reportId").GetGuid()));
        Assert.Equal(("A battery cell below its rated temperature.", true, "reg-ivanova"),
            (stages[2].GetProperty("rootCause").GetString(), stages[2].GetProperty("versionAffected").GetBoolean(),
                stages[2].GetProperty("decidedBy").GetString()));
        Assert.Equal(2, stages[2].GetProperty("correctiveActions").GetArrayLength());
        Assert.Equal(4L, stages[0].GetProperty("source").GetProperty("streamVersion").GetInt64());
        Assert.Equal(5L, stages[0].GetProperty("decisionSource").GetProperty("streamVersion").GetInt64());

        var received = await Eventually.Until(() => Task.FromResult(hook.Accepted.Count >= 3 ? hook.Accepted : null), because: "three webhooks");
        Assert.Equal([WebhookEventTypes.InformationRequested, WebhookEventTypes.ReportAccepted, WebhookEventTypes.ReportAccepted],
            received.Select(r => r.Type));
        Assert.Equal(initial, received[0].Data.GetProperty("reportId").GetGuid());
        Assert.All(received, r => Assert.True(r.Verified));

        await (await Company.PostAsJsonAsync($"/api/v1/incidents/{id}/provider-reports", new { stage = "followUp", summary = "More." }))
            .AssertProblem(HttpStatusCode.Conflict, "final-report-accepted");
    }

    [Fact]
    public async Task Stages_come_in_order_a_late_one_is_recorded_as_late_and_only_the_company_concerned_files_them()
    {
        var (id, _) = await LinkedIncident("82");
        var unlinked = await File(Portal, Body(region: "82"));
        var otherCompany = fixture.Host.Client(Tokens.Applicant("1027739609391"));

        await (await Company.PostAsJsonAsync($"/api/v1/incidents/{id}/provider-reports", new { stage = "final", summary = "x", rootCause = "y",
            correctiveActions = new[] { "z" }, versionAffected = false })).AssertProblem(HttpStatusCode.Conflict, "initial-report-missing");
        var missing = await (await Company.PostAsJsonAsync($"/api/v1/incidents/{id}/provider-reports", new { stage = "final", summary = "x" }))
            .AssertProblem(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["correctiveActions", "rootCause", "versionAffected"],
            missing.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        await (await otherCompany.PostAsJsonAsync($"/api/v1/incidents/{id}/provider-reports", new { stage = "initial", summary = "x" }))
            .AssertProblem(HttpStatusCode.NotFound);
        await (await Company.PostAsJsonAsync($"/api/v1/incidents/{unlinked}/provider-reports", new { stage = "initial", summary = "x" }))
            .AssertProblem(HttpStatusCode.NotFound);
        await (await otherCompany.GetAsync($"/api/v1/incidents/{id}/provider-reports")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await Portal.GetAsync($"/api/v1/incidents/{id}/provider-reports")).StatusCode);

        var initial = await FileStage(id, new { stage = "initial", summary = "First account." });
        await (await Company.PostAsJsonAsync($"/api/v1/incidents/{id}/provider-reports", new { stage = "initial", summary = "Again." }))
            .AssertProblem(HttpStatusCode.Conflict, "initial-report-already-filed");
        await (await Company.PostAsJsonAsync($"/api/v1/incidents/{id}/provider-reports", new { stage = "followUp", summary = "Unasked." }))
            .AssertProblem(HttpStatusCode.Conflict, "no-follow-up-requested");
        await Regulator.PostAsync($"/api/v1/incidents/{id}/provider-reports/{initial}/acceptance", null).Body();
        await (await Regulator.PostAsync($"/api/v1/incidents/{id}/provider-reports/{initial}/acceptance", null))
            .AssertProblem(HttpStatusCode.Conflict, "report-already-decided");
        await (await Regulator.PostAsync($"/api/v1/incidents/{id}/provider-reports/{Guid.NewGuid()}/acceptance", null))
            .AssertProblem(HttpStatusCode.NotFound);
        var view = await Company.GetAsync($"/api/v1/incidents/{id}/provider-reports").Body();
        Assert.False(view.GetProperty("reports")[0].GetProperty("late").GetBoolean());
    }
}

/// <summary>A jurisdiction with other periods: the stage clocks follow the profile.</summary>
public sealed class ShortPeriodsFixture : ServiceFixture<ServiceMarker>
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jurisdiction:ReportDaysOther"] = "3",
        ["Jurisdiction:ProviderFinalReportDays"] = "45",
    };
}

public class StageClockTests(ShortPeriodsFixture fixture) : IClassFixture<ShortPeriodsFixture>
{
    [Fact]
    public async Task Stage_clocks_come_from_the_jurisdiction_profile()
    {
        var regulator = fixture.Host.Client(Tokens.Regulator());
        var company = fixture.Host.Client(Tokens.Applicant(World.Ogrn));
        var world = new World(fixture.Host);
        await world.SeedDeployedSystem("83");
        var id = await File(fixture.Host.Client(Tokens.Integration("gosuslugi")), Body(occurredAt: world.Now.AddDays(-20), region: "83"));
        await regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { }).Body();

        var view = await company.GetAsync($"/api/v1/incidents/{id}/provider-reports").Body();

        var clocks = view.GetProperty("clocks").EnumerateArray().ToList();
        var linkedAt = (await regulator.GetAsync($"/api/v1/incidents/{id}/dossier").Body()).GetProperty("triage").GetProperty("at").GetDateTimeOffset();
        Assert.Equal(linkedAt.AddDays(3), clocks[0].GetProperty("dueBy").GetDateTimeOffset());
        Assert.Equal(linkedAt.AddDays(45), clocks[1].GetProperty("dueBy").GetDateTimeOffset());
    }

    [Fact]
    public void A_stage_filed_after_its_clock_is_recorded_and_marked_late()
    {
        var linkedAt = DateTimeOffset.UtcNow.AddDays(-20);
        var incident = new Incident(Guid.NewGuid(), "gosuslugi", "IC-AAAA-BBBB", "t", IncidentStatus.Linked, linkedAt, "77", null, true, linkedAt, [],
            new Resolution(null, new LinkedVersion(Guid.NewGuid(), Guid.NewGuid(), "1.0", new string('1', 64), null, Cite()), null,
                new LinkedParticipation(Guid.NewGuid(), Guid.NewGuid(), World.Ogrn, "Aero LLC", DateOnly.MinValue, DateOnly.MaxValue, Cite()),
                null, null, null), [], null, null, null, null);
        var reporting = new IncidentClaims.Incidents.StagedReporting.ProviderReporting(incident.Id,
            IncidentClaims.Incidents.StagedReporting.Art73Period.Other, linkedAt, [], []);
        var actor = new Actor("officer", Roles.Applicant, World.Ogrn, null);

        var filed = IncidentClaims.Incidents.StagedReporting.StagedReports.Decide(incident, reporting,
            new IncidentClaims.Incidents.StagedReporting.FileStageRequest(IncidentClaims.Incidents.StagedReporting.ReportStage.Initial, "Late.", null, null, null),
            new JurisdictionProfile(), actor, Guid.NewGuid(), DateTimeOffset.UtcNow);

        Assert.True(filed.Late);
        Assert.Equal(linkedAt.AddDays(15), filed.DueBy);
        Assert.Equal(("Aero LLC", World.Ogrn), (filed.CompanyName, filed.CompanyOgrn));
    }

    private static Contracts.SourceCitation Cite() => new("test", Guid.NewGuid(), 1, Guid.NewGuid(), 1);
}
