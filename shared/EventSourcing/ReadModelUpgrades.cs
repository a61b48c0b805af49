using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SandboxRegistry.EventSourcing;

/// <summary>
/// One step that brings the read models of a database written by an earlier release to the shape today's code reads:
/// typically an inline projection rebuilt from its events after its document changed shape, or documents that a
/// consumer now writes with an event, backfilled from the events stored before. Applied once per database, at start-up,
/// before the service consumes or serves anything; <see cref="Name"/> is recorded with it, so a step is never applied
/// twice and a new step gets a new name. A step must give the same result when run again (a crash between the step and
/// its record repeats it).
/// </summary>
public sealed record ReadModelUpgrade(string Name, Func<IDocumentStore, CancellationToken, Task> Apply)
{
    /// <summary>Rebuilds the single-stream projection of <typeparamref name="TDocument"/> for each stream that <paramref name="streams"/> lists.</summary>
    public static ReadModelUpgrade Rebuild<TDocument>(string name, Func<IQuerySession, CancellationToken, Task<IReadOnlyList<Guid>>> streams)
        where TDocument : class => new(name, async (store, ct) =>
    {
        IReadOnlyList<Guid> ids;
        await using (var session = store.QuerySession()) ids = await streams(session, ct);
        foreach (var id in ids) await store.Advanced.RebuildSingleStreamAsync<TDocument>(id, ct);
    });
}

/// <summary>The record that an upgrade step was applied to this database. Inserted once, never changed.</summary>
public sealed record AppliedReadModelUpgrade(string Id, DateTimeOffset AppliedAt);

/// <summary>
/// Applies the service's <see cref="ReadModelUpgrade"/>s not yet recorded in its database, in order, when the host starts.
/// Registered right after Marten (whose schema changes it follows) and before the bus and the HTTP server start, so no
/// consumer or request reads or writes a read model halfway through its upgrade. A session-level advisory lock lets one
/// replica upgrade while the others wait and then find every step recorded.
/// </summary>
public sealed class ReadModelUpgrader(IDocumentStore store, NpgsqlDataSource dataSource, IEnumerable<ReadModelUpgrade> upgrades,
    TimeProvider clock, ILogger<ReadModelUpgrader> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ApplyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies the steps not recorded yet; returns the names of those it applied.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken ct)
    {
        var steps = upgrades.ToList();
        if (steps.Count == 0) return [];
        var key = $"read-model-upgrades:{store.Options.DatabaseSchemaName}";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await Execute(connection, "select pg_advisory_lock(hashtext(@key))", key, ct);
        try
        {
            var applied = new List<string>();
            foreach (var step in steps)
            {
                await using (var query = store.QuerySession())
                    if (await query.LoadAsync<AppliedReadModelUpgrade>(step.Name, ct) is not null) continue;
                logger.LogInformation("Applying read model upgrade {Upgrade}", step.Name);
                await step.Apply(store, ct);
                await using var session = store.LightweightSession();
                session.Insert(new AppliedReadModelUpgrade(step.Name, clock.GetUtcNow()));
                await session.CommitAsync(ct);
                applied.Add(step.Name);
            }
            return applied;
        }
        finally
        {
            await Execute(connection, "select pg_advisory_unlock(hashtext(@key))", key, CancellationToken.None);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, string key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteScalarAsync(ct);
    }
}
