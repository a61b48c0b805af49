using JasperFx.Events;
using Marten.Events.Aggregation;
using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;

namespace SandboxRegistry.IncidentClaims.Exports;

public sealed record RecordedTriage(string Outcome, bool Explicit, DateTimeOffset At);

public sealed record RecordedConclusion(Conclusion Conclusion, DateTimeOffset SignedAt, bool SignedLate);

public sealed record RecordedSettlement(string Status, Money? Amount, DateTimeOffset At);

public sealed record RecordedClosure(IncidentOutcome Outcome, DateTimeOffset At);

/// <summary>
/// One incident as the exports for regulators and auditors need it, in one document so that an export of a period is one
/// streamed query. The report without its reporter (personal data stays in the stream, encrypted, and never reaches an
/// export); the regulator's free-text reasons and summaries are left out too.
/// </summary>
/// <param name="Number">The report event's global sequence: a stable integer number for formats that want one.</param>
public sealed record IncidentRecord(
    Guid Id,
    long Number,
    DateOnly OccurredOn,
    string ClientId,
    Report Report,
    Classification Classification,
    DateTimeOffset? ReportDueBy,
    DateTimeOffset ReportedAt,
    IncidentStatus Status,
    RecordedTriage? Triage,
    Resolution? Resolution,
    DateOnly? CommissionMeetingDate,
    DateTimeOffset? CommissionConvenedAt,
    RecordedConclusion? Conclusion,
    RecordedSettlement? Settlement,
    RecordedClosure? Closure)
{
    public static IncidentRecord? When(IncidentRecord? state, IEvent @event) => (state, @event.Data) switch
    {
        (_, HarmIncidentReported e) => new IncidentRecord(e.IncidentId, @event.Sequence,
            DateOnly.FromDateTime(e.Report.OccurredAt.DateTime), e.ClientId, e.Report, e.Classification, e.ReportDueBy,
            e.ReportedAt, IncidentStatus.Reported, null, null, null, null, null, null, null),
        (null, _) => null,
        ({ } s, IncidentLinked e) => s with
        {
            Status = IncidentStatus.Linked, Triage = new RecordedTriage("linked", e.Explicit, e.LinkedAt),
            Resolution = e.Resolution.WithInstants(s.Report.OccurredAt, e.LinkedAt),
        },
        ({ } s, Incidents.Triaging.IncidentLinkCorrected e) => s with { Resolution = e.Resolution },
        ({ } s, IncidentFoundNotAiRelated e) => s with { Status = IncidentStatus.NotAiRelated, Triage = new RecordedTriage("notAiRelated", false, e.DecidedAt) },
        ({ } s, IncidentMarkedDuplicate e) => s with { Status = IncidentStatus.Duplicate, Triage = new RecordedTriage("duplicate", false, e.MarkedAt) },
        ({ } s, CommissionConvened e) => s with
        {
            Status = IncidentStatus.CommissionConvened, CommissionMeetingDate = e.MeetingDate, CommissionConvenedAt = e.ConvenedAt,
        },
        ({ } s, ConclusionRecorded) => s with { Status = IncidentStatus.ConclusionRecorded },
        ({ } s, ConclusionSigned e) => s with
        {
            Status = IncidentStatus.ConclusionSigned, Conclusion = new RecordedConclusion(e.Conclusion, e.SignedAt, e.SignedLate),
        },
        ({ } s, InsuranceClaimPaid e) => s with { Settlement = new RecordedSettlement("paid", e.Amount, e.PaidAt) },
        ({ } s, InsuranceClaimDenied e) => s with { Settlement = new RecordedSettlement("denied", null, e.DeniedAt) },
        ({ } s, IncidentClosed e) => s with { Status = IncidentStatus.Closed, Closure = new RecordedClosure(e.Outcome, e.ClosedAt) },
        ({ } s, _) => s,
    };
}

public sealed partial class IncidentRecordProjection : SingleStreamProjection<IncidentRecord, Guid>
{
    public IncidentRecordProjection()
    {
        foreach (var type in Incident.EventTypes) IncludeType(type);
    }

    public override IncidentRecord? Evolve(IncidentRecord? snapshot, Guid id, IEvent e) => IncidentRecord.When(snapshot, e);
}
