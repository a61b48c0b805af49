using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>
/// Every endpoint that takes an id, against a real incident: the wrong role is 403 before anything is read, another
/// integration's incident is 404 (no existence leak), and public reads carry no personal data.
/// </summary>
public class ObjectAccessTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private const string Filer = "gosuslugi";

    // method, path ({id} is a real incident filed by Filer), roles that may not call it
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "GET", "/api/v1/incidents/{id}/dossier", "integration applicant" },
        { "GET", "/api/v1/incidents/{id}/status", "applicant" },
        { "POST", "/api/v1/incidents/{id}/link", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/explicit-link", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/not-ai-related-finding", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/duplicate", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/commission", "integration auditor applicant" },
        { "PUT", "/api/v1/incidents/{id}/commission/conclusion", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/commission/conclusion/signature", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/insurance-claim", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/insurance-claim/insurer-notification", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/insurance-claim/payment", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/insurance-claim/denial", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/closure", "integration auditor applicant" },
        { "POST", "/api/v1/incidents/{id}/reporter/erasure", "integration auditor applicant" },
        { "GET", "/api/v1/known/ai-systems/{id}", "integration applicant" },
        { "GET", "/api/v1/known/deployments/{id}", "integration applicant" },
        { "GET", "/api/v1/known/participations/{id}", "integration applicant" },
        { "GET", "/api/v1/audit/streams/{id}/verify", "integration applicant" },
    };

    private static string Token(string role) => role switch
    {
        "applicant" => Tokens.Applicant(World.Ogrn),
        "auditor" => Tokens.Auditor(),
        "regulator" => Tokens.Regulator(),
        _ => Tokens.Integration(Filer),
    };

    private async Task<Guid> Incident() => await File(fixture.Host.Client(Tokens.Integration(Filer)), Body());

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task The_wrong_role_gets_403_on_a_real_incident(string method, string path, string roles)
    {
        var url = path.Replace("{id}", (await Incident()).ToString());
        foreach (var role in roles.Split(' '))
        {
            var response = await fixture.Host.Client(Token(role)).SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
            {
                Content = method == "GET" ? null : JsonContent.Create(new { legalGround = "x" }),
            });
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} {method} {url}: {(int)response.StatusCode}");
            await Responses.AssertProblem(response, HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Another_integration_does_not_see_a_report_it_did_not_file()
    {
        var id = await Incident();
        var other = fixture.Host.Client(Tokens.Integration("insurer-portal"));

        await Responses.AssertProblem(await other.GetAsync($"/api/v1/incidents/{id}/status"), HttpStatusCode.NotFound);
        var list = await other.AllItems("/api/v1/incidents");
        Assert.DoesNotContain(list, i => i.GetProperty("id").GetGuid() == id);
        var own = await fixture.Host.Client(Tokens.Integration(Filer)).GetAsync($"/api/v1/incidents/{id}/status");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        // The filer's own view carries no personal data and no triage detail either.
        var text = await own.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Ivan Petrov", text);
        Assert.DoesNotContain("+79990000000", text);
        Assert.DoesNotContain("reporter", text);
    }

    [Fact]
    public async Task Public_reads_carry_no_personal_data()
    {
        await Incident();
        var anonymous = fixture.Host.Client();
        var regimes = await anonymous.GetAsync("/api/v1/regimes");
        Assert.Equal(HttpStatusCode.OK, regimes.StatusCode);
        var text = await regimes.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Ivan Petrov", text);
        Assert.DoesNotContain("ivan.petrov", text);
        await Responses.AssertProblem(await anonymous.GetAsync("/api/v1/incidents"), HttpStatusCode.Unauthorized);
    }
}
