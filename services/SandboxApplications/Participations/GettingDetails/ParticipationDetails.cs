using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.SandboxApplications.Regimes.GettingDetails;

namespace SandboxRegistry.SandboxApplications.Participations.GettingDetails;

public sealed record Suspension(SuspensionGround Ground, string Reason, string By, DateTimeOffset At);

public sealed record ExitAssessment(Leaving.ExitConclusion Conclusion, string Text, string By, DateTimeOffset At);

/// <summary>The participant's voluntary exit, its exit report and the regulator's assessment.</summary>
public sealed record Exit(string Reason, DateOnly LeftOn, string By, DateTimeOffset At, ExitReport? Report, DateTimeOffset? ReportedAt,
    ExitAssessment? Assessment);

/// <summary>What the public register shows of an exit: the date, the participant's public summary, the regulator's conclusion.</summary>
public sealed record PublicExit(DateOnly LeftOn, string? PublicSummary, Leaving.ExitConclusion? Assessment);

/// <summary>An event an insurer reported about one of the participant's policies.</summary>
public sealed record InsurerNotice(Guid NoticeId, InsuranceEventKind Kind, string PolicyNumber, DateOnly EffectiveOn, string Reason,
    string ReportedBy, DateTimeOffset ReportedAt);

/// <summary>A participation as its company, regulators and auditors see it (with contacts of responsible persons).</summary>
public sealed record ParticipationDetails(
    Guid Id,
    Guid ApplicationId,
    Guid RegimeId,
    int ProgrammeVersion,
    ParticipationStatus Status,
    string CompanyOgrn,
    Company Company,
    IReadOnlyList<string> Territory,
    Term Term,
    IReadOnlyList<string> Conditions,
    InsurancePolicy Insurance,
    IReadOnlyList<InsurancePolicy> InsuranceHistory,
    IReadOnlyList<ResponsiblePersonEntry> ResponsiblePersons,
    Suspension? Suspension,
    string? EndReason,
    DateTimeOffset GrantedAt,
    DateTimeOffset? EndedAt) : ICompanyOwned
{
    public long Version { get; init; }

    /// <summary>Every policy period as it stands after insurers' reports: what cover held on each day.</summary>
    public IReadOnlyList<InsurancePolicy> Policies { get; init; } = [];

    public Exit? Exit { get; init; }

    /// <summary>What insurers reported, oldest first.</summary>
    public IReadOnlyList<InsurerNotice> InsurerNotices { get; init; } = [];

    /// <summary>"INN/number" of every policy the participation ever held, to find it by an insurer's report.</summary>
    public IReadOnlyList<string> PolicyKeys { get; init; } = [];

    public static string PolicyKey(string insurerInn, string policyNumber) => $"{insurerInn}/{policyNumber}";

    public ParticipationDetails WithPolicies(IReadOnlyList<InsurancePolicy> policies) => this with
    {
        Policies = policies,
        Insurance = policies.OrderBy(p => p.ValidFrom).Last(),
        PolicyKeys = PolicyKeys.Union(policies.Select(p => PolicyKey(p.InsurerInn, p.PolicyNumber))).ToList(),
    };
}

public sealed partial class ParticipationDetailsProjection : SingleStreamProjection<ParticipationDetails, Guid>
{
    public static ParticipationDetails Create(ParticipationGranted e) => new ParticipationDetails(e.ParticipationId, e.ApplicationId,
        e.RegimeId, e.ProgrammeVersion, ParticipationStatus.Active, e.Company.Ogrn, e.Company, e.Territory, e.Term, e.Conditions,
        e.Insurance, [e.Insurance], e.ResponsiblePersons, null, null, e.GrantedAt, null).WithPolicies([e.Insurance]);

    public static ParticipationDetails Apply(ParticipationSuspended e, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Suspended, Suspension = new Suspension(e.Ground, e.Reason, e.SuspendedBy.Subject, e.SuspendedAt),
    };

    public static ParticipationDetails Apply(ParticipationResumed _, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Active, Suspension = null,
    };

    public static ParticipationDetails Apply(ParticipationTerminated e, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Terminated, EndReason = e.Reason, EndedAt = e.TerminatedAt,
    };

    public static ParticipationDetails Apply(ParticipationExpired e, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Expired, EndReason = "term ended", EndedAt = e.ExpiredAt,
    };

    public static ParticipationDetails Apply(ParticipationLeft e, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Left, EndReason = e.Reason, EndedAt = e.LeftAt,
        Exit = new Exit(e.Reason, e.LeftOn, e.LeftBy.Subject, e.LeftAt, null, null, null),
    };

    public static ParticipationDetails Apply(ExitReportFiled e, ParticipationDetails current) => current with
    {
        Exit = current.Exit! with { Report = e.Report, ReportedAt = e.FiledAt },
    };

    public static ParticipationDetails Apply(ExitAssessed e, ParticipationDetails current) => current with
    {
        Exit = current.Exit! with { Assessment = new ExitAssessment(e.Conclusion, e.Text, e.AssessedBy.Subject, e.AssessedAt) },
    };

    public static ParticipationDetails Apply(InsuranceRenewed e, ParticipationDetails current) =>
        current.WithPolicies([.. current.Policies, e.Policy]) with
        {
            Insurance = e.Policy, InsuranceHistory = [.. current.InsuranceHistory, e.Policy],
        };

    public static ParticipationDetails Apply(InsuranceEventReported e, ParticipationDetails current) =>
        current.WithPolicies(e.Policies) with
        {
            InsurerNotices = [.. current.InsurerNotices,
                new InsurerNotice(e.NoticeId, e.Kind, e.PolicyNumber, e.EffectiveOn, e.Reason, e.ReportedBy.ClientId ?? e.ReportedBy.Subject, e.ReportedAt)],
        };

    public static ParticipationDetails Apply(ResponsiblePersonAdded e, ParticipationDetails current) =>
        current with { ResponsiblePersons = e.Register };

    public static ParticipationDetails Apply(ResponsiblePersonRemoved e, ParticipationDetails current) =>
        current with { ResponsiblePersons = e.Register };
}

public sealed record ParticipationListQuery(string? Status, Guid? RegimeId, int? Page, int? PageSize) : IPagedQuery;

public sealed class ParticipationListQueryValidator : AbstractValidator<ParticipationListQuery>
{
    public ParticipationListQueryValidator()
    {
        this.PagingRules();
        RuleFor(q => q.Status).EnumValue<ParticipationListQuery, ParticipationStatus>();
    }
}

/// <summary>A line of the public register of subjects: no personal data, no contacts.</summary>
public sealed record RegisterEntry(
    Guid ParticipationId,
    string CompanyName,
    string Ogrn,
    Guid RegimeId,
    string? RegimeTitle,
    ParticipationStatus Status,
    DateOnly StartsOn,
    DateOnly EndsOn,
    PublicExit? Exit = null);

public static class GetParticipationDetails
{
    public static async Task<IResult> List([AsParameters] ParticipationListQuery query, IQuerySession session, HttpContext http,
        CancellationToken ct)
    {
        var list = Filter(session, query).VisibleTo(Actor.From(http.User), OwnerKind.Company, p => p.CompanyOgrn);
        return await http.Revealed(session, await list.OrderBy(p => p.GrantedAt).ThenBy(p => p.Id).ToPageAsync(query, ct), ct);
    }

    public static async Task<IResult> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var participation = await Visible(session, id, http.User, ct);
        http.Response.SetStreamVersion(participation.Version);
        return await http.Revealed(session, participation, ct);
    }

    public static async Task<Ok<ListPage<HistoryEntry>>> History(Guid id, int? page, int? pageSize, IQuerySession session,
        HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        await Visible(session, id, http.User, ct);
        return TypedResults.Ok((await StreamHistory.ReadAsync(session, id, ct)).ToPage(paging));
    }

    /// <summary>"Who was responsible on date X": entries whose validity includes that day (today when no date is given).</summary>
    public static async Task<IResult> ResponsiblePersons(Guid id, [FromQuery] DateOnly? on, IQuerySession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var participation = await Visible(session, id, http.User, ct);
        var day = on ?? profile.Value.DateOf(clock.GetUtcNow());
        return await http.Revealed(session, new ResponsibleOn(day, participation.ResponsiblePersons.Where(p => p.ResponsibleOn(day)).ToList()), ct);
    }

    /// <summary>The public register of subjects (258-FZ art. 11): no personal data.</summary>
    public static async Task<Ok<ListPage<RegisterEntry>>> Register([AsParameters] ParticipationListQuery query, IQuerySession session,
        CancellationToken ct)
    {
        var page = await Filter(session, query).OrderBy(p => p.Company.LegalName).ThenBy(p => p.Id).ToPageAsync(query, ct);
        var regimes = (await session.LoadManyAsync<RegimeDetails>(ct, page.Items.Select(p => p.RegimeId).Distinct()))
            .ToDictionary(r => r.Id, r => r.Title);
        return TypedResults.Ok(page.Select(p => new RegisterEntry(p.Id, p.Company.LegalName, p.CompanyOgrn, p.RegimeId,
            regimes.GetValueOrDefault(p.RegimeId), p.Status, p.Term.StartsOn, p.Term.EndsOn,
            p.Exit is { } exit ? new PublicExit(exit.LeftOn, exit.Report?.PublicSummary, exit.Assessment?.Conclusion) : null)));
    }

    private static IQueryable<ParticipationDetails> Filter(IQuerySession session, ParticipationListQuery query)
    {
        var list = session.Query<ParticipationDetails>().AsQueryable();
        if (QueryEnums.Parse<ParticipationStatus>(query.Status) is { } status) list = list.Where(p => p.Status == status);
        if (query.RegimeId is { } regimeId) list = list.Where(p => p.RegimeId == regimeId);
        return list;
    }

    private static async Task<ParticipationDetails> Visible(IQuerySession session, Guid id, ClaimsPrincipal user, CancellationToken ct) =>
        (await session.LoadAsync<ParticipationDetails>(id, ct)).VisibleOrNotFound(Actor.From(user));
}

public sealed record ResponsibleOn(DateOnly On, IReadOnlyList<ResponsiblePersonEntry> Persons);
