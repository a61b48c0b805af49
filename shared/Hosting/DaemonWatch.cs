using JasperFx;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SandboxRegistry.Hosting;

/// <summary>
/// Starts again an async daemon agent that Marten stopped on the replica that runs the daemon. Marten stops (does not
/// pause) an agent on <c>ProgressionProgressOutOfOrderException</c>, which it throws when two processes advanced the
/// same subscription: after a database promotion both replicas ran the agents for a moment (each held the daemon's
/// advisory lock, one on the dead primary, one on the new), and then neither forwarded anything until a restart (the
/// cluster suite's stalled outbox, docs/Cluster.md): the replica that holds the subscription's lock keeps it with the
/// agent stopped, so no other takes over. An agent that Marten stopped with a failure recorded is started again on the
/// replica whose daemon holds it (one that gave the lock up is stopped without a failure and left alone); its progress
/// is compare-and-set in PostgreSQL, so a start that collides again only stops it again, and what it forwards twice the
/// consumers' inboxes drop.
/// </summary>
public sealed class DaemonWatch(IProjectionCoordinator coordinator, ILogger<DaemonWatch> logger) : BackgroundService
{
    /// <summary>How often the agents are looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RestartStoppedAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Looking at the daemon's agents failed ({Error}); trying again", e.GetType().Name);
            }
        }
    }

    /// <summary>Starts each agent of this replica's daemon that Marten stopped on a failure again; returns the names of those started.</summary>
    public async Task<IReadOnlyList<string>> RestartStoppedAsync(CancellationToken ct)
    {
        var daemon = coordinator.DaemonForMainDatabase();
        var agents = daemon.CurrentAgents();
        var started = new List<string>();
        // Stopped with a failure, so by Marten on an error and not because this replica gave the daemon's lock up.
        foreach (var agent in agents.Where(a => a.Status == AgentStatus.Stopped && a.Failure is not null))
        {
            var name = agent.Name.Identity;
            logger.LogWarning("The daemon's agent {Agent} was stopped ({Failure}); starting it again", name, agent.Failure!.Category);
            await daemon.StartAgentAsync(name, ct);
            started.Add(name);
        }
        return started;
    }
}
