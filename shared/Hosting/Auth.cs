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
            if (!string.IsNullOrWhiteSpace(authority))
            {
                options.Authority = authority;
                options.Audience = audience;
                options.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
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
}
