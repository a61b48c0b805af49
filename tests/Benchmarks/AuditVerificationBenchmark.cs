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
/// Appends N sealed events (the same inline seal projection the services use) into a fresh database, then times the
/// whole-service verification (recompute every event hash and the running hash) and one long stream's verification.
/// </summary>
public static class AuditVerificationBenchmark
{
    public static async Task<IReadOnlyList<Figure>> RunAsync(string adminConnectionString, int events)
    {
        var database = $"bench_audit_{Guid.NewGuid():N}"[..30];
        await Admin(adminConnectionString, $"create database {database}");
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

            const int perStream = 10;
            var longStream = Guid.NewGuid();
            var append = Stopwatch.StartNew();
            for (var written = 0; written < events;)
            {
                await using var session = store.LightweightSession();
                session.LastModifiedBy = "benchmark";
                for (var s = 0; s < 100 && written < events; s++, written += perStream)
                    session.Events.StartStream(Guid.NewGuid(), Enumerable.Range(0, perStream).Select(i => (object)
                        new BenchmarkEvent(Guid.NewGuid(), $"Case {written + i}", 1000.5m + i, "77", DateTimeOffset.UtcNow)).ToArray());
                await session.SaveChangesAsync();
            }
            await using (var session = store.LightweightSession())
            {
                session.Events.StartStream(longStream, Enumerable.Range(0, 1000).Select(i => (object)
                    new BenchmarkEvent(longStream, $"Step {i}", i, "78", DateTimeOffset.UtcNow)).ToArray());
                await session.SaveChangesAsync();
            }
            append.Stop();

            var chains = new ChainVerifier(store, dataSource);
            var verifier = new ServiceVerifier(store, chains, new ServiceIdentity("benchmark"), new NoHttp(),
                Options.Create(new AuditOptions()), NullLogger<ServiceVerifier>.Instance);

            var whole = Stopwatch.StartNew();
            var result = await verifier.VerifyAsync(CancellationToken.None);
            whole.Stop();
            if (!result.Valid || result.EventsChecked != events + 1000)
                throw new InvalidOperationException($"Verification did not check a clean store: {result}");

            var stream = Stopwatch.StartNew();
            var streamResult = await chains.VerifyStreamAsync(longStream, CancellationToken.None);
            stream.Stop();
            if (streamResult is not { Valid: true, EventsChecked: 1000 }) throw new InvalidOperationException("Stream verification failed.");

            return
            [
                new Figure("audit: append+seal", $"{events + 1000:N0} events in {append.Elapsed.TotalSeconds:F1} s", null, null),
                new Figure("audit: verify whole service", $"{result.EventsChecked:N0} events in {whole.Elapsed.TotalSeconds:F2} s " +
                                                         $"({result.EventsChecked / whole.Elapsed.TotalSeconds:N0} events/s)",
                    "a few seconds for 100,000 events", whole.Elapsed < TimeSpan.FromSeconds(10)),
                new Figure("audit: verify one stream", $"1,000 events in {stream.Elapsed.TotalMilliseconds:F0} ms", null, null),
            ];
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Admin(adminConnectionString, $"drop database if exists {database} with (force)");
        }
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
