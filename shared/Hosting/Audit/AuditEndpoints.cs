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
        audit.MapGet("/verify", VerifyService).RequireAuthorization(Policies.RegulatorOrAuditor);
        audit.MapGet("/checkpoints", ListCheckpoints).PublicList();
        audit.MapGet("/witnessed", ListWitnessed).PublicList();
        audit.MapGet("/events/{eventId:guid}", GetEventSeal).PublicRead();
        audit.MapGet("/events/{eventId:guid}/verification", VerifyEvent).PublicRead();
        audit.MapGet("/keys", GetKeys).PublicRead();
        audit.MapGet("/proofs/inclusion/{eventId:guid}", ProveInclusion).PublicRead();
        audit.MapGet("/proofs/consistency", ProveConsistency).PublicRead();
    }

    public static Ok<AuditKeys> GetKeys(CheckpointKeys keys) => TypedResults.Ok(new AuditKeys(keys.Origin, keys.Key.VerifierKey(),
        keys.Key.VerifierKey(NoteKey.CosignatureType), keys.Previous));

    // RFC 6962 proofs against published tree heads: hashes only, like the seals, so public.
    public static async Task<Ok<InclusionProof>> ProveInclusion(Guid eventId, long? treeSize, MerkleProofs proofs, CancellationToken ct) =>
        TypedResults.Ok(await proofs.InclusionAsync(eventId, treeSize, ct) ?? throw new ResourceNotFound("No such event in that tree."));

    public static async Task<Ok<ConsistencyProof>> ProveConsistency(long first, long second, MerkleProofs proofs, CancellationToken ct) =>
        TypedResults.Ok(await proofs.ConsistencyAsync(first, second, ct) ?? throw new ResourceNotFound("No checkpoint of that tree size."));

    public static async Task<Ok<StreamVerification>> VerifyStream(Guid streamId, ChainVerifier verifier, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyStreamAsync(streamId, ct) ?? throw new ResourceNotFound("No such stream."));

    public static async Task<Ok<ServiceVerification>> VerifyService(ServiceVerifier verifier, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyAsync(ct));

    public static async Task<Ok<ListPage<AuditCheckpoint>>> ListCheckpoints(int? page, int? pageSize, IQuerySession session,
        CancellationToken ct) =>
        TypedResults.Ok(await session.Query<AuditCheckpoint>().OrderBy(c => c.Sequence).ToPageAsync(Paging.From(page, pageSize), ct));

    public static async Task<Ok<ListPage<WitnessedCheckpoint>>> ListWitnessed(string? service, int? page, int? pageSize,
        IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.Query<WitnessedCheckpoint>()
            .Where(c => service == null || c.Service == service)
            .OrderBy(c => c.Service).ThenBy(c => c.Sequence)
            .ToPageAsync(Paging.From(page, pageSize), ct));

    public static async Task<Ok<EventSeal>> GetEventSeal(Guid eventId, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.LoadAsync<EventSeal>(eventId, ct) ?? throw new ResourceNotFound("No such event."));

    /// <summary>What a citing service asks when it verifies a citation: the seal, and whether the chain holds up to it.</summary>
    public static async Task<Ok<EventVerification>> VerifyEvent(Guid eventId, CitationVerifier verifier, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyEventAsync(eventId, ct) ?? throw new ResourceNotFound("No such event."));
}
