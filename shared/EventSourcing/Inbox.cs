using Marten;
using MassTransit;
using SandboxRegistry.Contracts;

namespace SandboxRegistry.EventSourcing;

/// <summary>
/// A message a consumer has applied; stored in the same transaction as the consumer's effects. For a cited message
/// (every integration event) it also keeps where the event stands in its source stream, so the order in which a
/// consumer applied one stream's events can be compared with the stream's versions (the cluster fault suite does).
/// </summary>
public sealed record ProcessedMessage(string Id, Guid MessageId, string Consumer, string MessageType, DateTimeOffset ProcessedAt)
{
    /// <summary>The owning service of the event the message came from (<see cref="SourceCitation.Service"/>).</summary>
    public string? SourceService { get; init; }

    public Guid? SourceStreamId { get; init; }

    /// <summary>The event's version in its source stream (1-based).</summary>
    public long? SourceStreamVersion { get; init; }

    /// <summary>The event's position in its owner's global sequence.</summary>
    public long? SourceSequence { get; init; }

    /// <summary>The record for <paramref name="message"/>, with its source citation when it has one.</summary>
    public static ProcessedMessage Of(string id, Guid messageId, string consumer, object message, DateTimeOffset processedAt) =>
        message is ICitedMessage { Source: { } source }
            ? new(id, messageId, consumer, message.GetType().Name, processedAt)
            {
                SourceService = source.Service, SourceStreamId = source.StreamId, SourceStreamVersion = source.StreamVersion,
                SourceSequence = source.Sequence,
            }
            : new(id, messageId, consumer, message.GetType().Name, processedAt);
}

public static class Inbox
{
    /// <summary>
    /// Records that <paramref name="consumer"/> handles this message in this session, or returns false when it
    /// already did (a redelivery). The record commits with the consumer's own changes, so either both are stored
    /// or neither; two concurrent deliveries collide on the insert and the loser is retried, then skipped.
    /// </summary>
    public static async Task<bool> TryBeginAsync<T>(this IDocumentSession session, ConsumeContext<T> context, string consumer,
        TimeProvider clock) where T : class
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException("A message without a MessageId cannot be deduplicated.");
        var id = $"{consumer}/{messageId:N}";
        if (await session.LoadAsync<ProcessedMessage>(id, context.CancellationToken) is not null)
            return false;
        session.CausationId = messageId.ToString(); // events this consumer appends cite the message that caused them
        session.Insert(ProcessedMessage.Of(id, messageId, consumer, context.Message, clock.GetUtcNow()));
        return true;
    }

    /// <summary>
    /// The batch form of <see cref="TryBeginAsync{T}"/>: records every message of the batch that
    /// <paramref name="consumer"/> has not handled yet (one lookup for the whole batch; a message delivered twice
    /// within the batch counts once) and returns those, in the batch's order. Sets no causation: a session that
    /// applies many messages has no single cause, so batch consumers append no events.
    /// </summary>
    public static async Task<IReadOnlyList<ConsumeContext<T>>> TryBeginAsync<T>(this IDocumentSession session, Batch<T> batch,
        string consumer, TimeProvider clock) where T : class
    {
        string Id(ConsumeContext<T> context) =>
            $"{consumer}/{context.MessageId ?? throw new InvalidOperationException("A message without a MessageId cannot be deduplicated."):N}";

        var ids = batch.Select(Id).ToList();
        var done = (await session.LoadManyAsync<ProcessedMessage>(ids.Distinct())).Select(p => p.Id).ToHashSet();
        var fresh = new List<ConsumeContext<T>>(batch.Length);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!done.Add(ids[i])) continue;
            session.Insert(ProcessedMessage.Of(ids[i], batch[i].MessageId!.Value, consumer, batch[i].Message, clock.GetUtcNow()));
            fresh.Add(batch[i]);
        }
        return fresh;
    }
}
