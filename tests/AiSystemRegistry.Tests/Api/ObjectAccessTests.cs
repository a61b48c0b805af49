using System.Net;
using System.Net.Http.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>
/// Every endpoint that takes an id, against Acme's real system, version, deployment and participation: another company
/// gets 404 (no existence leak) and nothing changes; a role the endpoint is not for gets 403; public reads carry no
/// personal data.
/// </summary>
public class ObjectAccessTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private readonly Scenario S = new(fixture.Host);

    // method, path with {system}, {version}, {deployment}, {participation} of Acme; expected status for Rival's applicant
    public static TheoryData<string, string, HttpStatusCode> Endpoints => new()
    {
        { "GET", "/api/v1/ai-systems/{system}", HttpStatusCode.NotFound },
        { "GET", "/api/v1/ai-systems/{system}/history", HttpStatusCode.NotFound },
        { "POST", "/api/v1/ai-systems/{system}/versions", HttpStatusCode.NotFound },
        { "POST", "/api/v1/ai-systems/{system}/versions/{version}/deprecation", HttpStatusCode.NotFound },
        { "POST", "/api/v1/ai-systems/{system}/versions/{version}/recall", HttpStatusCode.NotFound },
        { "POST", "/api/v1/ai-systems/{system}/withdrawal", HttpStatusCode.NotFound },
        { "POST", "/api/v1/ai-systems/{system}/suspension", HttpStatusCode.Forbidden },
        { "POST", "/api/v1/deployments/{deployment}/ending", HttpStatusCode.NotFound },
        { "GET", "/api/v1/deployments/{deployment}/history", HttpStatusCode.NotFound },
        { "GET", "/api/v1/participations/{participation}", HttpStatusCode.NotFound },
    };

    private static object BodyFor(string path) => path switch
    {
        _ when path.EndsWith("/versions") => Scenario.VersionRequest("9.9.9", 'f'),
        _ => new { reason = "Not yours" },
    };

    private (Guid System, Guid Version, Guid Deployment, Guid Participation)? _acme;

    private async Task<(Guid System, Guid Version, Guid Deployment, Guid Participation)> Acme()
    {
        if (_acme is { } acme) return acme;
        var participation = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync();
        var version = await S.ReleaseAsync(system, "1.0.0");
        var deployment = await S.DeployAsync(system, version, participation);
        _acme = (system, version, deployment, participation);
        return _acme.Value;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Another_company_gets_404_or_403_and_changes_nothing(string method, string path, HttpStatusCode expected)
    {
        var (system, version, deployment, participation) = await Acme();
        var url = path.Replace("{system}", system.ToString()).Replace("{version}", version.ToString())
            .Replace("{deployment}", deployment.ToString()).Replace("{participation}", participation.ToString());
        var before = (await S.Regulator.GetAsync($"/api/v1/ai-systems/{system}")).Headers.ETag?.Tag;
        var deploymentBefore = (await S.Anonymous.GetAsync($"/api/v1/deployments/{deployment}")).Headers.ETag?.Tag;

        var response = await S.OtherCompany.SendAsync(new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = method == "POST" ? JsonContent.Create(BodyFor(path)) : null,
        });

        await Responses.AssertProblem(response, expected);
        Assert.Equal(before, (await S.Regulator.GetAsync($"/api/v1/ai-systems/{system}")).Headers.ETag?.Tag);
        Assert.Equal(deploymentBefore, (await S.Anonymous.GetAsync($"/api/v1/deployments/{deployment}")).Headers.ETag?.Tag);
    }

    [Theory]
    [InlineData("integration")]
    [InlineData("auditor")]
    public async Task Roles_that_do_not_act_on_systems_get_403(string role)
    {
        var (system, version, deployment, _) = await Acme();
        var client = fixture.Host.Client(role == "auditor" ? Tokens.Auditor() : Tokens.Integration("gosuslugi"));
        foreach (var url in new[]
                 {
                     $"/api/v1/ai-systems/{system}/versions/{version}/recall", $"/api/v1/ai-systems/{system}/withdrawal",
                     $"/api/v1/ai-systems/{system}/suspension", $"/api/v1/deployments/{deployment}/ending",
                 })
            await Responses.AssertProblem(await client.PostAsJsonAsync(url, new { reason = "x" }), HttpStatusCode.Forbidden);
        if (role == "integration")
            await Responses.AssertProblem(await client.GetAsync($"/api/v1/ai-systems/{system}"), HttpStatusCode.Forbidden);
    }
}
