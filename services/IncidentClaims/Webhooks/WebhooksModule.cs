using SandboxRegistry.EventSourcing.PersonalData;
using System.Security.Cryptography;
using FluentValidation;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace SandboxRegistry.IncidentClaims.Webhooks;

public sealed record CreateSubscriptionRequest(string Url, IReadOnlyList<string> EventTypes);

public sealed class CreateSubscriptionValidator : AbstractValidator<CreateSubscriptionRequest>
{
    public CreateSubscriptionValidator()
    {
        RuleFor(r => r.Url).NotEmpty().MaximumLength(Destinations.MaxUrlLength);
        RuleFor(r => r.EventTypes).NotEmpty();
        RuleForEach(r => r.EventTypes).NotEmpty().MaximumLength(100);
    }
}

public sealed record DeactivateSubscriptionRequest(string? Reason);

/// <summary>The answer to a new subscription: the only time its signing secret is shown.</summary>
public sealed record SubscriptionCreated(Guid Id, long Version, string Secret);

/// <summary>A subscription as its owner and officials see it (never its secret).</summary>
public sealed record SubscriptionView(Guid Id, string OwnerKind, string OwnerId, string Url, IReadOnlyList<string> EventTypes,
    string SecretFingerprint, bool Active, DateTimeOffset CreatedAt, DateTimeOffset? DeactivatedAt)
{
    public static SubscriptionView From(WebhookSubscription s) => new(s.Id, EnumNames.Camel(s.OwnerKind), s.OwnerId, s.Url, s.EventTypes,
        s.SecretFingerprint, s.Active, s.CreatedAt, s.DeactivatedAt);
}

/// <summary>A delivery in the log: what was sent (the payload as sent) and every attempt.</summary>
public sealed record DeliveryView(Guid Id, Guid SubscriptionId, string WebhookId, string Type, Guid IncidentId, string Status,
    System.Text.Json.JsonElement Payload, DateTimeOffset QueuedAt, DateTimeOffset? NextAttemptAt, IReadOnlyList<DeliveryAttempt> Attempts,
    DateTimeOffset? DeliveredAt, DateTimeOffset? ParkedAt, Guid? ReplayOf)
{
    public static DeliveryView From(WebhookDelivery d) => new(d.Id, d.SubscriptionId, d.WebhookId, d.Type, d.IncidentId, EnumNames.Camel(d.Status),
        System.Text.Json.JsonDocument.Parse(d.Payload).RootElement.Clone(), d.QueuedAt,
        d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.Attempts, d.DeliveredAt, d.ParkedAt, d.ReplayOf);
}

public static class WebhookAccess
{
    /// <summary>Integrations and companies subscribe, each to the events about what is theirs.</summary>
    public const string Subscribers = "integration-or-applicant";
    public const string Readers = "webhook-readers";
    public const string Replayers = "webhook-replayers";

    public static AuthorizationBuilder AddWebhookPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Subscribers, p => p.RequireAssertion(c =>
            c.User.HasClaim(Roles.RoleClaim, Roles.Integration) && c.User.HasClaim(x => x.Type == Roles.ClientIdClaim) ||
            c.User.HasClaim(Roles.RoleClaim, Roles.Applicant) && c.User.HasClaim(x => x.Type == Roles.OrgClaim)))
        .AddPolicy(Readers, p => p.RequireRole(Roles.Integration, Roles.Applicant, Roles.Regulator, Roles.Auditor))
        .AddPolicy(Replayers, p => p.RequireRole(Roles.Integration, Roles.Applicant, Roles.Regulator));

    public static OwnerKind KindOf(Actor actor) => actor.Role == Roles.Applicant ? OwnerKind.Company : OwnerKind.Integration;

    public static IQueryable<WebhookSubscription> VisibleTo(this IQueryable<WebhookSubscription> query, Actor actor)
    {
        if (actor.Role is Roles.Regulator or Roles.Auditor) return query;
        var kind = KindOf(actor);
        return query.Where(s => s.OwnerKind == kind).VisibleTo(actor, kind, s => s.OwnerId);
    }
}

public static class WebhooksModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        foreach (var type in WebhookSubscription.Events) options.Events.AddEventType(type);
        options.Events.AddEventType(typeof(IncidentClockDueSoon));
        options.Projections.Add<ClockWarningProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<WebhookSubscriptionProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<WebhookSubscription>().Index(s => s.OwnerId);
        options.Schema.For<WebhookSecret>();
        options.Schema.For<WebhookDelivery>().Index(d => d.SubscriptionId).Index(d => d.Status);
        options.Projections.Subscribe(new WebhookFanout());
    }

    public static void AddWebhooks(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        if (!builder.Environment.IsDevelopment()) options.AllowHttp = false;
        var destinations = new Destinations(options, builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(destinations);
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = options.AttemptTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectCallback = destinations.ConnectAsync,
                AllowAutoRedirect = false, // a redirect is an answer (3xx, a failure), never a way around the destination rules
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2), // so a pooled connection does not outlive a DNS change by long
            });
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var subscriptions = app.MapApi("/api/v1/webhooks/subscriptions", "Webhooks");
        subscriptions.MapPost("/", WebhookEndpoints.Create).Creation(WebhookAccess.Subscribers).ProducesProblem(StatusCodes.Status400BadRequest)
            .Produces<SubscriptionCreated>(StatusCodes.Status201Created);
        subscriptions.MapGet("/", WebhookEndpoints.List).List(WebhookAccess.Readers);
        subscriptions.MapGet("/{id:guid}", WebhookEndpoints.Get).Read(WebhookAccess.Readers);
        subscriptions.MapPost("/{id:guid}/deactivation", WebhookEndpoints.Deactivate).Command(WebhookAccess.Subscribers);
        subscriptions.MapGet("/{id:guid}/deliveries", WebhookEndpoints.Deliveries).List(WebhookAccess.Readers);
        subscriptions.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/replay", WebhookEndpoints.Replay).Command(WebhookAccess.Replayers);
        var deliveries = app.MapApi("/api/v1/webhooks/deliveries", "Webhooks");
        deliveries.MapGet("/", WebhookEndpoints.AllDeliveries).List(Policies.RegulatorOrAuditor);
        return app;
    }
}

public static class WebhookEndpoints
{
    public static async Task<Results<Created<SubscriptionCreated>, ValidationProblem>> Create(CreateSubscriptionRequest request,
        Destinations destinations, IDocumentSession session, TimeProvider clock, PersonalDataVault vault, HttpContext http, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        var kind = WebhookAccess.KindOf(actor);
        var allowed = WebhookEventTypes.For(kind);
        var errors = new Dictionary<string, string[]>();
        if (await destinations.ProblemAsync(request.Url, ct) is { } urlProblem) errors["url"] = [urlProblem];
        for (var i = 0; i < request.EventTypes.Count; i++)
            if (!allowed.Contains(request.EventTypes[i]))
                errors[$"eventTypes[{i}]"] = [$"'eventTypes[{i}]' must be one of {string.Join(", ", allowed)} for this subscriber."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The request has invalid fields.",
                extensions: new Dictionary<string, object?> { ["code"] = "validation-failed" });

        var id = Guid.CreateVersion7();
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
        var ownerId = kind == OwnerKind.Company ? actor.Org! : actor.ClientId!;
        session.Events.StartStream<WebhookSubscription>(id, new WebhookSubscriptionCreated(id, kind, ownerId, request.Url,
            request.EventTypes.Distinct().ToList(), fingerprint, actor, clock.GetUtcNow()));
        session.Store(WebhookSecret.Seal(id, secret, vault, session));
        await session.CommitAsync(ct);
        http.Response.SetStreamVersion(1);
        return TypedResults.Created($"/api/v1/webhooks/subscriptions/{id}", new SubscriptionCreated(id, 1, secret));
    }

    public static async Task<Ok<ListPage<SubscriptionView>>> List(int? page, int? pageSize, IQuerySession session, HttpContext http,
        CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var found = await session.Query<WebhookSubscription>().VisibleTo(Actor.From(http.User)).OrderBy(s => s.CreatedAt).ThenBy(s => s.Id)
            .ToPageAsync(paging, ct);
        return TypedResults.Ok(found.Select(SubscriptionView.From));
    }

    public static async Task<Ok<SubscriptionView>> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var subscription = await Visible(session, id, http, ct);
        var state = await session.Events.FetchStreamStateAsync(id, ct);
        http.Response.SetStreamVersion(state?.Version ?? 1);
        return TypedResults.Ok(SubscriptionView.From(subscription));
    }

    public static Task<Ok<Changed>> Deactivate(Guid id, DeactivateSubscriptionRequest? request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<WebhookSubscription>(id, http, s => s.Active
            ? new WebhookSubscriptionDeactivated(id, request?.Reason, Actor.From(http.User), clock.GetUtcNow())
            : throw new DomainRuleViolation("subscription-inactive", "The subscription was already deactivated."), ct);

    /// <summary>The subscription's delivery log, oldest first; <c>status</c> pending, delivered, parked or cancelled.</summary>
    public static async Task<Ok<ListPage<DeliveryView>>> Deliveries(Guid id, string? status, int? page, int? pageSize, IQuerySession session,
        HttpContext http, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var wanted = ParseStatus(status);
        await Visible(session, id, http, ct);
        var query = session.Query<WebhookDelivery>().Where(d => d.SubscriptionId == id);
        if (wanted is { } w) query = query.Where(d => d.Status == w);
        var found = await query.OrderBy(d => d.QueuedAt).ThenBy(d => d.Sequence).ThenBy(d => d.Id).ToPageAsync(paging, ct);
        return TypedResults.Ok(found.Select(DeliveryView.From));
    }

    /// <summary>Every subscription's deliveries for officials, e.g. <c>?status=parked</c>: what did not reach its receiver.</summary>
    public static async Task<Ok<ListPage<DeliveryView>>> AllDeliveries(string? status, int? page, int? pageSize, IQuerySession session,
        CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var wanted = ParseStatus(status);
        var query = session.Query<WebhookDelivery>().AsQueryable();
        if (wanted is { } w) query = query.Where(d => d.Status == w);
        var found = await query.OrderBy(d => d.QueuedAt).ThenBy(d => d.Sequence).ThenBy(d => d.Id).ToPageAsync(paging, ct);
        return TypedResults.Ok(found.Select(DeliveryView.From));
    }

    /// <summary>
    /// Queues the delivery again, at the end of the subscription's queue, with the same webhook-id and payload (receivers
    /// that already took it recognise it). A delivery still pending is not replayed: it is on its way.
    /// </summary>
    public static async Task<Created<DeliveryView>> Replay(Guid id, Guid deliveryId, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var subscription = await Visible(session, id, http, ct);
        var delivery = await session.LoadAsync<WebhookDelivery>(deliveryId, ct);
        if (delivery is null || delivery.SubscriptionId != id) throw new ResourceNotFound("No such delivery.");
        if (!subscription.Active) throw new DomainRuleViolation("subscription-inactive", "The subscription was deactivated.");
        if (delivery.Status == DeliveryStatus.Pending)
            throw new DomainRuleViolation("delivery-pending", "The delivery is still pending; it is being sent.");
        var now = clock.GetUtcNow();
        var replay = delivery with
        {
            Id = Guid.CreateVersion7(), Status = DeliveryStatus.Pending, QueuedAt = now, NextAttemptAt = now, FirstAttemptAt = null,
            Attempts = [], DeliveredAt = null, ParkedAt = null, ReplayOf = delivery.Id,
        };
        session.Store(replay);
        await session.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/webhooks/subscriptions/{id}/deliveries?status=pending", DeliveryView.From(replay));
    }

    private static DeliveryStatus? ParseStatus(string? status) =>
        status is null ? null
        : EnumNames.Parse<DeliveryStatus>(status) ?? throw new InvalidPaging("status", $"'status' must be one of {EnumNames.List<DeliveryStatus>()}.");

    private static async Task<WebhookSubscription> Visible(IQuerySession session, Guid id, HttpContext http, CancellationToken ct) =>
        (await session.LoadAsync<WebhookSubscription>(id, ct)).VisibleOrNotFound(Actor.From(http.User), "No such subscription.");
}
