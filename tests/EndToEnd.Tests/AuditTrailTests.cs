using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Testing;
using Incidents = SandboxRegistry.IncidentClaims.ServiceMarker;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>An event type only tests append, to build streams of several events.</summary>
public sealed record AuditProbe(string Note, int Amount);

/// <summary>Tampering for real, with SQL, and the verification endpoints saying exactly where.</summary>
public class AuditStreamTamperingTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private HttpClient Auditor => system.Applications.Client(Tokens.Auditor());

    /// <summary>A stream written in two transactions, so the chain also links across commits.</summary>
    private async Task<Guid> StreamOfThree()
    {
        var id = Guid.NewGuid();
        var store = system.Applications.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = "probe-writer";
            session.Events.StartStream(id, new AuditProbe("one", 1));
            await session.SaveChangesAsync();
        }
        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = "probe-writer";
            session.Events.Append(id, new AuditProbe("two", 2), new AuditProbe("three", 3));
            await session.SaveChangesAsync();
        }
        return id;
    }

    private async Task Sql(string sql, Guid streamId)
    {
        await using var connection = new NpgsqlConnection(system.Applications.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("stream", streamId);
        Assert.True(await command.ExecuteNonQueryAsync() > 0, "the tampering statement changed nothing");
    }

    private async Task<JsonElement> Verify(Guid streamId) =>
        await Auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit/streams/{streamId}/verify");

    private static void AssertBrokenAt(JsonElement verification, long position, string reason)
    {
        Assert.False(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        var broken = verification.GetProperty("firstBroken");
        Assert.Equal(position, broken.GetProperty("position").GetInt64());
        Assert.Contains(reason, broken.GetProperty("reason").GetString());
        Assert.Equal(position - 1, verification.GetProperty("eventsChecked").GetInt64());
    }

    [Fact]
    public async Task An_untouched_stream_verifies_clean()
    {
        var verification = await Verify(await StreamOfThree());

        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.Equal(3, verification.GetProperty("eventsChecked").GetInt64());
        Assert.Null(verification.GetProperty("firstBroken").GetString());
    }

    [Fact]
    public async Task A_regimes_history_shows_the_chain_that_verification_recomputes()
    {
        var regulator = system.Applications.Client(Tokens.Regulator("reg-petrov"));
        var created = await regulator.PostAsJsonAsync("/api/v1/regimes", Requests.Regime("Chained"));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await regulator.PostAsJsonAsync($"/api/v1/regimes/{id}/suspension", new { reason = "Audit" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await regulator.PostAsync($"/api/v1/regimes/{id}/resumption", null)).StatusCode);

        var verification = await Verify(id);
        var history = (await regulator.GetFromJsonAsync<JsonElement>($"/api/v1/regimes/{id}/history")).GetProperty("items");

        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.Equal(3, verification.GetProperty("eventsChecked").GetInt64());
        var entries = history.EnumerateArray().ToArray();
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.GetProperty("position").GetInt64()));
        Assert.Equal(new string('0', 64), entries[0].GetProperty("previousHash").GetString());
        Assert.Equal(entries[0].GetProperty("hash").GetString(), entries[1].GetProperty("previousHash").GetString());
        Assert.Equal(entries[1].GetProperty("hash").GetString(), entries[2].GetProperty("previousHash").GetString());
        Assert.Equal(entries[2].GetProperty("hash").GetString(), verification.GetProperty("headHash").GetString());
        Assert.All(entries, e => Assert.Equal("reg-petrov", e.GetProperty("by").GetString()));
    }

    [Fact]
    public async Task Changing_an_events_json_with_sql_is_reported_at_that_position()
    {
        var id = await StreamOfThree();

        await Sql("update mt_events set data = jsonb_set(data, '{amount}', '200') where stream_id = @stream and version = 2", id);

        AssertBrokenAt(await Verify(id), 2, "differ from what was sealed");
    }

    [Fact]
    public async Task Changing_who_did_it_is_reported_at_that_position()
    {
        var id = await StreamOfThree();

        await Sql("update mt_events set user_name = 'someone-else' where stream_id = @stream and version = 3", id);

        AssertBrokenAt(await Verify(id), 3, "differ from what was sealed");
    }

    [Fact]
    public async Task Deleting_an_event_with_sql_is_reported_at_that_position()
    {
        var id = await StreamOfThree();

        await Sql("delete from mt_events where stream_id = @stream and version = 2", id);

        AssertBrokenAt(await Verify(id), 2, "missing");
    }

    [Fact]
    public async Task Reordering_two_events_with_sql_is_reported_at_the_first_moved_position()
    {
        var id = await StreamOfThree();

        await Sql("""
                  update mt_events set version = -2 where stream_id = @stream and version = 2;
                  update mt_events set version = 2 where stream_id = @stream and version = 3;
                  update mt_events set version = 3 where stream_id = @stream and version = -2;
                  """, id);

        AssertBrokenAt(await Verify(id), 2, "reordered");
    }

    [Fact]
    public async Task Verification_is_for_auditors_and_regulators()
    {
        var id = await StreamOfThree();

        Assert.Equal(HttpStatusCode.Unauthorized, (await system.Applications.Client().GetAsync($"/api/v1/audit/streams/{id}/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.Applications.Client(Tokens.Applicant("1027700132195"))
            .GetAsync($"/api/v1/audit/streams/{id}/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await system.Applications.Client(Tokens.Regulator())
            .GetAsync($"/api/v1/audit/streams/{id}/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Auditor.GetAsync($"/api/v1/audit/streams/{Guid.NewGuid()}/verify")).StatusCode);
    }
}

/// <summary>Checkpoints published over RabbitMQ, witnessed by the other two services, and compared on verification.</summary>
public class AuditCheckpointWitnessTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private async Task<Guid> Establish(string title)
    {
        var response = await system.Applications.Client(Tokens.Regulator()).PostAsJsonAsync("/api/v1/regimes", Requests.Regime(title));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private Task<JsonElement> VerifyUntil(Func<JsonElement, bool> condition, string because) =>
        Eventually.Until(async () =>
        {
            var result = await system.Applications.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
            return condition(result) ? result : (JsonElement?)null;
        }, TimeSpan.FromSeconds(30), because);

    private static string Status(JsonElement verification, string witness) =>
        verification.GetProperty("witnesses").EnumerateArray().Single(w => w.GetProperty("witness").GetString() == witness)
            .GetProperty("status").GetString()!;

    [Fact]
    public async Task Checkpoints_are_witnessed_by_both_other_services_and_a_rewritten_history_no_longer_agrees_with_them()
    {
        var ids = new[] { await Establish("Scoring 1"), await Establish("Scoring 2"), await Establish("Scoring 3") };

        var clean = await VerifyUntil(v =>
                v.GetProperty("checkpointsCompared").GetInt32() > 0 &&
                v.GetProperty("witnesses").EnumerateArray().All(w => w.GetProperty("status").GetString() == "agrees" &&
                                                                     w.GetProperty("compared").GetInt32() > 0),
            "a checkpoint should be published and witnessed by both other services");
        Assert.True(clean.GetProperty("valid").GetBoolean(), "clean: " + clean.ToString());
        Assert.True(clean.GetProperty("eventsChecked").GetInt64() >= 1);
        Assert.Empty(clean.GetProperty("checkpointMismatches").EnumerateArray());

        // A database administrator quietly rewrites a regime's title.
        await using (var connection = new NpgsqlConnection(system.Applications.Postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "update mt_events set data = jsonb_set(data, '{programme,title}', '\"Rewritten\"') where stream_id = @id", connection);
            command.Parameters.AddWithValue("id", ids[0]);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var tampered = await system.Applications.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>("/api/v1/audit/verify?full=true");

        Assert.False(tampered.GetProperty("valid").GetBoolean());
        Assert.Equal(ids[0], tampered.GetProperty("firstBrokenEvent").GetProperty("streamId").GetGuid());
        Assert.NotEmpty(tampered.GetProperty("checkpointMismatches").EnumerateArray());
        Assert.Equal("disagrees", Status(tampered, "ai-system-registry"));
        Assert.Equal("disagrees", Status(tampered, "incident-claims"));
    }

    [Fact]
    public async Task Witnessed_checkpoints_are_public_and_name_their_service()
    {
        await Establish("Public 1");
        await Establish("Public 2");
        await Establish("Public 3");

        var witnessed = await Eventually.Until(async () =>
        {
            var list = await system.Registry.Client().AllItems("/api/v1/audit/witnessed?service=sandbox-applications");
            return list.Count > 0 ? list : null;
        }, TimeSpan.FromSeconds(30), "AiSystemRegistry should witness a SandboxApplications checkpoint");

        var own = await system.Applications.Client().AllItems("/api/v1/audit/checkpoints");
        var first = witnessed[0];
        var published = own.Single(c => c.GetProperty("sequence").GetInt64() == first.GetProperty("sequence").GetInt64());
        Assert.Equal(published.GetProperty("hash").GetString(), first.GetProperty("hash").GetString());
        Assert.Equal("sandbox-applications", first.GetProperty("service").GetString());
    }
}

/// <summary>
/// Verification on real traffic: a transaction that drew sequence numbers and failed leaves Marten's tombstones behind,
/// which must neither break the verdict nor hide where a real event was changed. A fixture of its own, because the
/// other classes here tamper with their stores.
/// </summary>
public class AuditTombstoneTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private HttpClient Auditor => system.Incidents.Client(Tokens.Auditor());

    private async Task<long> Scalar(string sql, Guid? stream = null)
    {
        await using var connection = new NpgsqlConnection(system.Incidents.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (stream is { } id) command.Parameters.AddWithValue("stream", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private Task<JsonElement> VerifyUntil(Func<JsonElement, bool> condition, string because) =>
        Eventually.Until(async () =>
        {
            var result = await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
            return condition(result) ? result : (JsonElement?)null;
        }, TimeSpan.FromSeconds(30), because);

    private async Task<Guid> Append(string note)
    {
        var id = Guid.NewGuid();
        await using var session = system.Incidents.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.LastModifiedBy = "probe-writer";
        session.Events.StartStream(id, new AuditProbe(note, 1));
        await session.SaveChangesAsync();
        return id;
    }

    [Fact]
    public async Task A_failed_batch_leaves_tombstones_that_are_reported_as_such_and_a_later_sql_change_is_named_exactly()
    {
        var store = system.Incidents.Services.GetRequiredService<IDocumentStore>();
        var contested = await Append("first writer");
        // A second writer of the same new stream, as two concurrent replays of one Idempotency-Key are: its transaction
        // fails after drawing two sequence numbers, which Marten then fills with tombstones.
        await using (var loser = store.LightweightSession())
        {
            loser.Events.StartStream(contested, new AuditProbe("second writer", 2), new AuditProbe("second writer", 3));
            await Assert.ThrowsAnyAsync<Exception>(() => loser.SaveChangesAsync());
        }
        await Eventually.True(async () => await Scalar("select count(*) from mt_events where type = 'tombstone'") >= 2, null,
            "Marten should fill the failed transaction's sequence numbers with tombstones");
        var lastTombstone = await Scalar("select max(seq_id) from mt_events where type = 'tombstone'");

        var later = await Append("after the failure");
        var laterSequence = await Scalar("select seq_id from mt_events where stream_id = @stream", later);
        var clean = await VerifyUntil(v => v.GetProperty("verifiedThroughSequence").GetInt64() >= laterSequence &&
                                           v.GetProperty("witnesses").EnumerateArray().All(w => w.GetProperty("status").GetString() == "agrees" &&
                                               w.GetProperty("compared").GetInt32() > 0),
            "a checkpoint past the tombstones should be published and witnessed");

        Assert.True(clean.GetProperty("valid").GetBoolean(), clean.ToString());
        Assert.Equal(JsonValueKind.Null, clean.GetProperty("firstBrokenEvent").ValueKind);
        Assert.Equal(await Scalar($"select count(*) from mt_events where type = 'tombstone' and seq_id <= {clean.GetProperty("verifiedThroughSequence").GetInt64()}"),
            clean.GetProperty("tombstones").GetInt64());
        Assert.Empty(clean.GetProperty("checkpointMismatches").EnumerateArray());
        Assert.True(laterSequence > lastTombstone);

        await Scalar("update mt_events set data = jsonb_set(data, '{amount}', '200') where stream_id = @stream", later);
        var tampered = await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify?full=true");

        Assert.False(tampered.GetProperty("valid").GetBoolean());
        var broken = tampered.GetProperty("firstBrokenEvent");
        Assert.Equal((later, 1L, laterSequence), (broken.GetProperty("streamId").GetGuid(), broken.GetProperty("version").GetInt64(),
            broken.GetProperty("sequence").GetInt64()));
        Assert.Equal("The event's type, data or author differ from what was sealed.", broken.GetProperty("reason").GetString());
    }
}

/// <summary>RFC 6962 proofs over HTTP, checked here with the RFC 9162 algorithms against the published tree heads.</summary>
public class AuditProofTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private HttpClient Anyone => system.Applications.Client();

    private async Task<Guid> Append(string note)
    {
        var id = Guid.NewGuid();
        await using var session = system.Applications.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.LastModifiedBy = "probe-writer";
        session.Events.StartStream(id, new AuditProbe(note, 1));
        await session.SaveChangesAsync();
        return id;
    }

    private async Task<Guid> EventOf(Guid stream)
    {
        await using var session = system.Applications.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(stream)).Single().Id;
    }

    private async Task<JsonElement[]> CheckpointsWithTrees(int atLeast) =>
        await Eventually.Until(async () =>
        {
            var all = (await Anyone.AllItems("/api/v1/audit/checkpoints"))
                .Where(c => c.GetProperty("rootHash").ValueKind == JsonValueKind.String).ToArray();
            return all.Length >= atLeast ? all : null;
        }, TimeSpan.FromSeconds(30), $"{atLeast} checkpoints with tree heads should be published");

    private static byte[] Hash(JsonElement hex) => Convert.FromHexString(hex.GetString()!);

    [Fact]
    public async Task Every_event_has_an_inclusion_proof_to_a_published_head_and_heads_are_consistent_until_history_is_rewritten()
    {
        var first = await Append("before the first head");
        var firstHead = (await CheckpointsWithTrees(1))[^1];
        var second = await Append("after it");
        var heads = await Eventually.Until(async () =>
        {
            var all = await CheckpointsWithTrees(2);
            return all[^1].GetProperty("treeSize").GetInt64() > firstHead.GetProperty("treeSize").GetInt64() + 0 &&
                   all[^1].GetProperty("sequence").GetInt64() > firstHead.GetProperty("sequence").GetInt64() ? all : null;
        }, TimeSpan.FromSeconds(30), "a later head should cover the second event");
        var latest = heads[^1];

        foreach (var stream in new[] { first, second })
        {
            var eventId = await EventOf(stream);
            var proof = await Anyone.GetFromJsonAsync<JsonElement>(
                $"/api/v1/audit/proofs/inclusion/{eventId}?treeSize={latest.GetProperty("treeSize").GetInt64()}");
            var leaf = JsonDocument.Parse(proof.GetProperty("leaf").GetString()!).RootElement;
            Assert.Equal((eventId, stream, 1L), (leaf.GetProperty("eventId").GetGuid(), leaf.GetProperty("streamId").GetGuid(),
                leaf.GetProperty("version").GetInt64()));
            Assert.Equal(latest.GetProperty("rootHash").GetString(), proof.GetProperty("rootHash").GetString());
            Assert.True(MerkleTree.VerifyInclusion(proof.GetProperty("leafIndex").GetInt64(), proof.GetProperty("treeSize").GetInt64(),
                MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes(proof.GetProperty("leaf").GetString()!)),
                proof.GetProperty("proof").EnumerateArray().Select(Hash).ToList(), Hash(latest.GetProperty("rootHash"))), proof.ToString());
        }

        var consistency = await Anyone.GetFromJsonAsync<JsonElement>(
            $"/api/v1/audit/proofs/consistency?first={firstHead.GetProperty("treeSize").GetInt64()}&second={latest.GetProperty("treeSize").GetInt64()}");
        Assert.True(MerkleTree.VerifyConsistency(firstHead.GetProperty("treeSize").GetInt64(), latest.GetProperty("treeSize").GetInt64(),
            Hash(firstHead.GetProperty("rootHash")), Hash(latest.GetProperty("rootHash")),
            consistency.GetProperty("proof").EnumerateArray().Select(Hash).ToList()), consistency.ToString());

        // A database administrator rewrites the first event and, knowing the seal scheme, reseals it so that its stream
        // chain holds again: its leaf changes, so no proof leads to the head the witnesses already hold.
        await using (var connection = new NpgsqlConnection(system.Applications.Postgres))
        {
            await connection.OpenAsync();
            var eventId = await EventOf(first);
            await using var rewrite = new NpgsqlCommand(
                "update mt_events set data = jsonb_set(data, '{amount}', '2') where id = @id returning type, data::text", connection);
            rewrite.Parameters.AddWithValue("id", eventId);
            string type, data;
            await using (var reader = await rewrite.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                (type, data) = (reader.GetString(0), reader.GetString(1));
            }
            await using var session = system.Applications.Services.GetRequiredService<IDocumentStore>().QuerySession();
            var original = (await session.LoadAsync<EventSeal>(eventId))!;
            await using var seal = new NpgsqlCommand(
                "update mt_doc_eventseal set data = jsonb_set(data, '{hash}', to_jsonb(@hash::text)) where id = @id", connection);
            seal.Parameters.AddWithValue("id", eventId);
            seal.Parameters.AddWithValue("hash", AuditHash.OfEvent(original.Scheme, original.PreviousHash, type, data, original.By, original.At));
            Assert.Equal(1, await seal.ExecuteNonQueryAsync());
        }
        Assert.True((await system.Applications.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>($"/api/v1/audit/streams/{first}/verify"))
            .GetProperty("valid").GetBoolean(), "the resealed stream's own chain holds");
        var rewritten = await Anyone.GetFromJsonAsync<JsonElement>(
            $"/api/v1/audit/proofs/inclusion/{await EventOf(first)}?treeSize={latest.GetProperty("treeSize").GetInt64()}");
        Assert.False(MerkleTree.VerifyInclusion(rewritten.GetProperty("leafIndex").GetInt64(), rewritten.GetProperty("treeSize").GetInt64(),
            MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes(rewritten.GetProperty("leaf").GetString()!)),
            rewritten.GetProperty("proof").EnumerateArray().Select(Hash).ToList(), Hash(latest.GetProperty("rootHash"))));
        var verification = await system.Applications.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>("/api/v1/audit/verify?full=true");
        Assert.False(verification.GetProperty("valid").GetBoolean());
        Assert.Contains(verification.GetProperty("checkpointMismatches").EnumerateArray(),
            m => m.GetProperty("recorded").GetString() == $"{latest.GetProperty("treeSize").GetInt64()}:{latest.GetProperty("rootHash").GetString()}");

        Assert.Equal(HttpStatusCode.NotFound, (await Anyone.GetAsync($"/api/v1/audit/proofs/inclusion/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Anyone.GetAsync("/api/v1/audit/proofs/consistency?first=1&second=999999")).StatusCode);
    }

    [Fact]
    public async Task Checkpoints_are_signed_notes_and_the_other_services_cosign_them()
    {
        await Append("signed");
        var keys = await Anyone.GetFromJsonAsync<JsonElement>("/api/v1/audit/keys");
        var log = CheckpointKeys.ParseVerifierKey(keys.GetProperty("verifierKey").GetString()!);
        Assert.Equal("sandbox-registry/sandbox-applications", keys.GetProperty("origin").GetString());
        var head = (await CheckpointsWithTrees(1))[^1];
        var note = head.GetProperty("note").GetString()!;

        Assert.Equal(SignedNote.CheckpointBody(log.Name, head.GetProperty("treeSize").GetInt64(), Hash(head.GetProperty("rootHash"))),
            SignedNote.Body(note));
        Assert.True(SignedNote.HasValidSignature(note, log.Name, log.PublicKey), note);

        foreach (var witness in new[] { system.Registry.Client(), system.Incidents.Client() })
        {
            var witnessKeys = await witness.GetFromJsonAsync<JsonElement>("/api/v1/audit/keys");
            var cosigner = CheckpointKeys.ParseVerifierKey(witnessKeys.GetProperty("cosignerKey").GetString()!, NoteKey.CosignatureType);
            var cosigned = await Eventually.Until(async () =>
            {
                var list = await witness.AllItems("/api/v1/audit/witnessed?service=sandbox-applications");
                return list.Where(c => c.GetProperty("cosignature").ValueKind == JsonValueKind.String)
                    .Select(c => (JsonElement?)c).FirstOrDefault();
            }, TimeSpan.FromSeconds(30), $"{cosigner.Name} should cosign a checkpoint of SandboxApplications");

            var full = cosigned.GetProperty("note").GetString()! + cosigned.GetProperty("cosignature").GetString()!;
            Assert.True(SignedNote.HasValidSignature(full, log.Name, log.PublicKey), full);
            Assert.True(SignedNote.HasValidSignature(full, cosigner.Name, cosigner.PublicKey, NoteKey.CosignatureType), full);
            Assert.False(SignedNote.HasValidSignature(full, cosigner.Name, log.PublicKey, NoteKey.CosignatureType), "another key's cosignature");
        }
    }
}

/// <summary>
/// Verification continues from the last checkpoint it found valid, recomputing only the events since; the full check is
/// there on demand, and the verdict says which it was and from where. A fixture of its own: it tampers with the store.
/// </summary>
public class AuditIncrementalVerificationTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private HttpClient Auditor => system.Applications.Client(Tokens.Auditor());

    private async Task<(Guid Stream, long Sequence)> Append(string note)
    {
        var id = Guid.NewGuid();
        var store = system.Applications.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = "probe-writer";
            session.Events.StartStream(id, new AuditProbe(note, 1));
            await session.SaveChangesAsync();
        }
        await using var query = store.QuerySession();
        return (id, (await query.Events.FetchStreamAsync(id)).Single().Sequence);
    }

    private async Task<long> Scalar(string sql, Guid? stream = null)
    {
        await using var connection = new NpgsqlConnection(system.Applications.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (stream is { } id) command.Parameters.AddWithValue("stream", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Appends events and verifies once this service's checkpoints and both witnesses cover the last of them.</summary>
    private async Task<(JsonElement? Verification, Guid[] Streams)> AppendAndVerify(int count, string note, bool verify = true)
    {
        var appended = new List<(Guid Stream, long Sequence)>();
        for (var i = 0; i < count; i++) appended.Add(await Append($"{note} {i}"));
        var last = appended[^1].Sequence;
        await Eventually.True(async () =>
        {
            var checkpoints = await system.Applications.Client().AllItems("/api/v1/audit/checkpoints");
            var covering = checkpoints.Where(c => c.GetProperty("sequence").GetInt64() >= last).ToArray();
            return covering.Length > 0 && covering.Any(c => c.GetProperty("witnesses").GetArrayLength() == 2);
        }, TimeSpan.FromSeconds(30), "a checkpoint past the appended events should be witnessed");
        return (verify ? await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify") : null, appended.Select(a => a.Stream).ToArray());
    }

    private static JsonElement Scope(JsonElement verification) => verification.GetProperty("scope");

    [Fact]
    public async Task Verification_recomputes_only_the_events_after_the_last_verified_checkpoint_and_the_full_check_is_on_demand()
    {
        // No verification yet: the first one is full.
        var (verified, early) = await AppendAndVerify(3, "first");
        var first = verified!.Value;
        Assert.True(first.GetProperty("valid").GetBoolean(), first.ToString());
        Assert.Equal(("full", "no earlier verification"), (Scope(first).GetProperty("mode").GetString(), Scope(first).GetProperty("reason").GetString()));
        Assert.Equal(first.GetProperty("eventsChecked").GetInt64(), first.GetProperty("eventsRecomputed").GetInt64());

        // A database administrator changes an event the last verification already covered...
        await Scalar("update mt_events set data = jsonb_set(data, '{amount}', '200') where stream_id = @stream", early[0]);

        // ...which the next, incremental verification does not read again: it recomputes only what came after.
        var second = (await AppendAndVerify(4, "second")).Verification!.Value;
        var from = Scope(second).GetProperty("fromSequence").GetInt64();
        Assert.Equal("incremental", Scope(second).GetProperty("mode").GetString());
        Assert.Equal(first.GetProperty("verifiedThroughSequence").GetInt64(), from);
        Assert.True(Scope(second).GetProperty("fromTreeSize").GetInt64() > 0);
        var after = await Scalar($"select count(*) from mt_events where type <> 'tombstone' and seq_id > {from} and seq_id <= " +
                                 second.GetProperty("verifiedThroughSequence").GetInt64());
        Assert.True(after >= 4);
        Assert.Equal(after, second.GetProperty("eventsRecomputed").GetInt64());
        Assert.Equal(first.GetProperty("eventsChecked").GetInt64() + after, second.GetProperty("eventsChecked").GetInt64());
        Assert.True(second.GetProperty("valid").GetBoolean(), second.ToString());

        // The full check, on demand, recomputes everything and finds the change.
        var full = await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify?full=true");
        Assert.Equal(("full", "requested"), (Scope(full).GetProperty("mode").GetString(), Scope(full).GetProperty("reason").GetString()));
        Assert.False(full.GetProperty("valid").GetBoolean());
        Assert.Equal(early[0], full.GetProperty("firstBrokenEvent").GetProperty("streamId").GetGuid());

        // A change after the last verified checkpoint is what an incremental verification does recompute.
        var (_, late) = await AppendAndVerify(2, "third", verify: false);
        await Scalar("update mt_events set data = jsonb_set(data, '{amount}', '300') where stream_id = @stream", late[1]);
        var third = await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.Equal("incremental", Scope(third).GetProperty("mode").GetString());
        Assert.False(third.GetProperty("valid").GetBoolean());
        Assert.Equal(late[1], third.GetProperty("firstBrokenEvent").GetProperty("streamId").GetGuid());
    }
}

/// <summary>A service of its own that checkpoints every event, so a full verification covers what a test just appended.</summary>
public sealed class EveryEventCheckpointedFixture : ServiceFixture<Incidents>
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Audit:CheckpointEveryEvents"] = "1",
        ["Audit:CheckpointEvery"] = "00:00:01",
    };
}

/// <summary>
/// Verification reads the seals in the events' order through the sequence each seal records; a seal without it (stored
/// before it was recorded) or with a changed one is still found by its event id, so neither reads as a missing seal.
/// </summary>
public class AuditSealSequenceTests(EveryEventCheckpointedFixture fixture) : IClassFixture<EveryEventCheckpointedFixture>
{
    private HttpClient Auditor => fixture.Host.Client(Tokens.Auditor());

    private async Task<long> Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(fixture.Host.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Seals_record_their_events_sequence_and_a_seal_without_it_or_with_another_is_found_by_event_id()
    {
        var store = fixture.Host.Services.GetRequiredService<IDocumentStore>();
        var streams = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        foreach (var stream in streams)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "probe-writer";
            session.Events.StartStream(stream, new AuditProbe("sealed", 1));
            await session.SaveChangesAsync();
        }
        var events = new List<JasperFx.Events.IEvent>();
        await using (var query = store.QuerySession())
            foreach (var stream in streams) events.Add((await query.Events.FetchStreamAsync(stream)).Single());
        await using (var query = store.QuerySession())
            foreach (var e in events)
                Assert.Equal(e.Sequence, (await query.LoadAsync<EventSeal>(e.Id))!.Sequence);

        // The first seal as stored before sequences were recorded; the second pointing at the third event's sequence.
        Assert.Equal(1, await Scalar("with changed as (update mt_doc_eventseal set data = data - 'sequence' where id = @id returning 1) select count(*) from changed",
            ("id", events[0].Id)));
        Assert.Equal(1, await Scalar("with changed as (update mt_doc_eventseal set data = jsonb_set(data, '{sequence}', to_jsonb(@sequence)) where id = @id returning 1) select count(*) from changed",
            ("id", events[1].Id), ("sequence", events[2].Sequence)));

        var last = events[2].Sequence;
        var clean = await Eventually.Until(async () =>
        {
            var result = await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify?full=true");
            return result.GetProperty("verifiedThroughSequence").GetInt64() >= last ? result : (JsonElement?)null;
        }, TimeSpan.FromSeconds(30), "a checkpoint past the appended events should be taken");
        Assert.True(clean.GetProperty("valid").GetBoolean(), clean.ToString());
        Assert.Equal(JsonValueKind.Null, clean.GetProperty("firstBrokenEvent").ValueKind);
        Assert.Equal(await Scalar("select count(*) from mt_events where type <> 'tombstone' and seq_id <= @through",
            ("through", clean.GetProperty("verifiedThroughSequence").GetInt64())), clean.GetProperty("eventsChecked").GetInt64());

        // The seal found by id is the one compared: a change to that event is named with the sealed-data reason.
        await Scalar("update mt_events set data = jsonb_set(data, '{amount}', '200') where id = @id", ("id", events[0].Id));
        var tampered = await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify?full=true");
        Assert.False(tampered.GetProperty("valid").GetBoolean());
        var broken = tampered.GetProperty("firstBrokenEvent");
        Assert.Equal((events[0].Sequence, streams[0], events[0].Id, "The event's type, data or author differ from what was sealed."),
            (broken.GetProperty("sequence").GetInt64(), broken.GetProperty("streamId").GetGuid(), broken.GetProperty("eventId").GetGuid(),
                broken.GetProperty("reason").GetString()));

        // Put back, valid again; a seal whose stream was removed reads as moved at its position (no failed read, no 5xx).
        await Scalar("update mt_events set data = jsonb_set(data, '{amount}', '1') where id = @id", ("id", events[0].Id));
        Assert.True((await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify?full=true")).GetProperty("valid").GetBoolean());
        await Scalar("update mt_doc_eventseal set data = data - 'streamId' where id = @id", ("id", events[2].Id));
        var moved = (await Auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify?full=true")).GetProperty("firstBrokenEvent");
        Assert.Equal((events[2].Sequence, "The event was moved from the stream position it was sealed at."),
            (moved.GetProperty("sequence").GetInt64(), moved.GetProperty("reason").GetString()));
    }
}
