using System.Text.Json;
using JasperFx.Events;
using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.Deployments;
using SandboxRegistry.Contracts;
using Published = SandboxRegistry.Contracts.AiSystemRegistry;

namespace SandboxRegistry.AiSystemRegistry.Messaging;

/// <summary>The allow-list of events this service publishes, and the contract each becomes.</summary>
public sealed class IntegrationEvents : IIntegrationEventMap
{
    public object? ToContract(IEvent @event, SourceCitation source) => @event.Data switch
    {
        AiSystemRegistered e => new Published.AiSystemRegistered(source, e.AiSystemId, e.OwnerOgrn, e.Description.Name,
            e.Description.IntendedPurpose, Camel(e.Description.Direction), e.Description.Developer.Name, e.Description.Developer.Id,
            e.Description.OperatorName, Camel(e.Description.AutonomyLevel), Camel(e.Description.RiskClass), Camel(e.Description.Technique),
            e.RegisteredAt),
        VersionReleased e => new Published.AiSystemVersionReleased(source, e.AiSystemId, e.VersionId, e.Version, e.ArtifactSha256,
            e.ReleasedAt, e.ChangeSummary),
        VersionRecalled e => new Published.AiSystemVersionRecalled(source, e.AiSystemId, e.VersionId, e.Version, e.Reason, e.RecalledAt),
        AiSystemSuspended e => new Published.AiSystemSuspended(source, e.AiSystemId, e.Reason, e.SuspendedAt),
        AiSystemWithdrawn e => new Published.AiSystemWithdrawn(source, e.AiSystemId, e.Reason, e.WithdrawnAt),
        AiSystemDeployed e => new Published.AiSystemDeployed(source, e.DeploymentId, e.AiSystemId, e.VersionId, e.Version,
            e.ArtifactSha256, e.ParticipationId, e.OwnerOgrn, e.Territory, e.From, e.Until, e.DeployedAt),
        DeploymentSuspended e => new Published.DeploymentSuspended(source, e.DeploymentId, e.Reason, e.SuspendedAt),
        DeploymentResumed e => new Published.DeploymentResumed(source, e.DeploymentId, e.ResumedAt),
        DeploymentEnded e => new Published.DeploymentEnded(source, e.DeploymentId, e.Reason, e.EndedAt, e.RecordedAt ?? e.EndedAt),
        DeploymentPeriodCorrected e => new Published.DeploymentPeriodCorrected(source, e.DeploymentId, e.From, e.Until, e.EndedAt, e.Reason,
            e.CorrectedAt),
        VersionPlacedOnHold e => new Published.PreservationHoldApplied(source, e.HoldId, e.IncidentId, e.AiSystemId, e.VersionId, e.Version,
            e.AppliedAt),
        VersionHoldLifted e => new Published.PreservationHoldReleased(source, e.HoldId, e.IncidentId, e.AiSystemId, e.VersionId, e.Version,
            e.StillHeld, e.ReleasedAt),
        _ => null,
    };

    private static string Camel<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
