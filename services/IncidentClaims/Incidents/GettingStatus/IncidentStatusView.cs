using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SandboxRegistry.IncidentClaims.Incidents.GettingStatus;

/// <summary>The incident state as an inline snapshot: what decisions load, and what the status and lists show.</summary>
public sealed partial class IncidentProjection : SingleStreamProjection<Incident, Guid>
{
    public IncidentProjection()
    {
        foreach (var type in Incident.EventTypes) IncludeType(type);
    }

    public override Incident? Evolve(Incident? snapshot, Guid id, IEvent e) => Incident.When(snapshot, e.Data);
}

/// <summary>What the filing integration (and the regulator) sees of a report: no personal data, no triage detail.</summary>
public sealed record IncidentStatusView(Guid Id, string TrackingCode, string Title, IncidentStatus Status, bool Serious, DateTimeOffset ReportedAt,
    IncidentOutcome? Outcome)
{
    public static IncidentStatusView From(Incident i) => new(i.Id, i.TrackingCode, i.Title, i.Status, i.Serious, i.ReportedAt, i.Outcome);
}

public static class GetIncidentStatus
{
    public static async Task<Ok<IncidentStatusView>> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var incident = (await session.LoadAsync<Incident>(id, ct)).VisibleOrNotFound(Actor.From(http.User), "No such incident.");
        var state = await session.Events.FetchStreamStateAsync(id, ct);
        http.Response.SetStreamVersion(state?.Version ?? 1);
        return TypedResults.Ok(IncidentStatusView.From(incident));
    }

    public static async Task<Results<Ok<ListPage<IncidentStatusView>>, ValidationProblem>> List(string? status, int? page, int? pageSize,
        IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        // Statuses read as the JSON shows them (camelCase); the default enum binding would want "Duplicate".
        IncidentStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<IncidentStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["Unknown incident status."] },
                    title: "The request has invalid fields.", extensions: new Dictionary<string, object?> { ["code"] = "validation-failed" });
            wanted = parsed;
        }
        var query = session.Query<Incident>().AsQueryable().VisibleTo(Actor.From(http.User));
        if (wanted is { } s) query = query.Where(i => i.Status == s);
        var incidents = await query.OrderByDescending(i => i.ReportedAt).ThenBy(i => i.Id).ToPageAsync(paging, ct);
        return TypedResults.Ok(incidents.Select(IncidentStatusView.From));
    }
}
