using SandboxRegistry.EventSourcing.PersonalData;
using Microsoft.Extensions.Options;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Marten;
using Npgsql;
using SandboxRegistry.IncidentClaims;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.Hosting;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Benchmarks;

/// <summary>Figures measured against the services that deploy/up.sh started (see docs/Benchmarks.md).</summary>
public static class ServiceBenchmarks
{
    private static readonly Guid ClaimedSystem = Guid.Parse("0193a5b0-0000-7000-8000-00000000be7c");

    /// <summary>The IncidentClaims store exactly as the service configures it (Program.cs).</summary>
    public static void ConfigureIncidentClaimsStore(StoreOptions opts)
    {
        ServiceDefaultsExtensions.ConfigureStore(opts, "public");
        IncidentsModule.ConfigureMarten(opts);
        IncidentClaims.Regimes.KnownRegimesModule.ConfigureMarten(opts);
        IncidentClaims.Participations.KnownParticipationsModule.ConfigureMarten(opts);
        IncidentClaims.AiSystems.KnownAiSystemsModule.ConfigureMarten(opts);
        IncidentClaims.PublicRegister.PublicRegisterModule.ConfigureMarten(opts);
        IncidentClaims.Webhooks.WebhooksModule.ConfigureMarten(opts);
        IncidentClaims.Exports.ExportsModule.ConfigureMarten(opts);
    }

    // ---- 5. Streamed exports with 100,000 incidents stored (issue 19 part 6) ----------------------------------

    /// <summary>
    /// Each export of the whole store (OECD JSON, AIID CSV, open data CSV and JSON), read as it streams, then the service's
    /// peak resident set. The incidents are seeded as the dossier phase seeds them (the two share them).
    /// </summary>
    public static async Task<IReadOnlyList<Figure>> ExportsAsync(Endpoints endpoints, int incidents)
    {
        var stored = await Stats.ScalarAsync(endpoints.IncidentClaimsDb, "select count(*) from mt_streams where type = 'incident'");
        if (stored < incidents) await SeedAsync(endpoints, (int)(incidents - stored));
        await Drain(endpoints.IncidentClaimsDb, TimeSpan.FromMinutes(10));
        var figures = new List<Figure>();
        using var regulator = Http.Client(1, Endpoints.IncidentClaimsUrl, Http.Token("regulator"));
        regulator.Timeout = TimeSpan.FromMinutes(10);
        foreach (var path in new[] { "/api/v1/exports/oecd/incidents", "/api/v1/exports/aiid/incidents.csv", "/api/v1/exports/aiid/reports.csv",
                     "/api/v1/exports/open-data/incidents.csv", "/api/v1/exports/open-data/incidents.json" })
        {
            var run = Stopwatch.StartNew();
            using var response = await regulator.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            var first = run.Elapsed;
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            long bytes = 0;
            for (int n; (n = await body.ReadAsync(buffer)) > 0;) bytes += n;
            figures.Add(new Figure($"export {path}", $"{(int)response.StatusCode}, {bytes / 1024.0 / 1024.0:N1} MB in {run.Elapsed.TotalSeconds:F1} s " +
                                                     $"(first byte after {first.TotalMilliseconds:F0} ms)", null, null));
        }
        var peak = endpoints.PeakRss().FirstOrDefault(p => p.Service.Contains("incident"));
        figures.Add(new Figure("exports: peak RSS incident-claims", $"{peak.PeakKb / 1024.0:N0} MB (VmHWM)", "≤ 256 MB", peak.PeakKb is > 0 and <= 256 * 1024));
        return figures;
    }

    // ---- 1. Intake over HTTP ----------------------------------------------------------------------------------

    public static async Task<(IReadOnlyList<Figure> Figures, double PerSecond)> IntakeAsync(Endpoints endpoints, int connections, TimeSpan duration,
        TimeSpan warmup)
    {
        using var client = Http.Client(connections, Endpoints.IncidentClaimsUrl, Http.Token("integration", "bench-intake"));
        var body = Http.ReportBody(ClaimedSystem);
        await Warmup(client, body, connections);
        // The same load, not counted, until the services' code is compiled at its final tier: .NET starts every method
        // unoptimised and recompiles the hot ones over the first seconds of load, so a freshly started service
        // answers slower for a while. The figures are those of the warm system.
        await Warmup(client, body, connections, warmup);

        var latencies = new ConcurrentBag<List<double>>();
        var errors = 0;
        var cpuBefore = endpoints.CpuSeconds();
        var machineBefore = Endpoints.MachineBusySeconds();
        var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var run = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var mine = new List<double>(100_000);
            latencies.Add(mine);
            while (run.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(Http.Report(body, Guid.NewGuid().ToString()));
                    if (response.StatusCode == HttpStatusCode.Created) mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    else Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        run.Stop();
        var cpuAfter = endpoints.CpuSeconds();
        var machine = Endpoints.MachineBusySeconds() - machineBefore;
        var own = (Process.GetCurrentProcess().TotalProcessorTime - ownBefore).TotalSeconds;

        var all = latencies.SelectMany(l => l).Order().ToList();
        var perSecond = all.Count / run.Elapsed.TotalSeconds;
        var p99 = Stats.Percentile(all, 99);
        var figures = new List<Figure>
        {
            new("intake: accepted reports/s", $"{perSecond:N0}/s ({all.Count:N0} in {run.Elapsed.TotalSeconds:F0} s, {connections} connections)",
                "≥ 2,000/s", perSecond >= 2000),
            new("intake: latency p50/p95/p99",
                $"{Stats.Percentile(all, 50):F1} / {Stats.Percentile(all, 95):F1} / {p99:F1} ms", "p99 ≤ 50 ms", p99 <= 50),
            new("intake: errors", $"{errors:N0}", "0", errors == 0),
        };
        // Where the two cores went during the run: the services, this load generator, and everything else on the machine
        // (PostgreSQL, RabbitMQ, and whatever else runs there).
        var services = cpuAfter.Select(c => (c.Key, Seconds: c.Value - cpuBefore.GetValueOrDefault(c.Key))).ToList();
        figures.Add(new("intake: CPU used during the run",
            string.Join(", ", services.Select(s => $"{s.Key} {s.Seconds:F0} s")) +
            $", load generator {own:F0} s, everything else {machine - own - services.Sum(s => s.Seconds):F0} s; " +
            $"machine busy {machine:F0} of {run.Elapsed.TotalSeconds * Environment.ProcessorCount:F0} core-seconds", null, null));
        return (figures, perSecond);
    }

    /// <summary>Each service's highest resident set since it started (VmHWM).</summary>
    public static IReadOnlyList<Figure> PeakRss(Endpoints endpoints) =>
        endpoints.PeakRss().Select(p => new Figure($"peak RSS {p.Service}", $"{p.PeakKb / 1024.0:N0} MB (VmHWM)", "≤ 250 MB", p.PeakKb <= 250 * 1024))
            .ToList();

    private static async Task Warmup(HttpClient client, byte[] body, int connections, TimeSpan? forAtLeast = null)
    {
        var started = Stopwatch.StartNew();
        for (var round = 0; round < 5 || started.Elapsed < forAtLeast; round++)
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
            {
                using var response = await client.SendAsync(Http.Report(body, Guid.NewGuid().ToString()));
                if (response.StatusCode != HttpStatusCode.Created)
                    throw new InvalidOperationException($"Warm-up report got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }));
    }

    /// <summary>
    /// Seeds encrypt reporters as the service does, with the master key the locally started services use
    /// (appsettings.Development.json), so the regulator's dossier reads decrypt them; SANDBOX_VAULT_MASTER_KEY overrides.
    /// </summary>
    private static readonly PersonalDataVault Vault = new(Options.Create(new VaultOptions
    {
        MasterKey = Environment.GetEnvironmentVariable("SANDBOX_VAULT_MASTER_KEY") ?? "ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYnk=",
    }), TimeProvider.System);

    // ---- 2. Raw baseline: the same event, Marten, one per session, no HTTP ----------------------------------------

    public static async Task<(Figure Figure, double PerSecond)> BaselineAsync(Endpoints endpoints, int connections, TimeSpan duration,
        TimeSpan warmup)
    {
        var database = $"bench_baseline_{Guid.NewGuid():N}"[..30];
        await Admin(endpoints.AdminPostgres, $"create database {database}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(endpoints.Database(database));
            ServiceDefaultsExtensions.PrepareRepeatedStatements(connection); // as the service's data source
            await using var dataSource = NpgsqlDataSource.Create(connection);
            using var store = DocumentStore.For(opts =>
            {
                opts.Connection(dataSource);
                ConfigureIncidentClaimsStore(opts);
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var request = System.Text.Json.JsonSerializer.Deserialize<ReportIncidentRequest>(Http.ReportBody(ClaimedSystem),
                new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
                {
                    Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase) },
                })!;
            var actor = new Actor("bench-baseline", "integration", null, "bench-baseline");
            var profile = new JurisdictionProfile();

            async Task AppendOne()
            {
                await using var session = store.LightweightSession();
                session.LastModifiedBy = actor.Subject;
                var id = Guid.CreateVersion7();
                session.Events.StartStream<Incident>(id,
                    ReportIncident.Decide(id, ReportIncident.NewTrackingCode(), request, Vault.Seal(session, request.Reporter), profile, actor,
                        DateTimeOffset.UtcNow));
                await session.SaveChangesAsync();
            }

            // Warmed up like the intake: the same concurrency for the same time, not counted.
            var warming = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
            {
                do await AppendOne(); while (warming.Elapsed < warmup);
            }));
            var appended = 0;
            var run = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
            {
                while (run.Elapsed < duration)
                {
                    await AppendOne();
                    Interlocked.Increment(ref appended);
                }
            }));
            run.Stop();
            var perSecond = appended / run.Elapsed.TotalSeconds;
            return (new Figure("baseline: Marten one event per session", $"{perSecond:N0}/s ({appended:N0} in {run.Elapsed.TotalSeconds:F0} s, {connections} concurrent)", null, null),
                perSecond);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            // Dropped at the end of the whole run, not here: DROP DATABASE forces an immediate checkpoint, and the
            // full-page writes after it would weigh on the phases that follow.
            ScratchDatabases.Add(database);
        }
    }

    private static readonly List<string> ScratchDatabases = [];

    /// <summary>Drops <paramref name="database"/> with the other scratch databases at the end of the run.</summary>
    public static void DropLater(string database) => ScratchDatabases.Add(database);

    /// <summary>Drops the scratch databases the run created (call once, after the last phase).</summary>
    public static async Task DropScratchDatabasesAsync(Endpoints endpoints)
    {
        foreach (var database in ScratchDatabases)
            await Admin(endpoints.AdminPostgres, $"drop database if exists {database} with (force)");
        ScratchDatabases.Clear();
    }

    // ---- 3. Propagation: 201 in IncidentClaims -> applied in AiSystemRegistry's read model ------------------------

    public static async Task<IReadOnlyList<Figure>> PropagationAsync(Endpoints endpoints, int rate, TimeSpan duration,
        TimeSpan warmup)
    {
        using var client = Http.Client(256, Endpoints.IncidentClaimsUrl, Http.Token("integration", "bench-propagation"));
        var body = Http.ReportBody(ClaimedSystem);
        // Warm, then idle: the figure is the steady state of compiled code, not the first seconds after a start.
        await Warmup(client, body, 16, warmup);
        await Quiesce(endpoints);
        var accepted = new ConcurrentDictionary<Guid, DateTimeOffset>();
        var errors = 0;
        var total = (int)(rate * duration.TotalSeconds);
        var inFlight = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await client.SendAsync(Http.Report(body, Guid.NewGuid().ToString()));
                    var at = DateTimeOffset.UtcNow;
                    if (response.StatusCode == HttpStatusCode.Created) accepted[await Http.IncidentId(response)] = at;
                    else Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }
        await Task.WhenAll(inFlight);
        var offered = total / clock.Elapsed.TotalSeconds;

        // The message id of HarmIncidentReported is the incident's first event id (OutboxForwarder).
        var firstEvents = new Dictionary<Guid, Guid>();
        await using (var connection = new NpgsqlConnection(endpoints.IncidentClaimsDb))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select id, stream_id from mt_events where version = 1 and stream_id = any(@ids)", connection);
            command.Parameters.AddWithValue("ids", accepted.Keys.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) firstEvents[reader.GetGuid(0)] = reader.GetGuid(1);
        }

        var applied = new Dictionary<Guid, DateTimeOffset>();
        var deadline = Stopwatch.StartNew();
        while (applied.Count < firstEvents.Count && deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            applied = await ProcessedAt(endpoints.AiSystemRegistryDb, firstEvents.Keys.ToArray());
            if (applied.Count < firstEvents.Count) await Task.Delay(500);
        }

        var delays = applied.Select(a => (a.Value - accepted[firstEvents[a.Key]]).TotalMilliseconds).Order().ToList();
        var p99 = Stats.Percentile(delays, 99);
        return
        [
            new($"propagation at {rate}/s: offered rate", $"{offered:N0} reports/s, {accepted.Count:N0} accepted, {errors} errors, " +
                                             $"{applied.Count:N0}/{firstEvents.Count:N0} applied in AiSystemRegistry", null, null),
            new($"propagation at {rate}/s: 201 -> applied p50/p99", $"{Stats.Percentile(delays, 50):F0} / {p99:F0} ms (max {delays.LastOrDefault():F0} ms)",
                rate >= 1000 ? "p99 ≤ 100 ms" : null, rate >= 1000 ? p99 <= 100 && applied.Count == accepted.Count && errors == 0 : null),
        ];
    }

    private static async Task<Dictionary<Guid, DateTimeOffset>> ProcessedAt(string connectionString, Guid[] messageIds)
    {
        var result = new Dictionary<Guid, DateTimeOffset>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select (data->>'messageId')::uuid, (data->>'processedAt')::timestamptz from mt_doc_processedmessage " +
            "where data->>'consumer' = 'HarmIncidentReportedConsumer' and (data->>'messageId')::uuid = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", messageIds);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return result;
    }

    // ---- 4. Dossier read with 100,000 incidents stored ---------------------------------------------------------

    public static async Task<IReadOnlyList<Figure>> DossierAsync(Endpoints endpoints, int incidents, int connections, TimeSpan duration)
    {
        var stored = await Stats.ScalarAsync(endpoints.IncidentClaimsDb, "select count(*) from mt_streams where type = 'incident'");
        var seededCount = (int)Math.Max(0, incidents - stored);
        var seeded = Stopwatch.StartNew();
        if (seededCount > 0) await SeedAsync(endpoints, seededCount);
        seeded.Stop();
        stored = await Stats.ScalarAsync(endpoints.IncidentClaimsDb, "select count(*) from mt_streams where type = 'incident'");
        var events = await Stats.ScalarAsync(endpoints.IncidentClaimsDb, "select count(*) from mt_events");
        // The outbox forwards every seeded report: measure reads once the service has caught up, not under that backlog.
        await Drain(endpoints.IncidentClaimsDb, TimeSpan.FromMinutes(10));
        await Broker.WaitUntilEmpty(TimeSpan.FromMinutes(5));

        var ids = new List<Guid>();
        await using (var connection = new NpgsqlConnection(endpoints.IncidentClaimsDb))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select id from mt_streams where type = 'incident' order by random() limit 5000", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        }

        using var client = Http.Client(connections, Endpoints.IncidentClaimsUrl, Http.Token("regulator"));
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var run = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            for (var i = worker; run.Elapsed < duration; i = (i + connections) % ids.Count)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync($"/api/v1/incidents/{ids[i]}/dossier");
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
                else if (run.Elapsed > TimeSpan.FromSeconds(2)) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        var sorted = latencies.Order().ToList();
        var p99 = Stats.Percentile(sorted, 99);
        return
        [
            new("dossier: incidents stored", $"{stored:N0} ({events:N0} events; seeded {seededCount:N0} " +
                                             $"in {seeded.Elapsed.TotalSeconds:F0} s)", "≥ 100,000", stored >= incidents),
            new("dossier: GET p50/p95/p99", $"{Stats.Percentile(sorted, 50):F1} / {Stats.Percentile(sorted, 95):F1} / {p99:F1} ms " +
                                            $"({sorted.Count:N0} reads, {connections} connections, {errors} errors)", "p99 ≤ 25 ms", p99 <= 25 && errors == 0),
        ];
    }

    /// <summary>Reports appended through Marten in batches, with the service's own store configuration and Decide.</summary>
    private static async Task SeedAsync(Endpoints endpoints, int count)
    {
        await using var dataSource = NpgsqlDataSource.Create(endpoints.IncidentClaimsDb);
        using var store = DocumentStore.For(opts =>
        {
            opts.Connection(dataSource);
            ConfigureIncidentClaimsStore(opts);
        });
        await SeedAsync(store, count);
    }

    /// <summary>Reports appended into <paramref name="store"/> (configured as IncidentClaims' store) in batches of 500.</summary>
    public static async Task SeedAsync(IDocumentStore store, int count)
    {
        var request = System.Text.Json.JsonSerializer.Deserialize<ReportIncidentRequest>(Http.ReportBody(ClaimedSystem),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
            {
                Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase) },
            })!;
        var actor = new Actor("bench-seed", "integration", null, "bench-seed");
        var profile = new JurisdictionProfile();
        const int batch = 500;
        var batches = (count + batch - 1) / batch;
        await Parallel.ForEachAsync(Enumerable.Range(0, batches), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (b, ct) =>
        {
            await using var session = store.LightweightSession();
            session.LastModifiedBy = actor.Subject;
            for (var i = b * batch; i < Math.Min(count, (b + 1) * batch); i++)
            {
                var id = Guid.CreateVersion7();
                var reported = ReportIncident.Decide(id, ReportIncident.NewTrackingCode(), request, Vault.Seal(session, request.Reporter),
                    profile, actor, DateTimeOffset.UtcNow);
                session.Events.StartStream<Incident>(id, reported);
                session.Insert(new IdempotencyRecord($"bench-seed/{id}", "bench-seed", id.ToString(), "seed", id,
                    new IncidentReceipt(id, reported.TrackingCode, 1), reported.ReportedAt));
            }
            await session.SaveChangesAsync(ct);
        });
    }

    /// <summary>Waits until every async subscription (the outbox) has reached the last appended event.</summary>
    /// <summary>
    /// Waits until the system is idle before a timed phase, so that each phase pays only for its own work: the outbox has
    /// forwarded everything, the queues are empty, and PostgreSQL's autovacuum is not busy with the previous phase's rows.
    /// </summary>
    public static async Task Quiesce(Endpoints endpoints)
    {
        await Drain(endpoints.IncidentClaimsDb, TimeSpan.FromMinutes(5));
        await Broker.WaitUntilEmpty(TimeSpan.FromMinutes(5));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3) &&
               await Stats.ScalarAsync(endpoints.AdminPostgres,
                   "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'") > 0)
            await Task.Delay(250); // poll interval of a wait that has its own deadline
    }

    public static async Task Drain(string connectionString, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var behind = await Stats.ScalarAsync(connectionString,
                "select coalesce((select max(seq_id) from mt_events), 0) - coalesce((select min(last_seq_id) from mt_event_progression where name not like 'HighWater%'), 0)");
            if (behind <= 0) return;
            await Task.Delay(250); // poll interval of a wait that has its own deadline
        }
        Console.WriteLine($"warning: the outbox had not caught up after {timeout.TotalSeconds:F0} s");
    }

    public static Task AdminAsync(string connectionString, string sql) => Admin(connectionString, sql);

    public static async Task<bool> DatabaseExistsAsync(string adminConnectionString, string database)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        command.Parameters.AddWithValue("name", database);
        return await command.ExecuteScalarAsync() is not null;
    }

    private static async Task Admin(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
