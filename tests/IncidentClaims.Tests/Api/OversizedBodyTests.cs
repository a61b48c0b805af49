using System.Net;
using System.Text;
using SandboxRegistry.Testing;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>
/// The 1 MiB body limit is Kestrel's (set in shared/Hosting), and the in-memory test server does not enforce Kestrel
/// limits, so this test runs the service on real Kestrel.
/// </summary>
public sealed class OversizedBodyTests : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    private ServiceHost<ServiceMarker> _host = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        var postgres = await _infrastructure.CreateDatabaseAsync("t_incidentclaims_kestrel");
        _vhost = await _infrastructure.CreateVirtualHostAsync("incidentclaims-kestrel");
        _host = new ServiceHost<ServiceMarker>(postgres, _vhost);
        _host.UseKestrel(0);
        _host.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(_host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_a_413_with_problem_details()
    {
        var description = new string('x', 1024 * 1024 + 1);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = new StringContent($"{{\"title\":\"big\",\"description\":\"{description}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "too-big");

        var response = await _host.Client(Tokens.Integration("gosuslugi")).SendAsync(request);

        // Minimal APIs swallow the body-read error (an IOException), so the problem document comes from the status code
        // pages middleware: right status and media type, but without the "code" extension the exception mapping adds.
        var problem = await Responses.AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("/api/v1/incidents", problem.GetProperty("instance").GetString());
    }
}
