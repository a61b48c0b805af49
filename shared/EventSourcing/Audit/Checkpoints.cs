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

    /// <summary>The checkpoints' origin line and the signing key's name; <c>sandbox-registry/&lt;service&gt;</c> by default.</summary>
    public string? Origin { get; set; }

    /// <summary>
    /// The Ed25519 private key (32-byte seed, base64) that signs this service's checkpoints and cosigns its peers'.
    /// Required outside Development; in Development a key derived from the origin is used.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Verifier keys of keys this service signed with before (rotation): still published, so old notes verify.</summary>
    public List<string> PreviousVerifierKeys { get; set; } = [];

    /// <summary>Each peer's verifier key (<c>name+id+base64</c>), by service name: a witness cosigns only a checkpoint it verified.</summary>
    public Dictionary<string, string> PeerVerifierKeys { get; set; } = [];
}

/// <summary>This service's checkpoint key and what it knows of its peers' keys.</summary>
public sealed class CheckpointKeys
{
    public CheckpointKeys(IOptions<AuditOptions> options, ServiceIdentity service, Microsoft.Extensions.Hosting.IHostEnvironment environment)
    {
        var o = options.Value;
        Origin = o.Origin ?? OriginOf(service.Name);
        Key = o.SigningKey is { Length: > 0 } seed ? new NoteKey(Origin, Convert.FromBase64String(seed))
            : environment.IsDevelopment() ? NoteKey.Development(Origin)
            : throw new InvalidOperationException("Audit:SigningKey (a base64 Ed25519 seed) is required outside Development.");
        Previous = o.PreviousVerifierKeys;
        _peers = o.PeerVerifierKeys.ToDictionary(p => p.Key, p => ParseVerifierKey(p.Value));
        _development = environment.IsDevelopment();
    }

    private readonly Dictionary<string, (string Name, byte[] PublicKey)> _peers;
    private readonly bool _development;

    public string Origin { get; }

    public NoteKey Key { get; }

    public IReadOnlyList<string> Previous { get; }

    public static string OriginOf(string service) => $"sandbox-registry/{service}";

    /// <summary>The key a peer signs its checkpoints with: configured, or in Development the peer's development key.</summary>
    public (string Name, byte[] PublicKey)? Peer(string service) =>
        _peers.TryGetValue(service, out var key) ? key
        : _development ? (OriginOf(service), NoteKey.Development(OriginOf(service)).PublicKey)
        : null;

    public static (string Name, byte[] PublicKey) ParseVerifierKey(string vkey, byte type = NoteKey.Ed25519Type)
    {
        var parts = vkey.Split('+', 3); // the base64 key itself may hold plus signs
        var raw = parts.Length == 3 ? Convert.FromBase64String(parts[2]) : [];
        if (raw.Length != 33 || raw[0] != type ||
            !Convert.ToHexStringLower(NoteKey.KeyId(parts[0], type, raw[1..])).Equals(parts[1], StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Not an Ed25519 verifier key: {vkey}");
        return (parts[0], raw[1..]);
    }
}

/// <summary>The public keys an auditor needs: the log key (signed-note type 0x01) and the cosigner key (type 0x04).</summary>
public sealed record AuditKeys(string Origin, string VerifierKey, string CosignerKey, IReadOnlyList<string> PreviousVerifierKeys);

/// <summary>
/// A checkpoint this service published: the running hash of its global sequence up to Sequence.
/// <see cref="Scheme"/> 1 (checkpoints stored before it was recorded) folded Marten's tombstones into the running hash
/// like unsealed events; scheme 2 leaves them out, so a tombstone that commits after a checkpoint passed its number
/// changes nothing.
/// </summary>
/// <param name="TreeSize">Leaves of the service's RFC 6962 tree up to Sequence (every event but tombstones).</param>
/// <param name="RootHash">That tree's head, lower-case hex; null on checkpoints stored before the tree existed.</param>
/// <param name="Note">The tree head as a C2SP tlog-checkpoint signed note, signed with this service's key.</param>
/// <param name="Frontier">Roots of the tree's perfect subtrees, largest first: the next checkpoint continues from them.</param>
public sealed record AuditCheckpoint(long Id, string Service, long Sequence, string Hash, long Events, DateTimeOffset At, int Scheme = 1,
    long TreeSize = 0, string? RootHash = null, IReadOnlyList<string>? Frontier = null, string? Note = null)
{
    public const int CurrentScheme = 2;

    /// <summary>Whether the running hash up to a sequence left tombstones out: after the last scheme 1 checkpoint.</summary>
    public static bool SkipsTombstones(long sequence, long lastLegacySequence) => sequence > lastLegacySequence;
}

/// <summary>A checkpoint another service published, as this service received it. Inserted once, never changed.</summary>
/// <param name="Note">The publisher's signed checkpoint note, when it sent one.</param>
/// <param name="Cosignature">This witness's tlog-cosignature/v1 line over that note, given only when the publisher's
/// signature verified against its known key and the tree did not shrink.</param>
public sealed record WitnessedCheckpoint(string Id, string Service, long Sequence, string Hash, long Events, DateTimeOffset At,
    DateTimeOffset ReceivedAt, long TreeSize = 0, string? RootHash = null, string? Note = null, string? Cosignature = null);

/// <summary>
/// Folds newly committed events into the running hash and publishes a checkpoint every N events or T seconds.
/// It reads only up to the async daemon's high-water mark, below which no transaction can still commit, so a
/// checkpoint never misses an event that commits late. A transaction-scoped advisory lock keeps one replica at work.
/// </summary>
public sealed class AuditCheckpointer(IDocumentStore store, NpgsqlDataSource dataSource, ChainVerifier chains, IBus bus,
    ServiceIdentity service, CheckpointKeys keys,
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

        // Rows up to a scheme 1 checkpoint were folded with tombstones; the last checkpoint tells whether any remain.
        var legacyThrough = last is { Scheme: < AuditCheckpoint.CurrentScheme } ? last.Sequence : 0;
        var running = last?.Hash ?? AuditHash.Genesis;
        var events = last?.Events ?? 0;
        var tree = await TreeAfterAsync(last, ct);
        // The same rows, in the same order, with the same rule for unsealed events as verification uses.
        await foreach (var row in chains.ReadRangeAsync(from, highWater, ct))
        {
            if (!row.Tombstone) tree.Append(ChainVerifier.LeafOf(row));
            if (row.Tombstone && AuditCheckpoint.SkipsTombstones(row.Sequence, legacyThrough)) continue;
            running = AuditHash.Running(running, row.Seal?.Hash ?? ChainVerifier.Unsealed(row));
            events++;
        }

        var root = tree.Root();
        var note = SignedNote.Sign(SignedNote.CheckpointBody(keys.Origin, tree.Size, root), keys.Key);
        var checkpoint = new AuditCheckpoint(highWater, service.Name, highWater, running, events, now, AuditCheckpoint.CurrentScheme,
            tree.Size, Convert.ToHexStringLower(root), tree.ToHex(), note);
        session.Insert(checkpoint);
        await session.SaveChangesAsync(ct);
        // Published before commit: a retry after a failed commit publishes the same checkpoint with the same id.
        await bus.Publish(new AuditCheckpointPublished(service.Name, highWater, running, events, now, tree.Size, checkpoint.RootHash, note),
            context => context.MessageId = MessageIdOf(service.Name, highWater), ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Audit checkpoint at sequence {Sequence} over {Events} events", highWater, events);
        return checkpoint;
    }

    /// <summary>The tree as of <paramref name="last"/>: from its frontier, or rebuilt once from the rows when it predates the tree.</summary>
    private async Task<MerkleFrontier> TreeAfterAsync(AuditCheckpoint? last, CancellationToken ct)
    {
        if (last is { RootHash: not null, Frontier: { } roots }) return MerkleFrontier.FromHex(last.TreeSize, roots);
        var tree = new MerkleFrontier();
        if (last is null) return tree;
        await foreach (var row in chains.ReadRangeAsync(0, last.Sequence, ct))
            if (!row.Tombstone) tree.Append(ChainVerifier.LeafOf(row));
        return tree;
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
public sealed class AuditCheckpointWitness(IDocumentSession session, ServiceIdentity service, CheckpointKeys keys, TimeProvider clock,
    ILogger<AuditCheckpointWitness> logger) : IConsumer<AuditCheckpointPublished>
{
    public async Task Consume(ConsumeContext<AuditCheckpointPublished> context)
    {
        var m = context.Message;
        if (m.Service == service.Name) return;
        if (!await session.TryBeginAsync(context, nameof(AuditCheckpointWitness), clock)) return;
        var now = clock.GetUtcNow();
        session.Insert(new WitnessedCheckpoint($"{m.Service}:{m.Sequence}", m.Service, m.Sequence, m.Hash, m.Events, m.At, now,
            m.TreeSize ?? 0, m.RootHash, m.Note, await CosignAsync(m, now, context.CancellationToken)));
        await session.SaveChangesAsync(context.CancellationToken);
    }

    /// <summary>
    /// Cosigns a checkpoint whose note the publisher's known key signed, whose body states the tree the message
    /// names, and whose tree is no smaller than the largest this witness has seen from that publisher.
    /// </summary>
    private async Task<string?> CosignAsync(AuditCheckpointPublished m, DateTimeOffset now, CancellationToken ct)
    {
        if (m.Note is null || m.RootHash is null || m.TreeSize is not { } size) return null;
        if (keys.Peer(m.Service) is not { } peer || !SignedNote.HasValidSignature(m.Note, peer.Name, peer.PublicKey))
        {
            logger.LogWarning("Checkpoint {Sequence} of {Service} is not signed by its known key; witnessed without a cosignature",
                m.Sequence, m.Service);
            return null;
        }
        var body = SignedNote.Body(m.Note)!;
        if (body != SignedNote.CheckpointBody(peer.Name, size, Convert.FromHexString(m.RootHash))) return null;
        var largest = await session.Query<WitnessedCheckpoint>().Where(c => c.Service == m.Service)
            .OrderByDescending(c => c.TreeSize).FirstOrDefaultAsync(ct);
        if (largest is not null && largest.TreeSize > size) return null;
        return SignedNote.CosignatureLine(body, keys.Key, now);
    }
}
