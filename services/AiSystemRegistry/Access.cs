using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace SandboxRegistry.AiSystemRegistry;

/// <summary>
/// Policies for endpoints that more than one role may call. The policy admits the role; the handler then checks that an
/// applicant acts on its own company's data and answers 404 otherwise (no existence leak).
/// </summary>
public static class Access
{
    /// <summary>The owning applicant, a regulator or an auditor: private reads.</summary>
    public const string OwnerOrOfficialPolicy = "owner-or-official";

    /// <summary>The owning applicant or a regulator: recall a version, end a deployment.</summary>
    public const string OwnerOrRegulatorPolicy = "owner-or-regulator";

    public static void AddAccessPolicies(this IServiceCollection services) =>
        services.AddAuthorizationBuilder()
            .AddPolicy(OwnerOrOfficialPolicy, p => p.RequireRole(Roles.Applicant, Roles.Regulator, Roles.Auditor))
            .AddPolicy(OwnerOrRegulatorPolicy, p => p.RequireRole(Roles.Applicant, Roles.Regulator));

    public static bool IsOfficial(ClaimsPrincipal user) => user.IsInRole(Roles.Regulator) || user.IsInRole(Roles.Auditor);

    /// <summary>
    /// The one rule for a company's AI systems, versions, deployments and participations: regulators and auditors see
    /// every company's; an applicant only its own; nobody else any. Reads and commands both go through it.
    /// </summary>
    public static bool Sees(this Actor actor, string ownerOgrn) => actor.Role switch
    {
        Roles.Regulator or Roles.Auditor => true,
        Roles.Applicant => string.Equals(actor.Org, ownerOgrn, StringComparison.Ordinal),
        _ => false,
    };

    public static bool MaySeePrivate(ClaimsPrincipal user, string ownerOgrn) => Actor.From(user).Sees(ownerOgrn);
}
