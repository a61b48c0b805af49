using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http;
using SandboxRegistry.Hosting;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// <see cref="Commands.DecideAll{T}"/> when another append (a consumer's acknowledgement, in the cluster suite) lands on
/// the stream between the command's fetch and its commit: without If-Match it decides again on the new state; with
/// If-Match it answers 412 as before. Real PostgreSQL, the services' store configuration.
/// </summary>
public class ConcurrentAppendTests : IAsyncLifetime
{
    public sealed record Ticked(string By);

    public sealed class Counter
    {
        public Guid Id { get; set; }
        public List<string> By { get; set; } = [];
        public static Counter Create(Ticked e) => new() { By = [e.By] };
        public void Apply(Ticked e) => By.Add(e.By);
    }

    private Infrastructure _infrastructure = null!;
    private string _database = null!;
    private DocumentStore _store = null!;
    private DocumentStore _inline = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _database = await _infrastructure.CreateDatabaseAsync("concurrent_append");
        _store = DocumentStore.For(opts =>
        {
            opts.Connection(_database);
            ServiceDefaultsExtensions.ConfigureStore(opts, "public");
        });
        // The services' aggregates are inline snapshots (Incident, Participation, ...): Marten keeps the one it projected
        // during a commit in the session, which a retry in that session must not decide on.
        _inline = DocumentStore.For(opts =>
        {
            opts.Connection(_database);
            ServiceDefaultsExtensions.ConfigureStore(opts, "inline");
            opts.Projections.Snapshot<Counter>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
        });
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        _inline.Dispose();
        await _infrastructure.DropDatabaseAsync(_database);
    }

    private DocumentStore Store(bool inline) => inline ? _inline : _store;

    private async Task<Guid> Started(DocumentStore store)
    {
        await using var session = store.LightweightSession();
        var id = session.Events.StartStream<Counter>(new Ticked("start")).Id;
        await session.CommitAsync(CancellationToken.None);
        return id;
    }

    /// <summary>A decision that, the first time it runs, lets another writer append to the same stream first.</summary>
    private static Func<Counter, Task<IReadOnlyList<object>>> RacedBy(DocumentStore store, Guid id, List<int> seen) => async state =>
    {
        seen.Add(state.By.Count);
        // A decision that refuses to act twice, as "already convened" does: it must never see its own first attempt.
        if (state.By.Contains("command")) throw new InvalidOperationException("The decision saw the events of its own failed attempt.");
        if (seen.Count == 1)
        {
            await using var other = store.LightweightSession();
            other.Events.Append(id, new Ticked("acknowledgement"));
            await other.CommitAsync(CancellationToken.None);
        }
        return [new Ticked("command")];
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_If_Match_the_command_decides_again_on_the_stream_as_it_now_is(bool inline)
    {
        var store = Store(inline);
        var id = await Started(store);
        var seen = new List<int>();
        var http = new DefaultHttpContext();
        await using var session = store.LightweightSession();

        var changed = await session.DecideAll(id, http, RacedBy(store, id, seen), CancellationToken.None);

        Assert.Equal(new Changed(id, 3), changed);
        Assert.Equal([1, 2], seen);
        Assert.Equal("\"3\"", http.Response.Headers.ETag.ToString());
        await using var query = store.QuerySession();
        Assert.Equal(["start", "acknowledgement", "command"], (await query.Events.AggregateStreamAsync<Counter>(id))!.By);
        if (inline) Assert.Equal(["start", "acknowledgement", "command"], (await query.LoadAsync<Counter>(id))!.By);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_If_Match_the_lost_race_is_a_412_and_nothing_of_the_command_is_stored(bool inline)
    {
        var store = Store(inline);
        var id = await Started(store);
        var seen = new List<int>();
        var http = new DefaultHttpContext();
        http.Request.Headers.IfMatch = "\"1\"";
        await using var session = store.LightweightSession();

        await Assert.ThrowsAnyAsync<ConcurrencyException>(() => session.DecideAll(id, http, RacedBy(store, id, seen), CancellationToken.None));

        Assert.Equal([1], seen);
        await using var query = store.QuerySession();
        Assert.Equal(["start", "acknowledgement"], (await query.Events.AggregateStreamAsync<Counter>(id))!.By);
        if (inline) Assert.Equal(["start", "acknowledgement"], (await query.LoadAsync<Counter>(id))!.By);
    }
}
