using System.Net;
using System.Net.Http.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>An id of another kind of resource (a participation's id where an application's is expected) is a 404, never a 500.</summary>
public class WrongKindOfIdTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    [Fact]
    public async Task Ids_of_other_streams_are_404_everywhere()
    {
        var (regime, application, participation) = await ActiveParticipation(fixture.Host);
        var regulator = fixture.Host.Client(Tokens.Regulator());
        var applicant = fixture.Host.Client(Tokens.Applicant(Company));

        await (await applicant.PostAsJsonAsync("/api/v1/applications", ApplicationBody(application))).AssertProblem(HttpStatusCode.NotFound);
        await (await regulator.PostAsJsonAsync($"/api/v1/applications/{participation}/reviewer", new { reviewer = "r" }))
            .AssertProblem(HttpStatusCode.NotFound);
        await (await regulator.PostAsJsonAsync($"/api/v1/participations/{application}/suspension", new { reason = "r" }))
            .AssertProblem(HttpStatusCode.NotFound);
        await (await regulator.PostAsJsonAsync($"/api/v1/regimes/{participation}/suspension", new { reason = "r" }))
            .AssertProblem(HttpStatusCode.NotFound);
        await (await regulator.GetAsync($"/api/v1/regimes/{application}/history")).AssertProblem(HttpStatusCode.NotFound);
        await (await regulator.GetAsync($"/api/v1/applications/{regime}/history")).AssertProblem(HttpStatusCode.NotFound);
        await (await regulator.GetAsync($"/api/v1/regimes/{participation}/programmes")).AssertProblem(HttpStatusCode.NotFound);
    }
}
