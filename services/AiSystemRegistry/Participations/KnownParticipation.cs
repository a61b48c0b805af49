using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Marten;
using MassTransit;
using SandboxRegistry.AiSystemRegistry.Deployments;
using SandboxRegistry.Contracts;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.AiSystemRegistry.Participations;

public enum ParticipationStatus { Active, Suspended, Terminated, Expired, Left }

/// <summary>
/// This service's copy of a participation, built only from SandboxApplications' messages, so that a deployment is checked
/// without calling that service. <see cref="Sources"/> lists every message applied, in order. Not public: the register of
/// responsible persons names people.
/// </summary>
public sealed record KnownParticipation(
    Guid Id,
    Guid RegimeId,
    int ProgrammeVersion,
    string CompanyOgrn,
    string CompanyName,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    ParticipationStatus Status,
    string? StatusReason,
    Published.InsurancePolicy Insurance,
    IReadOnlyList<Published.ResponsiblePerson> ResponsiblePersons,
    IReadOnlyList<SourceCitation> Sources)
{
    /// <summary>
    /// The term as instants: from the start of the first day to the end of the last, in local time where the participation
    /// runs (its territory's zone, or the regime's when the territory spans several).
    /// </summary>
    public DateTimeOffset TermStart(JurisdictionProfile profile) => profile.StartOfDay(StartsOn, profile.PlaceOf(Territory));

    /// <summary>The first instant after the term (exclusive end).</summary>
    public DateTimeOffset TermEnd(JurisdictionProfile profile) => profile.StartOfDay(EndsOn.AddDays(1), profile.PlaceOf(Territory));

    public KnownParticipation Cited(SourceCitation source) => this with { Sources = [.. Sources, source] };
}

/// <summary>Loads the participation a message is about; one not granted yet is an ordering fault, retried and then parked.</summary>
internal static class Participation
{
    public static async Task<KnownParticipation> LoadAsync(IDocumentSession session, Guid id, CancellationToken ct) =>
        await session.LoadAsync<KnownParticipation>(id, ct)
        ?? throw new InvalidOperationException($"Participation {id} is not known here: ParticipationGranted has not arrived.");

}

public sealed class ParticipationGrantedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.ParticipationGranted>
{
    public async Task Consume(ConsumeContext<Published.ParticipationGranted> context)
    {
        if (!await session.TryBeginAsync(context, nameof(ParticipationGrantedConsumer), clock)) return;
        var m = context.Message;
        var known = await session.LoadAsync<KnownParticipation>(m.ParticipationId, context.CancellationToken);
        session.Store(new KnownParticipation(m.ParticipationId, m.RegimeId, m.ProgrammeVersion, m.CompanyOgrn, m.CompanyName, m.Territory,
            m.StartsOn, m.EndsOn, ParticipationStatus.Active, null, m.Insurance, m.ResponsiblePersons, [.. known?.Sources ?? [], m.Source]));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>A suspended participation's deployments are suspended with it.</summary>
public sealed class ParticipationSuspendedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.ParticipationSuspended>
{
    public async Task Consume(ConsumeContext<Published.ParticipationSuspended> context)
    {
        if (!await session.TryBeginAsync(context, nameof(ParticipationSuspendedConsumer), clock)) return;
        var m = context.Message;
        var ct = context.CancellationToken;
        var p = await Participation.LoadAsync(session, m.ParticipationId, ct);
        session.Store(p.Cited(m.Source) with { Status = ParticipationStatus.Suspended, StatusReason = m.Reason });
        await DeploymentsModule.CascadeAsync(session, d => d.ParticipationId == m.ParticipationId,
            d => Deployment.SuspendOnItsOwn(d, $"The participation was suspended ({m.Ground}): {m.Reason}", m.Source, m.SuspendedAt), ct);
        await session.SaveChangesAsync(ct);
    }
}

public sealed class ParticipationResumedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.ParticipationResumed>
{
    public async Task Consume(ConsumeContext<Published.ParticipationResumed> context)
    {
        if (!await session.TryBeginAsync(context, nameof(ParticipationResumedConsumer), clock)) return;
        var m = context.Message;
        var ct = context.CancellationToken;
        var p = await Participation.LoadAsync(session, m.ParticipationId, ct);
        session.Store(p.Cited(m.Source) with { Status = ParticipationStatus.Active, StatusReason = null });
        await DeploymentsModule.CascadeAsync(session, d => d.ParticipationId == m.ParticipationId,
            d => Deployment.ResumeOnItsOwn(d, m.Source, m.ResumedAt), ct);
        await session.SaveChangesAsync(ct);
    }
}

public sealed class ParticipationTerminatedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.ParticipationTerminated>
{
    public async Task Consume(ConsumeContext<Published.ParticipationTerminated> context)
    {
        if (!await session.TryBeginAsync(context, nameof(ParticipationTerminatedConsumer), clock)) return;
        var m = context.Message;
        var ct = context.CancellationToken;
        var p = await Participation.LoadAsync(session, m.ParticipationId, ct);
        session.Store(p.Cited(m.Source) with { Status = ParticipationStatus.Terminated, StatusReason = m.Reason });
        await DeploymentsModule.CascadeAsync(session, d => d.ParticipationId == m.ParticipationId,
            d => Deployment.EndOnItsOwn(d, $"The participation was terminated: {m.Reason}", m.Source, m.TerminatedAt, clock.GetUtcNow()), ct);
        await session.SaveChangesAsync(ct);
    }
}

/// <summary>A participant that leaves the regime of its own accord takes its deployments out of service with it.</summary>
public sealed class ParticipationLeftConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.ParticipationLeft>
{
    public async Task Consume(ConsumeContext<Published.ParticipationLeft> context)
    {
        if (!await session.TryBeginAsync(context, nameof(ParticipationLeftConsumer), clock)) return;
        var m = context.Message;
        var ct = context.CancellationToken;
        var p = await Participation.LoadAsync(session, m.ParticipationId, ct);
        session.Store(p.Cited(m.Source) with { Status = ParticipationStatus.Left, StatusReason = m.Reason });
        await DeploymentsModule.CascadeAsync(session, d => d.ParticipationId == m.ParticipationId,
            d => Deployment.EndOnItsOwn(d, $"The participant left the regime on {m.LeftOn:yyyy-MM-dd}: {m.Reason}", m.Source, m.LeftAt, clock.GetUtcNow()), ct);
        await session.SaveChangesAsync(ct);
    }
}

public sealed class ParticipationExpiredConsumer(IDocumentSession session, TimeProvider clock, IOptions<JurisdictionProfile> profile)
    : IConsumer<Published.ParticipationExpired>
{
    public async Task Consume(ConsumeContext<Published.ParticipationExpired> context)
    {
        if (!await session.TryBeginAsync(context, nameof(ParticipationExpiredConsumer), clock)) return;
        var m = context.Message;
        var ct = context.CancellationToken;
        var p = await Participation.LoadAsync(session, m.ParticipationId, ct);
        session.Store(p.Cited(m.Source) with { Status = ParticipationStatus.Expired, StatusReason = $"The term ended on {m.EndedOn:yyyy-MM-dd}." });
        await DeploymentsModule.CascadeAsync(session, d => d.ParticipationId == m.ParticipationId,
            d => Deployment.EndOnItsOwn(d, $"The participation's term ended on {m.EndedOn:yyyy-MM-dd}.", m.Source, p.TermEnd(profile.Value), clock.GetUtcNow()), ct);
        await session.SaveChangesAsync(ct);
    }
}

public sealed class InsuranceRenewedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.InsuranceRenewed>
{
    public async Task Consume(ConsumeContext<Published.InsuranceRenewed> context)
    {
        if (!await session.TryBeginAsync(context, nameof(InsuranceRenewedConsumer), clock)) return;
        var m = context.Message;
        var p = await Participation.LoadAsync(session, m.ParticipationId, context.CancellationToken);
        session.Store(p.Cited(m.Source) with { Insurance = m.Policy });
        await session.SaveChangesAsync(context.CancellationToken);
    }
}

public sealed class ResponsiblePersonsChangedConsumer(IDocumentSession session, TimeProvider clock)
    : IConsumer<Published.ResponsiblePersonsChanged>
{
    public async Task Consume(ConsumeContext<Published.ResponsiblePersonsChanged> context)
    {
        if (!await session.TryBeginAsync(context, nameof(ResponsiblePersonsChangedConsumer), clock)) return;
        var m = context.Message;
        var p = await Participation.LoadAsync(session, m.ParticipationId, context.CancellationToken);
        session.Store(p.Cited(m.Source) with { ResponsiblePersons = m.Register });
        await session.SaveChangesAsync(context.CancellationToken);
    }
}

public static class ParticipationsModule
{
    /// <summary>
    /// Optimistic concurrency on the copy: a deployment checked against it and a message changing it cannot both commit on
    /// the same version, so a suspension never misses a deployment made at the same moment (one side is retried).
    /// </summary>
    public static void ConfigureMarten(StoreOptions options) =>
        options.Schema.For<KnownParticipation>().Index(p => p.CompanyOgrn).UseOptimisticConcurrency(true);

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ParticipationGrantedConsumer>();
        bus.AddConsumer<ParticipationSuspendedConsumer>();
        bus.AddConsumer<ParticipationResumedConsumer>();
        bus.AddConsumer<ParticipationTerminatedConsumer>();
        bus.AddConsumer<ParticipationExpiredConsumer>();
        bus.AddConsumer<ParticipationLeftConsumer>();
        bus.AddConsumer<InsuranceRenewedConsumer>();
        bus.AddConsumer<ResponsiblePersonsChangedConsumer>();
    }

    /// <summary>The local copy, for its company and officials: what deployments are checked against.</summary>
    public static IEndpointRouteBuilder MapKnownParticipations(this IEndpointRouteBuilder app)
    {
        var participations = app.MapApi("/api/v1/participations", "Participations");
        participations.MapGet("/{id:guid}", Get).Read(Access.OwnerOrOfficialPolicy);
        return app;
    }

    public static async Task<Ok<KnownParticipation>> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var participation = await session.LoadAsync<KnownParticipation>(id, ct);
        if (participation is null || !Actor.From(http.User).Sees(ResourceOwner.Company(participation.CompanyOgrn)))
            throw new ResourceNotFound("No such participation is known here.");
        return TypedResults.Ok(participation);
    }
}
