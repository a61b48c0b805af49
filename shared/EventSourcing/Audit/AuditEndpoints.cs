using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SandboxRegistry.EventSourcing.Audit;

public static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/v1/audit").WithTags("Audit");

        audit.MapGet("/streams/{streamId:guid}/verify", async (Guid streamId, ChainVerifier verifier, CancellationToken ct) =>
                await verifier.VerifyStreamAsync(streamId, ct) is { } result ? Results.Ok(result) : throw new ResourceNotFound("No such stream."))
            .RequireAuthorization(Policies.RegulatorOrAuditor)
            .WithName("VerifyStream")
            .Produces<StreamVerification>();

        audit.MapGet("/verify", async (ServiceVerifier verifier, CancellationToken ct) => Results.Ok(await verifier.VerifyAsync(ct)))
            .RequireAuthorization(Policies.RegulatorOrAuditor)
            .WithName("VerifyService")
            .Produces<ServiceVerification>();

        // Checkpoint hashes and event seals reveal nothing but hashes; publishing them lets anyone hold the service to them.
        audit.MapGet("/checkpoints", async (IQuerySession session, CancellationToken ct) =>
                Results.Ok(await session.Query<AuditCheckpoint>().OrderBy(c => c.Sequence).ToListAsync(ct)))
            .AllowAnonymous()
            .WithName("ListCheckpoints")
            .Produces<IReadOnlyList<AuditCheckpoint>>();

        audit.MapGet("/witnessed", async (string? service, IQuerySession session, CancellationToken ct) =>
                Results.Ok(await session.Query<WitnessedCheckpoint>()
                    .Where(c => service == null || c.Service == service)
                    .OrderBy(c => c.Service).ThenBy(c => c.Sequence).ToListAsync(ct)))
            .AllowAnonymous()
            .WithName("ListWitnessedCheckpoints")
            .Produces<IReadOnlyList<WitnessedCheckpoint>>();

        audit.MapGet("/events/{eventId:guid}", async (Guid eventId, IQuerySession session, CancellationToken ct) =>
                await session.LoadAsync<EventSeal>(eventId, ct) is { } seal ? Results.Ok(seal) : throw new ResourceNotFound("No such event."))
            .AllowAnonymous()
            .WithName("GetEventSeal")
            .Produces<EventSeal>();

        // What a citing service asks when it verifies a citation: the seal, and whether the chain holds up to it.
        audit.MapGet("/events/{eventId:guid}/verification", async (Guid eventId, CitationVerifier verifier, CancellationToken ct) =>
                await verifier.VerifyEventAsync(eventId, ct) is { } result ? Results.Ok(result) : throw new ResourceNotFound("No such event."))
            .AllowAnonymous()
            .WithName("VerifyEvent")
            .Produces<EventVerification>();
    }
}
