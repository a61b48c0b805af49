using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Hosting.Audit;

namespace SandboxRegistry.IncidentClaims.Incidents.GettingDossier;

/// <summary>One service's public keys and the checkpoint its cited events are proven against.</summary>
/// <param name="Checkpoint">The latest checkpoint every other service cosigned (its <c>cosignedNote</c> carries their
/// cosignature lines); null for a service none of the dossier's citations point at.</param>
public sealed record ExportedService(string Service, AuditKeys Keys, PublishedCheckpoint? Checkpoint);

/// <summary>A citation of the dossier and the event it cites, with that event's inclusion proof.</summary>
public sealed record ExportedCitation(SourceCitation Citation, EventProof Event);

/// <summary>
/// A dossier that can be checked without any network: every citation with the cited event's data, seal and RFC 6962
/// inclusion proof, against a C2SP signed checkpoint of its service cosigned by the other services, with all their public
/// keys. docs/verify_dossier.py checks it.
/// </summary>
public sealed record DossierExport(string Format, DateTimeOffset ExportedAt, Guid IncidentId, Dossier Dossier,
    IReadOnlyList<ExportedService> Services, IReadOnlyList<ExportedCitation> Citations)
{
    public const string FormatName = "sandbox-registry/dossier-export/v1";
}

public static class ExportDossier
{
    /// <summary>
    /// Builds the export. The cited events of the other services, their checkpoints and keys come from those services'
    /// audit endpoints (the same peers verification reads), asked on the caller's behalf with the caller's token.
    /// 409 <c>audit-not-cosigned-yet</c> while a cited event is not yet under a checkpoint every witness cosigned (a
    /// checkpoint follows within Audit:CheckpointEvery), 409 <c>audit-source-unreachable</c> when a source does not answer.
    /// </summary>
    public static async Task<Ok<DossierExport>> Get(Guid id, IQuerySession session, MerkleProofs proofs, PublishedCheckpoints published,
        CheckpointKeys keys, ServiceIdentity self, IOptions<AuditOptions> options, IHttpClientFactory http, HttpContext context,
        TimeProvider clock, CancellationToken ct)
    {
        // Never the reporter's personal data: the export is meant to be handed on.
        var (dossier, _) = await GetDossier.Load(id, session, null, ct);
        var citations = Citations.In(dossier).DistinctBy(c => (c.Service, c.EventId)).ToList();
        var services = new List<ExportedService>();
        var exported = new Dictionary<(string, Guid), EventProof>();
        var names = new[] { self.Name }.Concat(options.Value.Peers.Keys).Concat(citations.Select(c => c.Service)).Distinct()
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var cited = citations.Where(c => c.Service == name).ToList();
            var source = name == self.Name ? null : Peer(http, name, context);
            var serviceKeys = source is null ? AuditEndpoints.GetKeys(keys).Value! : await Fetch<AuditKeys>(source, name, "api/v1/audit/keys", ct);
            if (cited.Count == 0)
            {
                services.Add(new ExportedService(name, serviceKeys, null));
                continue;
            }
            var checkpoint = source is null
                ? await published.LatestCosignedAsync(ct)
                : await Fetch<PublishedCheckpoint?>(source, name, "api/v1/audit/checkpoints/cosigned", ct, notFoundIsNull: true);
            var latestCited = cited.Max(c => c.Sequence);
            if (checkpoint is null || checkpoint.Sequence < latestCited)
                throw new DomainRuleViolation("audit-not-cosigned-yet",
                    $"The event at sequence {latestCited} of {name} is not yet under a checkpoint the other services cosigned; try again after the next checkpoint.");
            foreach (var chunk in cited.Chunk(AuditEndpoints.MaxEventProofs))
            {
                var found = source is null
                    ? await proofs.EventProofsAsync(chunk.Select(c => c.EventId).ToList(), checkpoint.TreeSize, ct) ?? []
                    : await Fetch<IReadOnlyList<EventProof>>(source, name,
                        $"api/v1/audit/proofs/events?treeSize={checkpoint.TreeSize}&{string.Join('&', chunk.Select(c => $"eventId={c.EventId}"))}", ct);
                foreach (var proof in found) exported[(name, proof.EventId)] = proof;
            }
            services.Add(new ExportedService(name, serviceKeys, checkpoint));
        }
        var missing = citations.FirstOrDefault(c => !exported.ContainsKey((c.Service, c.EventId)));
        if (missing is not null)
            throw new DomainRuleViolation("audit-cited-event-missing",
                $"{missing.Service} holds no event {missing.EventId} in its cosigned tree: the cited event is gone from its source.");
        return TypedResults.Ok(new DossierExport(DossierExport.FormatName, clock.GetUtcNow(), id, dossier, services,
            citations.Select(c => new ExportedCitation(c, exported[(c.Service, c.EventId)])).ToList()));
    }

    private static HttpClient Peer(IHttpClientFactory http, string name, HttpContext context)
    {
        var client = http.CreateClient(ServiceVerifier.PeerClientPrefix + name);
        if (client.BaseAddress is null)
            throw new DomainRuleViolation("audit-source-unreachable", $"No address of {name} is configured (Audit:Peers).");
        if (AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var caller))
            client.DefaultRequestHeaders.Authorization = caller;
        return client;
    }

    private static async Task<T> Fetch<T>(HttpClient client, string name, string path, CancellationToken ct, bool notFoundIsNull = false)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            using var response = await client.GetAsync(path, timeout.Token);
            if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound) return default!;
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<T>(timeout.Token) ?? throw new System.Text.Json.JsonException("An empty answer.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            throw new DomainRuleViolation("audit-source-unreachable", $"{name} did not answer {path.Split('?')[0]}: {e.Message}");
        }
    }
}
