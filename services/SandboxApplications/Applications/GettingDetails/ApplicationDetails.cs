using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.SandboxApplications.Applications.GettingDetails;

public sealed record InformationExchange(
    IReadOnlyList<string> Questions,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    string? Answer = null,
    RecordedCorrections? Corrections = null,
    DateTimeOffset? AnsweredAt = null);

public enum DecisionOutcome { Approved, Rejected, Withdrawn }

public sealed record ApplicationDecision(
    DecisionOutcome Outcome,
    string By,
    DateTimeOffset At,
    Guid? ParticipationId = null,
    IReadOnlyList<string>? Conditions = null,
    Term? ParticipationTerm = null,
    RejectionGround? Ground = null,
    string? GroundText = null,
    IReadOnlyList<string>? Reasons = null);

/// <summary>An application as its company, regulators and auditors see it.</summary>
/// <param name="DueOn">Last day for the regulator's decision; moves when the clock was paused for information.</param>
public sealed record ApplicationDetails(
    Guid Id,
    Guid RegimeId,
    int ProgrammeVersion,
    ApplicationStatus Status,
    string CompanyOgrn,
    ApplicationForm Form,
    string? Reviewer,
    IReadOnlyList<InformationExchange> InformationRequests,
    DateOnly DueOn,
    bool ClockPaused,
    bool DeadlineMissed,
    ApplicationDecision? Decision,
    DateTimeOffset SubmittedAt) : ICompanyOwned
{
    public long Version { get; init; }

    /// <summary>Computed when read: undecided, clock running, and the due date has passed.</summary>
    public bool Overdue { get; init; }

    public ApplicationDetails AsOf(DateOnly today) => this with
    {
        Overdue = Status is ApplicationStatus.Submitted or ApplicationStatus.UnderReview && today > DueOn,
    };
}

public sealed partial class ApplicationDetailsProjection : SingleStreamProjection<ApplicationDetails, Guid>
{
    public static ApplicationDetails Create(ApplicationSubmitted e) => new(e.ApplicationId, e.RegimeId, e.ProgrammeVersion,
        ApplicationStatus.Submitted, e.Form.Company.Ogrn, e.Form, null, [], e.DueOn, false, false, null, e.SubmittedAt);

    public static ApplicationDetails Apply(ReviewerAssigned e, ApplicationDetails current) => current with
    {
        Reviewer = e.Reviewer,
        Status = current.Status == ApplicationStatus.Submitted ? ApplicationStatus.UnderReview : current.Status,
    };

    public static ApplicationDetails Apply(InformationRequested e, ApplicationDetails current) => current with
    {
        Status = ApplicationStatus.InformationRequested,
        ClockPaused = true,
        InformationRequests = [.. current.InformationRequests, new InformationExchange(e.Questions, e.RequestedBy.Subject, e.RequestedAt)],
    };

    public static ApplicationDetails Apply(InformationProvided e, ApplicationDetails current) => current with
    {
        Status = ApplicationStatus.UnderReview,
        ClockPaused = false,
        Form = e.Form,
        DueOn = e.DueOn,
        InformationRequests = [.. current.InformationRequests.SkipLast(1),
            current.InformationRequests[^1] with { Answer = e.Answer, Corrections = e.Corrections, AnsweredAt = e.ProvidedAt }],
    };

    public static ApplicationDetails Apply(ApplicationApproved e, ApplicationDetails current) => current with
    {
        Status = ApplicationStatus.Approved,
        ProgrammeVersion = e.ProgrammeVersion,
        Decision = new ApplicationDecision(DecisionOutcome.Approved, e.ApprovedBy.Subject, e.ApprovedAt, e.ParticipationId, e.Conditions,
            e.ParticipationTerm),
    };

    public static ApplicationDetails Apply(ApplicationRejected e, ApplicationDetails current) => current with
    {
        Status = ApplicationStatus.Rejected,
        ClockPaused = false,
        Decision = new ApplicationDecision(DecisionOutcome.Rejected, e.RejectedBy.Subject, e.RejectedAt, Ground: e.Ground,
            GroundText: e.GroundText, Reasons: e.Reasons),
    };

    public static ApplicationDetails Apply(ApplicationWithdrawn e, ApplicationDetails current) => current with
    {
        Status = ApplicationStatus.Withdrawn,
        ClockPaused = false,
        Decision = new ApplicationDecision(DecisionOutcome.Withdrawn, e.WithdrawnBy.Subject, e.WithdrawnAt,
            Reasons: e.Reason is null ? [] : [e.Reason]),
    };

    public static ApplicationDetails Apply(ReviewDeadlineMissed _, ApplicationDetails current) => current with { DeadlineMissed = true };
}

/// <param name="Overdue">true: only undecided applications whose due date has passed while the clock was running.</param>
public sealed record ApplicationListQuery(
    string? Status,
    Guid? RegimeId,
    string? Reviewer,
    bool? Overdue,
    int? Page,
    int? PageSize) : IPagedQuery;

public sealed class ApplicationListQueryValidator : AbstractValidator<ApplicationListQuery>
{
    public ApplicationListQueryValidator()
    {
        this.PagingRules();
        RuleFor(q => q.Status).EnumValue<ApplicationListQuery, ApplicationStatus>();
    }
}

public static class GetApplicationDetails
{
    public static async Task<IResult> List([AsParameters] ApplicationListQuery query, IQuerySession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var today = profile.Value.DateOf(clock.GetUtcNow());
        var list = session.Query<ApplicationDetails>().AsQueryable().VisibleTo(Actor.From(http.User), OwnerKind.Company, a => a.CompanyOgrn);
        if (QueryEnums.Parse<ApplicationStatus>(query.Status) is { } status) list = list.Where(a => a.Status == status);
        if (query.RegimeId is { } regimeId) list = list.Where(a => a.RegimeId == regimeId);
        if (query.Reviewer is { } reviewer) list = list.Where(a => a.Reviewer == reviewer);
        if (query.Overdue is true)
            list = list.Where(a => a.DueOn < today &&
                (a.Status == ApplicationStatus.Submitted || a.Status == ApplicationStatus.UnderReview));
        var page = await list.OrderBy(a => a.DueOn).ThenBy(a => a.Id).ToPageAsync(query, ct);
        return await http.Revealed(session, page.Select(a => a.AsOf(today)), ct);
    }

    public static async Task<IResult> Get(Guid id, IQuerySession session, TimeProvider clock, IOptions<JurisdictionProfile> profile,
        HttpContext http, CancellationToken ct)
    {
        var application = await Visible(session, id, http.User, ct);
        http.Response.SetStreamVersion(application.Version);
        return await http.Revealed(session, application.AsOf(profile.Value.DateOf(clock.GetUtcNow())), ct);
    }

    public static async Task<Ok<ListPage<HistoryEntry>>> History(Guid id, int? page, int? pageSize, IQuerySession session,
        HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        await Visible(session, id, http.User, ct);
        return TypedResults.Ok((await StreamHistory.ReadAsync(session, id, ct)).ToPage(paging));
    }

    private static async Task<ApplicationDetails> Visible(IQuerySession session, Guid id, ClaimsPrincipal user, CancellationToken ct) =>
        (await session.LoadAsync<ApplicationDetails>(id, ct)).VisibleOrNotFound(Actor.From(user));
}
