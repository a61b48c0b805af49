using Marten;

namespace SandboxRegistry.IncidentClaims.Incidents;

/// <summary>The answer to a command on an incident: its id and the stream version it is now at (also the ETag).</summary>
public sealed record IncidentChanged(Guid Id, long Version);

public static class IncidentStreams
{
    /// <summary>
    /// Fetches the incident at the version the client expects (If-Match, when sent), appends what
    /// <paramref name="decide"/> returns and answers with the new version. The fetched state is never mutated.
    /// </summary>
    public static async Task<IResult> Append(Guid id, HttpContext http, IDocumentSession session, Func<Incident, object> decide,
        CancellationToken ct)
    {
        var expected = http.Request.ExpectedVersion();
        var stream = expected is { } version
            ? await session.Events.FetchForWriting<Incident>(id, version, ct)
            : await session.Events.FetchForWriting<Incident>(id, ct);
        var incident = stream.Aggregate.VisibleOrNotFound(Actor.From(http.User));

        var @event = decide(incident);
        stream.AppendOne(@event);
        await session.SaveChangesAsync(ct);

        var newVersion = (stream.StartingVersion ?? 0) + 1;
        http.Response.SetStreamVersion(newVersion);
        return Results.Ok(new IncidentChanged(id, newVersion));
    }

    public static void NotClosed(this Incident incident)
    {
        if (incident.Status == IncidentStatus.Closed)
            throw new DomainRuleViolation("incident-closed", "The incident is closed.");
    }

    public static string Camel<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
