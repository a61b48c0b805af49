using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using JasperFx.Events;
using Marten;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.IncidentClaims.Incidents.GettingDossier;

/// <param name="Reporter">Personal data: shown to regulators only, as the erased marker once erased.</param>
public sealed record DossierReport(string TrackingCode, string FiledBy, Report Report, ReporterView? Reporter, Classification Classification,
    DateTimeOffset? ReportDueBy, DateTimeOffset ReportedAt, SourceCitation Source);

/// <param name="Outcome">linked, notAiRelated or duplicate.</param>
public sealed record DossierTriage(string Outcome, bool Explicit, string? Reason, Guid? DuplicateOf, string By, DateTimeOffset At,
    SourceCitation Source);

public sealed record DossierCommission(CommissionMember Chair, IReadOnlyList<CommissionMember> Members, DateOnly MeetingDate,
    DateOnly ConclusionDueBy, DateTimeOffset ConvenedAt, SourceCitation Source);

public sealed record DossierConclusion(Conclusion Conclusion, DateTimeOffset RecordedAt, SourceCitation Source, string? SignedByChair = null,
    DateTimeOffset? SignedAt = null, bool? SignedLate = null, SourceCitation? SignatureSource = null);

public sealed record DossierClaim(Guid ClaimId, ClaimStatus Status, string PolicyNumber, Money? Claimed, Money? AmountPaid, string? DenialReason,
    DateTimeOffset OpenedAt, DateTimeOffset? NotifiedAt, DateTimeOffset? SettledAt, IReadOnlyList<SourceCitation> Sources);

public sealed record DossierClosure(IncidentOutcome Outcome, string? Summary, DateTimeOffset ClosedAt, SourceCitation Source);

/// <summary>One stage of the participant's staged reporting (issue 19 part 1), with the regulator's decision on it.</summary>
public sealed record DossierStage(Guid ReportId, StagedReporting.ReportStage Stage, string Summary, string? RootCause,
    IReadOnlyList<string> CorrectiveActions, bool? VersionAffected, string CompanyName, string By, DateTimeOffset FiledAt, DateTimeOffset? DueBy,
    bool Late, SourceCitation Source, StagedReporting.StageDecision Decision = StagedReporting.StageDecision.Pending, string? DecidedBy = null,
    DateTimeOffset? DecidedAt = null, IReadOnlyList<string>? Questions = null, SourceCitation? DecisionSource = null);

/// <summary>A company's public statement on the incident (issue 19 part 2).</summary>
public sealed record DossierStatement(Guid StatementId, string CompanyOgrn, string CompanyName, string Text, string By, DateTimeOffset PublishedAt,
    SourceCitation Source);

/// <summary>
/// A preservation hold on the version (AI Act art. 73(6)), each step cited: placed here (<paramref name="Source"/>), applied by
/// AiSystemRegistry (<paramref name="AppliedSource"/> cites the registry's event), lifted by the regulator
/// (<paramref name="LiftSource"/>), released by the registry (<paramref name="ReleasedSource"/>).
/// </summary>
public sealed record DossierHold(Guid HoldId, Guid AiSystemId, Guid VersionId, string Version, IReadOnlyList<string> Grounds, string PlacedBy,
    DateTimeOffset PlacedAt, SourceCitation Source, DateTimeOffset? AppliedAt = null, SourceCitation? AppliedSource = null,
    string? LiftedBy = null, DateTimeOffset? LiftedAt = null, string? LiftReason = null, SourceCitation? LiftSource = null,
    DateTimeOffset? ReleasedAt = null, bool? StillHeldByOthers = null, SourceCitation? ReleasedSource = null);

/// <summary>A correction of the link to another version; the dossier's links show the corrected resolution.</summary>
public sealed record DossierLinkCorrection(Guid PreviousVersionId, Guid VersionId, string Version, string Reason, string By,
    DateTimeOffset At, SourceCitation Source);

/// <param name="ResolvedAt">The two instants every link (deployment, version, system, participation, programme, policy, persons)
/// was resolved at: valid time at (the harm's occurredAt) as known at knownAt (the triage), and the local date used.</param>
/// <summary>
/// The liability dossier: the whole chain from the harm to who answers for it, each element with the citation of the
/// event it rests on — this service's own events, or the other services' messages the links were resolved from.
/// </summary>
public sealed record Dossier(
    Guid IncidentId,
    IncidentStatus Status,
    DossierReport Report,
    DossierTriage? Triage,
    LinkedDeployment? Deployment,
    LinkedVersion? Version,
    LinkedAiSystem? AiSystem,
    LinkedParticipation? Participation,
    LinkedProgramme? Programme,
    LinkedPolicy? InsurancePolicy,
    LinkedPersons? ResponsiblePersons,
    DossierCommission? Commission,
    DossierConclusion? Conclusion,
    DossierClaim? InsuranceClaim,
    DossierClosure? Closure,
    IReadOnlyList<Clock> Clocks,
    ResolvedAt? ResolvedAt = null,
    IReadOnlyList<DossierStatement>? Statements = null,
    IReadOnlyList<DossierStage>? ProviderReports = null,
    IReadOnlyList<DossierHold>? PreservationHolds = null,
    IReadOnlyList<DossierLinkCorrection>? LinkCorrections = null)
{
    /// <param name="keys">The reporter's key, loaded for those who may read personal data; null for the others.</param>
    /// <param name="hashes">Each own event's hash-chain link, by event id, so the dossier cites it with its hash.</param>
    public static Dossier? From(IReadOnlyList<IEvent> events, IReadOnlyDictionary<Guid, byte[]>? keys,
        IReadOnlyDictionary<Guid, string>? hashes = null)
    {
        var erasure = events.Select(e => e.Data).OfType<ReporterDataErased>()
            .Select(e => new ReporterErasure(e.LegalGround, e.ErasedBy.Subject, e.ErasedAt)).FirstOrDefault();
        Dossier? d = null;
        Incident? state = null;
        foreach (var e in events)
        {
            state = Incident.When(state, e.Data);
            var source = OutboxForwarder.Cite(e, ServiceNames.IncidentClaims, hashes?.GetValueOrDefault(e.Id));
            d = (d, e.Data) switch
            {
                (_, HarmIncidentReported r) => new Dossier(r.IncidentId, IncidentStatus.Reported,
                    new DossierReport(r.TrackingCode, r.ClientId, r.Report, keys is null ? null : ReporterData.Reveal(r.Reporter, keys, erasure), r.Classification, r.ReportDueBy,
                        r.ReportedAt, source),
                    null, null, null, null, null, null, null, null, null, null, null, null, []),
                (null, _) => null,
                ({ } x, IncidentLinked l) => x with
                {
                    Triage = new DossierTriage("linked", l.Explicit, l.Reason, null, l.LinkedBy.Subject, l.LinkedAt, source),
                    Deployment = l.Resolution.Deployment, Version = l.Resolution.Version, AiSystem = l.Resolution.AiSystem,
                    Participation = l.Resolution.Participation, Programme = l.Resolution.Programme,
                    InsurancePolicy = l.Resolution.InsurancePolicy, ResponsiblePersons = l.Resolution.ResponsiblePersons,
                    ResolvedAt = l.Resolution.WithInstants(state!.OccurredAt, l.LinkedAt).Instants,
                },
                ({ } x, IncidentFoundNotAiRelated n) => x with
                {
                    Triage = new DossierTriage("notAiRelated", false, n.Reason, null, n.DecidedBy.Subject, n.DecidedAt, source),
                },
                ({ } x, IncidentMarkedDuplicate m) => x with
                {
                    Triage = new DossierTriage("duplicate", false, m.Reason, m.DuplicateOf, m.MarkedBy.Subject, m.MarkedAt, source),
                },
                ({ } x, CommissionConvened c) => x with
                {
                    Commission = new DossierCommission(c.Chair, c.Members, c.MeetingDate, c.ConclusionDueBy, c.ConvenedAt, source),
                },
                ({ } x, ConclusionRecorded c) => x with { Conclusion = new DossierConclusion(c.Conclusion, c.RecordedAt, source) },
                ({ Conclusion: { } c } x, ConclusionSigned s) => x with
                {
                    Conclusion = c with { SignedByChair = s.Chair, SignedAt = s.SignedAt, SignedLate = s.SignedLate, SignatureSource = source },
                },
                ({ } x, InsuranceClaimOpened o) => x with
                {
                    InsuranceClaim = new DossierClaim(o.ClaimId, ClaimStatus.Open, o.Policy.PolicyNumber, o.Claimed, null, null, o.OpenedAt, null,
                        null, [source]),
                },
                ({ InsuranceClaim: { } c } x, InsurerNotified n) => x with
                {
                    InsuranceClaim = c with { Status = ClaimStatus.Notified, NotifiedAt = n.NotifiedAt, Sources = [.. c.Sources, source] },
                },
                ({ InsuranceClaim: { } c } x, InsuranceClaimPaid p) => x with
                {
                    InsuranceClaim = c with { Status = ClaimStatus.Paid, AmountPaid = p.Amount, SettledAt = p.PaidAt, Sources = [.. c.Sources, source] },
                },
                ({ InsuranceClaim: { } c } x, InsuranceClaimDenied n) => x with
                {
                    InsuranceClaim = c with { Status = ClaimStatus.Denied, DenialReason = n.Reason, SettledAt = n.DeniedAt, Sources = [.. c.Sources, source] },
                },
                ({ } x, IncidentClosed c) => x with { Closure = new DossierClosure(c.Outcome, c.Summary, c.ClosedAt, source) },
                ({ } x, StagedReporting.ProviderReportFiled f) => x with
                {
                    ProviderReports = [.. x.ProviderReports ?? [], new DossierStage(f.ReportId, f.Stage, f.Summary, f.RootCause, f.CorrectiveActions,
                        f.VersionAffected, f.CompanyName, f.FiledBy.Subject, f.FiledAt, f.DueBy, f.Late, source)],
                },
                ({ } x, StagedReporting.ProviderReportAccepted a) => x with
                {
                    ProviderReports = (x.ProviderReports ?? []).Select(r => r.ReportId == a.ReportId
                        ? r with { Decision = StagedReporting.StageDecision.Accepted, DecidedBy = a.AcceptedBy.Subject, DecidedAt = a.AcceptedAt,
                            DecisionSource = source } : r).ToList(),
                },
                ({ } x, StagedReporting.ProviderReportMoreRequested m) => x with
                {
                    ProviderReports = (x.ProviderReports ?? []).Select(r => r.ReportId == m.ReportId
                        ? r with { Decision = StagedReporting.StageDecision.MoreRequested, DecidedBy = m.RequestedBy.Subject, DecidedAt = m.RequestedAt,
                            Questions = m.Questions, DecisionSource = source } : r).ToList(),
                },
                ({ } x, Responding.CompanyStatementPublished p) => x with
                {
                    Statements = [.. x.Statements ?? [], new DossierStatement(p.StatementId, p.CompanyOgrn, p.CompanyName, p.Text, p.PublishedBy.Subject,
                        p.PublishedAt, source)],
                },
                ({ } x, Triaging.IncidentLinkCorrected c) => x with
                {
                    Deployment = c.Resolution.Deployment, Version = c.Resolution.Version, AiSystem = c.Resolution.AiSystem,
                    Participation = c.Resolution.Participation, Programme = c.Resolution.Programme,
                    InsurancePolicy = c.Resolution.InsurancePolicy, ResponsiblePersons = c.Resolution.ResponsiblePersons,
                    ResolvedAt = c.Resolution.Instants ?? x.ResolvedAt,
                    LinkCorrections = [.. x.LinkCorrections ?? [], new DossierLinkCorrection(c.PreviousVersionId, c.Resolution.Version.VersionId,
                        c.Resolution.Version.Version, c.Reason, c.CorrectedBy.Subject, c.CorrectedAt, source)],
                },
                ({ } x, PreservingVersion.PreservationHoldPlaced p) => x with
                {
                    PreservationHolds = [.. x.PreservationHolds ?? [], new DossierHold(p.HoldId, p.AiSystemId, p.VersionId, p.Version, p.Grounds,
                        p.PlacedBy.Subject, p.PlacedAt, source)],
                },
                ({ } x, PreservingVersion.PreservationHoldApplied a) => x.WithHold(a.HoldId,
                    h => h with { AppliedAt = a.AppliedAt, AppliedSource = a.Source }),
                ({ } x, PreservingVersion.PreservationHoldLifted l) => x.WithHold(l.HoldId,
                    h => h with { LiftedBy = l.LiftedBy.Subject, LiftedAt = l.LiftedAt, LiftReason = l.Reason, LiftSource = source }),
                ({ } x, PreservingVersion.PreservationHoldReleased r) => x.WithHold(r.HoldId,
                    h => h with { ReleasedAt = r.ReleasedAt, StillHeldByOthers = r.StillHeld, ReleasedSource = r.Source }),
                ({ } x, _) => x,
            };
        }
        return d is null || state is null ? null : d with { Status = state.Status, Clocks = state.Clocks, Statements = d.Statements ?? [],
            ProviderReports = d.ProviderReports ?? [], PreservationHolds = d.PreservationHolds ?? [], LinkCorrections = d.LinkCorrections ?? [] };
    }

    private Dossier WithHold(Guid holdId, Func<DossierHold, DossierHold> change) =>
        this with { PreservationHolds = (PreservationHolds ?? []).Select(h => h.HoldId == holdId ? change(h) : h).ToList() };
}

/// <param name="Verified">True when every citation matched its source's sealed event and chain.</param>
public sealed record DossierVerification(Guid IncidentId, bool Verified, IReadOnlyList<CitationCheck> Checks);

public static class GetDossier
{
    public static async Task<Ok<Dossier>> Get(Guid id, IQuerySession session, PersonalDataVault vault, HttpContext http,
        CancellationToken ct)
    {
        var (dossier, version) = await Load(id, session, Actor.From(http.User).ReadsPersonalData() ? vault : null, ct);
        http.Response.SetStreamVersion(version);
        return TypedResults.Ok(dossier);
    }

    /// <summary>Checks every citation of the dossier against the hash chain of the service it cites.</summary>
    public static async Task<Ok<DossierVerification>> Verify(Guid id, IQuerySession session, CitationVerifier verifier, CancellationToken ct)
    {
        var (dossier, _) = await Load(id, session, null, ct);
        var checks = await verifier.CheckAsync(Citations.In(dossier), ct);
        return TypedResults.Ok(new DossierVerification(id, checks.All(c => c.Status == "verified"), checks));
    }

    /// <param name="vault">Given only for those who may read the reporter's personal data (regulators).</param>
    internal static async Task<(Dossier Dossier, long Version)> Load(Guid id, IQuerySession session, PersonalDataVault? vault, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        if (events is not [{ Data: HarmIncidentReported reported }, ..]) throw new ResourceNotFound("No such incident.");
        var keys = vault is null ? null : await vault.KeysAsync(session, [reported.Reporter.KeyId], ct);
        var hashes = (await session.Query<EventSeal>().Where(s => s.StreamId == id).ToListAsync(ct)).ToDictionary(s => s.Id, s => s.Hash);
        var dossier = Dossier.From(events, keys, hashes) ?? throw new ResourceNotFound("No such incident.");
        return (dossier, events[^1].Version);
    }
}
