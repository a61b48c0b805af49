using Marten;
using Marten.Services;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SandboxRegistry.Contracts.Audit;

namespace SandboxRegistry.EventSourcing.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Publish a checkpoint once this many events have been appended since the last one...</summary>
    public int CheckpointEveryEvents { get; set; } = 100;

    /// <summary>...or once this much time has passed with at least one new event.</summary>
    public TimeSpan CheckpointEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the checkpointer looks.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Base URLs of the other services, by service name, whose witnessed checkpoints verification compares.</summary>
    public Dictionary<string, string> Peers { get; set; } = [];
}

/// <summary>A checkpoint this service published: the running hash of its global sequence up to Sequence.</summary>
public sealed record AuditCheckpoint(long Id, string Service, long Sequence, string Hash, long Events, DateTimeOffset At);

/// <summary>A checkpoint another service published, as this service received it. Inserted once, never changed.</summary>
public sealed record WitnessedCheckpoint(string Id, string Service, long Sequence, string Hash, long Events, DateTimeOffset At,
    DateTimeOffset ReceivedAt);

/// <summary>
/// Folds newly committed events into the running hash and publishes a checkpoint every N events or T seconds.
/// It reads only up to the async daemon's high-water mark, below which no transaction can still commit, so a
/// checkpoint never misses an event that commits late. A transaction-scoped advisory lock keeps one replica at work.
/// </summary>
public sealed class AuditCheckpointer(IDocumentStore store, NpgsqlDataSource dataSource, ChainVerifier chains, IBus bus,
    ServiceIdentity service,
    TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditCheckpointer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TryCheckpointAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Audit checkpoint failed; will retry");
            }
        }
    }

    public async Task<AuditCheckpoint?> TryCheckpointAsync(CancellationToken ct)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var locking = new NpgsqlCommand("select pg_try_advisory_xact_lock(hashtext(@key))", connection, transaction))
        {
            locking.Parameters.AddWithValue("key", $"audit-checkpoint:{schema}");
            if (await locking.ExecuteScalarAsync(ct) is not true) return null;
        }

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        var last = await session.Query<AuditCheckpoint>().OrderByDescending(c => c.Sequence).FirstOrDefaultAsync(ct);
        var highWater = await Scalar<long?>(connection, transaction,
            $"select last_seq_id from {schema}.mt_event_progression where name = 'HighWaterMark'", ct) ?? 0;
        var from = last?.Sequence ?? 0;
        if (highWater <= from) return null;

        var now = clock.GetUtcNow();
        var pending = await Scalar<long>(connection, transaction,
            $"select count(*) from {schema}.mt_events where seq_id > {from} and seq_id <= {highWater}", ct);
        var due = pending >= options.Value.CheckpointEveryEvents ||
                  (pending > 0 && now - (last?.At ?? DateTimeOffset.MinValue) >= options.Value.CheckpointEvery);
        if (!due) return null;

        var running = last?.Hash ?? AuditHash.Genesis;
        var events = last?.Events ?? 0;
        // The same rows, in the same order, with the same rule for unsealed events as verification uses.
        await foreach (var row in chains.ReadRangeAsync(from, highWater, ct))
        {
            running = AuditHash.Running(running, row.Seal?.Hash ?? ChainVerifier.Unsealed(row));
            events++;
        }

        var checkpoint = new AuditCheckpoint(highWater, service.Name, highWater, running, events, now);
        session.Insert(checkpoint);
        await session.SaveChangesAsync(ct);
        // Published before commit: a retry after a failed commit publishes the same checkpoint with the same id.
        await bus.Publish(new AuditCheckpointPublished(service.Name, highWater, running, events, now),
            context => context.MessageId = MessageIdOf(service.Name, highWater), ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Audit checkpoint at sequence {Sequence} over {Events} events", highWater, events);
        return checkpoint;
    }

    public static Guid MessageIdOf(string service, long sequence) =>
        new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{service}:{sequence}")));

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var value = await command.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }
}

/// <summary>Records the checkpoints the other services publish. Append-only: a checkpoint is inserted once.</summary>
public sealed class AuditCheckpointWitness(IDocumentSession session, ServiceIdentity service, TimeProvider clock)
    : IConsumer<AuditCheckpointPublished>
{
    public async Task Consume(ConsumeContext<AuditCheckpointPublished> context)
    {
        var m = context.Message;
        if (m.Service == service.Name) return;
        if (!await session.TryBeginAsync(context, nameof(AuditCheckpointWitness), clock)) return;
        session.Insert(new WitnessedCheckpoint($"{m.Service}:{m.Sequence}", m.Service, m.Sequence, m.Hash, m.Events, m.At,
            clock.GetUtcNow()));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
