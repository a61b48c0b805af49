using JasperFx;
using Marten;
using JasperFx.Events;

namespace SandboxRegistry.SandboxApplications;

/// <summary>The fetch-decide-append steps every command on an existing stream takes.</summary>
public static class Streams
{
    /// <summary>
    /// Fetches the stream for writing. Visibility (<see cref="Access.Sees"/> for company-owned records) is checked before
    /// the If-Match version, so that a stale version on another company's resource is still a 404 and never tells the
    /// caller that the resource exists.
    /// </summary>
    public static async Task<IEventStream<T>> FetchAsync<T>(this IDocumentSession session, Guid id, HttpRequest request,
        CancellationToken ct) where T : class
    {
        var expected = request.ExpectedVersion();
        var stream = await session.Events.FetchForWriting<T>(id, ct);
        if (stream.Aggregate is not { } state || (state is ICompanyOwned owned && !Actor.From(request.HttpContext.User).Sees(owned.CompanyOgrn)))
            throw new ResourceNotFound();
        if (expected is { } version && version != stream.CurrentVersion)
            throw new ConcurrencyException($"Expected version {version} of stream {id}, found {stream.CurrentVersion}.", null);
        return stream;
    }

    /// <summary>Appends what Decide returned, commits, and answers with the new stream version as ETag.</summary>
    public static async Task<long> AppendAsync<T>(this IDocumentSession session, IEventStream<T> stream,
        IReadOnlyCollection<object> events, HttpResponse response, CancellationToken ct) where T : class
    {
        var version = (stream.CurrentVersion ?? 0) + events.Count;
        stream.AppendMany(events);
        await session.SaveChangesAsync(ct);
        response.SetStreamVersion(version);
        return version;
    }
}

/// <summary>What a command on an existing stream answers: the stream and its version after the command.</summary>
public sealed record CommandAccepted(Guid Id, long Version);
