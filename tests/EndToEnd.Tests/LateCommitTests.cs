using System.Collections.Concurrent;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Marten.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SandboxRegistry.Hosting;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// A commit that lands seconds after its events' sequence numbers were reserved, while later events committed around it:
/// the async daemon (which runs the outbox, the checkpointer and the webhooks) must wait for it, never skip it. The slow
/// step is an inline projection held at a gate, where Marten's rich appends spend their time between reserving the
/// numbers and inserting the events; the store is configured as every service's (<see cref="ServiceDefaultsExtensions.ConfigureStore"/>).
/// </summary>
public class LateCommitTests
{
    public sealed record Slow(string Note);
    public sealed record Fast(string Note);

    /// <summary>Holds the append of a <see cref="Slow"/> event at a gate, after Marten reserved its sequence number.</summary>
    private sealed class Gate : IProjection
    {
        public readonly TaskCompletionSource Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
        {
            if (!events.Any(e => e.Data is Slow)) return;
            Entered.TrySetResult();
            await Released.Task.WaitAsync(cancellation);
        }
    }

    /// <summary>What an async subscriber of the store (as the outbox is) was handed.</summary>
    private sealed class Seen : SubscriptionBase
    {
        public readonly ConcurrentDictionary<Guid, long> Events = new();

        public override Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
            IDocumentOperations operations, CancellationToken cancellationToken)
        {
            foreach (var e in page.Events) Events[e.Id] = e.Sequence;
            return Task.FromResult<IChangeListener>(NullChangeListener.Instance);
        }
    }

    // Marten's wording: "is holding before the sequence gap" at first, "has held before the sequence gap" once it lasts.
    private static bool Held(string line) => line.Contains("holding before the sequence gap") || line.Contains("held before the sequence gap");

    [Fact]
    public async Task An_append_that_commits_after_the_stale_threshold_is_waited_for_and_reaches_async_subscribers()
    {
        var infrastructure = await Infrastructure.GetAsync();
        var database = await infrastructure.CreateDatabaseAsync("late_commit");
        var gate = new Gate();
        var seen = new Seen();
        var logs = new CapturedLogs();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddMarten(opts =>
            {
                opts.Connection(database);
                ServiceDefaultsExtensions.ConfigureStore(opts, "public");
                opts.Projections.Add(gate, ProjectionLifecycle.Inline);
                opts.Projections.StaleSequenceThreshold = TimeSpan.FromMilliseconds(500);
                opts.Events.Subscribe(seen);
            })
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(DaemonMode.Solo);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<IDocumentStore>();
            async Task<Guid> Append(object @event)
            {
                await using var session = store.LightweightSession();
                var stream = session.Events.StartStream(@event);
                await session.CommitAsync(CancellationToken.None);
                return stream.Events.Single().Id;
            }

            var before = await Append(new Fast("before"));
            await Eventually.True(() => Task.FromResult(seen.Events.ContainsKey(before)), because: "the daemon runs");

            var slow = Task.Run(() => Append(new Slow("reserved first, committed last")));
            await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var after = await Append(new Fast("reserved second, committed first"));
            // The daemon has seen the gap for longer than its stale threshold and decided: held, or skipped.
            var decision = await Eventually.Until(() => Task.FromResult(logs.Lines.FirstOrDefault(l =>
                Held(l) || l.Contains("skipping the event sequence range"))),
                because: "the high-water detection decides on the stale gap");
            gate.Released.SetResult();
            var late = await slow;

            await Eventually.True(() => Task.FromResult(seen.Events.ContainsKey(after)), because: "the daemon moves on once the gap fills");
            Assert.True(Held(decision), decision);
            Assert.True(seen.Events.ContainsKey(late), "the late commit reached the subscriber");
            Assert.True(seen.Events[late] < seen.Events[after], "the late commit holds the earlier sequence number");
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var skips = new NpgsqlCommand("select count(*) from mt_high_water_skips", connection);
            Assert.Equal(0L, await skips.ExecuteScalarAsync());
        }
        finally
        {
            gate.Released.TrySetResult();
            await host.StopAsync();
            await infrastructure.DropDatabaseAsync(database);
        }
    }
}
