using System.Net.Http.Json;
using Npgsql;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// The outbox publishes each page with pipelined confirms and stores its progress only once every message of the page
/// is confirmed. Many participations are suspended and resumed concurrently, so their events interleave in
/// SandboxApplications' store, and SandboxApplications' line to the broker is cut in the middle of that flow and
/// restored. Both consuming services must then have applied every event once, and each stream's events in version order.
/// The broker is shared with other tests, so cutting the service's connections (TcpProxy) stands in for a broker restart:
/// to the outbox both look the same, a connection that drops with publishes unconfirmed.
/// </summary>
[Collection(SystemCollection.Name)]
public class OutboxOrderTests(SystemFixture system)
{
    private const string Ogrn = "1027700132195";
    private const int Streams = 8;
    private const int Cycles = 6; // each a suspension and a resumption: versions 2 .. 13 of each participation

    [Fact]
    public async Task Interleaved_streams_are_applied_once_each_in_version_order_by_every_consumer_across_a_cut_broker_line()
    {
        var participations = new List<Guid>();
        for (var i = 0; i < Streams; i++)
            participations.Add((await Scenario.ApprovedParticipation(system, Ogrn, $"Interleaved {i}")).Participation);
        foreach (var participation in participations) await Scenario.KnownToRegistry(system, Ogrn, participation);

        var regulator = system.Applications.Client(Tokens.Regulator("reg-sokolova"));
        var done = 0;
        var halfway = new TaskCompletionSource();
        var threeQuarters = new TaskCompletionSource();
        const int total = Streams * Cycles * 2;
        async Task Step(Task<HttpResponseMessage> call)
        {
            await Scenario.Ok(call);
            var now = Interlocked.Increment(ref done);
            if (now == total / 2) halfway.SetResult();
            if (now == total * 3 / 4) threeQuarters.SetResult();
        }

        var flow = Task.WhenAll(participations.Select(async participation =>
        {
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                await Step(regulator.PostAsJsonAsync($"/api/v1/participations/{participation}/suspension", new { reason = $"Inspection {cycle}" }));
                await Step(regulator.PostAsync($"/api/v1/participations/{participation}/resumption", null));
            }
        }));
        await halfway.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var retriesBefore = OutboxRetries();
        system.ApplicationsBrokerLine.Block();
        try
        {
            await threeQuarters.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            system.ApplicationsBrokerLine.Unblock();
        }
        await flow;
        // The outbox did meet the cut: a page failed on the lost connection and was published again.
        await Eventually.True(() => Task.FromResult(OutboxRetries() > retriesBefore), TimeSpan.FromSeconds(30),
            "the outbox should have retried a page across the cut");

        var expected = await StoredVersions(participations);
        Assert.All(participations, p => Assert.Equal(Enumerable.Range(1, 1 + 2 * Cycles).Select(v => (long)v), expected[p].Select(e => e.Version)));
        foreach (var (service, postgres) in new[] { ("AiSystemRegistry", system.Registry.Postgres), ("IncidentClaims", system.Incidents.Postgres) })
        {
            var applied = await Eventually.Until(async () =>
            {
                var rows = await AppliedInOrder(postgres, expected.Values.SelectMany(v => v).Select(e => e.EventId).ToArray());
                return rows.Count == expected.Values.Sum(v => v.Count) ? rows : null;
            }, TimeSpan.FromSeconds(60), $"{service} should apply every event of the {Streams} participations");

            var versionOf = expected.Values.SelectMany(v => v).ToDictionary(e => e.EventId);
            foreach (var participation in participations)
                Assert.True(expected[participation].Select(e => e.Version).SequenceEqual(
                        applied.Where(id => versionOf[id].StreamId == participation).Select(id => versionOf[id].Version)),
                    $"{service} applied participation {participation}'s events in the order " +
                    string.Join(", ", applied.Where(id => versionOf[id].StreamId == participation).Select(id => versionOf[id].Version)));
        }

        // ...and IncidentClaims' copy tells the same history, in order: granted, then each suspension and resumption.
        var expectedHistory = new[] { ("granted", 1L) }.Concat(Enumerable.Range(0, 2 * Cycles)
            .Select(i => (i % 2 == 0 ? "suspended" : "resumed", (long)i + 2))).ToArray();
        foreach (var participation in participations)
        {
            var known = await Scenario.Ok(system.Incidents.Client(Tokens.Regulator()).GetAsync($"/api/v1/known/participations/{participation}"));
            Assert.Equal(expectedHistory, known.GetProperty("statusHistory").EnumerateArray()
                .Select(h => (h.GetProperty("status").GetString()!, h.GetProperty("source").GetProperty("streamVersion").GetInt64())));
        }
    }

    private int OutboxRetries() => system.Applications.Logs.Lines.Count(l => l.Contains(nameof(EventSourcing.OutboxPublisher)) && l.Contains("publishing it again"));

    private sealed record StoredEvent(Guid EventId, Guid StreamId, long Version);

    /// <summary>Every event of the participations' streams as SandboxApplications stored it, per stream in version order.</summary>
    private async Task<Dictionary<Guid, List<StoredEvent>>> StoredVersions(IReadOnlyList<Guid> participations)
    {
        await using var connection = new NpgsqlConnection(system.Applications.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select id, stream_id, version from mt_events where stream_id = any(@ids) order by stream_id, version", connection);
        command.Parameters.AddWithValue("ids", participations.ToArray());
        var result = participations.ToDictionary(p => p, _ => new List<StoredEvent>());
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            result[reader.GetGuid(1)].Add(new StoredEvent(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt64(2)));
        return result;
    }

    /// <summary>The ids of the messages a service applied (its inbox), in the order it applied them.</summary>
    private static async Task<List<Guid>> AppliedInOrder(string postgres, Guid[] messageIds)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select (data->>'messageId')::uuid from mt_doc_processedmessage where (data->>'messageId')::uuid = any(@ids) " +
            "order by (data->>'processedAt')::timestamptz", connection);
        command.Parameters.AddWithValue("ids", messageIds);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }
}
