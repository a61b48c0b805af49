using Marten;
using MassTransit;
using SandboxRegistry.Contracts;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.IncidentClaims.Participations;

public sealed record CitedPolicy(Published.InsurancePolicy Policy, DateTimeOffset RecordedAt, SourceCitation Source);

public sealed record CitedRegister(IReadOnlyList<Published.ResponsiblePerson> Register, DateTimeOffset ChangedAt, SourceCitation Source);

/// <param name="Status">granted, suspended, resumed, terminated, expired or left.</param>
public sealed record StatusChange(string Status, DateTimeOffset At, string? Reason, SourceCitation Source);

/// <summary>
/// A participation as SandboxApplications published it, with the whole history of its insurance policies and of its
/// register of responsible persons, so that triage can answer "which policy, which persons, on date X".
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
    SourceCitation Source,
    IReadOnlyList<CitedPolicy> Policies,
    IReadOnlyList<CitedRegister> Registers,
    IReadOnlyList<StatusChange> StatusHistory)
{
    /// <summary>The policy valid on <paramref name="day"/>; when renewals overlap, the one recorded last.</summary>
    public CitedPolicy? PolicyOn(DateOnly day) =>
        Policies.Where(p => p.Policy.ValidFrom <= day && day <= p.Policy.ValidTo).MaxBy(p => p.Source.StreamVersion);

    /// <summary>
    /// The persons responsible on <paramref name="day"/>, from the latest register: each message carries the whole
    /// register with validity dates (see ResponsiblePersonsChanged).
    /// </summary>
    public (IReadOnlyList<Published.ResponsiblePerson> Persons, SourceCitation Source)? ResponsibleOn(DateOnly day) =>
        Registers.MaxBy(r => r.Source.StreamVersion) is { } latest
            ? (latest.Register.Where(p => p.ValidFrom <= day && (p.ValidTo is null || day <= p.ValidTo)).ToList(), latest.Source)
            : null;
}

/// <summary>Applies SandboxApplications' participation messages; they arrive in publish order (one ordered queue per service).</summary>
public sealed class ParticipationsConsumer(IDocumentSession session, TimeProvider clock) :
    IConsumer<Published.ParticipationGranted>,
    IConsumer<Published.ParticipationSuspended>,
    IConsumer<Published.ParticipationResumed>,
    IConsumer<Published.ParticipationTerminated>,
    IConsumer<Published.ParticipationExpired>,
    IConsumer<Published.ParticipationLeft>,
    IConsumer<Published.InsuranceRenewed>,
    IConsumer<Published.InsuranceChanged>,
    IConsumer<Published.ResponsiblePersonsChanged>
{
    public async Task Consume(ConsumeContext<Published.ParticipationGranted> context)
    {
        if (!await session.TryBeginAsync(context, nameof(ParticipationsConsumer), clock)) return;
        var m = context.Message;
        session.Insert(new KnownParticipation(m.ParticipationId, m.RegimeId, m.ProgrammeVersion, m.CompanyOgrn, m.CompanyName, m.Territory,
            m.StartsOn, m.EndsOn, m.Source, [new CitedPolicy(m.Insurance, m.GrantedAt, m.Source)],
            [new CitedRegister(m.ResponsiblePersons, m.GrantedAt, m.Source)], [new StatusChange("granted", m.GrantedAt, null, m.Source)]));
        await session.CommitAsync(context.CancellationToken);
    }

    public Task Consume(ConsumeContext<Published.ParticipationSuspended> context) => Change(context, context.Message.ParticipationId,
        p => p with { StatusHistory = [.. p.StatusHistory, new("suspended", context.Message.SuspendedAt, context.Message.Reason, context.Message.Source)] });

    public Task Consume(ConsumeContext<Published.ParticipationResumed> context) => Change(context, context.Message.ParticipationId,
        p => p with { StatusHistory = [.. p.StatusHistory, new("resumed", context.Message.ResumedAt, null, context.Message.Source)] });

    public Task Consume(ConsumeContext<Published.ParticipationTerminated> context) => Change(context, context.Message.ParticipationId,
        p => p with { StatusHistory = [.. p.StatusHistory, new("terminated", context.Message.TerminatedAt, context.Message.Reason, context.Message.Source)] });

    public Task Consume(ConsumeContext<Published.ParticipationExpired> context) => Change(context, context.Message.ParticipationId,
        p => p with { StatusHistory = [.. p.StatusHistory, new("expired", context.Message.ExpiredAt, null, context.Message.Source)] });

    public Task Consume(ConsumeContext<Published.ParticipationLeft> context) => Change(context, context.Message.ParticipationId,
        p => p with { StatusHistory = [.. p.StatusHistory, new("left", context.Message.LeftAt, context.Message.Reason, context.Message.Source)] });

    public Task Consume(ConsumeContext<Published.InsuranceRenewed> context) => Change(context, context.Message.ParticipationId,
        p => p with { Policies = [.. p.Policies, new CitedPolicy(context.Message.Policy, context.Message.RenewedAt, context.Message.Source)] });

    /// <summary>
    /// An insurer's report replaces what was known of the reported policy (a cancelled period ends early, changed terms start
    /// a period of their own) and adds a renewal's new policy; the periods are cited to the report.
    /// </summary>
    public Task Consume(ConsumeContext<Published.InsuranceChanged> context) => Change(context, context.Message.ParticipationId, p =>
    {
        var m = context.Message;
        var reported = m.Policies.Where(x => x.PolicyNumber == m.PolicyNumber).Select(x => (x.InsurerInn, x.PolicyNumber)).ToHashSet();
        var kept = p.Policies.Where(c => !reported.Contains((c.Policy.InsurerInn, c.Policy.PolicyNumber))).ToList();
        var added = m.Policies.Where(x => reported.Contains((x.InsurerInn, x.PolicyNumber)) ||
                !p.Policies.Any(c => c.Policy.InsurerInn == x.InsurerInn && c.Policy.PolicyNumber == x.PolicyNumber))
            .Select(x => new CitedPolicy(x, m.ChangedAt, m.Source));
        return p with { Policies = [.. kept, .. added] };
    });

    public Task Consume(ConsumeContext<Published.ResponsiblePersonsChanged> context) => Change(context, context.Message.ParticipationId,
        p => p with { Registers = [.. p.Registers, new CitedRegister(context.Message.Register, context.Message.ChangedAt, context.Message.Source)] });

    private async Task Change<T>(ConsumeContext<T> context, Guid participationId, Func<KnownParticipation, KnownParticipation> change)
        where T : class
    {
        if (!await session.TryBeginAsync(context, nameof(ParticipationsConsumer), clock)) return;
        // The service's queue is consumed in publish order: the grant is applied first. Should it still be missing, the retry policy waits for it.
        var known = await session.LoadAsync<KnownParticipation>(participationId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Participation {participationId} is not known yet.");
        var changed = change(known);
        // Messages of different types may overtake each other; the source stream's order is the order of record.
        session.Update(changed with { StatusHistory = changed.StatusHistory.OrderBy(s => s.Source.StreamVersion).ToList() });
        await session.CommitAsync(context.CancellationToken);
    }
}

public static class KnownParticipationsModule
{
    // Messages of one stream but of different types may be handled concurrently: a lost update is refused
    // (optimistic concurrency) and the message retried on the fresh document.
    public static void ConfigureMarten(StoreOptions options) => options.Schema.For<KnownParticipation>().UseOptimisticConcurrency(true);

    public static void ConfigureBus(IBusRegistrationConfigurator bus) => bus.AddConsumer<ParticipationsConsumer>();
}
