using Marten;
using MassTransit;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Participations.Suspending;
using SandboxRegistry.SandboxApplications.Participations.Terminating;
using Incidents = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.SandboxApplications.Messaging;

/// <summary>
/// 258-FZ as amended by 169-FZ: the harm commission's conclusion may lead to the participation being suspended or
/// terminated. Termination outweighs suspension when both are recommended. A conclusion about a participation this
/// service does not know, or one that has already ended, changes nothing: it is logged and acknowledged, never retried.
/// </summary>
public sealed class CommissionConclusionIssuedConsumer(IDocumentSession session, TimeProvider clock,
    ILogger<CommissionConclusionIssuedConsumer> logger) : IConsumer<Incidents.CommissionConclusionIssued>
{
    public async Task Consume(ConsumeContext<Incidents.CommissionConclusionIssued> context)
    {
        if (!await session.TryBeginAsync(context, nameof(CommissionConclusionIssuedConsumer), clock)) return;

        var m = context.Message;
        var terminate = m.Recommendations.Contains(Incidents.Recommendations.TerminateParticipation);
        var suspend = m.Recommendations.Contains(Incidents.Recommendations.SuspendParticipation);
        if (m.ParticipationId is { } participationId && (terminate || suspend))
        {
            var stream = await session.Events.FetchForWriting<Participation>(participationId, context.CancellationToken);
            var reason = $"Harm commission conclusion on incident {m.IncidentId} signed {m.SignedAt:yyyy-MM-dd}.";
            var now = clock.GetUtcNow();
            switch (stream.Aggregate)
            {
                case null:
                    logger.LogWarning("Commission conclusion for unknown participation {ParticipationId} ignored", participationId);
                    break;
                case { IsClosed: true } closed:
                    logger.LogInformation("Commission conclusion for participation {ParticipationId} ignored: it is {Status}",
                        participationId, closed.Status);
                    break;
                case var participation when terminate:
                    stream.AppendOne(TerminateParticipation.Decide(participation, reason, SystemActor.Instance, now));
                    break;
                case { Status: ParticipationStatus.Suspended }:
                    logger.LogInformation("Participation {ParticipationId} is already suspended", participationId);
                    break;
                case var participation:
                    stream.AppendOne(SuspendParticipation.Decide(participation, SuspensionGround.CommissionConclusion, reason,
                        SystemActor.Instance, now));
                    break;
            }
        }
        await session.CommitAsync(context.CancellationToken);
    }
}
