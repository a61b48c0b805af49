using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Testing;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>The service on real Kestrel (not the test server), so that what Kestrel refuses itself can be seen.</summary>
public sealed class KestrelFixture : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    public ServiceHost<ServiceMarker> Host { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("kestrel");
        Host = new ServiceHost<ServiceMarker>(await _infrastructure.CreateDatabaseAsync("t_kestrel"), _vhost);
        Host.UseKestrel(0);
        Host.StartServer();
        Address = new Uri(Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single());
        await Host.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(Host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}

/// <summary>
/// A request line that HTTP/1.1 forbids (RFC 9112 section 3: a NUL or other control character in the target, decoded
/// or raw) is refused by Kestrel before any middleware runs: a bare 400 that closes the connection, never a 5xx, and
/// the service goes on answering everyone else. The README's input rules say so.
/// </summary>
public class RequestLineTests(KestrelFixture fixture) : IClassFixture<KestrelFixture>
{
    [Theory]
    [InlineData("/api/v1/regimes/%00")]
    [InlineData("/api/v1/regimes/a%00b")]
    [InlineData("/api/v1/regimes?status=%00")]
    [InlineData("/api/v1/regimes/\0")]
    [InlineData("/api/v1/regimes/a b")]
    public async Task A_request_line_with_a_control_character_is_a_400_and_the_service_goes_on(string target)
    {
        var statusLine = await SendRawAsync($"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", statusLine);
        var client = new HttpClient { BaseAddress = fixture.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/regimes")).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/regimes/\u0001")]
    [InlineData("/api/v1/regimes/%01")]
    [InlineData("/api/v1/regimes/%7F")]
    [InlineData("/api/v1/regimes/%E2%80%AE")]
    public async Task Other_control_characters_in_the_path_reach_the_pipeline_and_are_a_404_problem(string target)
    {
        var answer = await SendRawAsync($"GET {target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {Tokens.Regulator("raw")}\r\n" +
            "Connection: close\r\n\r\n", wholeResponse: true);

        Assert.StartsWith("HTTP/1.1 404", answer);
        Assert.Contains("Content-Type: application/problem+json", answer);
    }

    private async Task<string> SendRawAsync(string request, bool wholeResponse = false)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Address.Host, fixture.Address.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return (wholeResponse ? await reader.ReadToEndAsync() : await reader.ReadLineAsync()) ?? "";
    }
}
