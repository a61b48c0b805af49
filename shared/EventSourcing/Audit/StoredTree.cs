using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>
/// The service's RFC 6962 tree as the checkpointer built it: the root of every perfect subtree, leaves included (level
/// 0, with the sequence number of the event each leaf stands for), written in the transaction that stores the checkpoint
/// the subtrees belong to. A proof against a checkpoint of n leaves needs only the O(log² n) perfect subtrees inside its
/// tree (RFC 6962 section 2.1), so inclusion and consistency proofs read a few dozen rows however long the history is.
/// Nothing here is trusted: a proof built from a changed row leads to another root than the signed, cosigned head, and
/// an inclusion proof's leaf is always recomputed from the event as stored now.
/// </summary>
public static class StoredTree
{
    public const string TableName = "audit_merkle_tree";

    /// <summary>The table, for Marten to create and migrate with the rest of the store (StoreOptions.Storage.ExtendedSchemaObjects).</summary>
    public static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<int>("level").AsPrimaryKey();
        table.AddColumn<long>("position").AsPrimaryKey();
        table.AddColumn("hash", "bytea").NotNull();
        table.AddColumn<long>("seq_id");
        table.Indexes.Add(new IndexDefinition($"ix_{TableName}_leaf_seq_id") { Columns = ["seq_id"], Predicate = "level = 0", IsUnique = true });
        return table;
    }

    /// <summary>Leaves stored: one more than the last leaf's position, 0 when none.</summary>
    public static async Task<long> LeafCountAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select coalesce(max(position) + 1, 0) from {schema}.{TableName} where level = 0", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public static async Task DeleteAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"delete from {schema}.{TableName}", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Binary COPY of new subtrees into the table, in the connection's transaction.</summary>
    public static async Task<Writer> BeginWriteAsync(NpgsqlConnection connection, string schema, CancellationToken ct) =>
        new(await connection.BeginBinaryImportAsync(
            $"copy {schema}.{TableName} (level, position, hash, seq_id) from stdin (format binary)", ct));

    public sealed class Writer(NpgsqlBinaryImporter importer) : IAsyncDisposable
    {
        /// <param name="sequence">The event a leaf stands for (level 0 only).</param>
        public async Task WriteAsync(MerkleNode node, long? sequence, CancellationToken ct)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(node.Level, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(node.Index, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(node.Hash, NpgsqlDbType.Bytea, ct);
            if (node.Level == 0 && sequence is { } seq) await importer.WriteAsync(seq, NpgsqlDbType.Bigint, ct);
            else await importer.WriteNullAsync(ct);
        }

        public async Task CompleteAsync(CancellationToken ct) => await importer.CompleteAsync(ct);

        public ValueTask DisposeAsync() => importer.DisposeAsync();
    }

    /// <summary>The leaf positions of the events with these sequence numbers (those that have one).</summary>
    public static async Task<IReadOnlyDictionary<long, long>> LeafPositionsAsync(NpgsqlDataSource dataSource, string schema,
        IReadOnlyCollection<long> sequences, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"select seq_id, position from {schema}.{TableName} where level = 0 and seq_id = any(@sequences)");
        command.Parameters.AddWithValue("sequences", sequences.ToArray());
        var positions = new Dictionary<long, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) positions[reader.GetInt64(0)] = reader.GetInt64(1);
        return positions;
    }

    /// <summary>
    /// Runs <paramref name="compute"/> over the stored subtrees it needs, read in one query. Null when one of them is not
    /// stored (a tree the checkpointer never built that far, or rows removed).
    /// </summary>
    public static async Task<T?> ComputeAsync<T>(NpgsqlDataSource dataSource, string schema, Func<PerfectSubtrees, T> compute,
        CancellationToken ct) where T : class
    {
        var wanted = MerkleTree.NodesRead(nodes => compute(nodes));
        var found = new Dictionary<(int, long), byte[]>(wanted.Count);
        if (wanted.Count > 0)
        {
            await using var command = dataSource.CreateCommand(
                $"""
                 select t.level, t.position, t.hash from {schema}.{TableName} t
                 join unnest(@levels, @positions) w(level, position) on t.level = w.level and t.position = w.position
                 """);
            command.Parameters.AddWithValue("levels", wanted.Select(w => w.Level).ToArray());
            command.Parameters.AddWithValue("positions", wanted.Select(w => w.Index).ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) found[(reader.GetInt32(0), reader.GetInt64(1))] = (byte[])reader[2];
        }
        return found.Count < wanted.Count ? null : compute((level, index) => found[(level, index)]);
    }
}
