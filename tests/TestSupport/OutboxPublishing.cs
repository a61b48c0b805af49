using MassTransit;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing;

namespace SandboxRegistry.Testing;

public static class OutboxPublishing
{
    /// <summary>
    /// Publishes a message as the owning service's outbox would: the message id is the cited event's id (what the inbox
    /// recognises a redelivery by) and the stream-id header is set.
    /// </summary>
    public static Task PublishAsTheOutboxWould<T>(this IBus bus, T message) where T : class, ICitedMessage =>
        bus.Publish(message, ctx =>
        {
            ctx.MessageId = message.Source.EventId;
            ctx.Headers.Set(OutboxForwarder.StreamIdHeader, message.Source.StreamId.ToString());
        });
}
