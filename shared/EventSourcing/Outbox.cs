using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Logging;
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
/// The event store is the outbox: this Marten subscription, run by the async daemon, publishes the mapped
/// contracts in global sequence order and awaits each publisher confirm before the next. Its progress is stored
/// by Marten only after a page is published, so a crash re-publishes (at least once) and never skips.
/// The message id is the Marten event id, which lets consumers recognise a redelivery.
/// </summary>
public sealed class OutboxForwarder(IBus bus, IIntegrationEventMap map, ServiceIdentity service, ILogger<OutboxForwarder> logger)
    : SubscriptionBase
{
    public const string SubscriptionName = "outbox";

    /// <summary>Header with the source stream id, so tools and logs see which stream a message came from without its body.</summary>
    public const string StreamIdHeader = "Source-Stream-Id";

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var seals = (await operations.LoadManyAsync<EventSeal>(cancellationToken, page.Events.Select(e => e.Id).ToArray()))
            .ToDictionary(s => s.Id, s => s.Hash);
        foreach (var @event in page.Events)
        {
            var contract = map.ToContract(@event, Cite(@event, service.Name, seals.GetValueOrDefault(@event.Id)));
            if (contract is null) continue;

            await bus.Publish(contract, contract.GetType(), context =>
            {
                context.MessageId = @event.Id;
                context.Headers.Set(StreamIdHeader, @event.StreamId.ToString());
            }, cancellationToken);
            logger.LogDebug("Forwarded {MessageType} for event {Sequence}", contract.GetType().Name, @event.Sequence);
        }
        return NullChangeListener.Instance;
    }

    public static SourceCitation Cite(IEvent @event, string service, string? hash = null) =>
        new(service, @event.StreamId, @event.Version, @event.Id, @event.Sequence, hash);
}
