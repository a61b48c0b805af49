using Microsoft.AspNetCore.Authorization;
using SandboxRegistry.SandboxApplications.Applications.GettingDetails;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;

namespace SandboxRegistry.SandboxApplications;

/// <summary>A record that belongs to one company: an application or a participation, as a stream or as a view.</summary>
public interface ICompanyOwned
{
    string CompanyOgrn { get; }
}

/// <summary>
/// Who sees applications and participations, in one place: the company they belong to, regulators and auditors.
/// Every read (<see cref="VisibleOrNotFound{T}"/>, the list filters) and every command (Streams.FetchAsync) goes
/// through <see cref="Sees"/>; another company's record is "not found", never "forbidden" (no existence leak).
/// Which role may call an endpoint at all is its authorization policy.
/// </summary>
public static class Access
{
    public const string Readers = "applicant-regulator-or-auditor";

    public static AuthorizationBuilder AddReaders(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Readers, p => p.RequireRole(Roles.Applicant, Roles.Regulator, Roles.Auditor));

    /// <summary>An applicant sees only its own company's records; regulators and auditors see all; nobody else any.</summary>
    public static bool Sees(this Actor actor, string companyOgrn) => actor.Role switch
    {
        Roles.Regulator or Roles.Auditor => true,
        Roles.Applicant => string.Equals(actor.Org, companyOgrn, StringComparison.Ordinal),
        _ => false,
    };

    public static T VisibleOrNotFound<T>(this T? record, Actor actor) where T : class, ICompanyOwned =>
        record is not null && actor.Sees(record.CompanyOgrn) ? record : throw new ResourceNotFound();

    /// <summary>The same rule as a query, for lists.</summary>
    public static IQueryable<ApplicationDetails> VisibleTo(this IQueryable<ApplicationDetails> list, Actor actor)
    {
        var org = actor.Org ?? "";
        return actor.Role switch
        {
            Roles.Regulator or Roles.Auditor => list,
            Roles.Applicant => list.Where(a => a.CompanyOgrn == org),
            _ => list.Where(a => false),
        };
    }

    /// <summary>The same rule as a query, for lists.</summary>
    public static IQueryable<ParticipationDetails> VisibleTo(this IQueryable<ParticipationDetails> list, Actor actor)
    {
        var org = actor.Org ?? "";
        return actor.Role switch
        {
            Roles.Regulator or Roles.Auditor => list,
            Roles.Applicant => list.Where(p => p.CompanyOgrn == org),
            _ => list.Where(p => false),
        };
    }
}
