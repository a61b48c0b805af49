using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SandboxRegistry.EventSourcing;

/// <summary>What every command answers: the stream it changed or started, and the version that stream is at now (also the ETag).</summary>
public sealed record Changed(Guid Id, long Version);

/// <summary>
/// The one fetch-decide-append step of every command on an existing stream, in one order: fetch the stream for writing;
/// unknown, or not the caller's to see (<see cref="Visibility"/>), is 404; then If-Match against the fetched version, 412 when it
/// differs (after visibility, so a stale version on another company's resource is still a 404 and never tells that it exists);
/// then the slice's pure Decide on the fetched state (never mutated); append; save, where Marten refuses the commit if anyone
/// appended since the fetch (412 with If-Match; without it, fetched and decided again up to <see cref="ConcurrentAppendRetries"/> times); answer <see cref="Changed"/> with the new version as ETag.
/// </summary>
public static class Commands
{
    public static Task<Ok<Changed>> Decide<T>(this IDocumentSession session, Guid id, HttpContext http, Func<T, object> decide,
        CancellationToken ct) where T : class =>
        session.Decide<T>(id, http, state => Task.FromResult(decide(state)), ct);

    /// <summary>As the synchronous form, for a decision that first reads other documents (which must not change the stream).</summary>
    public static async Task<Ok<Changed>> Decide<T>(this IDocumentSession session, Guid id, HttpContext http, Func<T, Task<object>> decide,
        CancellationToken ct) where T : class
    {
        var (_, changed) = await session.Decided<T, object>(id, http, async state => await decide(state), ct);
        return TypedResults.Ok(changed);
    }

    /// <summary>
    /// As <see cref="Decide{T}(IDocumentSession,Guid,HttpContext,Func{T,object},CancellationToken)"/>, returning the event as well,
    /// for an answer that names what the event created (a participation, a version, a register entry).
    /// </summary>
    public static async Task<(TEvent Event, Changed Changed)> Decided<T, TEvent>(this IDocumentSession session, Guid id,
        HttpContext http, Func<T, Task<TEvent>> decide, CancellationToken ct) where T : class where TEvent : notnull
    {
        TEvent first = default!;
        var changed = await session.DecideAll<T>(id, http, async state =>
        {
            first = await decide(state);
            return [first];
        }, ct);
        return (first, changed);
    }

    /// <summary>
    /// As <see cref="Decided{T,TEvent}"/>, for a decision that records more than one fact at once (a renewed policy and the
    /// resumption it brings); the events are appended in order and commit together.
    /// </summary>
    public static async Task<Changed> DecideAll<T>(this IDocumentSession session, Guid id, HttpContext http,
        Func<T, Task<IReadOnlyList<object>>> decide, CancellationToken ct) where T : class
    {
        var expected = http.Request.ExpectedVersion();
        // Without If-Match the caller asked to act on the stream as it is: when something else (a consumer's
        // acknowledgement, another request) appended between the fetch and the commit, decide again on the new state
        // instead of answering 412. Only when the session held nothing else, so retrying drops none of the caller's work.
        var retries = expected is null && !session.PendingChanges.Operations().Any() && !session.PendingChanges.Streams().Any()
            ? ConcurrentAppendRetries : 0;
        for (var attempt = 0; ; attempt++)
        {
            var stream = await session.Events.FetchForWriting<T>(id, ct);
            if (stream.Aggregate is not { } state || (state is IOwned owned && !Actor.From(http.User).Sees(owned.Owner)))
                throw new ResourceNotFound();
            if (expected is { } version && version != stream.CurrentVersion)
                throw new ConcurrencyException($"Expected version {version} of stream {id}, found {stream.CurrentVersion}.", null);

            var events = await decide(state);
            var next = (stream.CurrentVersion ?? 0) + events.Count;
            stream.AppendMany(events);
            try
            {
                await session.CommitAsync(ct);
            }
            catch (ConcurrencyException) when (attempt < retries)
            {
                // Nothing of the failed attempt stays: its events go, and the next fetch reads the stored snapshot again
                // (ConfigureStore keeps fetched aggregates out of the session's identity map for this).
                session.EjectAllPendingChanges();
                continue;
            }

            http.Response.SetStreamVersion(next);
            return new Changed(id, next);
        }
    }

    /// <summary>How often a command without If-Match decides again after losing a race to another append.</summary>
    public const int ConcurrentAppendRetries = 3;

    /// <summary>The answer to a command that started a stream: 201 with its location, version 1.</summary>
    public static Created<Changed> Started(HttpResponse response, string location, Guid id)
    {
        response.SetStreamVersion(1);
        return TypedResults.Created(location, new Changed(id, 1));
    }
}
