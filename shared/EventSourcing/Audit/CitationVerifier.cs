using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Marten;
using Microsoft.Extensions.Logging;
using SandboxRegistry.Contracts;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>What the source service says of one cited event.</summary>
/// <param name="Status">verified, hashMismatch, notFound, chainBroken, unreachable or noHash.</param>
public sealed record CitationCheck(SourceCitation Citation, string Status, string? SourceHash, string? Detail);

/// <summary>An event's seal and whether its stream's chain holds up to and including it.</summary>
public sealed record EventVerification(Guid EventId, Guid StreamId, long Version, string Hash, bool ChainValid, ChainBreak? FirstBroken);

/// <summary>
/// Checks citations against the cited service's hash chain: locally for this service's own events, otherwise through
/// the source service's public event verification endpoint (the same peers that verification compares witnesses with).
/// </summary>
public sealed class CitationVerifier(IDocumentStore store, ChainVerifier chains, ServiceIdentity service, IHttpClientFactory http,
    ILogger<CitationVerifier> logger)
{
    public async Task<EventVerification?> VerifyEventAsync(Guid eventId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await session.LoadAsync<EventSeal>(eventId, ct) is not { } seal) return null;
        var stream = await chains.VerifyStreamAsync(seal.StreamId, ct);
        var broken = stream?.FirstBroken is { } b && b.Position <= seal.Version ? b : null;
        return new EventVerification(eventId, seal.StreamId, seal.Version, seal.Hash, broken is null, broken);
    }

    public async Task<IReadOnlyList<CitationCheck>> CheckAsync(IEnumerable<SourceCitation> citations, CancellationToken ct)
    {
        var checks = new List<CitationCheck>();
        foreach (var citation in citations.DistinctBy(c => (c.Service, c.EventId)))
            checks.Add(await CheckAsync(citation, ct));
        return checks;
    }

    private async Task<CitationCheck> CheckAsync(SourceCitation citation, CancellationToken ct)
    {
        if (citation.Hash is null) return new(citation, "noHash", null, "The citation carries no hash to check.");
        EventVerification? source;
        try
        {
            source = citation.Service == service.Name ? await VerifyEventAsync(citation.EventId, ct) : await FetchAsync(citation, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            logger.LogWarning("Citation source {Service} could not be reached: {Error}", citation.Service, e.Message);
            return new(citation, "unreachable", null, $"{citation.Service} did not answer.");
        }
        if (source is null) return new(citation, "notFound", null, "The source service has no such event.");
        if (source.Hash != citation.Hash || source.StreamId != citation.StreamId || source.Version != citation.StreamVersion)
            return new(citation, "hashMismatch", source.Hash, "The source's sealed event differs from what was cited.");
        return source.ChainValid
            ? new(citation, "verified", source.Hash, null)
            : new(citation, "chainBroken", source.Hash, $"The source stream's chain breaks at position {source.FirstBroken!.Position}.");
    }

    private async Task<EventVerification?> FetchAsync(SourceCitation citation, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var client = http.CreateClient(ServiceVerifier.PeerClientPrefix + citation.Service);
        if (client.BaseAddress is null) throw new HttpRequestException($"No address configured for {citation.Service}.");
        var response = await client.GetAsync($"api/v1/audit/events/{citation.EventId}/verification", timeout.Token);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<EventVerification>(timeout.Token);
    }
}

/// <summary>Finds every citation in a read model, however deeply nested (records, lists, dictionaries).</summary>
public static class Citations
{
    public static IReadOnlyList<SourceCitation> In(object? root)
    {
        var found = new List<SourceCitation>();
        Walk(root, found, depth: 0);
        return found;
    }

    private static void Walk(object? node, List<SourceCitation> found, int depth)
    {
        if (node is null || depth > 12) return;
        switch (node)
        {
            case SourceCitation citation:
                found.Add(citation);
                return;
            case string or DateTimeOffset or DateOnly or DateTime or Guid or decimal or Enum:
                return;
            case IDictionary dictionary:
                foreach (var value in dictionary.Values) Walk(value, found, depth + 1);
                return;
            case IEnumerable items:
                foreach (var item in items) Walk(item, found, depth + 1);
                return;
        }
        var type = node.GetType();
        if (type.IsPrimitive) return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.GetIndexParameters().Length == 0 && property.CanRead)
                Walk(property.GetValue(node), found, depth + 1);
    }
}
