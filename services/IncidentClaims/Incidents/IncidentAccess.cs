
namespace SandboxRegistry.IncidentClaims.Incidents;

/// <summary>
/// Who sees which incident, in one place: regulators and auditors see every incident (their endpoints state their
/// role policy); an integration sees only the reports it filed, anyone else's is "not found" (no existence leak);
/// nobody else sees any. Only regulators read the reporter's personal data (the dossier).
/// </summary>
public static class IncidentAccess
{
    public static bool VisibleTo(this Incident incident, Actor actor) => actor.Role switch
    {
        Roles.Regulator or Roles.Auditor => true,
        Roles.Integration => incident.ClientId == actor.ClientId,
        _ => false,
    };

    /// <summary>The same rule as a query, for lists.</summary>
    public static IQueryable<Incident> VisibleTo(this IQueryable<Incident> incidents, Actor actor)
    {
        var clientId = actor.ClientId ?? "";
        return actor.Role switch
        {
            Roles.Regulator or Roles.Auditor => incidents,
            Roles.Integration => incidents.Where(i => i.ClientId == clientId),
            _ => incidents.Where(i => false),
        };
    }

    public static bool ReadsPersonalData(this Actor actor) => actor.Role == Roles.Regulator;

    public static Incident VisibleOrNotFound(this Incident? incident, Actor actor) =>
        incident is not null && incident.VisibleTo(actor) ? incident : throw new ResourceNotFound("No such incident.");
}
