using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.Hosting;

namespace SandboxRegistry.Shared.Tests;

/// <summary>
/// An authority writes client_id into every access token it issues, naming the application the person signed in through
/// (the console); only an integration's client_id names the caller.
/// </summary>
public sealed class CallerIdentityTests
{
    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    [Fact]
    public void A_persons_token_issued_to_the_console_records_no_client()
    {
        var regulator = User(("sub", "reg-sokolova"), ("role", "regulator"), ("client_id", "sandbox-console"));
        var applicant = User(("sub", "officer-1"), ("role", "applicant"), ("org", "1027700132195"), ("client_id", "sandbox-console"));

        Assert.Equal(new Actor("reg-sokolova", "regulator", null, null), Actor.From(regulator));
        Assert.Equal(new Actor("officer-1", "applicant", "1027700132195", null), Actor.From(applicant));
    }

    [Fact]
    public void An_integrations_token_records_its_client()
    {
        var portal = User(("sub", "client-gosuslugi"), ("role", "integration"), ("client_id", "gosuslugi"));
        Assert.Equal(new Actor("client-gosuslugi", "integration", null, "gosuslugi"), Actor.From(portal));
    }

    [Fact]
    public void Rate_limits_count_console_users_each_by_company_or_subject_and_integrations_by_client()
    {
        static string Key(ClaimsPrincipal user) =>
            RateLimits.ClientKey(new DefaultHttpContext { User = user, Connection = { RemoteIpAddress = IPAddress.Loopback } });

        Assert.Equal("sub:reg-sokolova", Key(User(("sub", "reg-sokolova"), ("role", "regulator"), ("client_id", "sandbox-console"))));
        Assert.Equal("org:1027700132195", Key(User(("sub", "officer-1"), ("role", "applicant"), ("org", "1027700132195"), ("client_id", "sandbox-console"))));
        Assert.Equal("client:gosuslugi", Key(User(("sub", "client-gosuslugi"), ("role", "integration"), ("client_id", "gosuslugi"))));
        Assert.Equal("ip:127.0.0.1", Key(new ClaimsPrincipal(new ClaimsIdentity())));
    }
}
