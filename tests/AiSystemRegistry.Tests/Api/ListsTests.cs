using System.Net;
using System.Net.Http.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>Every list of this service is paged the one way and answers the one shape.</summary>
public class ListsTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private Scenario S => new(fixture.Host);

    public static TheoryData<string, string> EveryList => new()
    {
        { "/api/v1/ai-systems", Roles.Applicant },
        { "/api/v1/ai-systems", Roles.Regulator },
        { "/api/v1/ai-systems?recallRecommended=true", Roles.Auditor },
        { "/api/v1/ai-systems/{system}/history", Roles.Applicant },
        { "/api/v1/register/ai-systems", "anonymous" },
        { "/api/v1/regimes", "anonymous" },
        { "/api/v1/deployments/active?region=77", "anonymous" },
        { "/api/v1/deployments/{deployment}/history", Roles.Regulator },
        { "/api/v1/audit/checkpoints", "anonymous" },
        { "/api/v1/audit/witnessed", "anonymous" },
    };

    private HttpClient Client(string caller) => caller switch
    {
        Roles.Applicant => S.Owner,
        Roles.Regulator => S.Regulator,
        Roles.Auditor => S.Auditor,
        _ => S.Anonymous,
    };

    [Theory]
    [MemberData(nameof(EveryList))]
    public async Task Every_list_is_paged_in_the_one_shape_and_no_page_number_is_a_server_error(string path, string caller)
    {
        var participation = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync("Listed system");
        var version = await S.ReleaseAsync(system, "1.0.0");
        var deployment = await S.DeployAsync(system, version, participation);

        await PagingRules.AssertPaged(Client(caller),
            path.Replace("{system}", system.ToString()).Replace("{deployment}", deployment.ToString()));
    }

    [Fact]
    public async Task Another_companys_system_with_a_stale_If_Match_is_not_found_rather_than_precondition_failed()
    {
        var system = await S.RegisterSystemAsync("Someone else's");
        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ai-systems/{system}/versions/{Guid.NewGuid()}/deprecation")
        {
            Headers = { { "If-Match", "\"9\"" } },
        };

        await (await S.OtherCompany.SendAsync(stale)).AssertProblem(HttpStatusCode.NotFound);

        var own = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/ai-systems/{system}/withdrawal")
        {
            Content = JsonContent.Create(new { reason = "Retired" }),
            Headers = { { "If-Match", "\"9\"" } },
        };
        await (await S.Owner.SendAsync(own)).AssertProblem(HttpStatusCode.PreconditionFailed, "stale-version");
    }
}
