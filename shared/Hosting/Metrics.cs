using System.Diagnostics.Metrics;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using SandboxRegistry.EventSourcing;

namespace SandboxRegistry.Hosting;

/// <summary>How many of one kind of statutory clock are running, and how many of those are past their time.</summary>
public sealed record ClockCount(string Clock, long Open, long Breached);

/// <summary>Counts a service's statutory clocks from its own read models, for the clock gauges.</summary>
public interface IStatutoryClocks
{
    Task<IReadOnlyList<ClockCount>> CountAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct);
}

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>The one port on which /metrics answers, to anyone (it is not routed outside the cluster); none: not served.</summary>
    public int? Port { get; set; }

    /// <summary>How often the gauges read the database and the broker (a scrape reads the last sample).</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the statutory clock gauges are sampled. Counting them reads every incident not closed (about 0.8 s on
    /// 127,000 open incidents on two cores), and a clock runs for days, so their gauges need not follow the others.
    /// </summary>
    public TimeSpan ClockSampleInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The gauges an operator alerts on: outbox lag (events stored up to the async daemon's high-water mark that the outbox
/// has not published yet), messages waiting in each of the service's queues and in their _error queues (from the
/// broker, by passive declaration), and open and breached statutory clocks (from the service's own read models).
/// Sampled in the background, so a scrape never waits for PostgreSQL or RabbitMQ.
/// </summary>
public sealed class ServiceMetrics : BackgroundService
{
    public const string MeterName = "SandboxRegistry";

    private readonly IServiceScopeFactory _scopes;
    private readonly NpgsqlDataSource _dataSource;
    private readonly IDocumentStore _store;
    private readonly RabbitMqSettings _broker;
    private readonly IReadOnlyList<string> _queues;
    private readonly bool _hasOutbox;
    private readonly TimeProvider _clock;
    private readonly IOptions<MetricsOptions> _options;
    private readonly ILogger<ServiceMetrics> _logger;
    private IConnection? _connection;

    private long? _outboxLag;
    private IReadOnlyList<Measurement<long>> _queueDepths = [];
    private IReadOnlyList<Measurement<long>> _errorDepths = [];
    private IReadOnlyList<Measurement<long>> _clocksOpen = [];
    private IReadOnlyList<Measurement<long>> _clocksBreached = [];

    public ServiceMetrics(IMeterFactory meters, IServiceScopeFactory scopes, NpgsqlDataSource dataSource, IDocumentStore store,
        IConfiguration configuration, ServiceQueues queues, TimeProvider clock, IOptions<MetricsOptions> options,
        ILogger<ServiceMetrics> logger)
    {
        _scopes = scopes;
        _dataSource = dataSource;
        _store = store;
        _broker = RabbitMqSettings.From(configuration);
        _queues = queues.Names;
        _hasOutbox = queues.HasOutbox;
        _clock = clock;
        _options = options;
        _logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("sandbox.outbox.lag",
            () => _outboxLag is { } lag ? [new Measurement<long>(lag)] : Array.Empty<Measurement<long>>(),
            description: "Events up to the high-water mark that the outbox has not yet published");
        meter.CreateObservableGauge("sandbox.queue.messages", () => _queueDepths,
            description: "Messages ready in each of the service's queues, not yet delivered to a consumer");
        meter.CreateObservableGauge("sandbox.error_queue.messages", () => _errorDepths,
            description: "Messages in each of the service's _error queues (failed after every retry)");
        meter.CreateObservableGauge("sandbox.clocks.open", () => _clocksOpen,
            description: "Statutory clocks running, by clock");
        meter.CreateObservableGauge("sandbox.clocks.breached", () => _clocksBreached,
            description: "Statutory clocks running past their time, by clock");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.SampleInterval);
        DateTimeOffset? clocksSampledAt = null;
        do
        {
            await Sample(SampleOutboxAsync, "outbox lag", stoppingToken);
            await Sample(SampleQueuesAsync, "queue depths", stoppingToken);
            if (clocksSampledAt is null || _clock.GetUtcNow() - clocksSampledAt >= _options.Value.ClockSampleInterval)
            {
                clocksSampledAt = _clock.GetUtcNow();
                await Sample(SampleClocksAsync, "statutory clocks", stoppingToken);
            }
        } while (await Wait(timer, stoppingToken));
        if (_connection is not null) await _connection.DisposeAsync();
    }

    private static async Task<bool> Wait(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task Sample(Func<CancellationToken, Task> sample, string what, CancellationToken ct)
    {
        try
        {
            await sample(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The last sample stays; health checks report an unreachable database or broker.
            _logger.LogWarning("Sampling {What} failed: {Error}", what, e.GetType().Name);
        }
    }

    private async Task SampleOutboxAsync(CancellationToken ct)
    {
        if (!_hasOutbox) return;
        var schema = _store.Options.Events.DatabaseSchemaName;
        await using var command = _dataSource.CreateCommand(
            $"select coalesce(max(last_seq_id) filter (where name = 'HighWaterMark'), 0) - " +
            $"coalesce(max(last_seq_id) filter (where name like '{OutboxForwarder.SubscriptionName}:%'), 0) " +
            $"from {schema}.mt_event_progression");
        _outboxLag = Math.Max(0, Convert.ToInt64(await command.ExecuteScalarAsync(ct)));
    }

    private async Task SampleQueuesAsync(CancellationToken ct)
    {
        if (_connection is not { IsOpen: true })
        {
            if (_connection is not null) await _connection.DisposeAsync();
            _connection = null;
            var factory = new ConnectionFactory
            {
                VirtualHost = _broker.VirtualHost, UserName = _broker.Username, Password = _broker.Password,
                ClientProvidedName = "metrics",
            };
            var endpoints = (_broker.Nodes ?? [$"{_broker.Host}:{_broker.Port}"]).Select(n => AmqpTcpEndpoint.Parse(n)).ToList();
            _connection = await factory.CreateConnectionAsync(endpoints, ct);
        }
        var ready = new List<Measurement<long>>();
        var errors = new List<Measurement<long>>();
        foreach (var queue in _queues)
        {
            ready.Add(new Measurement<long>(await DepthAsync(queue, ct), new KeyValuePair<string, object?>("queue", queue)));
            errors.Add(new Measurement<long>(await DepthAsync(queue + "_error", ct), new KeyValuePair<string, object?>("queue", queue + "_error")));
        }
        _queueDepths = ready;
        _errorDepths = errors;
    }

    /// <summary>Messages ready in the queue; 0 when it does not exist (an _error queue is declared on its first message).</summary>
    private async Task<long> DepthAsync(string queue, CancellationToken ct)
    {
        // A passive declaration of a missing queue closes its channel, so each queue gets a channel of its own.
        await using var channel = await _connection!.CreateChannelAsync(cancellationToken: ct);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, ct)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    private async Task SampleClocksAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<IStatutoryClocks>() is not { } clocks) return;
        var session = scope.ServiceProvider.GetRequiredService<IQuerySession>();
        var counts = await clocks.CountAsync(session, _clock.GetUtcNow(), ct);
        _clocksOpen = counts.Select(c => new Measurement<long>(c.Open, new KeyValuePair<string, object?>("clock", c.Clock))).ToList();
        _clocksBreached = counts.Select(c => new Measurement<long>(c.Breached, new KeyValuePair<string, object?>("clock", c.Clock))).ToList();
    }
}

/// <summary>The queues the service declares (its ordered queue and its batch queues), and whether it runs an outbox.</summary>
public sealed record ServiceQueues(IReadOnlyList<string> Names, bool HasOutbox);
