using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SandboxRegistry.Contracts.Audit;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>Shared steps of the witness tests: SandboxApplications publishes, the other two witness.</summary>
public abstract class WitnessTestBase(SystemFixture system)
{
    protected SystemFixture System => system;

    protected async Task<(Guid Stream, Guid EventId, long Sequence)> Append(string note)
    {
        var id = Guid.NewGuid();
        await using var session = system.Applications.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.LastModifiedBy = "probe-writer";
        session.Events.StartStream(id, new AuditProbe(note, 1));
        await session.SaveChangesAsync();
        await using var query = system.Applications.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var stored = (await query.Events.FetchStreamAsync(id)).Single();
        return (id, stored.Id, stored.Sequence);
    }

    /// <summary>The first checkpoint of SandboxApplications at or past <paramref name="sequence"/> that both witnesses answered.</summary>
    protected Task<JsonElement> AnsweredCheckpoint(long sequence) =>
        Eventually.Until(async () =>
        {
            var all = await system.Applications.Client().AllItems("/api/v1/audit/checkpoints");
            return all.Where(c => c.GetProperty("sequence").GetInt64() >= sequence && c.GetProperty("witnesses").GetArrayLength() == 2)
                .Select(c => (JsonElement?)c).FirstOrDefault();
        }, TimeSpan.FromSeconds(30), $"a checkpoint past sequence {sequence} should be answered by both witnesses");

    protected static (string Name, byte[] PublicKey) Key(JsonElement keys, string property, byte type = NoteKey.Ed25519Type) =>
        CheckpointKeys.ParseVerifierKey(keys.GetProperty(property).GetString()!, type);
}

/// <summary>Cosignatures gathered onto the publisher's note, and a witness that refuses a forked tree.</summary>
public class AuditCosignatureTests(SystemFixture system) : WitnessTestBase(system), IClassFixture<SystemFixture>
{
    [Fact]
    public async Task A_checkpoint_note_carries_the_valid_cosignatures_of_both_other_services()
    {
        var (_, _, sequence) = await Append("cosigned");
        var cosigned = await Eventually.Until(async () =>
        {
            var response = await System.Applications.Client().GetAsync("/api/v1/audit/checkpoints/cosigned");
            if (!response.IsSuccessStatusCode) return null;
            var checkpoint = await response.Content.ReadFromJsonAsync<JsonElement>();
            return checkpoint.GetProperty("sequence").GetInt64() >= sequence ? (JsonElement?)checkpoint : null;
        }, TimeSpan.FromSeconds(30), "a checkpoint covering the event should be cosigned by both witnesses");

        var log = Key(await System.Applications.Client().GetFromJsonAsync<JsonElement>("/api/v1/audit/keys"), "verifierKey");
        var note = cosigned.GetProperty("cosignedNote").GetString()!;
        Assert.StartsWith(cosigned.GetProperty("note").GetString()!, note);
        Assert.True(SignedNote.HasValidSignature(note, log.Name, log.PublicKey), note);
        foreach (var witness in new[] { System.Registry.Client(), System.Incidents.Client() })
        {
            var cosigner = Key(await witness.GetFromJsonAsync<JsonElement>("/api/v1/audit/keys"), "cosignerKey", NoteKey.CosignatureType);
            Assert.True(SignedNote.HasValidSignature(note, cosigner.Name, cosigner.PublicKey, NoteKey.CosignatureType), note);
        }
        Assert.Equal(["ai-system-registry", "incident-claims"], cosigned.GetProperty("witnesses").EnumerateArray()
            .Select(w => w.GetProperty("witness").GetString()));
        Assert.All(cosigned.GetProperty("witnesses").EnumerateArray(), w => Assert.Equal("cosigned", w.GetProperty("status").GetString()));
        Assert.Equal(3, note.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith('\u2014')));
    }

    [Fact]
    public async Task A_witness_refuses_a_validly_signed_checkpoint_that_forks_a_tree_it_cosigned_and_says_so()
    {
        var (_, _, sequence) = await Append("before the fork");
        var honest = await AnsweredCheckpoint(sequence);
        Assert.All(honest.GetProperty("witnesses").EnumerateArray(), w => Assert.Equal("cosigned", w.GetProperty("status").GetString()));
        var cosignedByRegistry = await Eventually.Until(async () =>
            (await System.Registry.Client().AllItems("/api/v1/audit/witnessed?service=sandbox-applications&status=cosigned"))
            .OrderByDescending(c => c.GetProperty("treeSize").GetInt64()).Select(c => (JsonElement?)c).FirstOrDefault(),
            TimeSpan.FromSeconds(30), "the registry should have cosigned a checkpoint");

        // Someone holding SandboxApplications' signing key signs another head for a tree size the witnesses already cosigned.
        var size = cosignedByRegistry.GetProperty("treeSize").GetInt64();
        var forkedRoot = global::System.Security.Cryptography.SHA256.HashData("another history"u8.ToArray());
        var key = NoteKey.Development("sandbox-registry/sandbox-applications");
        var forkedSequence = cosignedByRegistry.GetProperty("sequence").GetInt64() + 1_000_000;
        var note = SignedNote.Sign(SignedNote.CheckpointBody(key.Name, size, forkedRoot), key);
        await System.Applications.Services.GetRequiredService<IBus>().Publish(new AuditCheckpointPublished("sandbox-applications",
            forkedSequence, new string('f', 64), 1, DateTimeOffset.UtcNow, size, Convert.ToHexStringLower(forkedRoot), note));

        foreach (var witness in new[] { System.Registry.Client(), System.Incidents.Client() })
        {
            var refused = await Eventually.Until(async () =>
                (await witness.AllItems("/api/v1/audit/witnessed?service=sandbox-applications&status=refused"))
                .Where(c => c.GetProperty("sequence").GetInt64() == forkedSequence).Select(c => (JsonElement?)c).FirstOrDefault(),
                TimeSpan.FromSeconds(30), "the witness should refuse the forked checkpoint");
            Assert.Equal(JsonValueKind.Null, refused.GetProperty("cosignature").ValueKind);
            Assert.Contains($"Another head for the tree of {size} leaves", refused.GetProperty("reason").GetString());
            Assert.Contains("the log forked", refused.GetProperty("reason").GetString());
        }
    }
}

/// <summary>
/// A database administrator rewrites an event that the witnesses already cosigned, reseals it so that its own chain holds
/// and removes the checkpoints so that the service recomputes its tree over the rewritten history: the next tree head is
/// no extension of the one cosigned, no consistency proof leads from one to the other, so both witnesses refuse it, and
/// the publisher itself shows the refusal. (A head that extends the cosigned one from its stored frontier stays
/// consistent; inclusion proofs and verification catch that rewrite.) A fixture of its own, because it tampers with the store.
/// </summary>
public class AuditWitnessRefusalTests(SystemFixture system) : WitnessTestBase(system), IClassFixture<SystemFixture>
{
    [Fact]
    public async Task After_history_is_rewritten_the_witnesses_refuse_to_cosign_and_the_publisher_shows_their_refusals()
    {
        var (_, eventId, sequence) = await Append("to be rewritten");
        var first = await AnsweredCheckpoint(sequence);
        Assert.All(first.GetProperty("witnesses").EnumerateArray(), w => Assert.Equal("cosigned", w.GetProperty("status").GetString()));

        await using (var connection = new NpgsqlConnection(System.Applications.Postgres))
        {
            await connection.OpenAsync();
            await using var rewrite = new NpgsqlCommand(
                "update mt_events set data = jsonb_set(data, '{amount}', '2') where id = @id returning type, data::text", connection);
            rewrite.Parameters.AddWithValue("id", eventId);
            string type, data;
            await using (var reader = await rewrite.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                (type, data) = (reader.GetString(0), reader.GetString(1));
            }
            await using var session = System.Applications.Services.GetRequiredService<IDocumentStore>().QuerySession();
            var original = (await session.LoadAsync<EventSeal>(eventId))!;
            await using var seal = new NpgsqlCommand(
                "update mt_doc_eventseal set data = jsonb_set(data, '{hash}', to_jsonb(@hash::text)) where id = @id", connection);
            seal.Parameters.AddWithValue("id", eventId);
            seal.Parameters.AddWithValue("hash", AuditHash.OfEvent(original.Scheme, original.PreviousHash, type, data, original.By, original.At));
            Assert.Equal(1, await seal.ExecuteNonQueryAsync());
            await using var checkpoints = new NpgsqlCommand("delete from mt_doc_auditcheckpoint", connection);
            Assert.True(await checkpoints.ExecuteNonQueryAsync() > 0);
        }

        var (_, _, later) = await Append("after the rewrite");
        var next = await AnsweredCheckpoint(later);

        var answers = next.GetProperty("witnesses").EnumerateArray().ToArray();
        Assert.Equal(["ai-system-registry", "incident-claims"], answers.Select(w => w.GetProperty("witness").GetString()));
        Assert.All(answers, w =>
        {
            Assert.Equal("refused", w.GetProperty("status").GetString());
            Assert.Contains("consistency proof", w.GetProperty("reason").GetString());
            Assert.Contains("its history changed", w.GetProperty("reason").GetString());
        });
        Assert.Equal(next.GetProperty("note").GetString(), next.GetProperty("cosignedNote").GetString()); // no cosignature line added
        var refused = await System.Registry.Client().AllItems("/api/v1/audit/witnessed?service=sandbox-applications&status=refused");
        Assert.Contains(refused, c => c.GetProperty("sequence").GetInt64() == next.GetProperty("sequence").GetInt64());
    }
}

/// <summary>
/// A checkpoint is announced through the outbox, after the transaction that stores it committed: while every commit of
/// a checkpoint fails (a deferred trigger refuses it at COMMIT, after the checkpointer wrote the checkpoint and its
/// announcement), no witness hears of one, and the first checkpoint that commits afterwards is announced and cosigned.
/// A fixture of its own, because it puts a trigger on the publisher's store.
/// </summary>
public class AuditCheckpointRollbackTests(SystemFixture system) : WitnessTestBase(system), IClassFixture<SystemFixture>
{
    private const string Refusal = "the test refuses this checkpoint at commit";

    private async Task Sql(string sql)
    {
        await using var connection = new NpgsqlConnection(System.Applications.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> HighWaterMark()
    {
        await using var connection = new NpgsqlConnection(System.Applications.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select last_seq_id from mt_event_progression where name = 'HighWaterMark'", connection);
        return await command.ExecuteScalarAsync() is long mark ? mark : 0;
    }

    private static long[] Sequences(IEnumerable<JsonElement> checkpoints) =>
        checkpoints.Select(c => c.GetProperty("sequence").GetInt64()).Order().ToArray();

    [Fact]
    public async Task A_checkpoint_whose_transaction_rolls_back_is_never_announced_and_the_next_committed_one_is_cosigned()
    {
        var (_, _, before) = await Append("before the failing commits");
        Assert.All((await AnsweredCheckpoint(before)).GetProperty("witnesses").EnumerateArray(),
            w => Assert.Equal("cosigned", w.GetProperty("status").GetString()));

        await Sql($"""
            create function refuse_checkpoint() returns trigger language plpgsql as $$ begin raise exception '{Refusal}'; end $$;
            create constraint trigger refuse_checkpoint after insert on mt_doc_auditcheckpoint deferrable initially deferred
                for each row execute function refuse_checkpoint();
            """);
        var (_, _, failing) = await Append("while every checkpoint commit fails");
        // A checkpoint over the new event is written, announced in the same transaction, and rolled back at commit.
        var checkpointer = ActivatorUtilities.CreateInstance<AuditCheckpointer>(System.Applications.Services);
        var rolledBack = await Eventually.Until(async () =>
        {
            if (await HighWaterMark() < failing) return null;
            try
            {
                Assert.Null(await checkpointer.TryCheckpointAsync(CancellationToken.None)); // the service's own checkpointer held the lock
                return null;
            }
            catch (PostgresException e) when (e.MessageText == Refusal)
            {
                return e;
            }
        }, TimeSpan.FromSeconds(30), "a checkpoint over the new event should fail at commit");
        Assert.Equal("P0001", rolledBack.SqlState);

        // Every checkpoint over a sequence before this event's is rolled back too; then commits succeed again.
        var (_, _, after) = await Append("after the failing commits");
        await Eventually.True(async () => await HighWaterMark() >= after, TimeSpan.FromSeconds(30), "the daemon should pass the last event");
        await Sql("drop trigger refuse_checkpoint on mt_doc_auditcheckpoint; drop function refuse_checkpoint();");
        var next = await AnsweredCheckpoint(after);
        Assert.All(next.GetProperty("witnesses").EnumerateArray(), w => Assert.Equal("cosigned", w.GetProperty("status").GetString()));

        var committed = Sequences(await System.Applications.Client().AllItems("/api/v1/audit/checkpoints"));
        Assert.DoesNotContain(committed, s => s >= failing && s < after);
        // One announcement per committed checkpoint, in the log itself, and none of a rolled-back one.
        await using (var session = System.Applications.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var announced = (await session.Events.FetchStreamAsync(AuditCheckpointRecorded.StreamOf("sandbox-applications")))
                .Select(e => ((AuditCheckpointRecorded)e.Data).Sequence).Order().ToArray();
            Assert.Equal(committed, announced);
        }
        // What each witness heard of is exactly the committed checkpoints up to the one it answered last.
        foreach (var witness in new[] { System.Registry.Client(), System.Incidents.Client() })
        {
            var heard = Sequences(await witness.AllItems("/api/v1/audit/witnessed?service=sandbox-applications"));
            Assert.Equal(committed.Where(s => s <= heard[^1]), heard);
            Assert.Contains(next.GetProperty("sequence").GetInt64(), heard);
        }
    }
}

/// <summary>
/// The proofs read the tree the checkpointer stored (StoredTree), never the whole history. A database from before the
/// stored tree (here: its rows removed) answers proofs with audit-tree-incomplete until the next checkpoint writes the
/// tree again from the rows; then every proof leads to the heads the witnesses cosigned, and they go on cosigning. A
/// fixture of its own, because it empties the publisher's stored tree.
/// </summary>
public class AuditStoredTreeTests(SystemFixture system) : WitnessTestBase(system), IClassFixture<SystemFixture>
{
    private HttpClient Anyone => System.Applications.Client();

    [Fact]
    public async Task A_stored_tree_that_is_missing_is_written_again_at_the_next_checkpoint_and_proofs_lead_to_the_cosigned_heads()
    {
        var (_, firstEvent, firstSequence) = await Append("before the tree is lost");
        var firstHead = await AnsweredCheckpoint(firstSequence);
        var firstSize = firstHead.GetProperty("treeSize").GetInt64();
        await using (var connection = new NpgsqlConnection(System.Applications.Postgres))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand($"delete from {StoredTree.TableName}", connection);
            Assert.True(await delete.ExecuteNonQueryAsync() > 0, "the checkpointer stored no tree");
        }
        var missing = await Anyone.GetAsync($"/api/v1/audit/proofs/inclusion/{firstEvent}?treeSize={firstSize}");
        Assert.Equal(HttpStatusCode.Conflict, missing.StatusCode);
        Assert.Contains("audit-tree-incomplete", await missing.Content.ReadAsStringAsync());

        var (_, laterEvent, laterSequence) = await Append("after the tree was lost");
        var latest = await AnsweredCheckpoint(laterSequence);
        Assert.All(latest.GetProperty("witnesses").EnumerateArray(), w => Assert.Equal("cosigned", w.GetProperty("status").GetString()));
        var size = latest.GetProperty("treeSize").GetInt64();
        var root = Convert.FromHexString(latest.GetProperty("rootHash").GetString()!);
        foreach (var eventId in new[] { firstEvent, laterEvent })
        {
            var proof = await Anyone.GetFromJsonAsync<JsonElement>($"/api/v1/audit/proofs/inclusion/{eventId}?treeSize={size}");
            Assert.True(MerkleTree.VerifyInclusion(proof.GetProperty("leafIndex").GetInt64(), size,
                MerkleTree.LeafHash(global::System.Text.Encoding.UTF8.GetBytes(proof.GetProperty("leaf").GetString()!)),
                proof.GetProperty("proof").EnumerateArray().Select(p => Convert.FromHexString(p.GetString()!)).ToList(), root), proof.ToString());
        }
        var consistency = await Anyone.GetFromJsonAsync<JsonElement>($"/api/v1/audit/proofs/consistency?first={firstSize}&second={size}");
        Assert.True(MerkleTree.VerifyConsistency(firstSize, size, Convert.FromHexString(firstHead.GetProperty("rootHash").GetString()!), root,
            consistency.GetProperty("proof").EnumerateArray().Select(p => Convert.FromHexString(p.GetString()!)).ToList()), consistency.ToString());
    }
}
