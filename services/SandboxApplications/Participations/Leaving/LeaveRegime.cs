using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Participations.Leaving;

public sealed record LeaveRegimeRequest([property: FreeText] string Reason);

public sealed class LeaveRegimeValidator : AbstractValidator<LeaveRegimeRequest>
{
    public LeaveRegimeValidator() => RuleFor(r => r.Reason).Text();
}

/// <summary>How the participant measured one of the programme's expected results.</summary>
public sealed record ResultAchieved([property: FreeText] string ExpectedResult, [property: FreeText] string Outcome,
    [property: FreeText] string? MeasuredValue, bool Achieved);

/// <summary>An incident during participation and how it was handled; no personal data belongs here.</summary>
public sealed record IncidentHandled([property: FreeText] string Summary, [property: FreeText] string Handling);

/// <summary>
/// The exit report (the equivalent of the AI Act art. 57(7) exit report): results against the programme's expected
/// results, incidents and how they were handled, measures taken, and a summary the public register shows.
/// </summary>
public sealed record ExitReportRequest(
    IReadOnlyList<ResultAchieved> Results,
    IReadOnlyList<IncidentHandled>? Incidents,
    [property: FreeText] IReadOnlyList<string>? Measures,
    [property: FreeText] string PublicSummary);

public sealed class ExitReportValidator : AbstractValidator<ExitReportRequest>
{
    public ExitReportValidator()
    {
        RuleFor(r => r.Results).NotEmpty();
        RuleForEach(r => r.Results).ChildRules(result =>
        {
            result.RuleFor(x => x.ExpectedResult).Text();
            result.RuleFor(x => x.Outcome).Text(10_000);
            result.RuleFor(x => x.MeasuredValue).MaximumLength(2000);
        });
        RuleForEach(r => r.Incidents).ChildRules(incident =>
        {
            incident.RuleFor(x => x.Summary).Text();
            incident.RuleFor(x => x.Handling).Text(10_000);
        });
        RuleForEach(r => r.Measures).NotEmpty().MaximumLength(2000);
        RuleFor(r => r.PublicSummary).Text(5000);
    }
}

public enum ExitConclusion { Satisfactory, PartlySatisfactory, Unsatisfactory }

public sealed record ExitAssessmentRequest(ExitConclusion? Conclusion, [property: FreeText] string Text);

public sealed class ExitAssessmentValidator : AbstractValidator<ExitAssessmentRequest>
{
    public ExitAssessmentValidator()
    {
        RuleFor(r => r.Conclusion).NotNull().IsInEnum();
        RuleFor(r => r.Text).Text(10_000);
    }
}

public static class LeaveRegime
{
    /// <summary>
    /// Voluntary exit on the participant's own request (the 2026 bill to 258-FZ; a profile switch,
    /// <see cref="JurisdictionProfile.VoluntaryExitAllowed"/>). The participation ends at once; its deployments end in the
    /// registry when it hears of it (ParticipationLeft).
    /// </summary>
    public static ParticipationLeft Decide(Participation participation, string reason, JurisdictionProfile profile, DateOnly today, Actor by,
        DateTimeOffset now)
    {
        if (!profile.VoluntaryExitAllowed)
            throw new DomainRuleViolation("voluntary-exit-not-allowed", $"{profile.Name} does not provide for leaving a regime on one's own request.");
        participation.EnsureOpen();
        return new ParticipationLeft(participation.Id, reason.Trim(), today, by, now);
    }

    /// <summary>Filed once, after leaving; every expected result of the programme must be answered.</summary>
    public static ExitReportFiled File(Participation participation, Regime regime, ExitReportRequest request, Actor by, DateTimeOffset now)
    {
        if (participation.Status != ParticipationStatus.Left)
            throw new DomainRuleViolation("exit-report-before-exit", "An exit report is filed after leaving the regime.");
        if (participation.ExitReported)
            throw new DomainRuleViolation("exit-report-already-filed", "The exit report has already been filed.");
        var answered = request.Results.Select(r => r.ExpectedResult.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = regime.Programme.ExpectedResults.Select(e => e.Result).Where(e => !answered.Contains(e)).ToList();
        if (missing.Count > 0)
            throw new DomainRuleViolation("exit-report-results-incomplete",
                $"The report must state the outcome of every expected result of the programme; missing: {string.Join("; ", missing)}.");
        var report = new ExitReport(
            request.Results.Select(r => new ResultAchieved(r.ExpectedResult.Trim(), r.Outcome.Trim(), r.MeasuredValue?.Trim(), r.Achieved)).ToList(),
            request.Incidents?.Select(i => new IncidentHandled(i.Summary.Trim(), i.Handling.Trim())).ToList() ?? [],
            request.Measures?.Select(m => m.Trim()).ToList() ?? [], request.PublicSummary.Trim());
        return new ExitReportFiled(participation.Id, report, by, now);
    }

    public static ExitAssessed Assess(Participation participation, ExitAssessmentRequest request, Actor by, DateTimeOffset now)
    {
        if (!participation.ExitReported)
            throw new DomainRuleViolation("exit-report-missing", "There is no exit report to assess.");
        if (participation.ExitAssessed)
            throw new DomainRuleViolation("exit-already-assessed", "The exit report has already been assessed.");
        return new ExitAssessed(participation.Id, request.Conclusion!.Value, request.Text.Trim(), by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, LeaveRegimeRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return session.Decide<Participation>(id, http,
            p => Decide(p, request.Reason, profile.Value, profile.Value.DateOf(now), Actor.From(http.User), now), ct);
    }

    public static Task<Ok<Changed>> HandleReport(Guid id, ExitReportRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Participation>(id, http, async p =>
        {
            var regime = await session.Events.AggregateStreamAsync<Regime>(p.RegimeId, token: ct) ?? throw new ResourceNotFound("No such regime.");
            return (object)File(p, regime, request, Actor.From(http.User), clock.GetUtcNow());
        }, ct);

    public static Task<Ok<Changed>> HandleAssessment(Guid id, ExitAssessmentRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Participation>(id, http, p => Assess(p, request, Actor.From(http.User), clock.GetUtcNow()), ct);
}
