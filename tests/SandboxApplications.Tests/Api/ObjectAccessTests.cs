using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>
/// Every endpoint that takes an application's or a participation's id, against a real one of <see cref="Scenario.Company"/>:
/// another company gets 404 (no existence leak) and nothing changes; public reads carry no personal data and no
/// confidential filing. Wrong roles are walked in <see cref="AccessTests"/>.
/// </summary>
public class ObjectAccessTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    // method, path with {application}, {participation}, {entry} of Company; body
    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/api/v1/applications/{application}" },
        { "GET", "/api/v1/applications/{application}/history" },
        { "POST", "/api/v1/applications/{application}/information" },
        { "POST", "/api/v1/applications/{application}/withdrawal" },
        { "GET", "/api/v1/participations/{participation}" },
        { "GET", "/api/v1/participations/{participation}/history" },
        { "GET", "/api/v1/participations/{participation}/responsible-persons" },
        { "POST", "/api/v1/participations/{participation}/insurance" },
        { "POST", "/api/v1/participations/{participation}/responsible-persons" },
        { "POST", "/api/v1/participations/{participation}/responsible-persons/{entry}/removal" },
    };

    private static object BodyFor(string path) => path switch
    {
        _ when path.EndsWith("/information") => new { answer = "Here it is" },
        _ when path.EndsWith("/withdrawal") => new { reason = "Changed our mind" },
        _ when path.EndsWith("/insurance") => Policy(),
        _ when path.EndsWith("/removal") => new { validTo = "2026-12-31" },
        _ => new
        {
            fullName = "Anna Sidorova", position = "Head of safety", areaOfResponsibility = "Incidents",
            contact = new { email = "sidorova@robotaxi.ru" }, validFrom = "2026-05-01",
        },
    };

    private (Guid Application, Guid Participation, Guid Entry)? _own;

    private async Task<(Guid Application, Guid Participation, Guid Entry)> Own()
    {
        if (_own is { } own) return own;
        var (_, application, participation) = await ActiveParticipation(fixture.Host);
        var details = await (await fixture.Host.Client(Tokens.Regulator()).GetAsync($"/api/v1/participations/{participation}")).Body(HttpStatusCode.OK);
        _own = (application, participation, details.GetProperty("responsiblePersons")[0].GetProperty("entryId").GetGuid());
        return _own.Value;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Another_company_gets_404_and_changes_nothing(string method, string path)
    {
        var (application, participation, entry) = await Own();
        var url = path.Replace("{application}", application.ToString()).Replace("{participation}", participation.ToString())
            .Replace("{entry}", entry.ToString());
        var regulator = fixture.Host.Client(Tokens.Regulator());
        var versionBefore = (await regulator.GetAsync(url.Contains("/applications/") ? $"/api/v1/applications/{application}"
            : $"/api/v1/participations/{participation}")).Headers.ETag?.Tag;

        var other = fixture.Host.Client(Tokens.Applicant(OtherCompany));
        var response = await other.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = method == "POST" ? JsonContent.Create(BodyFor(path)) : null,
        });

        await response.AssertProblem(HttpStatusCode.NotFound);
        var versionAfter = (await regulator.GetAsync(url.Contains("/applications/") ? $"/api/v1/applications/{application}"
            : $"/api/v1/participations/{participation}")).Headers.ETag?.Tag;
        Assert.Equal(versionBefore, versionAfter);
    }

    [Fact]
    public async Task Lists_show_another_company_nothing_of_ours()
    {
        var (application, participation, _) = await Own();
        var other = fixture.Host.Client(Tokens.Applicant(OtherCompany));

        var applications = await (await other.GetAsync("/api/v1/applications")).Body(HttpStatusCode.OK);
        Assert.DoesNotContain(applications.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == application);
        var participations = await (await other.GetAsync("/api/v1/participations")).Body(HttpStatusCode.OK);
        Assert.DoesNotContain(participations.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == participation);
    }

    [Fact]
    public async Task Public_registers_carry_no_personal_data_and_no_confidential_filing()
    {
        var (_, participation, _) = await Own();
        var anonymous = fixture.Host.Client();

        var register = await anonymous.GetStringAsync("/api/v1/register/participations?pageSize=100");
        Assert.Contains(participation.ToString(), register);
        var regimes = await anonymous.GetStringAsync("/api/v1/regimes?pageSize=100");
        foreach (var text in new[] { register, regimes })
        {
            Assert.DoesNotContain("Ivan Petrov", text); // responsible persons
            Assert.DoesNotContain("petrov@robotaxi.ru", text);
            Assert.DoesNotContain("office@robotaxi.ru", text); // the company's contact
            Assert.DoesNotContain("+7 495 123-45-67", text);
            Assert.DoesNotContain("Driverless shuttles between metro stations", text); // the planned use (filing)
            Assert.DoesNotContain("GO-2026-0001", text); // the insurance policy number
            Assert.DoesNotContain("keyId", text);
        }
        await (await anonymous.GetAsync($"/api/v1/participations/{participation}")).AssertProblem(HttpStatusCode.Unauthorized);
    }
}
