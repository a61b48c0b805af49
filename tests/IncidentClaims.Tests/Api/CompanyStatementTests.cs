using System.Net;
using System.Net.Http.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>Issue 19 part 2: the company's public statement on an incident that concerns it.</summary>
public class CompanyStatementTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));
    private HttpClient Company => fixture.Host.Client(Tokens.Applicant(World.Ogrn, "compliance-officer"));

    private async Task<Guid> LinkedIncident(string region)
    {
        var world = new World(fixture.Host);
        await world.SeedDeployedSystem(region);
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: region));
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { }).Body();
        return id;
    }

    [Fact]
    public async Task The_participant_publishes_statements_shown_in_order_in_the_dossier_and_the_public_register()
    {
        var id = await LinkedIncident("71");
        const string first = "We grounded the SkyDrop fleet in the region and are examining the flight logs with the regulator.";
        const string second = "Version 1.0 is no longer in service; the operator contacted the person harmed.";

        var published = await Company.PostAsJsonAsync($"/api/v1/incidents/{id}/statement", new { text = first }).Body();
        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{id}/statement") { Content = JsonContent.Create(new { text = second }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"3\"");
        await (await Company.SendAsync(stale)).AssertProblem(HttpStatusCode.PreconditionFailed, "stale-version");
        var current = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{id}/statement") { Content = JsonContent.Create(new { text = second }) };
        current.Headers.TryAddWithoutValidation("If-Match", "\"4\"");
        var again = await (await Company.SendAsync(current)).Body(HttpStatusCode.OK);

        Assert.Equal((id, 4L), (published.GetProperty("id").GetGuid(), published.GetProperty("version").GetInt64()));
        Assert.Equal(5L, again.GetProperty("version").GetInt64());
        var dossier = await Regulator.GetAsync($"/api/v1/incidents/{id}/dossier").Body();
        var statements = dossier.GetProperty("statements").EnumerateArray().ToList();
        Assert.Equal([first, second], statements.Select(s => s.GetProperty("text").GetString()));
        Assert.Equal((World.Ogrn, "Aero LLC", "compliance-officer"), (statements[0].GetProperty("companyOgrn").GetString(),
            statements[0].GetProperty("companyName").GetString(), statements[0].GetProperty("by").GetString()));
        Assert.Equal(4L, statements[0].GetProperty("source").GetProperty("streamVersion").GetInt64());
        Assert.Equal(published.GetProperty("statementId").GetGuid(), statements[0].GetProperty("statementId").GetGuid());

        var register = await fixture.Host.Client().GetAsync($"/api/v1/register/incidents/{id}").Body();
        Assert.Equal([first, second], register.GetProperty("statements").EnumerateArray().Select(s => s.GetProperty("text").GetString()));
        Assert.Equal("Aero LLC", register.GetProperty("statements")[0].GetProperty("companyName").GetString());
        var reports = await fixture.Host.Client().GetStringAsync("/api/v1/exports/aiid/reports.csv");
        Assert.Contains("Statement of Aero LLC", reports);
        Assert.Equal("linked", register.GetProperty("status").GetString()); // a statement changes no status
    }

    [Fact]
    public async Task Only_a_company_the_incident_concerns_may_speak_on_it_and_the_text_is_checked()
    {
        var linked = await LinkedIncident("72");
        var unlinked = await File(Portal, Body(region: "72"));
        var otherCompany = fixture.Host.Client(Tokens.Applicant("1027739609391"));

        await (await otherCompany.PostAsJsonAsync($"/api/v1/incidents/{linked}/statement", new { text = "Not ours." }))
            .AssertProblem(HttpStatusCode.NotFound, "not-found");
        await (await Company.PostAsJsonAsync($"/api/v1/incidents/{unlinked}/statement", new { text = "Not linked yet." }))
            .AssertProblem(HttpStatusCode.NotFound, "not-found");
        await (await Company.PostAsJsonAsync($"/api/v1/incidents/{Guid.NewGuid()}/statement", new { text = "Unknown." }))
            .AssertProblem(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(HttpStatusCode.Forbidden, (await Portal.PostAsJsonAsync($"/api/v1/incidents/{linked}/statement", new { text = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Regulator.PostAsJsonAsync($"/api/v1/incidents/{linked}/statement", new { text = "x" })).StatusCode);
        var empty = await (await Company.PostAsJsonAsync($"/api/v1/incidents/{linked}/statement", new { text = " " }))
            .AssertProblem(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(empty.GetProperty("errors").TryGetProperty("text", out _));
        var tooLong = await Company.PostAsJsonAsync($"/api/v1/incidents/{linked}/statement", new { text = new string('a', 4001) });
        await tooLong.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Empty((await Regulator.GetAsync($"/api/v1/incidents/{linked}/dossier").Body()).GetProperty("statements").EnumerateArray());
    }
}
