using System.Diagnostics;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RabbitMQ.Client;
using SandboxRegistry.IncidentClaims.Messaging;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.Hosting;
using Published = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.Benchmarks;

/// <summary>
/// The outbox's forwarding rate against what the broker allows on this machine, in one run and on one scratch virtual
/// host: first the service's own OutboxForwarder and OutboxPublisher (run here by a Marten async daemon over a scratch
/// database configured as IncidentClaims' store) drain a backlog of stored reports into a durable queue; then raw
/// RabbitMQ.Client publishes the very bytes the outbox sent (one of its messages, read back from the queue) with
/// pipelined confirms, in windows of the outbox's page size, to the same exchange and queue.
/// </summary>
public static class OutboxBenchmark
{
    private const int Window = OutboxForwarder.PageSize;

    public static async Task<IReadOnlyList<Figure>> RunAsync(Endpoints endpoints, int backlog)
    {
        var amqp = await Broker.CreateVirtualHostAsync("bench-outbox");
        var database = $"bench_outbox_{Guid.NewGuid():N}"[..26];
        await ServiceBenchmarks.AdminAsync(endpoints.AdminPostgres, $"create database {database}");
        try
        {
            var broker = RabbitMqSettings.Parse(amqp);
            var factory = new ConnectionFactory
            {
                HostName = broker.Host, Port = broker.Port, VirtualHost = broker.VirtualHost, UserName = broker.Username, Password = broker.Password,
            };
            // The bus is never started: the publisher only reads its publish topology (exchange names and bindings).
            var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(broker.Host, broker.Port, broker.VirtualHost, h =>
            {
                h.Username(broker.Username);
                h.Password(broker.Password);
            }));
            var exchange = ((IRabbitMqMessagePublishTopology<Published.HarmIncidentReported>)bus.Topology.Publish<Published.HarmIncidentReported>())
                .Exchange.ExchangeName;
            const string queue = "bench-outbox";
            await using (var connection = await factory.CreateConnectionAsync())
            await using (var channel = await connection.CreateChannelAsync())
            {
                await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
                await channel.QueueBindAsync(queue, exchange, "");
            }

            await using var publisher = new OutboxPublisher(new ConnectionFactory
            {
                HostName = broker.Host, Port = broker.Port, VirtualHost = broker.VirtualHost, UserName = broker.Username, Password = broker.Password,
            }, bus, new ServiceIdentity("incident-claims"), NullLogger<OutboxPublisher>.Instance);
            var connectionString = endpoints.Database(database);
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            using var store = DocumentStore.For(opts =>
            {
                opts.Connection(dataSource);
                ServiceBenchmarks.ConfigureIncidentClaimsStore(opts);
                opts.Events.Subscribe(new OutboxForwarder(publisher, new IntegrationEvents(), new ServiceIdentity("incident-claims")),
                    o =>
                    {
                        o.Name = OutboxForwarder.SubscriptionName;
                        o.Options.BatchSize = OutboxForwarder.PageSize; // as the services register it
                    });
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var seeding = Stopwatch.StartNew();
            await ServiceBenchmarks.SeedAsync(store, backlog);
            seeding.Stop();
            var last = await Stats.ScalarAsync(connectionString, "select max(seq_id) from mt_events");

            var draining = Stopwatch.StartNew();
            using (var daemon = await store.BuildProjectionDaemonAsync())
            {
                await daemon.StartAllAsync();
                while (await Stats.ScalarAsync(connectionString,
                           $"select coalesce(max(last_seq_id), 0) from mt_event_progression where name like '{OutboxForwarder.SubscriptionName}%'") < last
                       && draining.Elapsed < TimeSpan.FromMinutes(10))
                    await Task.Delay(50); // poll interval of a wait that has its own deadline
                draining.Stop();
                await daemon.StopAllAsync();
            }
            var forwarded = backlog / draining.Elapsed.TotalSeconds;

            // The raw limit, with the outbox's own bytes and properties.
            await using var rawConnection = await factory.CreateConnectionAsync();
            await using var rawChannel = await rawConnection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            var sample = await rawChannel.BasicGetAsync(queue, autoAck: true)
                         ?? throw new InvalidOperationException("The outbox left nothing in the queue.");
            var properties = new BasicProperties(sample.BasicProperties);
            var body = sample.Body.ToArray();
            await rawChannel.QueuePurgeAsync(queue);
            var raw = Stopwatch.StartNew();
            var window = new List<Task>(Window);
            for (var i = 0; i < backlog; i++)
            {
                window.Add(rawChannel.BasicPublishAsync(exchange, "", false, properties, body).AsTask());
                if (window.Count == Window || i == backlog - 1)
                {
                    await Task.WhenAll(window);
                    window.Clear();
                }
            }
            raw.Stop();
            var rawRate = backlog / raw.Elapsed.TotalSeconds;
            var ratio = forwarded / rawRate;
            return
            [
                new("outbox: backlog", $"{backlog:N0} reports seeded in {seeding.Elapsed.TotalSeconds:F0} s, message body {body.Length:N0} bytes", null, null),
                new("broker: raw RabbitMQ.Client, pipelined confirms", $"{rawRate:N0} messages/s ({backlog:N0} in {raw.Elapsed.TotalSeconds:F1} s, " +
                                                                        $"windows of {Window}, persistent, one durable queue)", null, null),
                new("outbox: forwarding a backlog", $"{forwarded:N0} messages/s ({backlog:N0} in {draining.Elapsed.TotalSeconds:F1} s)",
                    "≥ 3,000/s", forwarded >= 3000),
                new("outbox vs raw broker", $"{ratio:F2}×", "≥ 0.3×", ratio >= 0.3),
            ];
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            ServiceBenchmarks.DropLater(database);
            await Broker.DeleteVirtualHostAsync(amqp);
        }
    }
}
