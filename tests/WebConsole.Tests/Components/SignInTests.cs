using Microsoft.IdentityModel.JsonWebTokens;
using SandboxRegistry.WebConsole.Auth;

namespace SandboxRegistry.WebConsole.Tests.Components;

/// <summary>The development sign-in mints what deploy/token.sh mints, and refuses what it refuses.</summary>
public sealed class DevTokensTests
{
    private static readonly SignInMode Mode = new("a-development-key-of-sufficient-length-for-hs256", "sandbox-registry-dev", "sandbox-registry");

    [Theory]
    [InlineData(null, null, null, "role", "RoleRequired")]
    [InlineData("admin", null, null, "role", "RoleUnknown")]
    [InlineData("applicant", null, null, "org", "OgrnRequired")]
    [InlineData("applicant", "1027700132194", null, "org", "OgrnInvalid")]
    [InlineData("integration", null, null, "client", "ClientRequired")]
    [InlineData("integration", null, "go\u202Esuslugi", "client", "ClientInvalid")]
    public void A_token_is_refused_for_what_names_no_caller(string? role, string? org, string? client, string field, string reason) =>
        Assert.Equal((field, reason), DevTokens.Problem(new DevSignInForm { Role = role, Org = org, Client = client }));

    [Fact]
    public void An_applicant_token_carries_the_claims_of_deploy_token_sh()
    {
        var now = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var token = new JsonWebTokenHandler().ReadJsonWebToken(
            DevTokens.Mint(Mode, new DevSignInForm { Role = "applicant", Org = "1027700132195", Client = "ignored" }, now));

        Assert.Equal("HS256", token.Alg);
        Assert.Equal("sandbox-registry-dev", token.Issuer);
        Assert.Equal(["sandbox-registry"], token.Audiences);
        Assert.Equal(
            [("sub", "dev-applicant-1027700132195"), ("role", "applicant"), ("org", "1027700132195"), ("iat", "1796119200"), ("nbf", "1796119200"), ("exp", "1796122800")],
            token.Claims.Where(c => c.Type is not ("iss" or "aud")).Select(c => (c.Type, c.Value)).OrderBy(c => Order(c.Type)));
    }

    private static int Order(string type) => Array.IndexOf(["sub", "role", "org", "iat", "nbf", "exp"], type);

    [Fact]
    public void The_session_principal_comes_from_the_token_and_keeps_it_server_side()
    {
        var token = DevTokens.Mint(Mode, new DevSignInForm { Role = "integration", Client = "gosuslugi", Sub = "portal" }, DateTimeOffset.UtcNow);
        var (principal, expires) = ConsoleAuth.SessionFrom(token)!.Value;

        Assert.Equal("integration", principal.Role());
        Assert.Equal("gosuslugi", principal.ClientId());
        Assert.Equal("portal", principal.Subject());
        Assert.Equal(token, principal.FindFirst(ConsoleAuth.AccessTokenClaim)!.Value);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }
}
