using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.WebConsole.Auth;

public static class Roles
{
    public const string Applicant = "applicant";
    public const string Regulator = "regulator";
    public const string Integration = "integration";
    public const string Auditor = "auditor";
    public const string RoleClaim = "role";
    public const string OrgClaim = "org";
    public const string ClientIdClaim = "client_id";
    public static readonly string[] All = [Applicant, Regulator, Integration, Auditor];
}

/// <summary>How people sign in: a development sign-in page, or OpenID Connect; decided once at start.</summary>
/// <param name="DevSigningKey">Set only when development tokens may be minted (see <see cref="ConsoleAuth"/>).</param>
public sealed record SignInMode(string? DevSigningKey, string Issuer, string Audience)
{
    public bool Development => DevSigningKey is not null;
}

/// <summary>
/// Backend for frontend: the browser holds only an encrypted, HttpOnly session cookie. The user's access token lives
/// inside it, is read on the server when the console calls a service, and is never rendered into a page.
/// Development tokens are minted exactly when the services would accept them (shared/Hosting/Auth.cs): environment
/// Development, no Auth:Authority, Auth:DevSigningKey set; anywhere else the console signs in through Auth:Authority
/// with the authorization code flow and PKCE, and refuses to start without one.
/// </summary>
public static class ConsoleAuth
{
    /// <summary>The claim that carries the access token inside the encrypted session cookie, never into a page.</summary>
    public const string AccessTokenClaim = "access_token";
    public const string CookieName = "sandbox-console";

    public static void AddConsoleAuth(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Auth");
        var authority = auth["Authority"];
        var devKey = auth["DevSigningKey"];
        var development = string.IsNullOrWhiteSpace(authority) && builder.Environment.IsDevelopment() && !string.IsNullOrWhiteSpace(devKey);
        if (string.IsNullOrWhiteSpace(authority) && !development)
            throw new InvalidOperationException(
                "No sign-in is configured: set Auth:Authority (an OIDC authority), or Auth:DevSigningKey in Development.");
        if (!string.IsNullOrWhiteSpace(authority) && !builder.Environment.IsDevelopment() &&
            !authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("Auth:Authority must be an https:// URL outside Development.");

        var mode = new SignInMode(development ? devKey : null, auth["Issuer"] ?? "sandbox-registry-dev", auth["Audience"] ?? "sandbox-registry");
        builder.Services.AddSingleton(mode);
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<CurrentUser>();

        var authentication = builder.Services.AddAuthentication(o =>
        {
            o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.DefaultChallengeScheme = development ? CookieAuthenticationDefaults.AuthenticationScheme : OpenIdConnectDefaults.AuthenticationScheme;
        }).AddCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.LoginPath = "/sign-in";
            o.AccessDeniedPath = "/forbidden";
            // The session ends with the token it carries (ExpiresUtc is set from the token at sign-in).
            o.SlidingExpiration = false;
        });
        if (!development)
            authentication.AddOpenIdConnect(o =>
            {
                o.Authority = authority;
                o.ClientId = auth["ClientId"] ?? "sandbox-console";
                o.ClientSecret = auth["ClientSecret"];
                o.ResponseType = "code";
                o.UsePkce = true;
                // The code comes back in the query of a top-level GET, so the correlation and nonce cookies can be
                // SameSite=Lax (a form_post from the authority's site would need SameSite=None), and Secure outside Development.
                o.ResponseMode = "query";
                foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
                {
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                }
                o.MapInboundClaims = false;
                o.SaveTokens = false;
                o.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                o.Scope.Clear();
                foreach (var scope in (auth["Scopes"] ?? "openid profile").Split(' ', StringSplitOptions.RemoveEmptyEntries)) o.Scope.Add(scope);
                o.TokenValidationParameters.NameClaimType = "sub";
                o.TokenValidationParameters.RoleClaimType = Roles.RoleClaim;
                o.Events.OnTokenValidated = context =>
                {
                    var accessToken = context.TokenEndpointResponse?.AccessToken;
                    if (string.IsNullOrEmpty(accessToken) || SessionFrom(accessToken) is not var (principal, expires))
                    {
                        context.Fail("The authority issued no usable access token.");
                        return Task.CompletedTask;
                    }
                    context.Principal = principal;
                    context.Properties!.ExpiresUtc = expires;
                    context.Properties.IsPersistent = false;
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization();
    }

    /// <summary>
    /// The session's principal, from the claims of the access token the services will see: the console shows what the
    /// token allows, and the services decide. Null for a token that is not a JWT.
    /// </summary>
    public static (ClaimsPrincipal, DateTimeOffset)? SessionFrom(string accessToken)
    {
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(accessToken)) return null;
        var token = handler.ReadJsonWebToken(accessToken);
        // An authority names the console itself as client_id in a person's token: only an integration's is theirs.
        var integration = token.Claims.Any(c => c.Type == Roles.RoleClaim && c.Value == Roles.Integration);
        var claims = token.Claims.Where(c => c.Type is "sub" or Roles.RoleClaim or Roles.OrgClaim or "name" || integration && c.Type == Roles.ClientIdClaim)
            .Select(c => new Claim(c.Type, c.Value)).Append(new Claim(AccessTokenClaim, accessToken));
        var identity = new ClaimsIdentity(claims, "sandbox-registry", "sub", Roles.RoleClaim);
        return (new ClaimsPrincipal(identity), new DateTimeOffset(token.ValidTo, TimeSpan.Zero));
    }

    public static void MapConsoleAuth(this WebApplication app)
    {
        var mode = app.Services.GetRequiredService<SignInMode>();
        if (mode.Development)
            app.MapPost("/account/dev-sign-in", DevSignIn).AllowAnonymous();
        else
        {
            // As the services refuse development tokens here, the console mints none: the sign-in route does not exist.
            app.MapPost("/account/dev-sign-in", () => Results.NotFound()).AllowAnonymous().DisableAntiforgery();
            app.MapGet("/account/sign-in", (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = ConsoleHosting.LocalPath(returnUrl) },
                [OpenIdConnectDefaults.AuthenticationScheme])).AllowAnonymous();
        }
        app.MapPost("/account/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (mode.Development || !await AuthorityEndsSessions(http)) return Results.LocalRedirect("/");
            // The authority's session ends too (RP-initiated logout), so the next sign-in asks who is there.
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIdConnectDefaults.AuthenticationScheme]);
        }).AllowAnonymous();
    }

    private static async Task<bool> AuthorityEndsSessions(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIdConnectOptions>>()
            .Get(OpenIdConnectDefaults.AuthenticationScheme);
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
            return !string.IsNullOrEmpty(configuration.EndSessionEndpoint);
        }
        catch (InvalidOperationException)
        {
            return false; // the authority cannot be reached: the console's own session has ended, which is what the user asked
        }
    }

    private static async Task<IResult> DevSignIn([FromForm] DevSignInForm form, SignInMode mode, HttpContext http, TimeProvider clock)
    {
        if (DevTokens.Problem(form) is { } problem)
            return Results.LocalRedirect($"/sign-in?role={Uri.EscapeDataString(form.Role ?? "")}&org={Uri.EscapeDataString(form.Org ?? "")}" +
                $"&client={Uri.EscapeDataString(form.Client ?? "")}&sub={Uri.EscapeDataString(form.Sub ?? "")}" +
                $"&error={Uri.EscapeDataString(problem.Field)}&returnUrl={Uri.EscapeDataString(ConsoleHosting.LocalPath(form.ReturnUrl))}");
        var token = DevTokens.Mint(mode, form, clock.GetUtcNow());
        var (principal, expires) = SessionFrom(token)!.Value;
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false });
        return Results.LocalRedirect(ConsoleHosting.LocalPath(form.ReturnUrl));
    }
}

public sealed class DevSignInForm
{
    public string? Role { get; set; }
    public string? Org { get; set; }
    public string? Client { get; set; }
    public string? Sub { get; set; }
    public string? ReturnUrl { get; set; }
}

/// <summary>Development tokens with the claims deploy/token.sh writes, signed with the same development key.</summary>
public static class DevTokens
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>The field that stops a token being minted, and why (a resource key), as deploy/token.sh refuses.</summary>
    public static (string Field, string Reason)? Problem(DevSignInForm form) => form.Role switch
    {
        null or "" => ("role", "RoleRequired"),
        not (Roles.Applicant or Roles.Regulator or Roles.Integration or Roles.Auditor) => ("role", "RoleUnknown"),
        Roles.Applicant when string.IsNullOrWhiteSpace(form.Org) => ("org", "OgrnRequired"),
        Roles.Applicant when !Identifiers.IsOgrn(form.Org.Trim()) => ("org", "OgrnInvalid"),
        Roles.Integration when string.IsNullOrWhiteSpace(form.Client) => ("client", "ClientRequired"),
        Roles.Integration when !IsName(form.Client) => ("client", "ClientInvalid"),
        _ when !string.IsNullOrWhiteSpace(form.Sub) && !IsName(form.Sub) => ("sub", "SubjectInvalid"),
        _ => null,
    };

    private static bool IsName(string value) =>
        value.Trim().Length is > 0 and <= 200 && value.All(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format);

    public static string Mint(SignInMode mode, DevSignInForm form, DateTimeOffset now)
    {
        var role = form.Role!;
        var org = role == Roles.Applicant ? form.Org!.Trim() : null;
        var client = role == Roles.Integration ? form.Client!.Trim() : null;
        var sub = string.IsNullOrWhiteSpace(form.Sub) ? $"dev-{role}{(org is null ? "" : "-" + org)}{(client is null ? "" : "-" + client)}" : form.Sub.Trim();
        var claims = new Dictionary<string, object> { ["sub"] = sub, [Roles.RoleClaim] = role };
        if (org is not null) claims[Roles.OrgClaim] = org;
        if (client is not null) claims[Roles.ClientIdClaim] = client;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = mode.Issuer,
            Audience = mode.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(Lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(mode.DevSigningKey!)),
                SecurityAlgorithms.HmacSha256),
        });
    }
}
