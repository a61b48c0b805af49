using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using MassTransit.Metadata;
using MassTransit.RabbitMqTransport.Topology;
using MassTransit.Serialization;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace SandboxRegistry.EventSourcing;

/// <summary>One integration message of an outbox page: the contract, and the event it came from.</summary>
public sealed record OutboxMessage(Guid MessageId, Guid StreamId, long Sequence, object Contract);

/// <summary>
/// Publishes the outbox's pages on a RabbitMQ connection and channel of its own, with publisher confirms pipelined:
/// the messages of a page are written to the channel one after another, in page order, without waiting for each
/// confirm, so the broker receives them in global sequence order; the page returns only once the broker has confirmed
/// every one of them. A page that fails (connection lost, a nack, no confirm within <see cref="ConfirmTimeout"/>) is
/// published again whole on a new connection after a back-off, until it is confirmed or the service stops: a broker
/// outage only delays, and a message the broker had already taken arrives twice (consumers skip it by its id).
/// <para>
/// MassTransit's own Publish awaits one confirm per message, and its PublishBatch is only concurrent Publish calls,
/// which pass its asynchronous send pipeline independently and so promise no order on the wire. The envelopes here are
/// the ones MassTransit writes (its System.Text.Json envelope and serializer settings, content type, message type URNs,
/// the exchange and bindings of the bus's own publish topology for the contract), so MassTransit consumers read them
/// exactly as if the bus had published them.
/// </para>
/// </summary>
/// <param name="broker">Where to connect (host, port, virtual host, credentials); the publisher sets the rest.</param>
/// <param name="nodes">Every node of a cluster (host:port); a new connection goes to the first that answers, so the
/// outbox keeps publishing while the node of <paramref name="broker"/> is down. Null or empty: the factory's host only.</param>
public sealed class OutboxPublisher(ConnectionFactory broker, IBus bus, ServiceIdentity service, ILogger<OutboxPublisher> logger,
    IReadOnlyList<string>? nodes = null)
    : IAsyncDisposable
{
    public static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);
    private const string ContentType = "application/vnd.masstransit+json";
    private static readonly JsonSerializerOptions Json = new(SystemTextJsonMessageSerializer.Options) { WriteIndented = false };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<Type, Route> _routes = new();
    private Line? _line;

    /// <summary>Where a contract type goes: its exchange, the topology to declare first, and its envelope's type names.</summary>
    private sealed record Route(string Exchange, BrokerTopology Topology, string[] MessageTypes, string? Address);

    /// <summary>One connection and confirming channel, with the confirms still awaited on it.</summary>
    private sealed class Line(IConnection connection, IChannel channel)
    {
        public IConnection Connection { get; } = connection;
        public IChannel Channel { get; } = channel;
        public HashSet<Route> Declared { get; } = [];
        public volatile PendingConfirms? Pending;
    }

    public async Task PublishAsync(IReadOnlyList<OutboxMessage> page, CancellationToken cancellationToken)
    {
        if (page.Count == 0) return;
        var prepared = page.Select(m => (Message: m, Route: RouteOf(m.Contract.GetType()), Body: Serialize(m))).ToList();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await PublishOnceAsync(prepared, cancellationToken);
                    return;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Outbox page of {Count} messages from sequence {Sequence} was not confirmed (attempt {Attempt}); publishing it again",
                        page.Count, page[0].Sequence, attempt);
                    await CloseAsync();
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * Math.Pow(2, attempt))), cancellationToken);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task PublishOnceAsync(List<(OutboxMessage Message, Route Route, byte[] Body)> page, CancellationToken cancellationToken)
    {
        var line = _line ??= await OpenAsync(cancellationToken);
        foreach (var route in page.Select(p => p.Route).Distinct())
            if (line.Declared.Add(route))
                await DeclareAsync(line.Channel, route.Topology, cancellationToken);

        // Sequence numbers are consecutive on this channel: nothing else publishes on it and the page is written in order.
        var first = await line.Channel.GetNextPublishSequenceNumberAsync(cancellationToken);
        var pending = new PendingConfirms(first, page.Count);
        line.Pending = pending;
        foreach (var (message, route, body) in page)
        {
            var properties = new BasicProperties
            {
                ContentType = ContentType,
                MessageId = message.MessageId.ToString(),
                Persistent = true,
                Headers = new Dictionary<string, object?> { [OutboxForwarder.StreamIdHeader] = message.StreamId.ToString() },
            };
            await line.Channel.BasicPublishAsync(route.Exchange, "", false, properties, body, cancellationToken);
        }
        await pending.Confirmed.WaitAsync(ConfirmTimeout, cancellationToken);
        line.Pending = null;
    }

    private async Task<Line> OpenAsync(CancellationToken cancellationToken)
    {
        broker.ClientProvidedName = $"{service.Name} outbox";
        // A lost connection fails the page, which is published again on a new one: no recovery in the background.
        broker.AutomaticRecoveryEnabled = false;
        broker.TopologyRecoveryEnabled = false;
        var connection = nodes is { Count: > 0 }
            ? await broker.CreateConnectionAsync(nodes.Select(Endpoint).ToList(), cancellationToken)
            : await broker.CreateConnectionAsync(cancellationToken);
        try
        {
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false), cancellationToken);
            var line = new Line(connection, channel);
            channel.BasicAcksAsync += (_, e) =>
            {
                line.Pending?.Confirm(e.DeliveryTag, e.Multiple);
                return Task.CompletedTask;
            };
            channel.BasicNacksAsync += (_, e) =>
            {
                line.Pending?.Fail(new IOException($"The broker refused publish {e.DeliveryTag}{(e.Multiple ? " and earlier ones" : "")}."));
                return Task.CompletedTask;
            };
            channel.ChannelShutdownAsync += (_, e) =>
            {
                line.Pending?.Fail(new IOException($"The outbox channel closed ({e.ReplyCode} {e.ReplyText})."));
                return Task.CompletedTask;
            };
            return line;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A node as host:port (the port defaults to the factory's).</summary>
    private AmqpTcpEndpoint Endpoint(string node)
    {
        var colon = node.LastIndexOf(':');
        return colon > 0 && int.TryParse(node[(colon + 1)..], out var port)
            ? new AmqpTcpEndpoint(node[..colon], port)
            : new AmqpTcpEndpoint(node, broker.Port);
    }

    private static async Task DeclareAsync(IChannel channel, BrokerTopology topology, CancellationToken cancellationToken)
    {
        foreach (var exchange in topology.Exchanges)
            await channel.ExchangeDeclareAsync(exchange.ExchangeName, exchange.ExchangeType, exchange.Durable, exchange.AutoDelete,
                Arguments(exchange.ExchangeArguments), cancellationToken: cancellationToken);
        foreach (var binding in topology.ExchangeBindings)
            await channel.ExchangeBindAsync(binding.Destination.ExchangeName, binding.Source.ExchangeName, binding.RoutingKey,
                Arguments(binding.Arguments), cancellationToken: cancellationToken);
    }

    private static Dictionary<string, object?> Arguments(IDictionary<string, object>? arguments) =>
        arguments?.ToDictionary(a => a.Key, a => (object?)a.Value) ?? [];

    private async Task CloseAsync()
    {
        if (_line is not { } line) return;
        _line = null;
        try
        {
            await line.Channel.DisposeAsync();
            await line.Connection.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or RabbitMQ.Client.Exceptions.RabbitMQClientException or OperationCanceledException
                                      or ObjectDisposedException)
        {
            logger.LogDebug(e, "Closing the outbox connection failed; it is replaced anyway");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _gate.Dispose();
    }

    private byte[] Serialize(OutboxMessage message)
    {
        var route = RouteOf(message.Contract.GetType());
        var envelope = new JsonMessageEnvelope
        {
            MessageId = message.MessageId.ToString(),
            SourceAddress = bus.Address.ToString(),
            DestinationAddress = route.Address,
            MessageType = route.MessageTypes,
            Message = message.Contract,
            SentTime = DateTime.UtcNow,
            Headers = new Dictionary<string, object?> { [OutboxForwarder.StreamIdHeader] = message.StreamId.ToString() },
            Host = HostMetadataCache.Host,
        };
        return JsonSerializer.SerializeToUtf8Bytes(envelope, Json);
    }

    private Route RouteOf(Type contract) => _routes.GetOrAdd(contract, type =>
        (Route)typeof(OutboxPublisher).GetMethod(nameof(RouteFor), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(type).Invoke(this, null)!);

    private Route RouteFor<T>() where T : class
    {
        var topology = (IRabbitMqMessagePublishTopology<T>)bus.Topology.Publish<T>();
        return new Route(topology.Exchange.ExchangeName, topology.GetBrokerTopology(), MessageTypeCache<T>.MessageTypeNames,
            bus.Topology.TryGetPublishAddress<T>(out var address) ? address.ToString() : null);
    }

    /// <summary>The publish sequence numbers of one page still awaiting the broker's confirm.</summary>
    private sealed class PendingConfirms
    {
        private readonly TaskCompletionSource _confirmed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HashSet<ulong> _open;

        public PendingConfirms(ulong first, int count) =>
            _open = Enumerable.Range(0, count).Select(i => first + (ulong)i).ToHashSet();

        public Task Confirmed => _confirmed.Task;

        public void Confirm(ulong deliveryTag, bool multiple)
        {
            lock (_open)
            {
                if (multiple) _open.RemoveWhere(tag => tag <= deliveryTag);
                else _open.Remove(deliveryTag);
                if (_open.Count == 0) _confirmed.TrySetResult();
            }
        }

        public void Fail(Exception reason) => _confirmed.TrySetException(reason);
    }
}
