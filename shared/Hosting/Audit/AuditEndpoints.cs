using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;

namespace SandboxRegistry.Hosting.Audit;

/// <summary>
/// Every service's audit endpoints. Checkpoint hashes and event seals reveal nothing but hashes, so they are public:
/// publishing them lets anyone hold the service to them.
/// </summary>
public static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        var audit = app.MapApi("/api/v1/audit", "Audit");
        audit.MapGet("/streams/{streamId:guid}/verify", VerifyStream).Read(Policies.RegulatorOrAuditor);
        audit.MapGet("/verify", VerifyService).RequireAuthorization(Policies.RegulatorOrAuditor)
            .WithRequestTimeout(RequestTimeouts.Verification);
        audit.MapGet("/checkpoints", ListCheckpoints).PublicList();
        audit.MapGet("/checkpoints/cosigned", LatestCosigned).PublicRead();
        audit.MapGet("/witnessed", ListWitnessed).PublicList();
        audit.MapGet("/events/{eventId:guid}", GetEventSeal).PublicRead();
        audit.MapGet("/events/{eventId:guid}/verification", VerifyEvent).PublicRead();
        audit.MapGet("/keys", GetKeys).PublicRead();
        audit.MapGet("/proofs/inclusion/{eventId:guid}", ProveInclusion).PublicRead();
        audit.MapGet("/proofs/consistency", ProveConsistency).PublicRead();
        audit.MapGet("/proofs/events", ProveEvents).Read(Policies.RegulatorOrAuditor);
    }

    public static Ok<AuditKeys> GetKeys(CheckpointKeys keys) => TypedResults.Ok(new AuditKeys(keys.Origin, keys.Key.VerifierKey(),
        keys.Key.VerifierKey(NoteKey.CosignatureType), keys.Previous));

    // RFC 6962 proofs against published tree heads: hashes only, like the seals, so public.
    public static async Task<Ok<InclusionProof>> ProveInclusion(Guid eventId, long? treeSize, MerkleProofs proofs, CancellationToken ct) =>
        TypedResults.Ok(await proofs.InclusionAsync(eventId, treeSize, ct) ?? throw new ResourceNotFound("No such event in that tree."));

    public static async Task<Ok<ConsistencyProof>> ProveConsistency(long first, long second, MerkleProofs proofs, CancellationToken ct) =>
        TypedResults.Ok(await proofs.ConsistencyAsync(first, second, ct) ?? throw new ResourceNotFound("No checkpoint of that tree size."));

    /// <summary>
    /// Cited events with their data, seals and inclusion proofs against one tree head, for an offline dossier export: event
    /// data is not public, so auditors and regulators only. At most <see cref="MaxEventProofs"/> events at once.
    /// </summary>
    public static async Task<Ok<IReadOnlyList<EventProof>>> ProveEvents(long treeSize, Guid[] eventId, MerkleProofs proofs,
        CancellationToken ct)
    {
        if (eventId.Length is 0 or > MaxEventProofs)
            throw new InvalidPaging("eventId", $"Ask for between 1 and {MaxEventProofs} events (eventId=...&eventId=...).");
        return TypedResults.Ok(await proofs.EventProofsAsync(eventId, treeSize, ct) ?? throw new ResourceNotFound("No checkpoint of that tree size."));
    }

    public const int MaxEventProofs = 200;

    /// <summary>The latest checkpoint every other service cosigned, with its note carrying their cosignature lines.</summary>
    public static async Task<Ok<PublishedCheckpoint>> LatestCosigned(PublishedCheckpoints checkpoints, CancellationToken ct) =>
        TypedResults.Ok(await checkpoints.LatestCosignedAsync(ct) ?? throw new ResourceNotFound("No checkpoint has been cosigned by every witness yet."));

    public static async Task<Ok<StreamVerification>> VerifyStream(Guid streamId, ChainVerifier verifier, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyStreamAsync(streamId, ct) ?? throw new ResourceNotFound("No such stream."));

    /// <param name="full">true recomputes every event from the first; otherwise only those after the last verified checkpoint.</param>
    public static async Task<Ok<ServiceVerification>> VerifyService(bool? full, ServiceVerifier verifier, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyAsync(full ?? false, ct));

    /// <summary>This service's checkpoints, each with its witnesses' answers and its cosigned note.</summary>
    public static async Task<Ok<ListPage<PublishedCheckpoint>>> ListCheckpoints(int? page, int? pageSize, IQuerySession session,
        PublishedCheckpoints published, CancellationToken ct)
    {
        var checkpoints = await session.Query<AuditCheckpoint>().OrderBy(c => c.Sequence).ToPageAsync(Paging.From(page, pageSize), ct);
        return TypedResults.Ok(new ListPage<PublishedCheckpoint>(await published.WithAnswersAsync(checkpoints.Items, ct), checkpoints.Page,
            checkpoints.PageSize, checkpoints.Total));
    }

    /// <param name="status">cosigned, refused or unverified: e.g. every checkpoint this witness refused to cosign.</param>
    /// <param name="after">Only checkpoints after this sequence (what an incremental verification compares).</param>
    public static async Task<Ok<ListPage<WitnessedCheckpoint>>> ListWitnessed(string? service, string? status, long? after, int? page,
        int? pageSize, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.Query<WitnessedCheckpoint>()
            .Where(c => service == null || c.Service == service)
            .Where(c => after == null || c.Sequence > after)
            .Where(c => status == null || c.Status == status)
            .OrderBy(c => c.Service).ThenBy(c => c.Sequence)
            .ToPageAsync(Paging.From(page, pageSize), ct));

    public static async Task<Ok<EventSeal>> GetEventSeal(Guid eventId, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.LoadAsync<EventSeal>(eventId, ct) ?? throw new ResourceNotFound("No such event."));

    /// <summary>What a citing service asks when it verifies a citation: the seal, and whether the chain holds up to it.</summary>
    public static async Task<Ok<EventVerification>> VerifyEvent(Guid eventId, CitationVerifier verifier, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyEventAsync(eventId, ct) ?? throw new ResourceNotFound("No such event."));
}
