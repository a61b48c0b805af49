using JasperFx.Events;
using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;
using Domain = SandboxRegistry.IncidentClaims.Incidents;
using Published = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.IncidentClaims.Messaging;

/// <summary>
/// The allow-list of events this service publishes, and the contract each becomes. The reporter's personal data never
/// leaves the service: no contract has a field for it.
/// </summary>
public sealed class IntegrationEvents : IIntegrationEventMap
{
    public object? ToContract(IEvent @event, SourceCitation source) => @event.Data switch
    {
        Domain.HarmIncidentReported e => new Published.HarmIncidentReported(source, e.IncidentId, e.Report.Channel.Camel(), e.Report.Title,
            e.Report.Location.RegionCode, e.Report.OccurredAt, e.Report.AwareAt,
            e.Report.Harms.Select(h => new Published.HarmSummary(h.Type.Camel(), h.Severity.Camel(), h.PersonsAffected, h.EstimatedDamage)).ToList(),
            e.Classification.Serious, e.Report.AiSystem.RegistryId, e.Report.AiSystem.Version, e.ReportedAt),
        IncidentLinked e => new Published.IncidentLinkedToAiSystem(source, e.IncidentId, e.Resolution.Version.AiSystemId,
            e.Resolution.Version.VersionId, e.Resolution.Version.Version, e.Resolution.Deployment?.DeploymentId,
            e.Resolution.Participation?.ParticipationId, e.Explicit, e.Reason, e.LinkedAt),
        Incidents.Triaging.IncidentLinkCorrected e => new Published.IncidentLinkedToAiSystem(source, e.IncidentId, e.Resolution.Version.AiSystemId,
            e.Resolution.Version.VersionId, e.Resolution.Version.Version, null, e.Resolution.Participation?.ParticipationId, true, e.Reason,
            e.CorrectedAt),
        Incidents.PreservingVersion.PreservationHoldPlaced e => new Published.PreservationHoldPlaced(source, e.HoldId, e.IncidentId, e.AiSystemId,
            e.VersionId, e.Version, e.PlacedAt),
        Incidents.PreservingVersion.PreservationHoldLifted e => new Published.PreservationHoldLifted(source, e.HoldId, e.IncidentId, e.AiSystemId,
            e.VersionId, e.Reason, e.LiftedAt),
        Domain.CommissionConvened e => new Published.CommissionConvened(source, e.IncidentId, e.MeetingDate, e.Members.Count + 1, e.ConvenedAt),
        ConclusionSigned e => new Published.CommissionConclusionIssued(source, e.IncidentId, e.AiSystemId, e.VersionId, e.ParticipationId,
            e.Conclusion.CausalLink.Camel(), e.Conclusion.Recommendations.Select(r => r.Camel()).ToList(), e.Conclusion.DamageAssessed, e.SignedAt),
        InsuranceClaimPaid e => new Published.InsuranceClaimSettled(source, e.IncidentId, e.ClaimId, "paid", e.Amount, null, e.PaidAt),
        InsuranceClaimDenied e => new Published.InsuranceClaimSettled(source, e.IncidentId, e.ClaimId, "denied", null, e.Reason, e.DeniedAt),
        Domain.IncidentClosed e => new Published.IncidentClosed(source, e.IncidentId, e.Outcome.Camel(), e.ClosedAt),
        _ => null,
    };
}
