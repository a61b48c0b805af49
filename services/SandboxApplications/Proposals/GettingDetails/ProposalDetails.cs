using FluentValidation;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Proposals.GettingDetails;

/// <summary>
/// One statutory clock of a round: due on <see cref="DueOn"/>, met on <see cref="MetOn"/> (the day of the act that stopped it),
/// or ended unmet (an opinion period that ran out with bodies unanswered, a round that was returned).
/// </summary>
public sealed record ProposalClock(string Name, int Round, DateOnly DueOn, DateOnly? MetOn = null, bool Ended = false, bool Missed = false)
{
    /// <summary>Whether the clock was met after its day; null while it runs or when it ended unmet. Derived from the two dates.</summary>
    public bool? MetLate => MetOn is { } met ? met > DueOn : null;

    public bool Running => MetOn is null && !Ended;
}

/// <param name="Late">Received after its body's period.</param>
public sealed record OpinionEntry(int Round, string Body, BodyKind Kind, OpinionConclusion Conclusion, string Text, DateOnly ReceivedOn,
    DateOnly DueOn, bool Late, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record ProposalReturn(int Round, ReturnStage Stage, IReadOnlyList<string> Reasons, DateOnly ReturnedOn, string ReturnedBy);

/// <summary>A resubmission: what the initiator changed, and when.</summary>
public sealed record ProposalRevision(int Round, string Changes, DateTimeOffset ResubmittedAt);

public enum ProposalOutcome { Approved, Refused }

public sealed record ProposalDecision(ProposalOutcome Outcome, DateOnly DecidedOn, string By, Guid? RegimeId = null, LegalBasis? LegalBasis = null,
    string? Text = null, ProposalRefusalGround? Ground = null, IReadOnlyList<string>? Reasons = null);

/// <summary>A proposal as its initiator, regulators and auditors see it.</summary>
/// <param name="NextDueOn">The soonest day a running clock is due: the regulators' work queue is ordered by it.</param>
public sealed record ProposalDetails(
    Guid Id,
    ProposalStatus Status,
    int Round,
    string CompanyOgrn,
    Initiator Initiator,
    ProposalContent Content,
    string? RegistrationNumber,
    DateOnly? RegisteredOn,
    IReadOnlyList<ConsultedBody> Bodies,
    IReadOnlyList<OpinionEntry> Opinions,
    IReadOnlyList<ProposalReturn> Returns,
    IReadOnlyList<ProposalRevision> Revisions,
    IReadOnlyList<ProposalClock> Clocks,
    ProposalDecision? Decision,
    DateOnly? NextDueOn,
    DateTimeOffset SubmittedAt) : ICompanyOwned
{
    public long Version { get; init; }

    /// <summary>Registered at least once: the draft, its procedure and public comments are open to everyone.</summary>
    public bool Public { get; init; }

    /// <summary>The next day a scheduled check has something to record (a clock to mark missed, a consultation to close).</summary>
    public DateOnly? NextCheckOn { get; init; }

    /// <summary>Computed when read: a running clock's day has passed.</summary>
    public bool Overdue { get; init; }

    public ProposalDetails AsOf(DateOnly today) => this with { Overdue = NextDueOn < today };

    /// <summary>The consulted bodies that have not answered in the current round.</summary>
    public IEnumerable<ConsultedBody> Unanswered(BodyKind? kind = null) => Bodies
        .Where(b => kind is null || (b.Kind == BodyKind.RegulatoryBody) == (kind == BodyKind.RegulatoryBody))
        .Where(b => !Opinions.Any(o => o.Round == Round && string.Equals(o.Body, b.Name, StringComparison.OrdinalIgnoreCase)));
}

public sealed partial class ProposalDetailsProjection : SingleStreamProjection<ProposalDetails, Guid>
{
    public static ProposalDetails Create(ProposalSubmitted e) => Scheduled(new ProposalDetails(e.ProposalId, ProposalStatus.Submitted, e.Round,
        e.Initiator.Ogrn, e.Initiator, e.Content, null, null, [], [], [], [], [new ProposalClock(ProposalClocks.Registration, e.Round, e.RegistrationDueOn)],
        null, null, e.SubmittedAt));

    public static ProposalDetails Apply(ProposalResubmitted e, ProposalDetails current) => Scheduled(current with
    {
        Status = ProposalStatus.Submitted,
        Round = e.Round,
        Content = e.Content,
        RegistrationNumber = null,
        RegisteredOn = null,
        Bodies = [],
        Revisions = [.. current.Revisions, new ProposalRevision(e.Round, e.Changes, e.ResubmittedAt)],
        Clocks = [.. current.Clocks, new ProposalClock(ProposalClocks.Registration, e.Round, e.RegistrationDueOn)],
    });

    public static ProposalDetails Apply(ProposalRegistered e, ProposalDetails current)
    {
        var clocks = Meet(current.Clocks, ProposalClocks.Registration, e.Round, e.RegisteredOn).ToList();
        if (e.RegulatorsDueOn is { } r) clocks.Add(new ProposalClock(ProposalClocks.RegulatorOpinions, e.Round, r));
        if (e.OthersDueOn is { } o) clocks.Add(new ProposalClock(ProposalClocks.OtherOpinions, e.Round, o));
        return Scheduled(current with
        {
            Status = ProposalStatus.UnderConsultation, RegistrationNumber = e.RegistrationNumber, RegisteredOn = e.RegisteredOn, Bodies = e.Bodies,
            Clocks = clocks, Public = true,
        });
    }

    public static ProposalDetails Apply(ProposalReturned e, ProposalDetails current)
    {
        var clock = e.Stage == ReturnStage.Registration ? ProposalClocks.Registration : ProposalClocks.Decision;
        return Scheduled(current with
        {
            Status = ProposalStatus.Returned,
            Returns = [.. current.Returns, new ProposalReturn(e.Round, e.Stage, e.Reasons, e.ReturnedOn, e.ReturnedBy.Subject)],
            Clocks = Meet(current.Clocks, clock, e.Round, e.ReturnedOn),
        });
    }

    public static ProposalDetails Apply(OpinionRecorded e, ProposalDetails current)
    {
        var o = e.Opinion;
        var next = current with
        {
            Opinions = [.. current.Opinions, new OpinionEntry(e.Round, o.Body, o.Kind, o.Conclusion, o.Text, o.ReceivedOn, e.DueOn,
                o.ReceivedOn > e.DueOn, e.RecordedBy.Subject, e.RecordedAt)],
        };
        // The kind's clock is met when the last of its bodies answered, on the day that opinion arrived.
        var clock = ProposalClocks.For(o.Kind);
        if (next.Unanswered(o.Kind).Any()) return Scheduled(next);
        var metOn = next.Opinions.Where(x => x.Round == e.Round && ProposalClocks.For(x.Kind) == clock).Max(x => x.ReceivedOn);
        return Scheduled(next with { Clocks = Meet(next.Clocks, clock, e.Round, metOn) });
    }

    public static ProposalDetails Apply(ConsultationClosed e, ProposalDetails current) => Scheduled(current with
    {
        Status = ProposalStatus.AwaitingDecision,
        Clocks = [.. current.Clocks.Select(c => c.Round == e.Round && c.Running && c.Name is ProposalClocks.RegulatorOpinions or ProposalClocks.OtherOpinions
            ? c with { Ended = true } : c), new ProposalClock(ProposalClocks.Decision, e.Round, e.DecisionDueOn)],
    });

    public static ProposalDetails Apply(ProposalDeadlineMissed e, ProposalDetails current) => Scheduled(current with
    {
        Clocks = current.Clocks.Select(c => c.Round == e.Round && c.Name == e.Clock ? c with { Missed = true } : c).ToList(),
    });

    public static ProposalDetails Apply(ProposalApproved e, ProposalDetails current) => Scheduled(current with
    {
        Status = ProposalStatus.Approved,
        Decision = new ProposalDecision(ProposalOutcome.Approved, e.DecidedOn, e.ApprovedBy.Subject, e.RegimeId, e.LegalBasis, e.Text),
        Clocks = Meet(current.Clocks, ProposalClocks.Decision, current.Round, e.DecidedOn),
    });

    public static ProposalDetails Apply(ProposalRefused e, ProposalDetails current) => Scheduled(current with
    {
        Status = ProposalStatus.Refused,
        Decision = new ProposalDecision(ProposalOutcome.Refused, e.DecidedOn, e.RefusedBy.Subject, Ground: e.Ground, Reasons: e.Reasons),
        Clocks = Meet(current.Clocks, ProposalClocks.Decision, current.Round, e.DecidedOn),
    });

    private static IReadOnlyList<ProposalClock> Meet(IEnumerable<ProposalClock> clocks, string name, int round, DateOnly on) =>
        clocks.Select(c => c.Name == name && c.Round == round && c.Running ? c with { MetOn = on } : c).ToList();

    /// <summary>The queue's and the scheduled check's days, from the running clocks.</summary>
    private static ProposalDetails Scheduled(ProposalDetails p)
    {
        var running = p.Clocks.Where(c => c.Running && c.Round == p.Round).ToList();
        var checks = running.Where(c => !c.Missed).Select(c => (DateOnly?)c.DueOn).ToList();
        // Under consultation the check also closes it the day after the last opinion period ends.
        if (p.Status == ProposalStatus.UnderConsultation)
            checks.Add(p.Clocks.Where(c => c.Round == p.Round && c.Name is ProposalClocks.RegulatorOpinions or ProposalClocks.OtherOpinions)
                .Max(c => (DateOnly?)c.DueOn));
        return p with { NextDueOn = running.Min(c => (DateOnly?)c.DueOn), NextCheckOn = checks.Min() };
    }
}

/// <param name="Overdue">true: only proposals with a running clock whose day has passed.</param>
public sealed record ProposalListQuery(string? Status, bool? Overdue, int? Page, int? PageSize) : IPagedQuery;

public sealed class ProposalListQueryValidator : AbstractValidator<ProposalListQuery>
{
    public ProposalListQueryValidator()
    {
        this.PagingRules();
        RuleFor(q => q.Status).EnumValue<ProposalListQuery, ProposalStatus>();
    }
}

public static class GetProposalDetails
{
    /// <summary>The work queue: soonest due first (proposals with no running clock last), overdue flagged.</summary>
    public static async Task<Ok<ListPage<ProposalDetails>>> List([AsParameters] ProposalListQuery query, IQuerySession session,
        TimeProvider clock, IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var today = profile.Value.DateOf(clock.GetUtcNow());
        var list = session.Query<ProposalDetails>().AsQueryable().VisibleTo(Actor.From(http.User), OwnerKind.Company, p => p.CompanyOgrn);
        if (QueryEnums.Parse<ProposalStatus>(query.Status) is { } status) list = list.Where(p => p.Status == status);
        if (query.Overdue is true) list = list.Where(p => p.NextDueOn != null && p.NextDueOn < today);
        // PostgreSQL sorts nulls last in ascending order: proposals with no running clock come after the queue.
        var page = await list.OrderBy(p => p.NextDueOn).ThenBy(p => p.Id).ToPageAsync(query, ct);
        return TypedResults.Ok(page.Select(p => p.AsOf(today)));
    }

    public static async Task<Ok<ProposalDetails>> Get(Guid id, IQuerySession session, TimeProvider clock, IOptions<JurisdictionProfile> profile,
        HttpContext http, CancellationToken ct)
    {
        var proposal = await Visible(session, id, http, ct);
        http.Response.SetStreamVersion(proposal.Version);
        return TypedResults.Ok(proposal.AsOf(profile.Value.DateOf(clock.GetUtcNow())));
    }

    public static async Task<Ok<ListPage<HistoryEntry>>> History(Guid id, int? page, int? pageSize, IQuerySession session, HttpContext http,
        CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        await Visible(session, id, http, ct);
        return TypedResults.Ok((await StreamHistory.ReadAsync(session, id, ct)).ToPage(paging));
    }

    private static async Task<ProposalDetails> Visible(IQuerySession session, Guid id, HttpContext http, CancellationToken ct) =>
        (await session.LoadAsync<ProposalDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User), "No such proposal.");
}
