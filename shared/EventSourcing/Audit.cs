using System.Diagnostics;
using System.Security.Claims;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http;
using SandboxRegistry.EventSourcing.Audit;

namespace SandboxRegistry.EventSourcing;

/// <summary>
/// Opens Marten sessions that stamp every appended event with who caused it (user name and role headers) and the
/// trace it belongs to (correlation id), taken from the current request. Outside a request the service itself is
/// the actor; consumers add the message id as the causation.
/// </summary>
public sealed class AuditedSessionFactory(IDocumentStore store, IHttpContextAccessor http, ServiceIdentity service) : ISessionFactory
{
    public const string RoleHeader = "role";
    public const string OrgHeader = "org";
    public const string ClientHeader = "client_id";

    public IQuerySession QuerySession() => store.QuerySession();

    public IDocumentSession OpenSession() =>
        OpenSession(http.HttpContext?.User is { Identity.IsAuthenticated: true } user ? Actor.From(user) : null);

    /// <summary>A session whose events are stamped with <paramref name="actor"/> (the service itself when null).</summary>
    public IDocumentSession OpenSession(Actor? actor)
    {
        var session = store.LightweightSession();
        session.CorrelationId = Activity.Current?.TraceId.ToString();
        if (actor is not null)
        {
            session.LastModifiedBy = actor.Subject;
            session.SetHeader(RoleHeader, actor.Role);
            if (actor.Org is not null) session.SetHeader(OrgHeader, actor.Org);
            if (actor.ClientId is not null) session.SetHeader(ClientHeader, actor.ClientId);
        }
        else
        {
            session.LastModifiedBy = $"service:{service.Name}";
        }
        return session;
    }
}

/// <summary>One event of a stream as history endpoints show it.</summary>
public sealed record HistoryEntry(
    long Position,
    long Sequence,
    string Type,
    DateTimeOffset At,
    string? By,
    string? Role,
    Guid EventId,
    string? Hash,
    string? PreviousHash,
    object Data);

public static class StreamHistory
{
    /// <summary>The stream's events in order, with who, when and their hash-chain links; empty when there is no stream.</summary>
    public static async Task<IReadOnlyList<HistoryEntry>> ReadAsync(IQuerySession session, Guid streamId, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(streamId, token: ct);
        var seals = (await session.Query<EventSeal>().Where(s => s.StreamId == streamId).ToListAsync(ct)).ToDictionary(s => s.Id);
        return events.Select(e => ToEntry(e, seals.GetValueOrDefault(e.Id))).ToList();
    }

    public static HistoryEntry ToEntry(IEvent e, EventSeal? seal) => new(
        e.Version,
        e.Sequence,
        e.EventTypeName,
        e.Timestamp,
        e.UserName,
        e.Headers?.TryGetValue(AuditedSessionFactory.RoleHeader, out var role) == true ? role?.ToString() : null,
        e.Id,
        seal?.Hash,
        seal?.PreviousHash,
        e.Data);
}
