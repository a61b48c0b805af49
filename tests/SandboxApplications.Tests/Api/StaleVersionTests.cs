using System.Net;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>Every command on an existing stream refuses a stale If-Match with 412 and appends nothing.</summary>
public class StaleVersionTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    public static TheoryData<string> Commands => new()
    {
        "regime/amendments", "regime/suspension", "regime/termination",
        "application/reviewer", "application/information-requests", "application/approval", "application/rejection",
        "application/withdrawal",
        "participation/suspension", "participation/termination", "participation/insurance", "participation/responsible-persons",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_stale_if_match_is_412(string command)
    {
        var (regime, application, participation) = await ActiveParticipationAndOpenApplication();
        var (kind, action) = (command.Split('/')[0], command.Split('/')[1]);
        var (id, token) = kind switch
        {
            "regime" => (regime, Tokens.Regulator()),
            "application" => (application, action == "withdrawal" ? Tokens.Applicant(OtherCompany) : Tokens.Regulator()),
            _ => (participation, action is "insurance" or "responsible-persons" ? Tokens.Applicant(Company) : Tokens.Regulator()),
        };
        object body = action switch
        {
            "amendments" => new { reason = "r", programme = RegimeBody() },
            "reviewer" => new { reviewer = "someone-else" },
            "information-requests" => new { questions = new[] { "q" } },
            "approval" => new { },
            "rejection" => new { ground = "incomplete", reasons = new[] { "r" } },
            "withdrawal" => new { },
            "insurance" => Policy(),
            "responsible-persons" => new
            {
                fullName = "A B", position = "P", areaOfResponsibility = "R", contact = new { email = "a@b.ru" }, validFrom = "2026-05-01",
            },
            _ => new { reason = "r" },
        };
        var url = $"/api/v1/{kind}s/{id}/{action}";
        var client = fixture.Host.Client(token);

        await (await client.SendAsync(Post(url, body, 99))).AssertProblem(HttpStatusCode.PreconditionFailed, "stale-version");
    }

    /// <summary>A participation of one company, and a reviewed application of another, in one regime.</summary>
    private async Task<(Guid Regime, Guid Application, Guid Participation)> ActiveParticipationAndOpenApplication()
    {
        var (regime, _, participation) = await ActiveParticipation(fixture.Host);
        var application = await Submit(fixture.Host, regime, OtherCompany);
        await AssignReviewer(fixture.Host, application);
        return (regime, application, participation);
    }
}
