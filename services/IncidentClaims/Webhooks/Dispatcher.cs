using System.Net.Http.Headers;
using Marten;
using Npgsql;
using StandardWebhooks;

namespace SandboxRegistry.IncidentClaims.Webhooks;

/// <summary>
/// Sends the deliveries <see cref="WebhookFanout"/> queued, per subscription in order: a subscription's next delivery
/// waits until the one before it was delivered or parked, while other subscriptions go on. A failure (no 2xx, no answer,
/// a refused destination) is retried after a back-off that doubles up to Webhooks:MaxBackoff; once Webhooks:RetryPeriod
/// has passed since the first attempt the delivery is parked (visible in the delivery log, replayable) and the next one
/// goes. One replica dispatches at a time (a PostgreSQL advisory lock held on a connection of its own: when that replica
/// dies, its connection and lock go with it and another takes over), which is what keeps the order across replicas.
/// <para>
/// Why a loop and not the broker: back-off over hours needs delayed messages, and this RabbitMQ has no delayed-exchange
/// plugin nor MassTransit a scheduler here (docs/RUNTIME-NOTES); in-memory retries would hold an unacknowledged message past
/// RabbitMQ's consumer timeout. The deliveries are documents, so the loop only reads what is due and writes each outcome.
/// The same replica records the statutory clocks coming due (<see cref="ClockWarnings"/>) as facts in the event store,
/// from which the fan-out makes their deliveries like any other.
/// </para>
/// </summary>
public sealed class WebhookDispatcher(IDocumentStore store, NpgsqlDataSource dataSource, IHttpClientFactory http, TimeProvider clock,
    WebhookOptions options, Microsoft.Extensions.Options.IOptions<JurisdictionProfile> profile, ILogger<WebhookDispatcher> logger,
    SandboxRegistry.EventSourcing.PersonalData.PersonalDataVault vault) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    private const long LockKey = 0x5742_484B_0019; // "WBHK", issue 19
    private const int BatchPerSubscription = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                await using (var take = new NpgsqlCommand("select pg_try_advisory_lock(@key)", connection))
                {
                    take.Parameters.AddWithValue("key", LockKey);
                    if (await take.ExecuteScalarAsync(stoppingToken) is not true)
                    {
                        await Task.Delay(options.PollInterval * 5, clock, stoppingToken);
                        continue;
                    }
                }
                var clocksCheckedAt = DateTimeOffset.MinValue;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await using (var alive = new NpgsqlCommand("select 1", connection)) await alive.ExecuteScalarAsync(stoppingToken);
                    if (clock.GetUtcNow() - clocksCheckedAt >= options.ClockCheckInterval)
                    {
                        clocksCheckedAt = clock.GetUtcNow();
                        await ClockWarnings.RecordAsync(store, dataSource, clocksCheckedAt, options.ClockWarningAhead, profile.Value, stoppingToken);
                    }
                    await DispatchDueAsync(stoppingToken);
                    await Task.Delay(options.PollInterval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Webhook dispatch failed ({Error}); trying again", e.GetType().Name);
                try
                {
                    await Task.Delay(options.PollInterval * 5, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One pass: every subscription with pending deliveries, several at once, each one's in order.</summary>
    public async Task DispatchDueAsync(CancellationToken ct)
    {
        List<Guid> subscriptionIds;
        await using (var query = store.QuerySession())
            subscriptionIds = (await query.Query<WebhookDelivery>().Where(d => d.Status == DeliveryStatus.Pending)
                .Select(d => d.SubscriptionId).Distinct().ToListAsync(ct)).ToList();
        await Parallel.ForEachAsync(subscriptionIds, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (id, token) => await DispatchSubscriptionAsync(id, token));
    }

    private async Task DispatchSubscriptionAsync(Guid subscriptionId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var subscription = await session.LoadAsync<WebhookSubscription>(subscriptionId, ct);
        var stored = await session.LoadAsync<WebhookSecret>(subscriptionId, ct);
        var secret = stored is null ? null : await stored.RevealAsync(vault, session, ct);
        var pending = await session.Query<WebhookDelivery>().Where(d => d.SubscriptionId == subscriptionId && d.Status == DeliveryStatus.Pending)
            .OrderBy(d => d.QueuedAt).ThenBy(d => d.Sequence).Take(BatchPerSubscription).ToListAsync(ct);
        if (subscription is not { Active: true } || secret is null)
        {
            foreach (var d in pending) session.Store(d with { Status = DeliveryStatus.Cancelled });
            await session.CommitAsync(ct);
            return;
        }

        var webhook = new StandardWebhook(secret);
        foreach (var delivery in pending)
        {
            var now = clock.GetUtcNow();
            if (delivery.NextAttemptAt > now) break; // the head waits for its back-off, and everything behind it with it
            var attempt = await AttemptAsync(subscription.Url, delivery, webhook, now, ct);
            var attempts = delivery.Attempts.Append(attempt).ToList();
            var first = delivery.FirstAttemptAt ?? now;
            var next = attempt.StatusCode is >= 200 and < 300
                ? delivery with { Status = DeliveryStatus.Delivered, DeliveredAt = clock.GetUtcNow(), Attempts = attempts, FirstAttemptAt = first }
                : clock.GetUtcNow() - first >= options.RetryPeriod
                    ? delivery with { Status = DeliveryStatus.Parked, ParkedAt = clock.GetUtcNow(), Attempts = attempts, FirstAttemptAt = first }
                    : delivery with { NextAttemptAt = clock.GetUtcNow() + options.Backoff(attempts.Count), Attempts = attempts, FirstAttemptAt = first };
            session.Store(next);
            await session.CommitAsync(ct);
            if (next.Status == DeliveryStatus.Parked)
                logger.LogWarning("Webhook delivery {Delivery} of subscription {Subscription} parked after {Attempts} attempts", delivery.Id,
                    subscriptionId, attempts.Count);
            if (next.Status == DeliveryStatus.Pending) break;
        }
    }

    private async Task<DeliveryAttempt> AttemptAsync(string url, WebhookDelivery delivery, StandardWebhook webhook, DateTimeOffset now,
        CancellationToken ct)
    {
        var timestamp = clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(delivery.Payload, System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("webhook-id", delivery.WebhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", webhook.Sign(delivery.WebhookId, timestamp, delivery.Payload));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return new DeliveryAttempt(now, (int)response.StatusCode, response.IsSuccessStatusCode ? null : "non-success status");
        }
        catch (HttpRequestException e) when (e.InnerException is DestinationRefused)
        {
            return new DeliveryAttempt(now, null, "destination refused: it resolves to a non-public address");
        }
        catch (HttpRequestException e)
        {
            return new DeliveryAttempt(now, null, $"no answer: {e.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryAttempt(now, null, "timed out");
        }
    }
}
