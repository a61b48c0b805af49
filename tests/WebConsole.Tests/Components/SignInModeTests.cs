using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SandboxRegistry.WebConsole.Tests.Components;

/// <summary>Development tokens exactly where the services accept them; elsewhere OpenID Connect or no start at all.</summary>
public sealed class SignInModeTests
{
    private sealed class Console(string environment, string? authority, string? devKey) : WebApplicationFactory<ConsoleMarker>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("Auth:Authority", authority ?? "");
            builder.UseSetting("Auth:DevSigningKey", devKey ?? "");
        }
    }

    [Fact]
    public void Outside_Development_without_an_authority_the_console_refuses_to_start()
    {
        using var console = new Console("Production", null, "a-development-key-of-sufficient-length-for-hs256");
        var refused = Assert.Throws<InvalidOperationException>(() => console.CreateClient());
        Assert.Equal("No sign-in is configured: set Auth:Authority (an OIDC authority), or Auth:DevSigningKey in Development.", refused.Message);
    }

    [Fact]
    public void Outside_Development_the_authority_must_be_https()
    {
        using var console = new Console("Production", "http://authority.example/", null);
        var refused = Assert.Throws<InvalidOperationException>(() => console.CreateClient());
        Assert.Equal("Auth:Authority must be an https:// URL outside Development.", refused.Message);
    }

    [Theory]
    [InlineData("Production", "https://authority.example/")]
    [InlineData("Development", "https://authority.example/")] // an authority wins over the development key, as in the services
    public async Task With_an_authority_no_development_token_is_minted(string environment, string authority)
    {
        using var console = new Console(environment, authority, "a-development-key-of-sufficient-length-for-hs256");
        var client = console.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.PostAsync("/account/dev-sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Role"] = "regulator" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie");
    }

    [Fact]
    public async Task In_Development_a_sign_in_without_the_forms_antiforgery_token_is_refused()
    {
        using var console = new Console("Development", null, "a-development-key-of-sufficient-length-for-hs256");
        var client = console.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.PostAsync("/account/dev-sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Role"] = "regulator" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("sandbox-console")));
    }
}
