using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing.Audit;

namespace SandboxRegistry.EventSourcing;

/// <summary>
/// The one place in a service that decides which domain events leave it, and as which contract.
/// Returning null keeps the event private to the service.
/// </summary>
public interface IIntegrationEventMap
{
    object? ToContract(IEvent @event, SourceCitation source);
}

/// <summary>
/// The event store is the outbox: this Marten subscription, run by the async daemon, maps each page of events to
/// contracts and hands the page to <see cref="OutboxPublisher"/>, which puts them on the wire in global sequence order
/// and returns once the broker has confirmed every one. Marten stores the subscription's progress only after this
/// returns, so a crash or a broker outage re-publishes (at least once) and never skips. The message id is the Marten
/// event id, which lets consumers recognise a redelivery. The audit checkpointer's announcements
/// (<see cref="AuditCheckpointRecorded"/>) leave this way too, so only committed checkpoints are ever announced.
/// </summary>
public sealed class OutboxForwarder(OutboxPublisher publisher, IIntegrationEventMap map, ServiceIdentity service) : SubscriptionBase
{
    public const string SubscriptionName = "outbox";

    /// <summary>The most events per page: the messages of a page are in flight together, then confirmed together.</summary>
    public const int PageSize = 1000;

    /// <summary>Header with the source stream id, so tools and logs see which stream a message came from without its body.</summary>
    public const string StreamIdHeader = "Source-Stream-Id";

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var seals = (await operations.LoadManyAsync<EventSeal>(cancellationToken, page.Events.Select(e => e.Id).ToArray()))
            .ToDictionary(s => s.Id, s => s.Hash);
        var messages = new List<OutboxMessage>(page.Events.Count);
        foreach (var @event in page.Events)
        {
            // A checkpoint's announcement leaves every service the same way; the service's map has the rest.
            var contract = @event.Data is AuditCheckpointRecorded checkpoint ? checkpoint.ToContract(service.Name)
                : map.ToContract(@event, Cite(@event, service.Name, seals.GetValueOrDefault(@event.Id)));
            if (contract is not null)
                messages.Add(new OutboxMessage(@event.Id, @event.StreamId, @event.Sequence, contract));
        }
        await publisher.PublishAsync(messages, cancellationToken);
        return NullChangeListener.Instance;
    }

    public static SourceCitation Cite(IEvent @event, string service, string? hash = null) =>
        new(service, @event.StreamId, @event.Version, @event.Id, @event.Sequence, hash);
}
