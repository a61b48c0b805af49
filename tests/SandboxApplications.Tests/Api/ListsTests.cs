using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>Every list of this service is paged the one way and answers the one shape.</summary>
public class ListsTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    public static TheoryData<string, string> EveryList => new()
    {
        { "/api/v1/regimes", "anonymous" },
        { "/api/v1/regimes?status=active", "anonymous" },
        { "/api/v1/regimes/{regime}/history", Roles.Auditor },
        { "/api/v1/applications", Roles.Applicant },
        { "/api/v1/applications", Roles.Regulator },
        { "/api/v1/applications/{application}/history", Roles.Applicant },
        { "/api/v1/participations", Roles.Auditor },
        { "/api/v1/participations/{participation}/history", Roles.Regulator },
        { "/api/v1/register/participations", "anonymous" },
        { "/api/v1/ai-results", Roles.Regulator },
        { "/api/v1/ai-results?regimeId={regime}", Roles.Applicant },
        { "/api/v1/register/ai-results", "anonymous" },
        { "/api/v1/audit/checkpoints", "anonymous" },
        { "/api/v1/audit/witnessed", "anonymous" },
    };

    private HttpClient Client(string caller) => caller switch
    {
        Roles.Applicant => fixture.Host.Client(Tokens.Applicant(Company)),
        Roles.Regulator => fixture.Host.Client(Tokens.Regulator()),
        Roles.Auditor => fixture.Host.Client(Tokens.Auditor()),
        _ => fixture.Host.Client(),
    };

    [Theory]
    [MemberData(nameof(EveryList))]
    public async Task Every_list_is_paged_in_the_one_shape_and_no_page_number_is_a_server_error(string path, string caller)
    {
        var (regime, application, participation) = await ActiveParticipation(fixture.Host);

        await PagingRules.AssertPaged(Client(caller), path.Replace("{regime}", regime.ToString())
            .Replace("{application}", application.ToString()).Replace("{participation}", participation.ToString()));
    }
}
