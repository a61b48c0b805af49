using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using SandboxRegistry.Testing;
using SandboxRegistry.WebConsole.Api;
using SandboxRegistry.WebConsole.Tests.Browser;
using Xunit;
using Applications = SandboxRegistry.SandboxApplications.ServiceMarker;

namespace SandboxRegistry.WebConsole.Tests.Oidc;

/// <summary>
/// The console signing in through the authority (no development key), SandboxApplications validating the user's token
/// through the same authority, and the console on a real port for an HTTP client and for the browser.
/// </summary>
public sealed class OidcConsoleSystem : IAsyncLifetime
{
    private readonly AuthoritySystem _services = new();
    public TestAuthority Authority => _services.Authority;
    public ServiceHost<Applications> Applications => _services.Applications;
    public OidcConsoleHost Console { get; private set; } = null!;
    public Uri ConsoleUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        Console = new OidcConsoleHost(Authority, () => Applications.Server.CreateHandler());
        Console.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        Console.StartServer();
        ConsoleUrl = new Uri(Console.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        Authority.RedirectUris[new Uri(ConsoleUrl, "signin-oidc").ToString()] = 0;
        Authority.PostLogoutRedirectUris[new Uri(ConsoleUrl, "signout-callback-oidc").ToString()] = 0;
    }

    public async Task DisposeAsync()
    {
        await Console.DisposeAsync();
        await _services.DisposeAsync();
    }
}

/// <summary>The console as production runs it: Auth:Authority with the console's client id and secret, no development key.</summary>
public sealed class OidcConsoleHost(TestAuthority authority, Func<HttpMessageHandler> applications) : WebApplicationFactory<ConsoleMarker>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development only so that the authority may be plain http on loopback; the sign-in path is the production one.
        builder.UseEnvironment("Development");
        builder.UseSetting("Auth:Authority", authority.Issuer);
        builder.UseSetting("Auth:ClientId", TestAuthority.ConsoleClientId);
        builder.UseSetting("Auth:ClientSecret", TestAuthority.ConsoleClientSecret);
        builder.UseSetting("Auth:DevSigningKey", "");
        builder.ConfigureTestServices(s => s.AddHttpClient(nameof(Service.SandboxApplications)).ConfigurePrimaryHttpMessageHandler(applications));
    }
}

public sealed class ConsoleCodeFlowTests(OidcConsoleSystem system) : IClassFixture<OidcConsoleSystem>
{
    private const string Ogrn = "1027700132195";
    private static readonly TestUser Regulator = new("reg-sokolova", "regulator", Name: "Sokolova");

    /// <summary>A regime and an application in the work queue, made through the API with the authority's tokens.</summary>
    private async Task<(Guid Regime, Guid Application)> AnApplication(string company)
    {
        var regulator = system.Applications.Client(await system.Authority.AccessTokenAsync(new TestUser("reg-api", "regulator")));
        var regime = (await regulator.PostAsJsonAsync("/api/v1/regimes", new
        {
            title = "Беспилотные шаттлы", direction = "transport",
            legalBasis = new { actNumber = "Постановление № 1234", actDate = "2025-12-01" },
            description = "Шаттлы на дорогах общего пользования", territory = new[] { "77" }, startsOn = "2026-01-01", endsOn = "2028-12-31",
            disappliedNorms = new[] { "ПДД, раздел 2.1" }, subjectRequirements = new[] { "Лицензированный перевозчик" },
            insurance = new { minimumSumInsured = new { amount = 10_000_000m, currency = "RUB" }, requiredRisks = new[] { "life", "health" }, aiHarmCoverRequired = true },
        }).Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var applicant = system.Applications.Client(await system.Authority.AccessTokenAsync(new TestUser("officer-1", "applicant", Org: Ogrn)));
        var application = (await applicant.PostAsJsonAsync("/api/v1/applications", new
        {
            regimeId = regime,
            company = new { legalName = company, ogrn = Ogrn, inn = "7707083893", address = "Москва, Тверская, 1" },
            contact = new { email = "office@robotaxi.example", phone = (string?)null },
            plannedAiUse = "Беспилотные шаттлы между станциями метро",
            requestedTerm = new { startsOn = "2026-04-01", endsOn = "2027-03-31" },
            territory = new[] { "77" },
            insurance = new
            {
                insurerName = "Ингосстрах", insurerInn = "7705042179", policyNumber = "GO-2026-0001",
                sumInsured = new { amount = 15_000_000m, currency = "RUB" }, coveredRisks = new[] { "life", "health", "property" },
                coversAiHarm = true, validFrom = "2026-01-01", validTo = "2027-12-31",
            },
            responsiblePersons = new[]
            {
                new { fullName = "Иван Петров", position = "Технический директор", areaOfResponsibility = "Автопилот",
                    contact = new { email = "petrov@robotaxi.example", phone = (string?)null } },
            },
        }).Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        return (regime, application);
    }

    private HttpClient Browserless(CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = system.ConsoleUrl };

    /// <summary>Follows redirects by hand, across the console and the authority, keeping every response body seen.</summary>
    private static async Task<(HttpResponseMessage Last, List<Uri> Hops, List<string> Bodies)> Follow(HttpClient client, HttpRequestMessage first)
    {
        var hops = new List<Uri> { first.RequestUri!.IsAbsoluteUri ? first.RequestUri : new Uri(client.BaseAddress!, first.RequestUri) };
        var bodies = new List<string>();
        var response = await client.SendAsync(first);
        for (var i = 0; i < 10 && response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther; i++)
        {
            bodies.Add(await response.Content.ReadAsStringAsync());
            var next = new Uri(hops[^1], response.Headers.Location!);
            hops.Add(next);
            response = await client.GetAsync(next);
        }
        bodies.Add(await response.Content.ReadAsStringAsync());
        return (response, hops, bodies);
    }

    [Fact]
    public async Task Over_HTTP_the_code_flow_signs_in_through_the_authority_keeps_the_token_in_the_server_cookie_and_signs_out()
    {
        system.Authority.SignedInUser = Regulator;
        var cookies = new CookieContainer();
        using var client = Browserless(cookies);
        var issuedBefore = system.Authority.IssuedAccessTokens.Count;

        var (page, hops, bodies) = await Follow(client, new HttpRequestMessage(HttpMethod.Get, "account/sign-in?returnUrl=%2Fapplications"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var authorize = hops[1];
        Assert.Equal(new Uri(system.Authority.Url, "connect/authorize").AbsolutePath, authorize.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.Equal(TestAuthority.ConsoleClientId, query["client_id"]);
        Assert.Equal(new Uri(system.ConsoleUrl, "signin-oidc").ToString(), query["redirect_uri"]);
        Assert.Equal("/signin-oidc", hops[2].AbsolutePath);
        Assert.Contains("code=", hops[2].Query);
        Assert.Equal(new Uri(system.ConsoleUrl, "applications"), hops[^1]);

        // The session is one HttpOnly cookie; the access token the authority issued is in no page and no header the browser reads.
        var session = Assert.Single(cookies.GetCookies(system.ConsoleUrl).Cast<System.Net.Cookie>(), c => c.Name == "sandbox-console");
        Assert.True(session.HttpOnly);
        var token = Assert.Single(system.Authority.IssuedAccessTokens.Skip(issuedBefore));
        Assert.All(bodies, body => Assert.DoesNotContain(token, body));
        Assert.DoesNotContain(token, session.Value);

        // Signing out ends the console's session and the authority's (RP-initiated logout), then comes home.
        var ended = system.Authority.EndSessions.Count;
        var (home, outHops, _) = await Follow(client, new HttpRequestMessage(HttpMethod.Post, "account/sign-out"));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(outHops, h => h.AbsolutePath == "/connect/endsession");
        Assert.Equal(new Uri(system.ConsoleUrl, "/"), outHops[^1]);
        Assert.Equal(ended + 1, system.Authority.EndSessions.Count);
        Assert.DoesNotContain(cookies.GetCookies(system.ConsoleUrl).Cast<System.Net.Cookie>(), c => c.Name == "sandbox-console" && !c.Expired);

        // Without the session, the work queue sends the browser to the authority again.
        var again = await client.GetAsync("account/sign-in?returnUrl=%2Fapplications");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith(new Uri(system.Authority.Url, "connect/authorize").ToString(), again.Headers.Location!.ToString());
    }

    [Fact]
    public async Task In_the_browser_a_regulator_signs_in_through_the_authority_and_the_console_shows_the_work_queue_with_their_token()
    {
        var (_, application) = await AnApplication("ООО «Робошаттл»");
        system.Authority.SignedInUser = Regulator;
        using var browser = new ConsoleBrowser(system.ConsoleUrl, "oidc");

        // Unauthenticated: the work queue sends the browser to the authority, which signs the regulator in and sends them back.
        browser.Driver.Navigate().GoToUrl(new Uri(system.ConsoleUrl, "applications"));
        var row = browser.Wait($"#applications tr[data-id='{application}']");
        browser.Shot("oidc-work-queue");
        Assert.Contains("ООО «Робошаттл»", row.Text);
        Assert.Equal("/applications", browser.Path_);
        var signedInAs = browser.Wait("#signed-in-as").Text;
        Assert.Contains("reg-sokolova", signedInAs);
        Assert.DoesNotContain(TestAuthority.ConsoleClientId, signedInAs); // the console's client id is not the regulator's

        // The token stays on the server: not in the page, not in a cookie the page's script can read.
        var tokens = system.Authority.IssuedAccessTokens.ToList();
        Assert.NotEmpty(tokens);
        var source = browser.Driver.PageSource;
        var scriptCookies = (string?)((IJavaScriptExecutor)browser.Driver).ExecuteScript("return document.cookie;") ?? "";
        Assert.All(tokens, t => { Assert.DoesNotContain(t, source); Assert.DoesNotContain(t, scriptCookies); });
        Assert.DoesNotContain("sandbox-console", scriptCookies);

        // Sign-out: the authority's end-session endpoint, then the console's home page, anonymous.
        browser.Click("#sign-out");
        browser.Wait("#sign-in");
        browser.Shot("oidc-signed-out");
        Assert.Empty(browser.Driver.FindElements(By.Id("signed-in-as")));
    }
}
