using System.Threading.Channels;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SandboxRegistry.EventSourcing;

/// <summary>
/// Group commit: concurrent requests of the same caller hand their writes to one writer loop, which applies them
/// to a shared session and commits them in one transaction, so a burst costs one round of commits instead of one
/// per request. Each request still gets its own answer: a work item that throws fails alone, and if the shared
/// commit fails (a unique key, a concurrency check) every item of the batch is retried in a session of its own.
/// A work item may run more than once (it is run again in a new session when another item of its batch failed), so it
/// must only write to the session it is given.
/// </summary>
public sealed class GroupCommit(AuditedSessionFactory sessions, ILogger<GroupCommit> logger) : BackgroundService
{
    public const int MaxBatch = 128;

    private sealed record Item(Actor Actor, Func<IDocumentSession, CancellationToken, Task<object?>> Work,
        TaskCompletionSource<object?> Done, CancellationToken RequestAborted);

    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Runs <paramref name="work"/> against a session shared with concurrent callers and commits it.</summary>
    public async Task<T> RunAsync<T>(Actor actor, Func<IDocumentSession, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var done = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Item(actor, async (s, c) => await work(s, c), done, ct), ct);
        return (T)(await done.Task.WaitAsync(ct))!;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Item>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                if (!item.RequestAborted.IsCancellationRequested) batch.Add(item);
            // One transaction per caller: events record who appended them, and a session has one author. One batch at
            // a time: while it commits the next one gathers, so the busier the service, the more a transaction carries
            // (docs/Benchmarks.md has what a second batch in flight did).
            await Task.WhenAll(batch.GroupBy(i => i.Actor).Select(g => CommitAsync(g.Key, g.ToList(), stoppingToken)));
        }
    }

    private async Task CommitAsync(Actor actor, IReadOnlyList<Item> items, CancellationToken ct)
    {
        try
        {
            await using var session = sessions.OpenSession(actor);
            var results = new object?[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                try
                {
                    results[i] = await items[i].Work(session, ct);
                }
                catch (Exception e)
                {
                    // The item may have written to the shared session before it threw: drop that session (nothing of
                    // it is saved) and commit the others in a new one.
                    items[i].Done.TrySetException(e);
                    await CommitAsync(actor, items.Where(item => !item.Done.Task.IsCompleted).ToList(), ct);
                    return;
                }
            }
            await session.CommitAsync(ct);
            for (var i = 0; i < items.Count; i++) items[i].Done.TrySetResult(results[i]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Group commit of {Count} items failed; committing them one by one", items.Count);
            await Individually(actor, items.Where(i => !i.Done.Task.IsCompleted).ToList(), ct);
        }
    }

    private async Task Individually(Actor actor, IReadOnlyList<Item> items, CancellationToken ct)
    {
        foreach (var item in items)
        {
            try
            {
                await using var session = sessions.OpenSession(actor);
                var result = await item.Work(session, ct);
                await session.CommitAsync(ct);
                item.Done.TrySetResult(result);
            }
            catch (Exception e)
            {
                item.Done.TrySetException(e);
            }
        }
    }
}
