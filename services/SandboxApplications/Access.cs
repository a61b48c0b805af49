using Microsoft.AspNetCore.Authorization;

namespace SandboxRegistry.SandboxApplications;

/// <summary>
/// A record that belongs to one company: an application or a participation, as a stream or as a view. Reads and commands
/// apply the shared visibility rule (<see cref="Visibility"/>) to it: the company, regulators and auditors see it; another
/// company finds it "not found", never "forbidden" (no existence leak).
/// </summary>
public interface ICompanyOwned : IOwned
{
    string CompanyOgrn { get; }

    ResourceOwner IOwned.Owner => ResourceOwner.Company(CompanyOgrn);
}

/// <summary>Which roles may call the private reads at all; which records each then sees is <see cref="Visibility"/>.</summary>
public static class Access
{
    public const string Readers = "applicant-regulator-or-auditor";

    public static AuthorizationBuilder AddReaders(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Readers, p => p.RequireRole(Roles.Applicant, Roles.Regulator, Roles.Auditor));
}
