using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using JasperFx.Events.Daemon;
using SandboxRegistry.IncidentClaims.Incidents;

namespace SandboxRegistry.IncidentClaims.Webhooks;

public enum DeliveryStatus { Pending, Delivered, Parked, Cancelled }

/// <param name="StatusCode">The receiver's HTTP status; null when no answer came (connection refused, timeout, destination refused).</param>
/// <param name="Error">What went wrong, by kind only: never the receiver's body.</param>
public sealed record DeliveryAttempt(DateTimeOffset At, int? StatusCode, string? Error);

/// <summary>
/// One message for one subscription: the outbox row the dispatcher works through. Created by <see cref="WebhookFanout"/>
/// from the event store, in the same transaction as the subscription's progress, so each event becomes each delivery
/// exactly once. <paramref name="Payload"/> is fixed then: retries and replays send the same bytes under the same
/// webhook-id (receivers dedupe on it), each attempt with its own timestamp and signature.
/// </summary>
/// <param name="Sequence">The event's global sequence: with <paramref name="QueuedAt"/>, the order of the subscription's deliveries.</param>
/// <param name="ReplayOf">The delivery this one replays, when it was queued by a replay.</param>
public sealed record WebhookDelivery(
    Guid Id,
    Guid SubscriptionId,
    string WebhookId,
    string Type,
    Guid IncidentId,
    long Sequence,
    string Payload,
    DeliveryStatus Status,
    DateTimeOffset QueuedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? FirstAttemptAt,
    IReadOnlyList<DeliveryAttempt> Attempts,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? ParkedAt,
    Guid? ReplayOf);

/// <summary>What one incident event tells whom: the subscriber kind and id, the webhook type and its data.</summary>
public sealed record Notice(OwnerKind Kind, string OwnerId, string Type, object Data);

/// <summary>
/// The Marten subscription (run by the async daemon, one active node) that turns incident events into deliveries for
/// the subscriptions they concern: status changes to the integration that filed the report; linking, the commission,
/// its signed conclusion and closure to the participant and the system's owner. A subscription receives events appended
/// after it was made. Nothing here calls out: the dispatcher does, so a slow receiver never holds the event store back.
/// </summary>
public sealed class WebhookFanout : SubscriptionBase
{
    public const string SubscriptionName = "webhooks";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public WebhookFanout()
    {
        Name = SubscriptionName;
        foreach (var type in Incident.EventTypes) IncludeType(type);
        IncludeType<IncidentClockDueSoon>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var events = page.Events.Where(e => e.Data is not HarmIncidentReported).ToList();
        if (events.Count == 0) return NullChangeListener.Instance;
        var incidents = (await operations.LoadManyAsync<Incident>(cancellationToken, events.Select(IncidentOf).Distinct().ToArray()))
            .ToDictionary(i => i.Id);
        var subscriptions = await operations.Query<WebhookSubscription>().Where(s => s.Active).ToListAsync(cancellationToken);
        if (subscriptions.Count == 0) return NullChangeListener.Instance;

        foreach (var @event in events)
        {
            if (!incidents.TryGetValue(IncidentOf(@event), out var incident)) continue;
            foreach (var notice in Notices(@event, incident))
            {
                foreach (var subscription in subscriptions.Where(s => s.OwnerKind == notice.Kind && s.OwnerId == notice.OwnerId &&
                                                                      s.EventTypes.Contains(notice.Type) && s.CreatedAt <= @event.Timestamp))
                {
                    var id = DeliveryId(subscription.Id, @event.Id, notice.Type);
                    var payload = JsonSerializer.Serialize(new { type = notice.Type, timestamp = @event.Timestamp, data = notice.Data }, Json);
                    operations.Store(new WebhookDelivery(id, subscription.Id, $"msg_{id:N}", notice.Type, incident.Id, @event.Sequence, payload,
                        DeliveryStatus.Pending, @event.Timestamp, @event.Timestamp, null, [], null, null, null));
                }
            }
        }
        return NullChangeListener.Instance;
    }

    private static Guid IncidentOf(IEvent e) => e.Data is IncidentClockDueSoon warning ? warning.IncidentId : e.StreamId;

    /// <summary>The same event and subscription always make the same delivery id, so a page processed twice stores it once.</summary>
    public static Guid DeliveryId(Guid subscriptionId, Guid eventId, string type)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{subscriptionId:N}/{eventId:N}/{type}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    public static IEnumerable<Notice> Notices(IEvent @event, Incident incident)
    {
        var status = @event.Data switch
        {
            IncidentLinked => IncidentStatus.Linked,
            IncidentFoundNotAiRelated => IncidentStatus.NotAiRelated,
            IncidentMarkedDuplicate => IncidentStatus.Duplicate,
            CommissionConvened => IncidentStatus.CommissionConvened,
            ConclusionRecorded => IncidentStatus.ConclusionRecorded,
            ConclusionSigned => IncidentStatus.ConclusionSigned,
            IncidentClosed => IncidentStatus.Closed,
            _ => (IncidentStatus?)null,
        };
        if (@event.Data is IncidentClockDueSoon due)
        {
            var warning = new { incidentId = incident.Id, clock = due.Clock, dueBy = due.DueBy };
            yield return new Notice(OwnerKind.Integration, incident.ClientId, WebhookEventTypes.ClockDueSoon, warning);
            foreach (var ogrn in Companies(incident.Resolution))
                yield return new Notice(OwnerKind.Company, ogrn, WebhookEventTypes.ClockDueSoon, warning);
            yield break;
        }
        if (status is { } s)
            yield return new Notice(OwnerKind.Integration, incident.ClientId, WebhookEventTypes.StatusChanged, new
            {
                incidentId = incident.Id, trackingCode = incident.TrackingCode, status = s.Camel(),
                outcome = (@event.Data as IncidentClosed)?.Outcome.Camel(),
            });

        var resolution = (@event.Data as IncidentLinked)?.Resolution ?? incident.Resolution;
        if (resolution is null) yield break;
        object? data = @event.Data switch
        {
            IncidentLinked l => new
            {
                incidentId = incident.Id, aiSystemId = l.Resolution.Version.AiSystemId, versionId = l.Resolution.Version.VersionId,
                version = l.Resolution.Version.Version, deploymentId = l.Resolution.Deployment?.DeploymentId,
                participationId = l.Resolution.Participation?.ParticipationId, @explicit = l.Explicit, serious = incident.Serious,
                occurredAt = incident.OccurredAt, regionCode = incident.RegionCode, linkedAt = l.LinkedAt,
            },
            CommissionConvened c => new { incidentId = incident.Id, meetingDate = c.MeetingDate, conclusionDueBy = c.ConclusionDueBy },
            ConclusionSigned c => new
            {
                incidentId = incident.Id, causalLink = c.Conclusion.CausalLink.Camel(),
                recommendations = c.Conclusion.Recommendations.Select(r => r.Camel()).ToList(), damageAssessed = c.Conclusion.DamageAssessed,
                signedLate = c.SignedLate, signedAt = c.SignedAt,
            },
            IncidentClosed c => new { incidentId = incident.Id, outcome = c.Outcome.Camel(), closedAt = c.ClosedAt },
            Incidents.StagedReporting.ProviderReportMoreRequested m => new
            {
                incidentId = incident.Id, reportId = m.ReportId, questions = m.Questions, followUpDueBy = m.FollowUpDueBy,
            },
            Incidents.StagedReporting.ProviderReportAccepted a => new { incidentId = incident.Id, reportId = a.ReportId, acceptedAt = a.AcceptedAt },
            _ => null,
        };
        if (data is null) yield break;
        var type = @event.Data switch
        {
            IncidentLinked => WebhookEventTypes.Linked,
            CommissionConvened => WebhookEventTypes.CommissionConvened,
            ConclusionSigned => WebhookEventTypes.ConclusionSigned,
            Incidents.StagedReporting.ProviderReportMoreRequested => WebhookEventTypes.InformationRequested,
            Incidents.StagedReporting.ProviderReportAccepted => WebhookEventTypes.ReportAccepted,
            _ => WebhookEventTypes.Closed,
        };
        foreach (var ogrn in Companies(resolution))
            yield return new Notice(OwnerKind.Company, ogrn, type, data);
    }

    /// <summary>The participant and the system's owner, once triage resolved them.</summary>
    private static IEnumerable<string> Companies(Resolution? resolution) =>
        new[] { resolution?.Participation?.CompanyOgrn, resolution?.AiSystem?.OwnerOgrn }.OfType<string>().Distinct();
}
