using System.Diagnostics;
using JasperFx;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.Hosting;
using SandboxRegistry.Regulation;
using SandboxRegistry.EventSourcing.Audit;

namespace SandboxRegistry.Benchmarks;

public sealed record BenchmarkEvent(Guid CaseId, string Title, decimal Amount, string Region, DateTimeOffset At);

/// <summary>
/// Appends N sealed events (the same inline seal projection the services use) into a fresh database and checkpoints them
/// with the services' own checkpointer, then times: the full verification (recompute every event hash, the running hash
/// and the RFC 6962 tree) <paramref name="rounds"/> times; one long stream's verification; and <paramref name="rounds"/>
/// rounds of appending <paramref name="newEvents"/> more events, checkpointing them and verifying incrementally from the
/// last verified checkpoint. Each figure is the median of its runs with their range.
/// </summary>
public static class AuditVerificationBenchmark
{
    /// <param name="reuse">A database of that name is created and seeded once, then reused by later runs (and not dropped):
    /// the seed of a million events takes minutes. Without it a scratch database is created and dropped.</param>
    public static async Task<IReadOnlyList<Figure>> RunAsync(string adminConnectionString, int events, int newEvents = 1000, int rounds = 3,
        string? reuse = null)
    {
        var database = reuse ?? $"bench_audit_{Guid.NewGuid():N}"[..30];
        if (reuse is null || !await Exists(adminConnectionString, reuse)) await Admin(adminConnectionString, $"create database {database}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            using var store = DocumentStore.For(opts =>
            {
                opts.Connection(dataSource);
                ServiceDefaultsExtensions.ConfigureStore(opts, "public"); // exactly as the services store events
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

            var seeded = await Count(dataSource, "select count(*) from mt_events where type = 'benchmark_event'");
            var existing = await ScalarAsync<Guid?>(dataSource,
                "select stream_id from mt_events where type = 'benchmark_event' and version = 1000 limit 1");
            var longStream = existing ?? Guid.NewGuid();
            var appended = seeded < events || existing is null;
            var append = Stopwatch.StartNew();
            if (seeded < events) await AppendAsync(store, events - (int)seeded);
            if (existing is null)
            {
                await using var session = store.LightweightSession();
                session.Events.StartStream(longStream, Enumerable.Range(0, 1000).Select(i => (object)
                    new BenchmarkEvent(longStream, $"Step {i}", i, "78", DateTimeOffset.UtcNow)).ToArray());
                await session.SaveChangesAsync();
            }
            append.Stop();

            var chains = new ChainVerifier(store, dataSource);
            var service = new ServiceIdentity("benchmark");
            var options = Options.Create(new AuditOptions { CheckpointEveryEvents = 1 });
            var checkpointer = new AuditCheckpointer(store, dataSource, chains, service,
                new CheckpointKeys(options, service, new Development()), TimeProvider.System, options, NullLogger<AuditCheckpointer>.Instance);
            var verifier = new ServiceVerifier(store, chains, service, new NoHttp(), options, NullLogger<ServiceVerifier>.Instance);
            await CheckpointAsync(dataSource, checkpointer, required: false);

            // Every event up to the last checkpoint (the seed, the checkpoints' own announcements, earlier runs' appends).
            var total = await Covered(dataSource);
            var fullRuns = new List<TimeSpan>();
            // What the collector did during the full verifications (the rows and their strings are most of what they allocate).
            var (gen0, gen1, gen2, pause) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            for (var run = 0; run < rounds; run++)
            {
                var whole = Stopwatch.StartNew();
                var result = await verifier.VerifyAsync(full: true, CancellationToken.None);
                whole.Stop();
                if (!result.Valid || result.EventsChecked != total)
                    throw new InvalidOperationException($"Verification did not check a clean store of {total} events: {result}");
                fullRuns.Add(whole.Elapsed);
            }

            var checkedEvents = (double)total;
            var collections = $"per verification {(GC.CollectionCount(0) - gen0) / rounds:N0} gen0 / {(GC.CollectionCount(1) - gen1) / rounds:N0} gen1 / " +
                              $"{(GC.CollectionCount(2) - gen2) / rounds:N0} gen2 collections, {(GC.GetTotalPauseDuration() - pause).TotalSeconds / rounds:F2} s paused";

            // What reading the rows alone costs, for the profile of the full verification.
            var read = Stopwatch.StartNew();
            var rows = 0;
            await foreach (var _ in chains.ReadRangeAsync(0, long.MaxValue, CancellationToken.None)) rows++;
            read.Stop();

            var stream = Stopwatch.StartNew();
            var streamResult = await chains.VerifyStreamAsync(longStream, CancellationToken.None);
            stream.Stop();
            if (streamResult is not { Valid: true, EventsChecked: 1000 }) throw new InvalidOperationException("Stream verification failed.");

            var incrementalRuns = new List<TimeSpan>();
            for (var run = 0; run < rounds; run++)
            {
                await AppendAsync(store, newEvents);
                await CheckpointAsync(dataSource, checkpointer, required: true);
                var covered = await Covered(dataSource);
                var incremental = Stopwatch.StartNew();
                var result = await verifier.VerifyAsync(full: false, CancellationToken.None);
                incremental.Stop();
                // The new events and the previous checkpoint's announcement.
                if (!result.Valid || result.Scope?.Mode != VerificationScope.Incremental || result.EventsRecomputed != covered - total ||
                    result.EventsChecked != covered)
                    throw new InvalidOperationException($"Incremental verification did not check the new events: {result}");
                total = covered;
                incrementalRuns.Add(incremental.Elapsed);
            }

            var fullMedian = Median(fullRuns);
            return
            [
                new Figure("audit: append+seal", appended ? $"{events + 1000:N0} events in {append.Elapsed.TotalSeconds:F1} s" : $"reused {database}", null, null),
                new Figure("audit: verify whole service (full)",
                    $"{checkedEvents:N0} events in {fullMedian.TotalSeconds:F2} s ({checkedEvents / fullMedian.TotalSeconds:N0} events/s), " +
                    $"median of {rounds}, range {fullRuns.Min().TotalSeconds:F2}-{fullRuns.Max().TotalSeconds:F2} s " +
                    $"({checkedEvents / fullRuns.Max().TotalSeconds:N0}-{checkedEvents / fullRuns.Min().TotalSeconds:N0} events/s)",
                    "≥ 250,000 events/s", checkedEvents / fullMedian.TotalSeconds >= 250_000),
                new Figure("audit: garbage collection during the full verification", collections, null, null),
                new Figure("audit: reading the rows alone", $"{rows:N0} rows in {read.Elapsed.TotalSeconds:F2} s ({rows / read.Elapsed.TotalSeconds:N0} rows/s)", null, null),
                new Figure("audit: verify one stream", $"1,000 events in {stream.Elapsed.TotalMilliseconds:F0} ms", null, null),
                new Figure("audit: incremental verification",
                    $"{newEvents:N0} new events on a store of {checkedEvents:N0}+: {Median(incrementalRuns).TotalMilliseconds:F0} ms, " +
                    $"median of {rounds}, range {incrementalRuns.Min().TotalMilliseconds:F0}-{incrementalRuns.Max().TotalMilliseconds:F0} ms",
                    "≤ 100 ms", Median(incrementalRuns) <= TimeSpan.FromMilliseconds(100)),
            ];
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (reuse is null) await Admin(adminConnectionString, $"drop database if exists {database} with (force)");
        }
    }

    private static async Task<long> Covered(NpgsqlDataSource dataSource) => await Count(dataSource,
        "select count(*) from mt_events where type <> 'tombstone' and seq_id <= (select coalesce(max(id), 0) from mt_doc_auditcheckpoint)");

    private static async Task<long> Count(NpgsqlDataSource dataSource, string sql) => await ScalarAsync<long?>(dataSource, sql) ?? 0;

    private static async Task<T?> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    private static async Task<bool> Exists(string adminConnectionString, string database)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        command.Parameters.AddWithValue("name", database);
        return await command.ExecuteScalarAsync() is not null;
    }

    private static TimeSpan Median(List<TimeSpan> runs) => runs.Order().ElementAt(runs.Count / 2);

    private static async Task AppendAsync(IDocumentStore store, int events)
    {
        const int perStream = 10;
        for (var written = 0; written < events;)
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "benchmark";
            for (var s = 0; s < 100 && written < events; s++, written += perStream)
                session.Events.StartStream(Guid.NewGuid(), Enumerable.Range(0, perStream).Select(i => (object)
                    new BenchmarkEvent(Guid.NewGuid(), $"Case {written + i}", 1000.5m + i, "77", DateTimeOffset.UtcNow)).ToArray());
            await session.SaveChangesAsync();
        }
    }

    /// <summary>
    /// A checkpoint over everything appended: no async daemon runs here, so the high-water mark it would keep (every
    /// transaction below it committed) is set to the last sequence, which holds because appending has finished.
    /// </summary>
    private static async Task CheckpointAsync(NpgsqlDataSource dataSource, AuditCheckpointer checkpointer, bool required)
    {
        await using (var command = dataSource.CreateCommand(
                         "insert into mt_event_progression (name, last_seq_id) select 'HighWaterMark', max(seq_id) from mt_events " +
                         "on conflict (name) do update set last_seq_id = excluded.last_seq_id"))
            await command.ExecuteNonQueryAsync();
        if (await checkpointer.TryCheckpointAsync(CancellationToken.None) is null && required)
            throw new InvalidOperationException("No checkpoint was taken.");
    }

    private sealed class Development : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Development";
        public string ApplicationName { get; set; } = "benchmark";
        public string ContentRootPath { get; set; } = "/";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    private static async Task Admin(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("No peers in the benchmark.");
    }
}
