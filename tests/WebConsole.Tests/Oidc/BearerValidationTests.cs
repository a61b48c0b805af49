using System.Net;
using System.Net.Http.Headers;
using SandboxRegistry.Testing;
using Xunit;
using Applications = SandboxRegistry.SandboxApplications.ServiceMarker;

namespace SandboxRegistry.WebConsole.Tests.Oidc;

/// <summary>The authority, and SandboxApplications validating bearer tokens through its discovery document and key set.</summary>
public sealed class AuthoritySystem : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    public TestAuthority Authority { get; private set; } = null!;
    public ServiceHost<Applications> Applications { get; private set; } = null!;

    /// <summary>Settings a fixture gives the service on top of the authority's (as production sets them).</summary>
    public static Dictionary<string, string?> AuthSettings(TestAuthority authority) => new()
    {
        ["Auth:Authority"] = authority.Issuer,
        ["Auth:Audience"] = TestAuthority.Audience,
        // Production keeps the default (5 minutes); a test would wait that long for a second rotation.
        ["Auth:SigningKeysMinimumRefreshInterval"] = "00:00:01",
    };

    public async Task InitializeAsync()
    {
        Authority = await TestAuthority.StartAsync();
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("oidc");
        Applications = new ServiceHost<Applications>(await _infrastructure.CreateDatabaseAsync("oidc_applications"), _vhost, AuthSettings(Authority));
        await Applications.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Applications.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(Applications.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
        await Authority.DisposeAsync();
    }
}

/// <summary>
/// Outside Development the services accept only the authority's tokens: found through Auth:Authority's discovery
/// document, signed with a key of its key set (re-read when it rotates), for our audience, unexpired.
/// </summary>
public sealed class BearerValidationTests(AuthoritySystem system) : IClassFixture<AuthoritySystem>
{
    private static readonly TestUser Regulator = new("reg-ivanova", "regulator");
    private const string WorkQueue = "/api/v1/applications?page=1&pageSize=5";

    private async Task<HttpResponseMessage> Get(string? token)
    {
        var client = system.Applications.Client(token);
        return await client.GetAsync(WorkQueue);
    }

    /// <summary>The reason the bearer handler gives (RFC 6750 error_description), for a 401 that must be for that reason.</summary>
    private static string Refusal(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter);
        return challenge.Parameter!;
    }

    [Fact]
    public async Task A_token_the_authority_issued_is_accepted_and_none_is_refused()
    {
        var token = await system.Authority.AccessTokenAsync(Regulator);

        var accepted = await Get(token);
        var body = await accepted.Body(HttpStatusCode.OK);
        Assert.Equal(0, body.GetProperty("total").GetInt64());

        var anonymous = await Get(null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(new AuthenticationHeaderValue("Bearer"), Assert.Single(anonymous.Headers.WwwAuthenticate));
    }

    [Fact]
    public async Task After_the_authority_rotates_its_key_a_token_signed_with_the_new_key_is_accepted_without_a_restart()
    {
        var before = await system.Authority.AccessTokenAsync(Regulator);
        Assert.Equal(HttpStatusCode.OK, (await Get(before)).StatusCode); // the service has read the key set as it was

        foreach (var _ in Enumerable.Range(0, 2)) // twice: the second refresh comes after SigningKeysMinimumRefreshInterval
        {
            var kid = system.Authority.RotateSigningKey();
            var after = await system.Authority.AccessTokenAsync(Regulator);
            Assert.Equal(kid, TestAuthority.KeyIdOf(after));
            Assert.NotEqual(TestAuthority.KeyIdOf(before), kid);

            // The first request with an unknown key id sends the service to the key set again; it answers 200 once read.
            await Eventually.True(async () => (await Get(after)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30),
                $"a token signed with {kid} should be accepted after the rotation");
        }
        // The old key is still published, so tokens it signed before the rotation stay valid until they expire.
        Assert.Equal(HttpStatusCode.OK, (await Get(before)).StatusCode);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_refused_though_signed_with_the_authoritys_key()
    {
        var response = await Get(system.Authority.Mint(Regulator, issuer: "https://impostor.example/"));
        Assert.Contains("The issuer 'https://impostor.example/' is invalid", Refusal(response));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        var response = await Get(system.Authority.Mint(Regulator, audience: "another-api"));
        var refusal = Refusal(response);
        Assert.Contains("The audience", refusal);
        Assert.Contains("is invalid", refusal);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var response = await Get(system.Authority.Mint(Regulator, issuedAt: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromHours(1)));
        Assert.Contains("The token expired", Refusal(response));
    }

    [Fact]
    public async Task A_valid_token_without_the_claims_our_services_require_is_refused()
    {
        // Signed by the authority, right issuer and audience: but an applicant without the company's OGRN, and a token
        // issued for longer than Auth:MaxTokenLifetime (24 hours), prove nothing about who is calling.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(system.Authority.Mint(new TestUser("someone", "applicant")))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(system.Authority.Mint(Regulator, lifetime: TimeSpan.FromHours(48)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(system.Authority.Mint(Regulator))).StatusCode);
    }
}
