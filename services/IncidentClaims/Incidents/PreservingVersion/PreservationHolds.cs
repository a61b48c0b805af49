using Microsoft.AspNetCore.Http.HttpResults;
using FluentValidation;
using Marten;
using MassTransit;
using SandboxRegistry.Contracts;
using Registry = SandboxRegistry.Contracts.AiSystemRegistry;

namespace SandboxRegistry.IncidentClaims.Incidents.PreservingVersion;

/// <summary>
/// AI Act art. 73(6): once a serious incident is linked, the version concerned is not altered in a way that affects evaluating
/// its cause before the authorities have examined it. Placed with the link (a serious incident only), moved by a link
/// correction, lifted by the regulator alone. AiSystemRegistry applies it and acknowledges (<see cref="PreservationHoldApplied"/>).
/// </summary>
public sealed record PreservationHoldPlaced(Guid IncidentId, Guid HoldId, Guid AiSystemId, Guid VersionId, string Version,
    IReadOnlyList<string> Grounds, Actor PlacedBy, DateTimeOffset PlacedAt);

public sealed record PreservationHoldLifted(Guid IncidentId, Guid HoldId, Guid AiSystemId, Guid VersionId, string Version,
    [property: FreeText] string Reason, Actor LiftedBy, DateTimeOffset LiftedAt);

/// <summary>AiSystemRegistry recorded the hold at <paramref name="AppliedAt"/>; <paramref name="Source"/> cites its event.</summary>
public sealed record PreservationHoldApplied(Guid IncidentId, Guid HoldId, Guid VersionId, SourceCitation Source, DateTimeOffset AppliedAt);

/// <summary>AiSystemRegistry removed the lifted hold; <paramref name="StillHeld"/>: other incidents still hold the version.</summary>
public sealed record PreservationHoldReleased(Guid IncidentId, Guid HoldId, Guid VersionId, bool StillHeld, SourceCitation Source,
    DateTimeOffset ReleasedAt);

/// <summary>A hold of the incident as its decisions need it.</summary>
public sealed record HoldState(Guid HoldId, Guid AiSystemId, Guid VersionId, string Version, bool Lifted, bool Applied = false,
    bool Released = false);

public sealed record LiftPreservationHoldRequest([property: FreeText] string Reason);

public sealed class LiftPreservationHoldValidator : AbstractValidator<LiftPreservationHoldRequest>
{
    public LiftPreservationHoldValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000);
}

public static class PreservationHolds
{
    /// <summary>The hold a link of a serious incident places on its version; none for an incident that is not serious.</summary>
    public static PreservationHoldPlaced? OnLink(Incident incident, LinkedVersion version, Guid holdId, Actor by, DateTimeOffset now,
        IReadOnlyList<string> grounds) =>
        incident.Serious ? new PreservationHoldPlaced(incident.Id, holdId, version.AiSystemId, version.VersionId, version.Version, grounds, by, now) : null;

    public static PreservationHoldLifted Lift(Incident incident, string reason, Actor by, DateTimeOffset now)
    {
        var hold = incident.ActiveHold
            ?? throw new DomainRuleViolation("no-preservation-hold", "The incident holds no version: there is nothing to lift.");
        return new PreservationHoldLifted(incident.Id, hold.HoldId, hold.AiSystemId, hold.VersionId, hold.Version, reason.Trim(), by, now);
    }

    /// <summary>The regulator lifts the incident's hold with a reason; the registry releases the version once no other hold remains.</summary>
    public static Task<Ok<Changed>> HandleLift(Guid id, LiftPreservationHoldRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => Lift(i, request.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);

    /// <summary>Null when the acknowledgement is already recorded, or names a hold this incident never placed.</summary>
    public static PreservationHoldApplied? Acknowledge(Incident incident, Registry.PreservationHoldApplied m) =>
        incident.Holds.Any(h => h.HoldId == m.HoldId && !h.Applied)
            ? new PreservationHoldApplied(incident.Id, m.HoldId, m.VersionId, m.Source, m.AppliedAt)
            : null;

    public static PreservationHoldReleased? Acknowledge(Incident incident, Registry.PreservationHoldReleased m) =>
        incident.Holds.Any(h => h.HoldId == m.HoldId && !h.Released)
            ? new PreservationHoldReleased(incident.Id, m.HoldId, m.VersionId, m.StillHeld, m.Source, m.ReleasedAt)
            : null;
}

/// <summary>Records the registry's acknowledgements in the incident's stream, so the dossier shows when the registry applied a hold.</summary>
public sealed class PreservationHoldAcknowledgementsConsumer(IDocumentSession session, TimeProvider clock) :
    IConsumer<Registry.PreservationHoldApplied>,
    IConsumer<Registry.PreservationHoldReleased>
{
    public Task Consume(ConsumeContext<Registry.PreservationHoldApplied> context) =>
        Record(context, context.Message.IncidentId, i => PreservationHolds.Acknowledge(i, context.Message));

    public Task Consume(ConsumeContext<Registry.PreservationHoldReleased> context) =>
        Record(context, context.Message.IncidentId, i => PreservationHolds.Acknowledge(i, context.Message));

    private async Task Record<T>(ConsumeContext<T> context, Guid incidentId, Func<Incident, object?> decide) where T : class
    {
        if (!await session.TryBeginAsync(context, nameof(PreservationHoldAcknowledgementsConsumer), clock)) return;
        var stream = await session.Events.FetchForWriting<Incident>(incidentId, context.CancellationToken);
        // The registry acknowledges only holds this service placed, so an unknown incident is a fault to retry and then park.
        if (stream.Aggregate is not { } incident) throw new InvalidOperationException($"Incident {incidentId} is not recorded here.");
        if (decide(incident) is { } acknowledged) stream.AppendOne(acknowledged);
        await session.CommitAsync(context.CancellationToken);
    }
}
