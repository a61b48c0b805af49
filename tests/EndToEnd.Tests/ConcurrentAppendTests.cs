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

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _database = await _infrastructure.CreateDatabaseAsync("concurrent_append");
        _store = DocumentStore.For(opts =>
        {
            opts.Connection(_database);
            ServiceDefaultsExtensions.ConfigureStore(opts, "public");
        });
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _infrastructure.DropDatabaseAsync(_database);
    }

    private async Task<Guid> Started()
    {
        await using var session = _store.LightweightSession();
        var id = session.Events.StartStream<Counter>(new Ticked("start")).Id;
        await session.CommitAsync(CancellationToken.None);
        return id;
    }

    /// <summary>A decision that, the first time it runs, lets another writer append to the same stream first.</summary>
    private Func<Counter, Task<IReadOnlyList<object>>> RacedBy(Guid id, List<int> seen) => async state =>
    {
        seen.Add(state.By.Count);
        if (seen.Count == 1)
        {
            await using var other = _store.LightweightSession();
            other.Events.Append(id, new Ticked("acknowledgement"));
            await other.CommitAsync(CancellationToken.None);
        }
        return [new Ticked("command")];
    };

    [Fact]
    public async Task Without_If_Match_the_command_decides_again_on_the_stream_as_it_now_is()
    {
        var id = await Started();
        var seen = new List<int>();
        var http = new DefaultHttpContext();
        await using var session = _store.LightweightSession();

        var changed = await session.DecideAll(id, http, RacedBy(id, seen), CancellationToken.None);

        Assert.Equal(new Changed(id, 3), changed);
        Assert.Equal([1, 2], seen);
        Assert.Equal("\"3\"", http.Response.Headers.ETag.ToString());
        await using var query = _store.QuerySession();
        Assert.Equal(["start", "acknowledgement", "command"], (await query.Events.AggregateStreamAsync<Counter>(id))!.By);
    }

    [Fact]
    public async Task With_If_Match_the_lost_race_is_a_412_and_nothing_of_the_command_is_stored()
    {
        var id = await Started();
        var seen = new List<int>();
        var http = new DefaultHttpContext();
        http.Request.Headers.IfMatch = "\"1\"";
        await using var session = _store.LightweightSession();

        await Assert.ThrowsAnyAsync<ConcurrencyException>(() => session.DecideAll(id, http, RacedBy(id, seen), CancellationToken.None));

        Assert.Equal([1], seen);
        await using var query = _store.QuerySession();
        Assert.Equal(["start", "acknowledgement"], (await query.Events.AggregateStreamAsync<Counter>(id))!.By);
    }
}
