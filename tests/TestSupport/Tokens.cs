using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.Hosting;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Testing;

/// <summary>Development tokens, signed the way deploy/token.sh signs them.</summary>
public static class Tokens
{
    public const string SigningKey = "sandbox-registry-test-signing-key-of-sufficient-length";

    public static string Regulator(string subject = "regulator-1") => Mint(subject, Roles.Regulator);
    public static string Auditor(string subject = "auditor-1") => Mint(subject, Roles.Auditor);
    public static string Applicant(string ogrn, string subject = "applicant-1") =>
        Mint(subject, Roles.Applicant, (Roles.OrgClaim, ogrn));
    public static string Integration(string clientId) =>
        Mint($"client-{clientId}", Roles.Integration, (Roles.ClientIdClaim, clientId));

    public static string Mint(string subject, string role, params (string Type, string Value)[] extra)
    {
        var claims = new List<Claim> { new("sub", subject), new(Roles.RoleClaim, role) };
        claims.AddRange(extra.Select(c => new Claim(c.Type, c.Value)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthDefaults.DevIssuer,
            Audience = AuthDefaults.DefaultAudience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)),
                SecurityAlgorithms.HmacSha256),
        });
    }
}
