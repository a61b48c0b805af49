using Microsoft.AspNetCore.Authorization;

namespace SandboxRegistry.AiSystemRegistry;

/// <summary>
/// Policies for endpoints that more than one role may call. The policy admits the role; the shared visibility rule
/// (<see cref="Visibility"/>) then shows an applicant only its own company's data and answers 404 otherwise (no existence leak).
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
}
