using System.Security.Claims;

namespace SandboxRegistry.EventSourcing;

/// <summary>The four kinds of caller and their authorization policies.</summary>
public static class Roles
{
    public const string Applicant = "applicant";
    public const string Regulator = "regulator";
    public const string Integration = "integration";
    public const string Auditor = "auditor";

    /// <summary>Claim with the applicant company's OGRN.</summary>
    public const string OrgClaim = "org";
    /// <summary>Claim with the integration's client id.</summary>
    public const string ClientIdClaim = "client_id";
    public const string RoleClaim = "role";
}

public static class Policies
{
    public const string Applicant = "applicant";
    public const string Regulator = "regulator";
    public const string Integration = "integration";
    public const string Auditor = "auditor";
    public const string RegulatorOrAuditor = "regulator-or-auditor";
}

/// <summary>Who did something, as events record it.</summary>
public sealed record Actor(string Subject, string Role, string? Org, string? ClientId)
{
    /// <remarks>
    /// client_id names the caller only for an integration: an authority also writes it into a person's token, naming the
    /// application they signed in through (the console), which is not who acted.
    /// </remarks>
    public static Actor From(ClaimsPrincipal user) => new(
        user.FindFirstValue("sub") ?? "anonymous",
        user.FindFirstValue(Roles.RoleClaim) ?? "none",
        user.FindFirstValue(Roles.OrgClaim),
        ClientOf(user));

    /// <summary>The integration's client id; null for a person's token, whatever application it was issued to.</summary>
    public static string? ClientOf(ClaimsPrincipal user) =>
        user.HasClaim(Roles.RoleClaim, Roles.Integration) ? user.FindFirstValue(Roles.ClientIdClaim) : null;
}

/// <summary>The running service's name, as used in citations, queue prefixes and traces.</summary>
public sealed record ServiceIdentity(string Name);
