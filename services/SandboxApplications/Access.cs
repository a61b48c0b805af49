using Microsoft.AspNetCore.Authorization;
using SandboxRegistry.ServiceDefaults;

namespace SandboxRegistry.SandboxApplications;

/// <summary>Who reads applications and participations: the company they belong to, regulators and auditors.</summary>
public static class Access
{
    public const string Readers = "applicant-regulator-or-auditor";

    public static AuthorizationBuilder AddReaders(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Readers, p => p.RequireRole(Roles.Applicant, Roles.Regulator, Roles.Auditor));

    /// <summary>An applicant sees only its own company's records; regulators and auditors see all.</summary>
    public static bool Sees(this Actor actor, string companyOgrn) =>
        actor.Role != Roles.Applicant || string.Equals(actor.Org, companyOgrn, StringComparison.Ordinal);
}
