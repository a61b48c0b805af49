using FluentValidation;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SandboxRegistry.IncidentClaims.Incidents.Responding;

namespace SandboxRegistry.IncidentClaims.Incidents.StagedReporting;

public enum ReportStage { Initial, FollowUp, Final }

public enum StageDecision { Pending, Accepted, MoreRequested }

/// <summary>
/// A report of the participant on an incident linked to its system, in stages as AI Act art. 73(5) and medical-device
/// vigilance have them: an initial report (possibly incomplete) within the art. 73 period, follow-ups (answers to the
/// regulator's requests), and a final report with the root cause, the corrective actions and whether the version is affected.
/// </summary>
/// <param name="DueBy">The stage's clock at filing; <paramref name="Late"/> when filed after it (recorded anyway, and shown late).</param>
public sealed record ProviderReportFiled(Guid IncidentId, Guid ReportId, ReportStage Stage, string Summary, string? RootCause,
    IReadOnlyList<string> CorrectiveActions, bool? VersionAffected, string CompanyOgrn, string CompanyName, DateTimeOffset? DueBy, bool Late,
    Actor FiledBy, DateTimeOffset FiledAt);

public sealed record ProviderReportAccepted(Guid IncidentId, Guid ReportId, Actor AcceptedBy, DateTimeOffset AcceptedAt);

/// <summary>The regulator asks for more on a stage: the participant owes a follow-up by <paramref name="FollowUpDueBy"/>.</summary>
public sealed record ProviderReportMoreRequested(Guid IncidentId, Guid ReportId, IReadOnlyList<string> Questions, DateTimeOffset FollowUpDueBy,
    Actor RequestedBy, DateTimeOffset RequestedAt);

public sealed record StageReport(Guid ReportId, ReportStage Stage, string Summary, string? RootCause, IReadOnlyList<string> CorrectiveActions,
    bool? VersionAffected, string CompanyName, string By, DateTimeOffset FiledAt, DateTimeOffset? DueBy, bool Late, StageDecision Decision,
    DateTimeOffset? DecidedAt, IReadOnlyList<string> Questions);

/// <summary>Which art. 73 period applies to the incident: 73(3) widespread or critical infrastructure, 73(4) death, 73(2) otherwise.</summary>
public enum Art73Period { Other, Death, WidespreadOrCriticalInfrastructure }

/// <summary>
/// The staged reporting of one incident, kept inline from the incident's events: when it was linked, the stages filed, and
/// the follow-ups the regulator asked for. The initial and final clocks are computed from the jurisdiction profile when
/// read (<see cref="Clocks"/>), so a changed period applies without rewriting documents; a follow-up's due time is fixed
/// by the request that opened it.
/// </summary>
public sealed record ProviderReporting(Guid Id, Art73Period Period, DateTimeOffset? LinkedAt, IReadOnlyList<StageReport> Reports,
    IReadOnlyList<Clock> FollowUps)
{
    public const string InitialClock = "providerInitialReport";
    public const string FollowUpClock = "providerFollowUp";
    public const string FinalClock = "providerFinalReport";

    public static ProviderReporting? When(ProviderReporting? state, object @event) => (state, @event) switch
    {
        (_, HarmIncidentReported e) => new ProviderReporting(e.IncidentId,
            e.Report.Widespread || e.Report.CriticalInfrastructure ? Art73Period.WidespreadOrCriticalInfrastructure
            : e.Report.Harms.Any(h => h.Type == HarmType.Death) ? Art73Period.Death : Art73Period.Other, null, [], []),
        (null, _) => null,
        ({ } s, IncidentLinked e) => s with { LinkedAt = e.LinkedAt },
        ({ } s, ProviderReportFiled e) => s with
        {
            Reports = [.. s.Reports, new StageReport(e.ReportId, e.Stage, e.Summary, e.RootCause, e.CorrectiveActions, e.VersionAffected, e.CompanyName,
                e.FiledBy.Subject, e.FiledAt, e.DueBy, e.Late, StageDecision.Pending, null, [])],
            FollowUps = e.Stage == ReportStage.FollowUp ? MetFirst(s.FollowUps, e.FiledAt) : s.FollowUps,
        },
        ({ } s, ProviderReportAccepted e) => s with
        {
            Reports = s.Reports.Select(r => r.ReportId == e.ReportId ? r with { Decision = StageDecision.Accepted, DecidedAt = e.AcceptedAt } : r).ToList(),
        },
        ({ } s, ProviderReportMoreRequested e) => s with
        {
            Reports = s.Reports.Select(r => r.ReportId == e.ReportId
                ? r with { Decision = StageDecision.MoreRequested, DecidedAt = e.RequestedAt, Questions = e.Questions } : r).ToList(),
            FollowUps = [.. s.FollowUps, new Clock(FollowUpClock, e.FollowUpDueBy, null)],
        },
        ({ } s, _) => s,
    };

    private static IReadOnlyList<Clock> MetFirst(IReadOnlyList<Clock> clocks, DateTimeOffset at)
    {
        var done = false;
        return clocks.Select(c =>
        {
            if (done || c.MetAt is not null) return c;
            done = true;
            return c with { MetAt = at };
        }).ToList();
    }

    /// <summary>Every stage's clock: the initial report (art. 73(2)-(4) period from linking), each follow-up asked for, the final report.</summary>
    public IReadOnlyList<Clock> Clocks(JurisdictionProfile profile)
    {
        if (LinkedAt is not { } linked) return [];
        var days = Period switch
        {
            Art73Period.WidespreadOrCriticalInfrastructure => profile.ReportDaysWidespreadOrCriticalInfrastructure,
            Art73Period.Death => profile.ReportDaysDeath,
            _ => profile.ReportDaysOther,
        };
        return
        [
            new Clock(InitialClock, linked.AddDays(days), Reports.FirstOrDefault(r => r.Stage == ReportStage.Initial)?.FiledAt),
            .. FollowUps,
            new Clock(FinalClock, linked.AddDays(profile.ProviderFinalReportDays), Reports.FirstOrDefault(r => r.Stage == ReportStage.Final)?.FiledAt),
        ];
    }

    public static readonly Type[] Events = [typeof(ProviderReportFiled), typeof(ProviderReportAccepted), typeof(ProviderReportMoreRequested)];
}

/// <summary>The stages of an incident and their clocks, as the companies concerned and officials read them.</summary>
public sealed record ProviderReportingView(Guid IncidentId, IReadOnlyList<StageReport> Reports, IReadOnlyList<Clock> Clocks);

public sealed partial class ProviderReportingProjection : SingleStreamProjection<ProviderReporting, Guid>
{
    public ProviderReportingProjection()
    {
        foreach (var type in Incident.EventTypes) IncludeType(type);
    }

    public override ProviderReporting? Evolve(ProviderReporting? snapshot, Guid id, IEvent e) => ProviderReporting.When(snapshot, e.Data);
}

public sealed record FileStageRequest(ReportStage? Stage, [property: FreeText(StagedReports.MaxText)] string Summary,
    [property: FreeText(StagedReports.MaxText)] string? RootCause, [property: FreeText(1000)] IReadOnlyList<string>? CorrectiveActions,
    bool? VersionAffected);

public sealed class FileStageValidator : AbstractValidator<FileStageRequest>
{
    public FileStageValidator()
    {
        RuleFor(r => r.Stage).NotNull();
        RuleFor(r => r.Summary).NotEmpty().MaximumLength(StagedReports.MaxText);
        RuleFor(r => r.RootCause).NotEmpty().When(r => r.Stage == ReportStage.Final).WithMessage("'rootCause' is required in the final report.");
        RuleFor(r => r.CorrectiveActions).NotEmpty().When(r => r.Stage == ReportStage.Final)
            .WithMessage("'correctiveActions' are required in the final report.");
        RuleFor(r => r.VersionAffected).NotNull().When(r => r.Stage == ReportStage.Final)
            .WithMessage("'versionAffected' is required in the final report.");
        RuleForEach(r => r.CorrectiveActions).NotEmpty().MaximumLength(1000);
    }
}

public sealed record RequestMoreRequest([property: FreeText(1000)] IReadOnlyList<string> Questions);

public sealed class RequestMoreValidator : AbstractValidator<RequestMoreRequest>
{
    public RequestMoreValidator()
    {
        RuleFor(r => r.Questions).NotEmpty();
        RuleForEach(r => r.Questions).NotEmpty().MaximumLength(1000);
    }
}

public sealed record StageFiled(Guid Id, long Version, Guid ReportId);

public static class StagedReportAccess
{
    public const string Readers = "applicant-regulator-or-auditor";

    public static Microsoft.AspNetCore.Authorization.AuthorizationBuilder AddStagedReportReaders(
        this Microsoft.AspNetCore.Authorization.AuthorizationBuilder builder) =>
        builder.AddPolicy(Readers, p => p.RequireRole(Roles.Applicant, Roles.Regulator, Roles.Auditor));
}

public static class StagedReports
{
    public const int MaxText = 10_000;

    public static ProviderReportFiled Decide(Incident incident, ProviderReporting? reporting, FileStageRequest request, JurisdictionProfile profile,
        Actor by, Guid reportId, DateTimeOffset now)
    {
        var company = CompanyStatements.Concerned(incident).FirstOrDefault(c => c.Ogrn == by.Org);
        if (company.Ogrn is null || reporting?.LinkedAt is null) throw new ResourceNotFound("No such incident.");
        var stage = request.Stage!.Value;
        var reports = reporting.Reports;
        if (reports.Any(r => r.Stage == ReportStage.Final && r.Decision == StageDecision.Accepted))
            throw new DomainRuleViolation("final-report-accepted", "The final report was accepted; the staged reporting is complete.");
        if (stage == ReportStage.Initial && reports.Any(r => r.Stage == ReportStage.Initial))
            throw new DomainRuleViolation("initial-report-already-filed", "The initial report was filed; send a follow-up or the final report.");
        if (stage != ReportStage.Initial && reports.All(r => r.Stage != ReportStage.Initial))
            throw new DomainRuleViolation("initial-report-missing", "The initial report comes first.");
        if (stage == ReportStage.FollowUp && reporting.FollowUps.All(c => c.MetAt is not null))
            throw new DomainRuleViolation("no-follow-up-requested", "A follow-up answers a request of the regulator; none is open.");
        if (stage == ReportStage.Final && reports.Any(r => r.Stage == ReportStage.Final && r.Decision == StageDecision.Pending))
            throw new DomainRuleViolation("final-report-pending", "A final report awaits the regulator's decision.");
        var clock = stage switch
        {
            ReportStage.Initial => ProviderReporting.InitialClock,
            ReportStage.FollowUp => ProviderReporting.FollowUpClock,
            _ => ProviderReporting.FinalClock,
        };
        // AI Act art. 73: a stage late is still recorded (the authority needs it all the more), and shows as late.
        var due = reporting.Clocks(profile).FirstOrDefault(c => c.Name == clock && c.MetAt is null)?.DueBy;
        return new ProviderReportFiled(incident.Id, reportId, stage, request.Summary.Trim(), request.RootCause?.Trim(),
            request.CorrectiveActions?.Select(a => a.Trim()).ToList() ?? [], request.VersionAffected, company.Ogrn, company.Name, due,
            due is { } d && now > d, by, now);
    }

    public static object Decide(ProviderReporting? reporting, Guid reportId, RequestMoreRequest? more, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        var report = reporting?.Reports.FirstOrDefault(r => r.ReportId == reportId) ?? throw new ResourceNotFound("No such report.");
        if (report.Decision != StageDecision.Pending)
            throw new DomainRuleViolation("report-already-decided", "This report was already accepted or answered with a request for more.");
        return more is null
            ? new ProviderReportAccepted(reporting!.Id, reportId, by, now)
            : new ProviderReportMoreRequested(reporting!.Id, reportId, more.Questions.Select(q => q.Trim()).ToList(),
                now.AddDays(profile.ProviderFollowUpDays), by, now);
    }

    public static async Task<Ok<StageFiled>> File(Guid id, FileStageRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var expected = http.Request.ExpectedVersion();
        var stream = await session.Events.FetchForWriting<Incident>(id, ct);
        if (stream.Aggregate is not { } incident) throw new ResourceNotFound("No such incident.");
        var reporting = await session.LoadAsync<ProviderReporting>(id, ct);
        var filed = Decide(incident, reporting, request, profile.Value, Actor.From(http.User), Guid.CreateVersion7(), clock.GetUtcNow());
        if (expected is { } version && version != stream.CurrentVersion)
            throw new JasperFx.ConcurrencyException($"Expected version {version} of stream {id}, found {stream.CurrentVersion}.", null);
        var next = (stream.CurrentVersion ?? 0) + 1;
        stream.AppendOne(filed);
        await session.CommitAsync(ct);
        http.Response.SetStreamVersion(next);
        return TypedResults.Ok(new StageFiled(id, next, filed.ReportId));
    }

    public static Task<Ok<Changed>> Accept(Guid id, Guid reportId, IDocumentSession session, TimeProvider clock, IOptions<JurisdictionProfile> profile,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, async _ =>
            Decide(await session.LoadAsync<ProviderReporting>(id, ct), reportId, null, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> RequestMore(Guid id, Guid reportId, RequestMoreRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, async _ =>
            Decide(await session.LoadAsync<ProviderReporting>(id, ct), reportId, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);

    /// <summary>The stages and their clocks: the companies concerned and officials; anyone else 404.</summary>
    public static async Task<Ok<ProviderReportingView>> Get(Guid id, IQuerySession session, IOptions<JurisdictionProfile> profile, HttpContext http,
        CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        var incident = await session.LoadAsync<Incident>(id, ct);
        var reporting = await session.LoadAsync<ProviderReporting>(id, ct);
        var sees = actor.Role is Roles.Regulator or Roles.Auditor || incident is not null && CompanyStatements.Concerned(incident).Any(c => c.Ogrn == actor.Org);
        if (incident is null || reporting?.LinkedAt is null || !sees) throw new ResourceNotFound("No such incident.");
        return TypedResults.Ok(new ProviderReportingView(id, reporting.Reports, reporting.Clocks(profile.Value)));
    }
}
