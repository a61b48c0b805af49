using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.Contracts;

namespace SandboxRegistry.IncidentClaims.Incidents.Concluding;

/// <param name="ResponsibleParties">Ids of parties resolved by triage: OGRNs of companies, entry ids of responsible persons.</param>
public sealed record RecordConclusionRequest(
    CausalLink? CausalLink,
    IReadOnlyList<string>? ResponsibleParties,
    Money? DamageAssessed,
    IReadOnlyList<Recommendation>? Recommendations,
    IReadOnlyList<Dissent>? Dissents);

public sealed class RecordConclusionValidator : AbstractValidator<RecordConclusionRequest>
{
    public RecordConclusionValidator()
    {
        RuleFor(r => r.CausalLink).NotNull().IsInEnum();
        RuleFor(r => r.DamageAssessed!.Amount).GreaterThanOrEqualTo(0).When(r => r.DamageAssessed is not null);
        RuleFor(r => r.DamageAssessed!.Currency).Currency().When(r => r.DamageAssessed is not null);
        RuleFor(r => r.Recommendations).NotEmpty().WithMessage("State the recommendations, or 'none'.");
        RuleForEach(r => r.Recommendations).IsInEnum();
        RuleFor(r => r.Recommendations)
            .Must(r => r is null || !r.Contains(Recommendation.None) || r.Count == 1)
            .WithMessage("'none' cannot be combined with other recommendations.");
        RuleForEach(r => r.Dissents).ChildRules(d =>
        {
            d.RuleFor(x => x.Member).NotEmpty();
            d.RuleFor(x => x.Text).NotEmpty().MaximumLength(20_000);
        });
    }
}

public static class Conclusions
{
    public static ConclusionRecorded Record(Incident incident, RecordConclusionRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        incident.NotClosed();
        if (incident.Status is not (IncidentStatus.CommissionConvened or IncidentStatus.ConclusionRecorded))
            throw new DomainRuleViolation(incident.Status == IncidentStatus.ConclusionSigned ? "conclusion-already-signed" : "commission-not-convened",
                incident.Status == IncidentStatus.ConclusionSigned
                    ? "The signed conclusion cannot change."
                    : "The commission must be convened before it concludes.");
        if (incident.MeetingDate is { } meeting && profile.LocalDate(now, incident.RegionCode) < meeting)
            throw new DomainRuleViolation("meeting-not-held", "The conclusion is recorded at or after the commission's meeting.");

        var candidates = incident.Resolution?.Parties() ?? [];
        var parties = new List<ResponsibleParty>();
        foreach (var id in (request.ResponsibleParties ?? []).Distinct())
            parties.Add(candidates.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase))
                ?? throw new DomainRuleViolation("unknown-responsible-party",
                    $"'{id}' is not among the parties triage resolved: {string.Join(", ", candidates.Select(c => c.Id))}."));

        var members = incident.Commission.Select(m => m.FullName.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var dissents = request.Dissents ?? [];
        if (dissents.FirstOrDefault(d => !members.Contains(d.Member.Trim())) is { } stranger)
            throw new DomainRuleViolation("dissent-by-non-member", $"'{stranger.Member}' is not a member of the commission.");

        return new ConclusionRecorded(incident.Id, new Conclusion(request.CausalLink!.Value, parties, request.DamageAssessed,
            request.Recommendations!.Distinct().ToList(), dissents), by, now);
    }

    /// <summary>
    /// 258-FZ as amended by 169-FZ: the chair signs the conclusion within the working days the profile sets after the meeting.
    /// A late signature is still recorded (and shows as late): refusing it would leave the victim without a conclusion.
    /// </summary>
    public static ConclusionSigned Sign(Incident incident, Actor by, DateTimeOffset now)
    {
        incident.NotClosed();
        if (incident.Status != IncidentStatus.ConclusionRecorded || incident.Conclusion is null)
            throw new DomainRuleViolation(incident.Status == IncidentStatus.ConclusionSigned ? "conclusion-already-signed" : "no-conclusion",
                incident.Status == IncidentStatus.ConclusionSigned ? "The conclusion is already signed." : "No conclusion has been recorded.");
        var due = incident.Clocks.FirstOrDefault(c => c.Name == Incident.ConclusionClock)?.DueBy;
        var resolution = incident.Resolution;
        return new ConclusionSigned(incident.Id, incident.Conclusion, resolution?.Version.AiSystemId, resolution?.Version.VersionId,
            resolution?.Participation?.ParticipationId, incident.Commission[0].FullName, due is { } d && now > d, by, now);
    }

    public static Task<Ok<Changed>> RecordConclusion(Guid id, RecordConclusionRequest request, IDocumentSession session,
        TimeProvider clock, IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => Record(i, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> SignConclusion(Guid id, IDocumentSession session, TimeProvider clock, HttpContext http,
        CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => Sign(i, Actor.From(http.User), clock.GetUtcNow()), ct);
}
