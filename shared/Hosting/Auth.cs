using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

using SandboxRegistry.EventSourcing;

namespace SandboxRegistry.Hosting;

/// <summary>
/// Development tokens are HS256 JWTs signed with Auth:DevSigningKey; they are accepted only when the
/// environment is Development. Elsewhere Auth:Authority names the OIDC authority whose keys sign tokens.
/// </summary>
public static class AuthDefaults
{
    public const string DevIssuer = "sandbox-registry-dev";
    public const string DefaultAudience = "sandbox-registry";

    public static void AddSandboxAuth(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Auth");
        var audience = auth["Audience"] ?? DefaultAudience;
        var authority = auth["Authority"];
        var devKey = auth["DevSigningKey"];
        var useDevKey = string.IsNullOrWhiteSpace(authority) && builder.Environment.IsDevelopment() && !string.IsNullOrWhiteSpace(devKey);
        if (string.IsNullOrWhiteSpace(authority) && !useDevKey)
            throw new InvalidOperationException(
                "No token issuer is configured: set Auth:Authority (an OIDC authority), or Auth:DevSigningKey in Development.");
        if (!string.IsNullOrWhiteSpace(authority) && !builder.Environment.IsDevelopment() &&
            !authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("Auth:Authority must be an https:// URL outside Development.");

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidAudience = audience,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
                RoleClaimType = Roles.RoleClaim,
            };
            var maxLifetime = auth.GetValue("MaxTokenLifetime", TimeSpan.FromHours(24));
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (TokenRules.Problem(context.Principal!, context.SecurityToken, maxLifetime) is { } problem) context.Fail(problem);
                    return Task.CompletedTask;
                },
            };
            if (!string.IsNullOrWhiteSpace(authority))
            {
                // Issuer and signing keys come from the authority's discovery document and key set (JWKS), fetched again
                // every SigningKeysRefreshInterval, and at once (at most every SigningKeysMinimumRefreshInterval) when a token
                // names a key id the service has not seen: a rotated key is accepted without a restart.
                options.Authority = authority;
                options.Audience = audience;
                options.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                options.RefreshOnIssuerKeyNotFound = true;
                options.AutomaticRefreshInterval = KeysRefresh(auth, "SigningKeysRefreshInterval", TimeSpan.FromHours(12), TimeSpan.FromMinutes(5));
                options.RefreshInterval = KeysRefresh(auth, "SigningKeysMinimumRefreshInterval", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
            }
            else
            {
                options.TokenValidationParameters.ValidIssuer = auth["Issuer"] ?? DevIssuer;
                options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(devKey!));
            }
        });

        builder.Services.AddAuthorizationBuilder()
            // Anything not marked otherwise needs a valid token: an endpoint that forgets to state who may call it is closed.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Applicant, p => p.RequireRole(Roles.Applicant).RequireClaim(Roles.OrgClaim))
            .AddPolicy(Policies.Regulator, p => p.RequireRole(Roles.Regulator))
            .AddPolicy(Policies.Integration, p => p.RequireRole(Roles.Integration).RequireClaim(Roles.ClientIdClaim))
            .AddPolicy(Policies.Auditor, p => p.RequireRole(Roles.Auditor))
            .AddPolicy(Policies.RegulatorOrAuditor, p => p.RequireRole(Roles.Regulator, Roles.Auditor));
    }

    /// <summary>A refresh interval of the authority's keys; below the identity library's minimum it would throw at the first request.</summary>
    private static TimeSpan KeysRefresh(IConfigurationSection auth, string key, TimeSpan fallback, TimeSpan minimum)
    {
        var value = auth.GetValue(key, fallback);
        if (value < minimum)
            throw new InvalidOperationException($"Auth:{key} must be at least {minimum} (it is {value}).");
        return value;
    }
}

/// <summary>
/// What a valid signature does not prove: a token names exactly one role (the policies and the object rules must see
/// the same caller), a subject, the company (org) of an applicant and the client id of an integration, none of them
/// empty, and it is not issued for longer than Auth:MaxTokenLifetime. A token that breaks one is refused (401).
/// </summary>
public static class TokenRules
{
    public static string? Problem(ClaimsPrincipal principal, SecurityToken token, TimeSpan maxLifetime)
    {
        var roles = principal.FindAll(Roles.RoleClaim).ToList();
        if (roles.Count != 1) return "A token must carry exactly one role.";
        if (Single(principal, "sub") is null) return "A token must name its subject (sub).";
        var role = roles[0].Value;
        if (role == Roles.Applicant && Single(principal, Roles.OrgClaim) is null)
            return "An applicant's token must carry one non-empty org claim.";
        if (role == Roles.Integration && Single(principal, Roles.ClientIdClaim) is null)
            return "An integration's token must carry one non-empty client_id claim.";
        var issued = token is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken { IssuedAt: var iat } && iat > DateTime.MinValue ? iat
            : token.ValidFrom > DateTime.MinValue ? token.ValidFrom
            : DateTime.UtcNow;
        if (token.ValidTo - issued > maxLifetime) return $"A token may be valid for at most {maxLifetime}.";
        return null;
    }

    private static string? Single(ClaimsPrincipal principal, string type)
    {
        var values = principal.FindAll(type).Select(c => c.Value).ToList();
        return values.Count == 1 && !string.IsNullOrWhiteSpace(values[0]) && InputRules.NameProblem(values[0], 200) is null ? values[0] : null;
    }
}
