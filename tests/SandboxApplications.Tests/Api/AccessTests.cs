using System.Net;
using System.Net.Http.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>Every endpoint states who may call it: no token is a 401, the wrong role a 403, before anything is read.</summary>
public class AccessTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private static readonly string Id = Guid.NewGuid().ToString();

    public static TheoryData<string, string, string> Endpoints => new()
    {
        // method, path, a role that may not call it
        { "POST", "/api/v1/regimes", "applicant" },
        { "POST", $"/api/v1/regimes/{Id}/amendments", "auditor" },
        { "POST", $"/api/v1/regimes/{Id}/suspension", "applicant" },
        { "POST", $"/api/v1/regimes/{Id}/resumption", "integration" },
        { "POST", $"/api/v1/regimes/{Id}/termination", "auditor" },
        { "GET", $"/api/v1/regimes/{Id}/history", "applicant" },
        { "POST", "/api/v1/applications", "regulator" },
        { "POST", $"/api/v1/applications/{Id}/reviewer", "applicant" },
        { "POST", $"/api/v1/applications/{Id}/information-requests", "applicant" },
        { "POST", $"/api/v1/applications/{Id}/information", "regulator" },
        { "POST", $"/api/v1/applications/{Id}/approval", "applicant" },
        { "POST", $"/api/v1/applications/{Id}/rejection", "auditor" },
        { "POST", $"/api/v1/applications/{Id}/withdrawal", "regulator" },
        { "GET", "/api/v1/applications", "integration" },
        { "GET", $"/api/v1/applications/{Id}", "integration" },
        { "GET", $"/api/v1/applications/{Id}/history", "integration" },
        { "POST", $"/api/v1/participations/{Id}/suspension", "applicant" },
        { "POST", $"/api/v1/participations/{Id}/resumption", "applicant" },
        { "POST", $"/api/v1/participations/{Id}/termination", "auditor" },
        { "POST", $"/api/v1/participations/{Id}/insurance", "regulator" },
        { "POST", $"/api/v1/participations/{Id}/responsible-persons", "regulator" },
        { "POST", $"/api/v1/participations/{Id}/responsible-persons/{Id}/removal", "auditor" },
        { "GET", "/api/v1/participations", "integration" },
        { "GET", $"/api/v1/participations/{Id}", "integration" },
        { "GET", $"/api/v1/participations/{Id}/history", "integration" },
        { "GET", $"/api/v1/participations/{Id}/responsible-persons", "integration" },
        { "POST", $"/api/v1/participations/{Id}/responsible-persons/{Id}/erasure", "applicant" },
        { "POST", $"/api/v1/applications/{Id}/responsible-persons/{Id}/erasure", "auditor" },
    };

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? JsonContent.Create(new { }) : null,
    };

    private static string Token(string role) => role switch
    {
        "applicant" => Tokens.Applicant(Company),
        "regulator" => Tokens.Regulator(),
        "auditor" => Tokens.Auditor(),
        _ => Tokens.Integration("gosuslugi"),
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_a_token_the_answer_is_401(string method, string path, string _) =>
        await (await fixture.Host.Client().SendAsync(Request(method, path))).AssertProblem(HttpStatusCode.Unauthorized);

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task With_the_wrong_role_the_answer_is_403(string method, string path, string role) =>
        await (await fixture.Host.Client(Token(role)).SendAsync(Request(method, path))).AssertProblem(HttpStatusCode.Forbidden);

    [Theory]
    [InlineData("/api/v1/regimes")]
    [InlineData("/api/v1/register/participations")]
    public async Task Public_registers_are_read_without_a_token(string path) =>
        await (await fixture.Host.Client().GetAsync(path)).Body(HttpStatusCode.OK);
}
