using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace SandboxRegistry.WebConsole.Tests.Oidc;

/// <summary>A person or tool the authority signs in: the claims our services require (one role, sub, org or client_id).</summary>
public sealed record TestUser(string Subject, string Role, string? Org = null, string? ClientId = null, string? Name = null);

/// <summary>
/// A real OpenID Connect authority for tests: OpenIddict's server on a Kestrel port of its own, serving discovery, the
/// JSON Web Key Set, the authorization code flow with PKCE (for the console, a confidential client) and the password
/// grant (for tests that need a user's token without a browser). The user at the authorization endpoint is
/// <see cref="SignedInUser"/> and consents without being asked; access tokens are signed JWTs (not encrypted) for the
/// audience the services expect. <see cref="RotateSigningKey"/> starts signing with a new key, published in the key set.
/// Test code: no stores (degraded mode), so clients and their redirect addresses are checked by the handlers below.
/// </summary>
public sealed class TestAuthority : IAsyncDisposable
{
    public const string Audience = "sandbox-registry";
    public const string ConsoleClientId = "sandbox-console";
    public const string ConsoleClientSecret = "console-secret-for-tests";
    public const string TestClientId = "test-tool";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TestUser> _passwordUsers = new();
    private readonly ConcurrentBag<string> _issuedAccessTokens = [];
    private readonly ConcurrentQueue<string> _endSessions = new();
    private SigningCredentials _current;
    private int _keys;

    /// <summary>The console's callback addresses, known once the console listens.</summary>
    public ConcurrentDictionary<string, byte> RedirectUris { get; } = new();
    public ConcurrentDictionary<string, byte> PostLogoutRedirectUris { get; } = new();

    /// <summary>Who the authority signs in at its authorization endpoint (its login page, in a real one).</summary>
    public TestUser SignedInUser { get; set; } = new("reg-sokolova", "regulator", Name: "Sokolova");

    public Uri Url { get; }
    public string Issuer => Url.ToString();

    /// <summary>Every access token the authority has issued, so a test can look for them where they must not be.</summary>
    public IReadOnlyCollection<string> IssuedAccessTokens => _issuedAccessTokens;

    /// <summary>The end-session requests received (the client ids that asked), in order.</summary>
    public IReadOnlyCollection<string> EndSessions => _endSessions;

    private TestAuthority(WebApplication app, SigningCredentials first)
    {
        _app = app;
        _current = first;
        Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public static async Task<TestAuthority> StartAsync()
    {
        var first = NewKey(1);
        TestAuthority? self = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token")
                .SetEndSessionEndpointUris("connect/endsession").SetJsonWebKeySetEndpointUris(".well-known/jwks");
            o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange().AllowPasswordFlow();
            o.RegisterScopes(Scopes.OpenId, Scopes.Profile);
            o.SetAccessTokenLifetime(TimeSpan.FromMinutes(30));
            o.AddSigningCredentials(first);
            o.AddEphemeralEncryptionKey();
            o.DisableAccessTokenEncryption();
            // No database: clients, codes and tokens are not stored; the handlers check the clients themselves.
            o.EnableDegradedMode();
            o.DisableTokenStorage();
            o.DisableAuthorizationStorage();
            o.UseAspNetCore().DisableTransportSecurityRequirement()
                .EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough().EnableEndSessionEndpointPassthrough();

            o.AddEventHandler<ValidateAuthorizationRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.ClientId != ConsoleClientId) context.Reject(Errors.InvalidClient, "Unknown client.");
                else if (context.RedirectUri is null || !self!.RedirectUris.ContainsKey(context.RedirectUri))
                    context.Reject(Errors.InvalidRequest, "Unknown redirect_uri.");
                return default;
            }));
            o.AddEventHandler<ValidateTokenRequestContext>(h => h.UseInlineHandler(context =>
            {
                var ok = context.Request.ClientId switch
                {
                    ConsoleClientId => context.Request.ClientSecret == ConsoleClientSecret,
                    TestClientId => context.Request.IsPasswordGrantType(),
                    _ => false,
                };
                if (!ok) context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
                return default;
            }));
            o.AddEventHandler<ValidateEndSessionRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is { } uri && !self!.PostLogoutRedirectUris.ContainsKey(uri))
                    context.Reject(Errors.InvalidRequest, "Unknown post_logout_redirect_uri.");
                return default;
            }));
            o.AddEventHandler<ApplyTokenResponseContext>(h => h.UseInlineHandler(context =>
            {
                if (context.Response.AccessToken is { } token) self!._issuedAccessTokens.Add(token);
                return default;
            }));
        });
        var app = builder.Build();
        app.MapMethods("/connect/authorize", ["GET", "POST"], (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            return Results.SignIn(self!.Principal(self.SignedInUser, request.GetScopes()), null,
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        app.MapPost("/connect/token", async (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            if (request.IsAuthorizationCodeGrantType())
            {
                var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
                return Results.SignIn(code.Principal!, null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            }
            if (request.IsPasswordGrantType() && request.Username is { } name && self!._passwordUsers.TryGetValue(name, out var user) &&
                request.Password == name)
                return Results.SignIn(self.Principal(user, [Scopes.OpenId]), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        app.MapMethods("/connect/endsession", ["GET", "POST"], (HttpContext http) =>
        {
            self!._endSessions.Enqueue(http.GetOpenIddictServerRequest()?.ClientId ?? "");
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        await app.StartAsync();
        self = new TestAuthority(app, first);
        return self;
    }

    private ClaimsPrincipal Principal(TestUser user, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject).SetClaim(Claims.Role, user.Role).SetClaim(Claims.Name, user.Name ?? user.Subject);
        if (user.Org is not null) identity.SetClaim("org", user.Org);
        // An integration's own client id, as the services read it (the console's client id is not the user's).
        if (user.ClientId is not null) identity.SetClaim("client_id", user.ClientId);
        identity.SetScopes(scopes).SetResources(Audience);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Lets the password grant sign in <paramref name="user"/> (user name and password: the subject).</summary>
    public void AddPasswordUser(TestUser user) => _passwordUsers[user.Subject] = user;

    /// <summary>A user's access token from the token endpoint (password grant), as the authority signs it now.</summary>
    public async Task<string> AccessTokenAsync(TestUser user)
    {
        AddPasswordUser(user);
        using var http = new HttpClient { BaseAddress = Url };
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = GrantTypes.Password, ["client_id"] = TestClientId, ["username"] = user.Subject, ["password"] = user.Subject,
            ["scope"] = Scopes.OpenId,
        }));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"token endpoint: {(int)response.StatusCode} {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// Starts signing with a new key (a new kid) and publishes it in the key set beside the old one, as an authority
    /// rotates its keys; returns the new key id.
    /// </summary>
    public string RotateSigningKey()
    {
        var options = _app.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var next = NewKey(Interlocked.Increment(ref _keys) + 1);
        lock (options.SigningCredentials) options.SigningCredentials.Insert(0, next);
        _current = next;
        return next.Key.KeyId;
    }

    /// <summary>
    /// A token signed with the authority's current key whose other parts a test chooses: the claims of
    /// <paramref name="user"/>, and a wrong issuer, audience or lifetime where a test wants one.
    /// </summary>
    public string Mint(TestUser user, string? issuer = null, string audience = Audience, DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null)
    {
        var iat = issuedAt ?? DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = user.Subject, ["role"] = user.Role };
        if (user.Org is not null) claims["org"] = user.Org;
        if (user.ClientId is not null) claims["client_id"] = user.ClientId;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "at+jwt",
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = iat.UtcDateTime,
            NotBefore = iat.UtcDateTime,
            Expires = iat.Add(lifetime ?? TimeSpan.FromMinutes(30)).UtcDateTime,
            SigningCredentials = _current,
        });
    }

    /// <summary>The kid in a token's header: which of the authority's keys signed it.</summary>
    public static string KeyIdOf(string token) => new JsonWebTokenHandler().ReadJsonWebToken(token).Kid;

    private static SigningCredentials NewKey(int n) =>
        new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = $"test-key-{n}" }, SecurityAlgorithms.RsaSha256);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
