using System.Net.Http.Json;
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

    /// <summary>
    /// Each peer's verifier keys (<c>name+id+base64</c>), by service name: a witness cosigns only a checkpoint it verified.
    /// After a peer rotated its key, list the new key and the old one separated by a comma or white space, so that
    /// checkpoints signed before the rotation still verify.
    /// </summary>
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
        _peers = o.PeerVerifierKeys.ToDictionary(p => p.Key, p => (IReadOnlyList<(string, byte[])>)p.Value
            .Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(k => ParseVerifierKey(k)).ToList());
        Previous = o.PreviousVerifierKeys;
        PreviousKeys = Previous.Select(k => ParseVerifierKey(k)).ToList();
        _development = environment.IsDevelopment();
    }

    private readonly Dictionary<string, IReadOnlyList<(string Name, byte[] PublicKey)>> _peers;
    private readonly bool _development;

    public string Origin { get; }

    public NoteKey Key { get; }

    public IReadOnlyList<string> Previous { get; }

    /// <summary>The keys this service signed with before a rotation, parsed.</summary>
    public IReadOnlyList<(string Name, byte[] PublicKey)> PreviousKeys { get; }

    /// <summary>Every key whose signature on one of this service's own notes is this service's: the current one first.</summary>
    public IReadOnlyList<(string Name, byte[] PublicKey)> OwnKeys => [(Key.Name, Key.PublicKey), .. PreviousKeys];

    public static string OriginOf(string service) => $"sandbox-registry/{service}";

    /// <summary>
    /// The keys a peer signs (and cosigns) with: configured (the current key and those it rotated away from), or in
    /// Development the peer's development key; empty when unknown.
    /// </summary>
    public IReadOnlyList<(string Name, byte[] PublicKey)> PeerKeys(string service) =>
        _peers.TryGetValue(service, out var keys) ? keys
        : _development ? [(OriginOf(service), NoteKey.Development(OriginOf(service)).PublicKey)]
        : [];

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
/// signature verified against its known key and the tree is consistent with the last one this witness cosigned (an RFC
/// 6962 consistency proof fetched from the publisher and checked against the two heads this witness holds).</param>
/// <param name="Status">cosigned, refused or unverified (see <see cref="AuditCheckpointCosigned"/>); null on records
/// stored before the witness said.</param>
/// <param name="Reason">Why the checkpoint was refused or left unverified.</param>
public sealed record WitnessedCheckpoint(string Id, string Service, long Sequence, string Hash, long Events, DateTimeOffset At,
    DateTimeOffset ReceivedAt, long TreeSize = 0, string? RootHash = null, string? Note = null, string? Cosignature = null,
    string? Status = null, string? Reason = null)
{
    public const string Cosigned = "cosigned";
    public const string Refused = "refused";
    public const string Unverified = "unverified";
}

/// <summary>What one witness answered about one of this service's checkpoints. Inserted once, never changed.</summary>
/// <param name="Id"><c>sequence:witness</c>.</param>
public sealed record CheckpointCosignature(string Id, long Sequence, long TreeSize, string Witness, string Status, string? Cosignature,
    string? Reason, DateTimeOffset At, DateTimeOffset ReceivedAt);

/// <summary>
/// A checkpoint as this service publishes it, with what its witnesses answered; <see cref="CosignedNote"/> is the signed
/// note with every witness's tlog-cosignature/v1 line appended, the form a C2SP client verifies.
/// </summary>
public sealed record PublishedCheckpoint(long Sequence, string Service, string Hash, long Events, DateTimeOffset At, int Scheme,
    long TreeSize, string? RootHash, IReadOnlyList<string>? Frontier, string? Note, string? CosignedNote,
    IReadOnlyList<CheckpointCosignature> Witnesses)
{
    public static PublishedCheckpoint Of(AuditCheckpoint c, IEnumerable<CheckpointCosignature> answers)
    {
        var witnesses = answers.Where(a => a.Sequence == c.Sequence).OrderBy(a => a.Witness, StringComparer.Ordinal).ToList();
        var lines = string.Concat(witnesses.Where(w => w.Status == WitnessedCheckpoint.Cosigned).Select(w => w.Cosignature));
        return new PublishedCheckpoint(c.Sequence, c.Service, c.Hash, c.Events, c.At, c.Scheme, c.TreeSize, c.RootHash, c.Frontier, c.Note,
            c.Note is null ? null : c.Note + lines, witnesses);
    }

    /// <summary>Whether every one of <paramref name="witnesses"/> cosigned it.</summary>
    public bool CosignedBy(IEnumerable<string> witnesses) =>
        witnesses.All(w => Witnesses.Any(a => a.Witness == w && a.Status == WitnessedCheckpoint.Cosigned));
}

/// <summary>Reads this service's checkpoints with their witnesses' answers.</summary>
public sealed class PublishedCheckpoints(IDocumentStore store, ServiceIdentity service, IOptions<AuditOptions> options)
{
    /// <summary>The services that witness this one's checkpoints: every configured peer but itself.</summary>
    public IReadOnlyList<string> Witnesses => options.Value.Peers.Keys.Where(p => p != service.Name).Order(StringComparer.Ordinal).ToList();

    public async Task<IReadOnlyList<PublishedCheckpoint>> WithAnswersAsync(IReadOnlyList<AuditCheckpoint> checkpoints, CancellationToken ct)
    {
        if (checkpoints.Count == 0) return [];
        var sequences = checkpoints.Select(c => c.Sequence).ToArray();
        await using var session = store.QuerySession();
        var answers = await session.Query<CheckpointCosignature>().Where(a => sequences.Contains(a.Sequence)).ToListAsync(ct);
        return checkpoints.Select(c => PublishedCheckpoint.Of(c, answers)).ToList();
    }

    /// <summary>The latest checkpoint with a tree head that every witness cosigned, or null (also when there are no witnesses).</summary>
    public async Task<PublishedCheckpoint?> LatestCosignedAsync(CancellationToken ct)
    {
        var witnesses = Witnesses;
        if (witnesses.Count == 0) return null;
        await using var session = store.QuerySession();
        // Cosignatures arrive in sequence order; the latest fully cosigned checkpoint is among the last few answered.
        var answers = await session.Query<CheckpointCosignature>().Where(a => a.Status == WitnessedCheckpoint.Cosigned)
            .OrderByDescending(a => a.Sequence).Take(64 * witnesses.Count).ToListAsync(ct);
        var sequence = answers.GroupBy(a => a.Sequence)
            .FirstOrDefault(g => witnesses.All(w => g.Any(a => a.Witness == w)))?.Key;
        if (sequence is null) return null;
        var checkpoint = await session.LoadAsync<AuditCheckpoint>(sequence.Value, ct);
        return checkpoint is null ? null : PublishedCheckpoint.Of(checkpoint, answers);
    }
}

/// <summary>
/// The event that announces one of this service's checkpoints, appended in the transaction that stores the checkpoint:
/// the outbox (<see cref="OutboxForwarder"/>) forwards it as <see cref="AuditCheckpointPublished"/> once that transaction
/// committed, like every other integration event, so no witness is ever told of a checkpoint that was rolled back. The
/// event joins the service's own log, so the next checkpoint's tree covers the announcements made before it.
/// </summary>
public sealed record AuditCheckpointRecorded(long Sequence, string Hash, long Events, DateTimeOffset At, long TreeSize, string RootHash,
    string Note)
{
    /// <summary>Its event type name in the store (mapped explicitly: the checkpointer counts events by it).</summary>
    public const string TypeName = "audit_checkpoint_recorded";

    /// <summary>The one stream of a service's checkpoint announcements.</summary>
    public static Guid StreamOf(string service) =>
        new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"audit-checkpoints:{service}")));

    public AuditCheckpointPublished ToContract(string service) =>
        new(service, Sequence, Hash, Events, At, TreeSize, RootHash, Note);
}

/// <summary>
/// Folds newly committed events into the running hash and stores a checkpoint every N events or T seconds, with the
/// event that announces it (<see cref="AuditCheckpointRecorded"/>) in the same transaction.
/// It reads only up to the async daemon's high-water mark, below which no transaction can still commit, so a
/// checkpoint never misses an event that commits late. A transaction-scoped advisory lock keeps one replica at work.
/// Announcements alone never make a checkpoint due, so an idle service stays idle.
/// </summary>
public sealed class AuditCheckpointer(IDocumentStore store, NpgsqlDataSource dataSource, ChainVerifier chains,
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
            $"select count(*) from {schema}.mt_events where seq_id > {from} and seq_id <= {highWater} and type <> '{AuditCheckpointRecorded.TypeName}'", ct);
        var due = pending >= options.Value.CheckpointEveryEvents ||
                  (pending > 0 && now - (last?.At ?? DateTimeOffset.MinValue) >= options.Value.CheckpointEvery);
        if (!due) return null;

        // Rows up to a scheme 1 checkpoint were folded with tombstones; the last checkpoint tells whether any remain.
        var legacyThrough = last is { Scheme: < AuditCheckpoint.CurrentScheme } ? last.Sequence : 0;
        var running = last?.Hash ?? AuditHash.Genesis;
        var events = last?.Events ?? 0;
        // The stored tree (StoredTree) holds exactly the subtrees of the last checkpoint's tree. When it does not (no
        // checkpoint, one from before the tree, checkpoints removed, a database from before the stored tree), it is
        // written again from the rows up to the last checkpoint, in this transaction.
        var stored = await StoredTree.LeafCountAsync(connection, transaction, schema, ct);
        var frontier = last is { RootHash: not null, Frontier: { } roots } ? MerkleFrontier.FromHex(last.TreeSize, roots) : null;
        var rewrite = frontier is null || stored != last!.TreeSize;
        if (rewrite && stored > 0) await StoredTree.DeleteAllAsync(connection, transaction, schema, ct);
        var completed = new List<MerkleNode>();
        MerkleFrontier tree;
        await using (var nodes = await StoredTree.BeginWriteAsync(connection, schema, ct))
        {
            async Task AppendAsync(MerkleFrontier to, StoredEvent row, long within = long.MaxValue)
            {
                completed.Clear();
                to.Append(ChainVerifier.LeafOf(row), completed);
                foreach (var node in completed.Where(n => (n.Index + 1) << n.Level <= within)) await nodes.WriteAsync(node, row.Sequence, ct);
            }

            if (rewrite && last is not null)
            {
                // Only subtrees inside the last tree: when rows were removed or inserted since, the stored tree has gaps
                // and the proofs that need them say so (audit-tree-incomplete), as they would over the rows.
                var rebuilt = new MerkleFrontier();
                var within = frontier is null ? long.MaxValue : last.TreeSize;
                await foreach (var row in chains.ReadRangeAsync(0, last.Sequence, ct))
                    if (!row.Tombstone) await AppendAsync(rebuilt, row, within);
                // Continue from the frontier the last checkpoint published, so the next head extends the one witnesses hold.
                frontier ??= rebuilt;
            }
            tree = frontier ?? new MerkleFrontier();
            // The same rows, in the same order, with the same rule for unsealed events as verification uses.
            await foreach (var row in chains.ReadRangeAsync(from, highWater, ct))
            {
                if (!row.Tombstone) await AppendAsync(tree, row);
                if (row.Tombstone && AuditCheckpoint.SkipsTombstones(row.Sequence, legacyThrough)) continue;
                running = AuditHash.Running(running, row.Seal?.Hash ?? ChainVerifier.Unsealed(row));
                events++;
            }
            await nodes.CompleteAsync(ct);
        }

        var root = tree.Root();
        var note = SignedNote.Sign(SignedNote.CheckpointBody(keys.Origin, tree.Size, root), keys.Key);
        var checkpoint = new AuditCheckpoint(highWater, service.Name, highWater, running, events, now, AuditCheckpoint.CurrentScheme,
            tree.Size, Convert.ToHexStringLower(root), tree.ToHex(), note);
        session.Insert(checkpoint);
        session.LastModifiedBy = $"service:{service.Name}";
        session.Events.Append(AuditCheckpointRecorded.StreamOf(service.Name),
            new AuditCheckpointRecorded(highWater, running, events, now, tree.Size, checkpoint.RootHash!, note));
        await session.CommitAsync(ct);
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

/// <summary>
/// Witnesses the checkpoints the other services publish, with the semantics of a C2SP tlog-witness: it cosigns a
/// checkpoint only when the publisher's known key signed it and an RFC 6962 consistency proof, fetched from the
/// publisher, shows that the tree the witness cosigned last is a prefix of it; a checkpoint that is not (a smaller tree,
/// another head for the same size, a proof that does not check) is refused for good, recorded with its reason and
/// reported to the publisher. Every answer is also sent back to the publisher, which gathers the cosignatures onto its
/// note. Append-only: a checkpoint is witnessed once.
/// </summary>
public sealed class AuditCheckpointWitness(IDocumentSession session, ServiceIdentity service, CheckpointKeys keys, TimeProvider clock,
    IHttpClientFactory http, ILogger<AuditCheckpointWitness> logger) : IConsumer<AuditCheckpointPublished>
{
    public async Task Consume(ConsumeContext<AuditCheckpointPublished> context)
    {
        var m = context.Message;
        if (m.Service == service.Name) return;
        if (!await session.TryBeginAsync(context, nameof(AuditCheckpointWitness), clock)) return;
        var now = clock.GetUtcNow();
        var (status, cosignature, reason) = await CosignAsync(m, now, context.CancellationToken);
        if (status != WitnessedCheckpoint.Cosigned)
            logger.LogWarning("Checkpoint {Sequence} of {Service} {Status}: {Reason}", m.Sequence, m.Service, status, reason);
        session.Insert(new WitnessedCheckpoint($"{m.Service}:{m.Sequence}", m.Service, m.Sequence, m.Hash, m.Events, m.At, now,
            m.TreeSize ?? 0, m.RootHash, m.Note, cosignature, status, reason));
        await context.Publish(new AuditCheckpointCosigned(m.Service, service.Name, m.Sequence, m.TreeSize ?? 0, m.RootHash, status,
            cosignature, reason, now), c => c.MessageId = AuditCheckpointer.MessageIdOf($"cosigned:{service.Name}:{m.Service}", m.Sequence),
            context.CancellationToken);
        await session.CommitAsync(context.CancellationToken);
    }

    private async Task<(string Status, string? Cosignature, string? Reason)> CosignAsync(AuditCheckpointPublished m, DateTimeOffset now,
        CancellationToken ct)
    {
        if (m.Note is null || m.RootHash is null || m.TreeSize is not { } size)
            return (WitnessedCheckpoint.Unverified, null, "The checkpoint carries no signed tree head.");
        var peer = keys.PeerKeys(m.Service).FirstOrDefault(k => SignedNote.HasValidSignature(m.Note, k.Name, k.PublicKey));
        if (peer.Name is null)
            return (WitnessedCheckpoint.Refused, null, "The note is not signed by a known key of its publisher.");
        var body = SignedNote.Body(m.Note)!;
        if (body != SignedNote.CheckpointBody(peer.Name, size, Convert.FromHexString(m.RootHash)))
            return (WitnessedCheckpoint.Refused, null, "The signed note states another tree than the checkpoint.");

        var last = await session.Query<WitnessedCheckpoint>()
            .Where(c => c.Service == m.Service && c.Cosignature != null)
            .OrderByDescending(c => c.TreeSize).ThenByDescending(c => c.Sequence).FirstOrDefaultAsync(ct);
        if (last is { RootHash: { } lastRoot })
        {
            if (size < last.TreeSize)
                return (WitnessedCheckpoint.Refused, null, $"The tree shrank from {last.TreeSize} leaves, cosigned at sequence {last.Sequence}, to {size}.");
            if (size == last.TreeSize && !lastRoot.Equals(m.RootHash, StringComparison.OrdinalIgnoreCase))
                return (WitnessedCheckpoint.Refused, null,
                    $"Another head for the tree of {size} leaves than the one cosigned at sequence {last.Sequence}: the log forked.");
            if (size > last.TreeSize)
            {
                var proof = await ConsistencyProofAsync(m.Service, last.TreeSize, size, ct);
                if (proof.Refusal is not null) return (WitnessedCheckpoint.Refused, null, proof.Refusal);
                if (proof.Hashes is null) return (WitnessedCheckpoint.Unverified, null, proof.Unavailable);
                if (!MerkleTree.VerifyConsistency(last.TreeSize, size, Convert.FromHexString(lastRoot), Convert.FromHexString(m.RootHash),
                        proof.Hashes))
                    return (WitnessedCheckpoint.Refused, null,
                        $"The publisher's consistency proof from {last.TreeSize} to {size} leaves does not lead from the head cosigned at " +
                        $"sequence {last.Sequence} to this one: its history changed.");
            }
        }
        return (WitnessedCheckpoint.Cosigned, SignedNote.CosignatureLine(body, keys.Key, now), null);
    }

    private async Task<(IReadOnlyList<byte[]>? Hashes, string? Refusal, string? Unavailable)> ConsistencyProofAsync(string publisher,
        long first, long second, CancellationToken ct)
    {
        var client = http.CreateClient(ServiceVerifier.PeerClientPrefix + publisher);
        if (client.BaseAddress is null) return (null, null, $"No address of {publisher} is configured (Audit:Peers) to ask for a consistency proof.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await client.GetAsync($"api/v1/audit/proofs/consistency?first={first}&second={second}", timeout.Token);
            // A publisher announces a checkpoint only once it committed it (through its outbox): a head it does not serve is
            // one it never published (a forged or deleted checkpoint), refused for good.
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                return (null, $"{publisher} does not serve a published tree head of {second} leaves: the announced checkpoint is not one it published.", null);
            if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
                return (null, $"{publisher} cannot prove consistency from {first} to {second} leaves: {await response.Content.ReadAsStringAsync(timeout.Token)}", null);
            response.EnsureSuccessStatusCode();
            var proof = await response.Content.ReadFromJsonAsync<ConsistencyProof>(timeout.Token)
                        ?? throw new System.Text.Json.JsonException("An empty answer.");
            return (proof.Proof.Select(Convert.FromHexString).ToList(), null, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or FormatException)
        {
            return (null, null, $"The consistency proof could not be fetched from {publisher}: {e.Message}");
        }
    }
}

/// <summary>
/// Gathers the witnesses' answers to this service's checkpoints: a cosignature is kept only when it verifies, with the
/// witness's known key, over this service's own note. Append-only.
/// </summary>
public sealed class AuditCheckpointCosignatures(IDocumentSession session, ServiceIdentity service, CheckpointKeys keys, TimeProvider clock,
    ILogger<AuditCheckpointCosignatures> logger) : IConsumer<AuditCheckpointCosigned>
{
    public async Task Consume(ConsumeContext<AuditCheckpointCosigned> context)
    {
        var m = context.Message;
        if (m.Service != service.Name || m.Witness == service.Name) return;
        if (!await session.TryBeginAsync(context, nameof(AuditCheckpointCosignatures), clock)) return;
        var checkpoint = await session.LoadAsync<AuditCheckpoint>(m.Sequence, context.CancellationToken);
        var (status, cosignature, reason) = (m.Status, m.Cosignature, m.Reason);
        if (status == WitnessedCheckpoint.Cosigned &&
            (checkpoint?.Note is not { } note || cosignature is null ||
             !keys.PeerKeys(m.Witness).Any(k => SignedNote.HasValidSignature(note + cosignature, k.Name, k.PublicKey, NoteKey.CosignatureType))))
            (status, cosignature, reason) = ("invalid", null, "The cosignature does not verify with the witness's known key over this checkpoint's note.");
        if (status != WitnessedCheckpoint.Cosigned)
            logger.LogWarning("Witness {Witness} answered {Status} to checkpoint {Sequence}: {Reason}", m.Witness, status, m.Sequence, reason);
        session.Insert(new CheckpointCosignature($"{m.Sequence}:{m.Witness}", m.Sequence, m.TreeSize, m.Witness, status, cosignature, reason,
            m.At, clock.GetUtcNow()));
        await session.CommitAsync(context.CancellationToken);
    }
}
