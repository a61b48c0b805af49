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

/// <summary>
/// Applies SandboxApplications' participation messages in publish order (the service's ordered queue). A suspension, an
/// ending or an exit takes the participation's deployments with it. Each message type keeps the inbox name it had as a
/// consumer of its own (<c>{Message}Consumer</c>), so that a redelivery across an upgrade is still recognised.
/// </summary>
public sealed class ParticipationsConsumer(IDocumentSession session, TimeProvider clock, IOptions<JurisdictionProfile> profile) :
    IConsumer<Published.ParticipationGranted>,
    IConsumer<Published.ParticipationSuspended>,
    IConsumer<Published.ParticipationResumed>,
    IConsumer<Published.ParticipationTerminated>,
    IConsumer<Published.ParticipationLeft>,
    IConsumer<Published.ParticipationExpired>,
    IConsumer<Published.InsuranceRenewed>,
    IConsumer<Published.InsuranceChanged>,
    IConsumer<Published.ResponsiblePersonsChanged>
{
    public async Task Consume(ConsumeContext<Published.ParticipationGranted> context)
    {
        if (!await session.TryBeginAsync(context, Inbox<Published.ParticipationGranted>(), clock)) return;
        var m = context.Message;
        var known = await session.LoadAsync<KnownParticipation>(m.ParticipationId, context.CancellationToken);
        session.Store(new KnownParticipation(m.ParticipationId, m.RegimeId, m.ProgrammeVersion, m.CompanyOgrn, m.CompanyName, m.Territory,
            m.StartsOn, m.EndsOn, ParticipationStatus.Active, null, m.Insurance, m.ResponsiblePersons, [.. known?.Sources ?? [], m.Source]));
        await session.CommitAsync(context.CancellationToken);
    }

    /// <summary>A suspended participation's deployments are suspended with it.</summary>
    public Task Consume(ConsumeContext<Published.ParticipationSuspended> context)
    {
        var m = context.Message;
        return Change(context, m.ParticipationId, m.Source, p => p with { Status = ParticipationStatus.Suspended, StatusReason = m.Reason },
            _ => d => Deployment.SuspendOnItsOwn(d, $"The participation was suspended ({m.Ground}): {m.Reason}", m.Source, m.SuspendedAt));
    }

    public Task Consume(ConsumeContext<Published.ParticipationResumed> context)
    {
        var m = context.Message;
        return Change(context, m.ParticipationId, m.Source, p => p with { Status = ParticipationStatus.Active, StatusReason = null },
            _ => d => Deployment.ResumeOnItsOwn(d, m.Source, m.ResumedAt));
    }

    public Task Consume(ConsumeContext<Published.ParticipationTerminated> context)
    {
        var m = context.Message;
        return Change(context, m.ParticipationId, m.Source, p => p with { Status = ParticipationStatus.Terminated, StatusReason = m.Reason },
            _ => d => Deployment.EndOnItsOwn(d, $"The participation was terminated: {m.Reason}", m.Source, m.TerminatedAt, clock.GetUtcNow()));
    }

    /// <summary>A participant that leaves the regime of its own accord takes its deployments out of service with it.</summary>
    public Task Consume(ConsumeContext<Published.ParticipationLeft> context)
    {
        var m = context.Message;
        return Change(context, m.ParticipationId, m.Source, p => p with { Status = ParticipationStatus.Left, StatusReason = m.Reason },
            _ => d => Deployment.EndOnItsOwn(d, $"The participant left the regime on {m.LeftOn:yyyy-MM-dd}: {m.Reason}", m.Source, m.LeftAt,
                clock.GetUtcNow()));
    }

    /// <summary>The deployments end where the term ended: at the start of the day after its last, in local time.</summary>
    public Task Consume(ConsumeContext<Published.ParticipationExpired> context)
    {
        var m = context.Message;
        return Change(context, m.ParticipationId, m.Source,
            p => p with { Status = ParticipationStatus.Expired, StatusReason = $"The term ended on {m.EndedOn:yyyy-MM-dd}." },
            p => d => Deployment.EndOnItsOwn(d, $"The participation's term ended on {m.EndedOn:yyyy-MM-dd}.", m.Source, p.TermEnd(profile.Value),
                clock.GetUtcNow()));
    }

    public Task Consume(ConsumeContext<Published.InsuranceRenewed> context) =>
        Change(context, context.Message.ParticipationId, context.Message.Source, p => p with { Insurance = context.Message.Policy });

    /// <summary>
    /// An insurer's report: the copy holds the policy period that runs furthest as the report leaves them (a renewal's new
    /// period, or the reported one cut short). A lapse that no longer meets the programme arrives as its own
    /// ParticipationSuspended, which suspends the deployments.
    /// </summary>
    public Task Consume(ConsumeContext<Published.InsuranceChanged> context)
    {
        var m = context.Message;
        return Change(context, m.ParticipationId, m.Source, p => p with { Insurance = m.Policies.MaxBy(x => x.ValidTo) ?? p.Insurance });
    }

    public Task Consume(ConsumeContext<Published.ResponsiblePersonsChanged> context) =>
        Change(context, context.Message.ParticipationId, context.Message.Source, p => p with { ResponsiblePersons = context.Message.Register });

    private static string Inbox<T>() => typeof(T).Name + "Consumer";

    /// <summary>
    /// Applies <paramref name="change"/> to the copy, cites the message, and hands every deployment of the participation
    /// still in service to the decision <paramref name="cascade"/> makes from the participation as it was.
    /// </summary>
    private async Task Change<T>(ConsumeContext<T> context, Guid participationId, SourceCitation source,
        Func<KnownParticipation, KnownParticipation> change, Func<KnownParticipation, Func<Deployment, object?>>? cascade = null) where T : class
    {
        if (!await session.TryBeginAsync(context, Inbox<T>(), clock)) return;
        var ct = context.CancellationToken;
        var p = await Participation.LoadAsync(session, participationId, ct);
        session.Store(change(p.Cited(source)));
        if (cascade is not null)
            await DeploymentsModule.CascadeAsync(session, d => d.ParticipationId == participationId, cascade(p), ct);
        await session.CommitAsync(ct);
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

    public static void ConfigureBus(IBusRegistrationConfigurator bus) => bus.AddConsumer<ParticipationsConsumer>();

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
