using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marten;
using Npgsql;
using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using SandboxRegistry.AiSystemRegistry.Deployments;
using SandboxRegistry.AiSystemRegistry.Deployments.GettingDetails;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.Hosting;

namespace SandboxRegistry.Benchmarks;

/// <summary>
/// A time-travel read of one AI system with 10,000 linked incidents and 1,000 deployments (replacing each other region by
/// region, each recorded open and its end recorded after the fact by a later transaction, a tenth of the periods corrected
/// later), in a scratch database stored exactly as AiSystemRegistry stores it: the read the
/// GET /ai-systems/{id}?at=&amp;knownAt= endpoint makes (the system's document, its deployments' documents, each computed for
/// the pair of instants) and its JSON answer, timed at random pairs of instants. No services needed.
/// </summary>
public static class TimeTravelBenchmark
{
    public static async Task<IReadOnlyList<Figure>> RunAsync(string adminConnectionString, int incidents, int deployments, int reads)
    {
        var database = $"bench_travel_{Guid.NewGuid():N}"[..30];
        await Admin(adminConnectionString, $"create database {database}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database }.ConnectionString;
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            using var store = DocumentStore.For(opts =>
            {
                opts.Connection(dataSource);
                ServiceDefaultsExtensions.ConfigureStore(opts, "public");
                AiSystemsModule.ConfigureMarten(opts);
                DeploymentsModule.ConfigureMarten(opts);
            });
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

            var seed = Stopwatch.StartNew();
            var (systemId, origin) = await SeedAsync(store, incidents, deployments);
            seed.Stop();

            var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };
            var random = new Random(7);
            var seeded = DateTimeOffset.UtcNow;
            var span = (seeded - origin).TotalSeconds;
            var timings = new List<double>(reads);
            var bytes = 0L;
            for (var i = 0; i < reads + 50; i++)
            {
                var at = origin.AddSeconds(random.NextDouble() * span);
                // Valid time anywhere in the history; recorded time after the seed (everything was recorded today), so every
                // answer carries the whole record: the heaviest read.
                var knownAt = seeded.AddSeconds(random.NextDouble() * (DateTimeOffset.UtcNow - seeded).TotalSeconds);
                var watch = Stopwatch.StartNew();
                await using var session = store.QuerySession();
                var current = await session.LoadAsync<AiSystemDetails>(systemId);
                var view = await GetAiSystemDetails.LoadWithDeploymentsAsync(session, current, new TimeTravel(at, knownAt, DateTimeOffset.UtcNow),
                    CancellationToken.None)
                    ?? throw new InvalidOperationException("The system should be on record.");
                var answer = JsonSerializer.SerializeToUtf8Bytes(view, json);
                watch.Stop();
                if (i < 50) continue; // warm-up: JIT, connection pool, plan cache
                timings.Add(watch.Elapsed.TotalMilliseconds);
                bytes += answer.Length;
            }
            timings.Sort();
            var p99 = Stats.Percentile(timings, 99);
            return
            [
                new Figure("time travel: seed", $"1 system, {incidents:N0} incidents, {deployments:N0} deployments in {seed.Elapsed.TotalSeconds:F1} s", null, null),
                new Figure("time travel: read (at, knownAt)", $"p50 {Stats.Percentile(timings, 50):F1} ms, p99 {p99:F1} ms over {reads:N0} reads " +
                                                              $"({bytes / reads / 1024:N0} KiB per answer)", "p99 ≤ 20 ms", p99 <= 20),
            ];
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Admin(adminConnectionString, $"drop database if exists {database} with (force)");
        }
    }

    private static async Task<(Guid System, DateTimeOffset Origin)> SeedAsync(IDocumentStore store, int incidents, int deployments)
    {
        var owner = new Actor("bench-owner", "applicant", "1027700132195", null);
        var origin = DateTimeOffset.UtcNow.AddDays(-400);
        var systemId = Guid.NewGuid();
        var versions = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();
        var participation = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<AiSystem>(systemId, [
                new AiSystemRegistered(systemId, owner.Org!, new AiSystemDescription("Bench system", "d", "p", Direction.Transport,
                    new Developer("Dev", owner.Org, null, null), "Op", AutonomyLevel.HumanOnTheLoop, RiskClass.High, Technique.ComputerVision),
                    owner, origin),
                .. versions.Select((v, i) => (object)new VersionReleased(systemId, v, $"1.{i}.0", new string((char)('a' + i), 64), "c", "t", "e",
                    owner, origin.AddDays(i * 30))),
            ]);
            await session.SaveChangesAsync();
        }
        var cause = new SourceCitation(ServiceNames.IncidentClaims, Guid.NewGuid(), 2, Guid.NewGuid(), 1);
        for (var linked = 0; linked < incidents;)
        {
            await using var session = store.LightweightSession();
            var batch = Enumerable.Range(0, Math.Min(1000, incidents - linked))
                .Select(i => new IncidentLinkedToVersion(systemId, versions[(linked + i) % versions.Length], Guid.NewGuid(), null, false,
                    cause, origin.AddMinutes(linked + i)))
                .ToArray();
            session.Events.Append(systemId, batch.Cast<object>().ToArray());
            // As IncidentLinkedToAiSystemConsumer does, in the same transaction.
            foreach (var l in batch)
                session.Store(new LinkedIncident(l.IncidentId, systemId, l.VersionId, null, false, cause, l.LinkedAt, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
            linked += batch.Length;
        }
        // Versions replace each other region by region, as the API records it: each deployment recorded open, its replacement's
        // end recorded after the fact by a later request (an end in the past), a tenth of the periods corrected later still; the
        // last deployment of each region is still in service.
        var regions = new[] { "77", "50", "25", "39", "78" };
        var perRegion = (deployments + regions.Length - 1) / regions.Length;
        var step = (DateTimeOffset.UtcNow - origin) / (perRegion + 1);
        var made = Enumerable.Range(0, deployments).Select(n => (Id: Guid.NewGuid(), Region: regions[n % regions.Length], Slot: n / regions.Length,
            Last: n + regions.Length >= deployments, Corrected: n % 10 == 0)).ToList();
        DateTimeOffset From(int slot) => origin + step * slot;
        foreach (var chunk in made.Chunk(100))
        {
            await using var session = store.LightweightSession();
            foreach (var d in chunk)
                session.Events.StartStream<Deployment>(d.Id, new AiSystemDeployed(d.Id, systemId, versions[d.Slot % versions.Length],
                    $"1.{d.Slot % versions.Length}.0", new string('a', 64), participation, owner.Org!, [d.Region], From(d.Slot), null, owner,
                    DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        foreach (var chunk in made.Where(d => !d.Last).Chunk(100))
        {
            await using var session = store.LightweightSession();
            foreach (var d in chunk)
                session.Events.Append(d.Id, new DeploymentEnded(d.Id, "Replaced", null, owner, From(d.Slot) + step, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        foreach (var chunk in made.Where(d => d.Corrected).Chunk(100))
        {
            await using var session = store.LightweightSession();
            foreach (var d in chunk)
                session.Events.Append(d.Id, new DeploymentPeriodCorrected(d.Id, From(d.Slot).AddHours(-1), null,
                    d.Last ? null : From(d.Slot) + step - TimeSpan.FromHours(1), "Protocol", owner, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        return (systemId, origin);
    }

    private static async Task Admin(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
