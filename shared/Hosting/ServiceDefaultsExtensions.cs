using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.EventSourcing.PersonalData;
using SandboxRegistry.Hosting.Audit;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Weasel.Core;

using SandboxRegistry.EventSourcing;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Hosting;

public sealed class ServiceDefaultsOptions
{
    /// <summary>Adds the service's document and event registrations to Marten.</summary>
    public Action<StoreOptions> ConfigureMarten { get; set; } = _ => { };

    /// <summary>Adds the service's consumers to MassTransit.</summary>
    public Action<IBusRegistrationConfigurator> ConfigureBus { get; set; } = _ => { };

    /// <summary>Domain events to contracts; null when the service publishes nothing.</summary>
    public Type? IntegrationEventMap { get; set; }

    /// <summary>
    /// Batch consumers (<c>IConsumer&lt;Batch&lt;T&gt;&gt;</c>, registered in <see cref="ConfigureBus"/>) that take their
    /// messages from a queue of their own, named by the key, instead of the service's ordered queue. Only for effects
    /// that do not depend on order: a document written whole from one message, the same on every delivery.
    /// </summary>
    public Dictionary<string, Type> BatchEndpoints { get; } = new();

    /// <summary>Runs the <see cref="GroupCommit"/> writer, for services whose intake commits many small writes together.</summary>
    public bool UseGroupCommit { get; set; }

    /// <summary>
    /// Steps that bring read models of databases written by earlier releases to today's shape, applied once per database at
    /// start-up, in this order (<see cref="ReadModelUpgrader"/>). Never remove or rename a step: its name is its record.
    /// </summary>
    public List<ReadModelUpgrade> ReadModelUpgrades { get; } = [];

    /// <summary>The service's <see cref="IStatutoryClocks"/>, for the clock gauges; null when it runs no statutory clock.</summary>
    public Type? StatutoryClocks { get; set; }
}

public static class ServiceDefaultsExtensions
{
    public const string ReadyTag = "ready";

    /// <param name="serviceAssembly">The service's own assembly: its validators are registered from it.</param>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName,
        System.Reflection.Assembly serviceAssembly, Action<ServiceDefaultsOptions> configure)
    {
        var options = new ServiceDefaultsOptions();
        configure(options);
        var services = builder.Services;
        services.AddSingleton(new ServiceIdentity(serviceName));
        services.AddSingleton(TimeProvider.System);
        // One jurisdiction profile for every service, checked at start-up so that a typo stops the service.
        services.AddOptions<JurisdictionProfile>().Bind(builder.Configuration.GetSection(JurisdictionProfile.Section))
            .Validate(p => p.IsUsable(), "Jurisdiction: TimeZone must be a known time zone, Calendar a shipped production calendar, and the periods positive.")
            .ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddSingleton<AuditedSessionFactory>();
        if (options.UseGroupCommit)
        {
            services.AddSingleton<GroupCommit>();
            services.AddHostedService(sp => sp.GetRequiredService<GroupCommit>());
        }

        builder.AddMarten(serviceName, options);
        builder.AddAuditTrail();
        builder.Services.Configure<VaultOptions>(builder.Configuration.GetSection(VaultOptions.Section));
        builder.Services.AddSingleton<PersonalDataVault>();
        builder.AddMessaging(serviceName, options);
        builder.AddSandboxAuth();
        builder.AddHttpDefaults(serviceName, serviceAssembly);
        builder.AddSandboxLimits();
        builder.AddTracing(serviceName);
        builder.AddMetrics(serviceName, options);
        return builder;
    }

    private static void AddMarten(this WebApplicationBuilder builder, string serviceName, ServiceDefaultsOptions options)
    {
        var connectionString = builder.Configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not set.");
        var schema = builder.Configuration["Marten:Schema"] ?? "public";

        var sourceBuilder = new NpgsqlDataSourceBuilder(connectionString) { Name = serviceName };
        // A query that runs longer than this is cancelled (and its request fails) instead of holding a connection.
        sourceBuilder.ConnectionStringBuilder.CommandTimeout = builder.Configuration.GetValue("Limits:CommandTimeoutSeconds", 15);
        PrepareRepeatedStatements(sourceBuilder.ConnectionStringBuilder);
        KeepValuesOutOfErrors(sourceBuilder);
        var dataSource = sourceBuilder.Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("postgres",
            sp => new PostgresHealthCheck(sp.GetRequiredService<NpgsqlDataSource>()), HealthStatus.Unhealthy, [ReadyTag],
            TimeSpan.FromSeconds(5)));

        var marten = builder.Services.AddMarten(opts =>
            {
                ConfigureStore(opts, schema);
                options.ConfigureMarten(opts);
            })
            .UseNpgsqlDataSource()
            .BuildSessionsWith<AuditedSessionFactory>()
            .ApplyAllDatabaseChangesOnStartup()
            // One node per subscription across replicas; another takes over when it stops.
            .AddAsyncDaemon(DaemonMode.HotCold);
        builder.Services.AddHostedService<DaemonWatch>();
        LogFailuresWithoutValues(builder.Services);
        // After Marten's schema changes, before the bus and the server: see ReadModelUpgrader.
        foreach (var upgrade in options.ReadModelUpgrades) builder.Services.AddSingleton(upgrade);
        builder.Services.AddSingleton<ReadModelUpgrader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReadModelUpgrader>());

        if (options.IntegrationEventMap is { } map)
        {
            builder.Services.AddSingleton(typeof(IIntegrationEventMap), map);
            var broker = RabbitMqSettings.From(builder.Configuration);
            builder.Services.AddSingleton(sp => new OutboxPublisher(new RabbitMQ.Client.ConnectionFactory
            {
                HostName = broker.Host, Port = broker.Port, VirtualHost = broker.VirtualHost, UserName = broker.Username, Password = broker.Password,
            }, sp.GetRequiredService<IBus>(), sp.GetRequiredService<ServiceIdentity>(), sp.GetRequiredService<ILogger<OutboxPublisher>>(),
                broker.Nodes));
            marten.AddSubscriptionWithServices<OutboxForwarder>(ServiceLifetime.Singleton, o =>
            {
                o.Name = OutboxForwarder.SubscriptionName;
                // Up to this many messages in flight before their confirms are awaited (the daemon's default is 500).
                o.Options.BatchSize = OutboxForwarder.PageSize;
            });
        }
    }

    /// <summary>
    /// Marten sends the same statements over and over (appends, inserts, loads by id); unprepared, PostgreSQL parses
    /// and plans each one every time, which led its CPU profile under intake load (docs/Benchmarks.md). Npgsql's
    /// automatic preparation keeps the most used ones prepared per physical connection. A connection string that sets its own value wins.
    /// </summary>
    public static void PrepareRepeatedStatements(NpgsqlConnectionStringBuilder connection)
    {
        if (connection.MaxAutoPrepare == 0) connection.MaxAutoPrepare = 64;
    }

    /// <summary>
    /// PostgreSQL's error detail can quote a row's values, and Npgsql's parameter logging writes every parameter: both
    /// stay off whatever the connection string says (Npgsql gets no logger factory either, so it logs nothing).
    /// </summary>
    public static void KeepValuesOutOfErrors(NpgsqlDataSourceBuilder source)
    {
        source.ConnectionStringBuilder.IncludeErrorDetail = false;
        source.EnableParameterLogging(false);
    }

    /// <summary>
    /// Puts <see cref="DatabaseFailures"/> in place of Marten's default logger once the store is built: built with the
    /// default, the store still hands the application's logger factory to the async daemon and the projections, which
    /// Marten skips when a logger is configured up front.
    /// </summary>
    private static void LogFailuresWithoutValues(IServiceCollection services)
    {
        var marten = services.Last(d => d.ServiceType == typeof(IDocumentStore));
        var build = marten.ImplementationFactory
            ?? throw new InvalidOperationException("Marten registered IDocumentStore without a factory.");
        services.Remove(marten);
        services.AddSingleton<IDocumentStore>(sp =>
        {
            var store = (DocumentStore)build(sp);
            store.Options.Logger(ActivatorUtilities.CreateInstance<DatabaseFailures>(sp));
            return store;
        });
    }

    /// <summary>
    /// The store settings every service shares (also used by tools that must store exactly as a service does).
    /// </summary>
    public static void ConfigureStore(StoreOptions opts, string schema)
    {
        opts.DatabaseSchemaName = schema;
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        // Rich appends give inline projections each event's stream version, sequence and timestamp before commit:
        // the audit seal needs the version to link the chain (Quick mode leaves plain appends unnumbered).
        opts.Events.AppendMode = JasperFx.Events.EventAppendMode.Rich;
        // Marten 9 keeps the aggregate FetchForWriting returned in the session's identity map and lets the inline
        // projection apply the new events to that instance. After a commit lost to a concurrent append, a command that
        // decides again in the same session (Commands.DecideAll) would then see the stale copy, or its own failed
        // attempt, and store a snapshot that misses the other writer's events (ConcurrentAppendTests). Off: every fetch
        // and every inline projection reads the stored snapshot.
        opts.Events.UseIdentityMapForAggregates = false;
        // Wake the async daemon on append instead of waiting for its polling interval.
        opts.Events.UseListenNotifyForEventAppends = true;
        // Proofs and citations find events by id (MerkleProofs).
        opts.Events.EnableUniqueIndexOnEventId = true;
        // Who and which trace, on every event (see AuditedSessionFactory).
        opts.Events.MetadataConfig.UserNameEnabled = true;
        opts.Events.MetadataConfig.HeadersEnabled = true;
        opts.Events.MetadataConfig.CorrelationIdEnabled = true;
        opts.Events.MetadataConfig.CausationIdEnabled = true;
        opts.Schema.For<ProcessedMessage>().Identity(x => x.Id);
        opts.Schema.For<AppliedReadModelUpgrade>().Identity(x => x.Id);
        // The audit trail: every event sealed inline into its stream's hash chain; checkpoints and witnesses.
        opts.Schema.For<EventSeal>().UniqueIndex(UniqueIndexType.Computed, "event_seal_stream_version",
            s => s.StreamId, s => s.Version);
        // Verification reads the seals in the events' order: a merge join on the sequence instead of one lookup per event by id.
        opts.Schema.For<EventSeal>().Index(s => s.Sequence);
        opts.Projections.Add(new EventSealProjection(), ProjectionLifecycle.Inline);
        opts.Events.MapEventType<AuditCheckpointRecorded>(AuditCheckpointRecorded.TypeName);
        // One checkpoint per 100 events: the checkpointer's and the proofs' "latest" and "of tree size n" lookups stay
        // index scans however many there are, and so does a witness's "last cosigned of that service".
        opts.Schema.For<AuditCheckpoint>().Identity(c => c.Id).Index(c => c.Sequence).Index(c => c.TreeSize);
        opts.Schema.For<WitnessedCheckpoint>().Identity(c => c.Id)
            .Index([c => c.Service, c => c.TreeSize, c => c.Sequence], index => index.Name = "mt_doc_witnessedcheckpoint_service_tree");
        opts.Schema.For<CheckpointCosignature>().Identity(c => c.Id).Index(c => c.Sequence);
        opts.Schema.For<AuditVerificationMark>().Identity(m => m.Id);
        opts.Storage.ExtendedSchemaObjects.Add(StoredTree.Definition(schema));
        // Personal data keys live outside the event streams, so erasing one leaves the streams untouched.
        opts.Schema.For<PersonalDataKey>();
        opts.Schema.For<ErasureRecord>();
    }

    private static void AddAuditTrail(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuditOptions.Section);
        builder.Services.Configure<AuditOptions>(section);
        builder.Services.AddSingleton<ChainVerifier>();
        builder.Services.AddScoped<ServiceVerifier>();
        builder.Services.AddScoped<CitationVerifier>();
        builder.Services.AddScoped<MerkleProofs>();
        builder.Services.AddScoped<PublishedCheckpoints>();
        builder.Services.AddSingleton<CheckpointKeys>();
        // Fail at start, not at the first checkpoint, when no signing key is configured outside Development.
        if (!Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment(builder.Environment) &&
            string.IsNullOrWhiteSpace(section["SigningKey"]))
            throw new InvalidOperationException("Audit:SigningKey (a base64 Ed25519 seed) is required outside Development.");
        builder.Services.AddHostedService<AuditCheckpointer>();
        builder.Services.AddHttpClient();
        foreach (var peer in section.GetSection("Peers").GetChildren())
            builder.Services.AddHttpClient(ServiceVerifier.PeerClientPrefix + peer.Key, c => c.BaseAddress = new Uri(peer.Value!));
    }

    private static void AddMessaging(this WebApplicationBuilder builder, string serviceName, ServiceDefaultsOptions options)
    {
        var broker = RabbitMqSettings.From(builder.Configuration);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("error-queues",
            _ => new ErrorQueuesHealthCheck(broker,
                [IntegrationQueue(serviceName), .. options.BatchEndpoints.Keys.Select(name => IntegrationQueue(serviceName, name))]),
            HealthStatus.Degraded, [ReadyTag], TimeSpan.FromSeconds(5)));
        // Serve only once the bus is up and the service's queue is bound, so nothing the service publishes or expects
        // to receive during start-up is lost; and give up after RabbitMq:StartTimeout, so that a start that never
        // completes ends the process (for its supervisor to start again) instead of leaving one that never serves.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = broker.StartTimeout;
        });
        builder.Services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.AddConsumer<AuditCheckpointWitness>();
            bus.AddConsumer<AuditCheckpointCosignatures>();
            options.ConfigureBus(bus);
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(broker.Host, broker.Port, broker.VirtualHost, h =>
                {
                    h.Username(broker.Username);
                    h.Password(broker.Password);
                    h.PublisherConfirmation = true;
                    // Every node of a cluster: the connection moves to the next one when its node goes away.
                    if (broker.Nodes is { } nodes)
                        h.UseCluster(c =>
                        {
                            foreach (var node in nodes) c.Node(node);
                        });
                });
                // One queue per service for everything it consumes, applied one message at a time, so messages are
                // applied in exactly the order the owners published them (a later event of a stream never overtakes
                // an earlier one). With a concurrency limit of 1, MassTransit 8.5 opens the consuming channel with a
                // consumer dispatch concurrency of 1: RabbitMQ.Client hands over the deliveries one after another and
                // each is consumed, retried in place and acknowledged before the next, so prefetching only saves the
                // wait for the next delivery after each ack. A message that still fails after the retries moves to
                // the _error queue.
                // Batch endpoints first: the ordered queue below takes every consumer not configured before it.
                foreach (var (name, consumer) in options.BatchEndpoints)
                    cfg.ReceiveEndpoint(IntegrationQueue(serviceName, name), endpoint =>
                    {
                        // Every message of a batch is in hand at once, and the next batch's are already prefetched.
                        endpoint.PrefetchCount = 2 * MaxBatch;
                        endpoint.ConcurrentMessageLimit = MaxBatch;
                        ClusterQueue(endpoint, broker, ordered: false);
                        RetryInPlace(endpoint);
                        context.ConfigureConsumer(consumer, endpoint);
                    });
                cfg.ReceiveEndpoint(IntegrationQueue(serviceName), endpoint =>
                {
                    endpoint.PrefetchCount = 32;
                    endpoint.ConcurrentMessageLimit = 1;
                    ClusterQueue(endpoint, broker, ordered: true);
                    RetryInPlace(endpoint);
                    endpoint.ConfigureConsumers(context);
                });
            });
        });
    }

    /// <summary>
    /// Quorum queues (unless RabbitMq:QuorumQueues is false) survive the loss of a minority of the cluster's nodes;
    /// MassTransit declares the endpoint's _error and _skipped queues with the same arguments, so they are quorum
    /// queues too. An ordered queue has a single active consumer: of N replicas, one consumes and the broker hands the
    /// queue to another when its channel closes (its process died or lost its connection), so one stream's events are
    /// never applied concurrently. Batch queues compete: their effects do not depend on order.
    /// </summary>
    private static void ClusterQueue(IRabbitMqReceiveEndpointConfigurator endpoint, RabbitMqSettings broker, bool ordered)
    {
        if (broker.QuorumQueues) endpoint.SetQuorumQueue();
        if (ordered) endpoint.SingleActiveConsumer = true;
    }

    /// <summary>Failed deliveries are retried in place with exponential back-off, then moved to the _error queue.</summary>
    private static void RetryInPlace(IReceiveEndpointConfigurator endpoint)
    {
        // Outer: while the database is unavailable (a failover, found by the cluster fault suite: the retries below were
        // spent before the standby was promoted and a ParticipationGranted went to _error), the retries run again.
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(DatabaseFailures.IsUnavailable);
            r.Interval(Delivery.RetriesWhileDatabaseUnavailable, Delivery.DatabaseRetryInterval);
        });
        endpoint.UseMessageRetry(r => r.Exponential(Delivery.RetriesInPlace, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(400)));
    }

    /// <summary>The service's inbound queue: kebab-case, prefixed with the service name.</summary>
    public static string IntegrationQueue(string serviceName) => $"{serviceName}-integration-events";

    /// <summary>A batch endpoint's queue (<see cref="ServiceDefaultsOptions.BatchEndpoints"/>).</summary>
    public static string IntegrationQueue(string serviceName, string batchEndpoint) => $"{serviceName}-integration-events-{batchEndpoint}";

    /// <summary>The most messages a batch consumer takes at once (its <c>BatchOptions.MessageLimit</c>).</summary>
    public const int MaxBatch = 64;

    /// <summary>
    /// Batch options for the consumers of <see cref="ServiceDefaultsOptions.BatchEndpoints"/>: up to <see cref="MaxBatch"/>
    /// messages, waiting at most 20 ms after the first, one batch at a time.
    /// </summary>
    public static void Batched(BatchOptions batch) =>
        batch.SetMessageLimit(MaxBatch).SetTimeLimit(TimeSpan.FromMilliseconds(20)).SetConcurrencyLimit(1);

    private static void AddHttpDefaults(this WebApplicationBuilder builder, string serviceName,
        System.Reflection.Assembly serviceAssembly)
    {
        var services = builder.Services;
        var limits = builder.Configuration.GetSection(InputLimits.Section).Get<InputLimits>() ?? new InputLimits();
        services.AddSingleton(limits);
        services.ConfigureHttpJsonOptions(o =>
        {
            InputRules.Apply(o.SerializerOptions, limits);
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        });
        // Malformed JSON throws BadHttpRequestException, which ProblemDetailsMapping answers as a 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = RateLimits.MaxBodyBytes;
            // Kestrel answers its own limits with an empty body; above ours, so that UseRequestSizeLimits answers first,
            // with problem details.
            k.Limits.MaxRequestLineSize = 4 * RateLimits.MaxRequestTargetBytes;
            k.Limits.MaxRequestHeadersTotalSize = 4 * RateLimits.MaxHeaderBytes;
        });
        // CORS is off unless Cors:AllowedOrigins names the origins of a browser front end.
        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (origins.Length > 0) p.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("ETag", "Location");
        }));

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString()
                ?? ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemDetailsMapping>();
        // Validators hold no state and take no services; built once, as FluentValidation advises (building one compiles
        // every rule's expression).
        services.AddValidatorsFromAssembly(serviceAssembly, ServiceLifetime.Singleton, includeInternalTypes: true);

        services.AddEndpointsApiExplorer();
        services.AddSandboxSwagger(serviceName);
    }

    private static void AddTracing(this WebApplicationBuilder builder, string serviceName)
    {
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? builder.Configuration["OpenTelemetry:OtlpEndpoint"];
        // Tracing costs CPU on every request and message (docs/Benchmarks.md), so it runs only where traces go
        // somewhere: an OTLP endpoint is configured, or OpenTelemetry:Enabled is true.
        if (string.IsNullOrWhiteSpace(otlpEndpoint) && !builder.Configuration.GetValue<bool>("OpenTelemetry:Enabled")) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddSource("MassTransit")
                    .AddSource("Marten")
                    .AddNpgsql();
                // No exporter unless one is configured: nothing leaves the machine by default.
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlpEndpoint));
            });
    }

    /// <summary>
    /// OpenTelemetry metrics in Prometheus format: ASP.NET Core's request duration histogram (http.server.request.duration,
    /// by route, method and status: its count is the request rate) and the <see cref="ServiceMetrics"/> gauges. Always on:
    /// unlike tracing they cost a few counters per request, and they are read only when Prometheus scrapes /metrics.
    /// </summary>
    private static void AddMetrics(this WebApplicationBuilder builder, string serviceName, ServiceDefaultsOptions options)
    {
        builder.Services.Configure<MetricsOptions>(builder.Configuration.GetSection(MetricsOptions.Section));
        if (options.StatutoryClocks is { } clocks) builder.Services.AddSingleton(typeof(IStatutoryClocks), clocks);
        builder.Services.AddSingleton(new ServiceQueues(
            [IntegrationQueue(serviceName), .. options.BatchEndpoints.Keys.Select(name => IntegrationQueue(serviceName, name))],
            options.IntegrationEventMap is not null));
        builder.Services.AddHostedService<ServiceMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(ServiceMetrics.MeterName)
                .AddPrometheusExporter());
    }

    /// <summary>Error handling, auth, health and Swagger, in the order they must run.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseRequestSizeLimits();
        app.UseStatusCodePages();
        app.UseSwagger();
        app.UseSwaggerUI();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRequestRules();
        app.UseRateLimiter();
        app.UseRequestTimeouts();

        app.MapAudit();
        // Anonymous, but only on the metrics port, which is not published outside the cluster (docs/Cluster.md); on
        // the API's port /metrics is a 404 like any unknown path.
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is { } metricsPort)
            app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{metricsPort}").AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.Write })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponse.Write,
        }).AllowAnonymous();
        return app;
    }
}
