using Microsoft.AspNetCore.Authorization;

namespace SandboxRegistry.IncidentClaims.Incidents;

/// <summary>
/// Who reads incidents: the integration that filed a report (its own reports only, by the shared <see cref="Visibility"/>
/// rule: anyone else's is "not found"), regulators and auditors. Only regulators read the reporter's personal data (the dossier).
/// </summary>
public static class IncidentAccess
{
    public const string Readers = "integration-regulator-or-auditor";

    public static AuthorizationBuilder AddIncidentReaders(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Readers, p => p.RequireRole(Roles.Integration, Roles.Regulator, Roles.Auditor));

    public static IQueryable<Incident> VisibleTo(this IQueryable<Incident> incidents, Actor actor) =>
        incidents.VisibleTo(actor, OwnerKind.Integration, i => i.ClientId);

    public static bool ReadsPersonalData(this Actor actor) => actor.Role == Roles.Regulator;
}
