using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>Voluntary exit through the API: leaving, the exit report, the assessment and the public register's view of them.</summary>
public class ExitApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private ServiceHost<ServiceMarker> Host => fixture.Host;
    private HttpClient Regulator => Host.Client(Tokens.Regulator());
    private HttpClient Applicant => Host.Client(Tokens.Applicant(Company));

    private async Task<(Guid Regime, Guid Participation)> Participating()
    {
        var regime = await EstablishRegime(Host, RegimeBody(expectedResults:
            [new { result = "Fewer road accidents", measure = "Accidents per 1 000 000 km" }]));
        var application = await Submit(Host, regime);
        await AssignReviewer(Host, application);
        return (regime, await Approve(Host, application));
    }

    private async Task<JsonElement> RegisterEntry(Guid regime) =>
        Assert.Single((await Host.Client().GetAsync($"/api/v1/register/participations?regimeId={regime}").Body()).GetProperty("items").EnumerateArray());

    [Fact]
    public async Task A_participant_leaves_files_its_exit_report_the_regulator_assesses_it_and_the_public_register_shows_the_exit()
    {
        var (regime, id) = await Participating();
        Assert.Equal("Accidents per 1 000 000 km", (await Host.Client().GetAsync($"/api/v1/regimes/{regime}").Body())
            .GetProperty("expectedResults")[0].GetProperty("measure").GetString());

        var left = await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/exit", new { reason = "The pilot met its goals early" }).Body();
        Assert.Equal(2, left.GetProperty("version").GetInt64());

        var details = await Applicant.GetAsync($"/api/v1/participations/{id}").Body();
        Assert.Equal("left", details.GetProperty("status").GetString());
        Assert.Equal("The pilot met its goals early", details.GetProperty("exit").GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, details.GetProperty("exit").GetProperty("report").ValueKind);
        var leftEntry = await RegisterEntry(regime);
        Assert.Equal("left", leftEntry.GetProperty("status").GetString());
        Assert.Equal(details.GetProperty("exit").GetProperty("leftOn").GetString(), leftEntry.GetProperty("exit").GetProperty("leftOn").GetString());
        Assert.Equal(JsonValueKind.Null, leftEntry.GetProperty("exit").GetProperty("publicSummary").ValueKind);

        await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/exit-report", new
        {
            results = new[] { new { expectedResult = "Something else", outcome = "n/a", measuredValue = (string?)null, achieved = false } },
            publicSummary = "x",
        }).AssertProblem(HttpStatusCode.Conflict, "exit-report-results-incomplete");
        await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/exit-report", new
        {
            results = new[] { new { expectedResult = "Fewer road accidents", outcome = "40 % fewer than with drivers", measuredValue = "0.6", achieved = true } },
            incidents = new[] { new { summary = "Hard braking at a crossing", handling = "Release 1.2.1 within 48 hours" } },
            measures = new[] { "Remote operator on every route" },
            publicSummary = "1.2 million km without a serious incident.",
        }).Body();
        await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/exit-assessment", new { conclusion = "satisfactory", text = "ok" })
            .AssertProblem(HttpStatusCode.Forbidden);
        await Regulator.PostAsJsonAsync($"/api/v1/participations/{id}/exit-assessment",
            new { conclusion = "satisfactory", text = "Results verified against the operator's logs." }).Body();

        var exit = (await Regulator.GetAsync($"/api/v1/participations/{id}").Body()).GetProperty("exit");
        Assert.Equal("Release 1.2.1 within 48 hours", exit.GetProperty("report").GetProperty("incidents")[0].GetProperty("handling").GetString());
        Assert.Equal(("satisfactory", "regulator-1"), (exit.GetProperty("assessment").GetProperty("conclusion").GetString(),
            exit.GetProperty("assessment").GetProperty("by").GetString()));
        var entry = await RegisterEntry(regime);
        Assert.Equal(JsonSerializer.Serialize(new
        {
            leftOn = exit.GetProperty("leftOn").GetString(), publicSummary = "1.2 million km without a serious incident.", assessment = "satisfactory",
        }), entry.GetProperty("exit").GetRawText());
        Assert.DoesNotContain("Petrov", entry.GetRawText());
        var history = (await Host.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>($"/api/v1/participations/{id}/history")).GetProperty("items");
        Assert.Equal(["participation_granted", "participation_left", "exit_report_filed", "exit_assessed"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Only_the_participant_leaves_and_not_twice()
    {
        var (_, id) = await Participating();

        await Regulator.PostAsJsonAsync($"/api/v1/participations/{id}/exit", new { reason = "x" }).AssertProblem(HttpStatusCode.Forbidden);
        await Host.Client(Tokens.Applicant(OtherCompany)).PostAsJsonAsync($"/api/v1/participations/{id}/exit", new { reason = "x" })
            .AssertProblem(HttpStatusCode.NotFound);
        await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/exit", new { reason = "" }).AssertProblem(HttpStatusCode.BadRequest);
        await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/exit-report", new
        {
            results = new[] { new { expectedResult = "Fewer road accidents", outcome = "o", measuredValue = "1", achieved = true } }, publicSummary = "s",
        }).AssertProblem(HttpStatusCode.Conflict, "exit-report-before-exit");
        await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/exit", new { reason = "Done" }).Body();
        await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/exit", new { reason = "Done" }).AssertProblem(HttpStatusCode.Conflict, "participation-closed");
        await Regulator.PostAsJsonAsync($"/api/v1/participations/{id}/exit-assessment", new { conclusion = "satisfactory", text = "t" })
            .AssertProblem(HttpStatusCode.Conflict, "exit-report-missing");
    }
}
