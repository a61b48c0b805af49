using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.IncidentClaims.Webhooks;
using SandboxRegistry.Regulation;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>A service whose webhooks may reach a receiver on this machine over http, with quick retries and a short retry period.</summary>
public sealed class LocalWebhooksFixture : ServiceFixture<ServiceMarker>
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Webhooks:AllowHttp"] = "true",
        ["Webhooks:AllowPrivateDestinations"] = "true",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:InitialBackoff"] = "00:00:00.100",
        ["Webhooks:MaxBackoff"] = "00:00:00.400",
        ["Webhooks:RetryPeriod"] = "00:00:02",
        ["Webhooks:ClockWarningAhead"] = "30.00:00:00",
        ["Webhooks:ClockCheckInterval"] = "00:00:00.200",
    };
}

/// <summary>Issue 19 part 5: webhooks per the Standard Webhooks specification, driven from the event store.</summary>
public class WebhookTests(LocalWebhooksFixture fixture) : IClassFixture<LocalWebhooksFixture>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Company => fixture.Host.Client(Tokens.Applicant(World.Ogrn));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));

    private static async Task<(Guid Id, string Secret)> Subscribe(HttpClient client, WebhookReceiver receiver, params string[] types)
    {
        var created = await client.PostAsJsonAsync("/api/v1/webhooks/subscriptions", new { url = receiver.Url, eventTypes = types })
            .Body(HttpStatusCode.Created);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        receiver.Secret = secret;
        return (created.GetProperty("id").GetGuid(), secret);
    }

    private async Task<Guid> LinkedIncident(string region)
    {
        var world = new World(fixture.Host);
        await world.SeedDeployedSystem(region);
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: region));
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { }).Body();
        return id;
    }

    private static async Task<IReadOnlyList<ReceivedWebhook>> Accepted(WebhookReceiver receiver, int count) =>
        await Eventually.Until(() => Task.FromResult(receiver.Accepted.Count >= count ? receiver.Accepted : null),
            because: $"{count} webhooks should be accepted");


    [Fact]
    public async Task The_signing_secret_is_stored_only_encrypted_and_deliveries_are_still_signed_with_it()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        var (subscription, secret) = await Subscribe(Portal, hook, WebhookEventTypes.StatusChanged);

        string row;
        await using (var session = fixture.Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession())
            row = (await session.Json.FindByIdAsync<WebhookSecret>(subscription))!;
        Assert.Contains(subscription.ToString(), row);
        Assert.DoesNotContain(secret, row);
        Assert.DoesNotContain(secret["whsec_".Length..], row); // nor its key material without the prefix
        Assert.Contains("ciphertext", row, StringComparison.OrdinalIgnoreCase);

        var id = await LinkedIncident("49");
        var delivered = await Accepted(hook, 1);
        Assert.True(delivered[0].Verified); // signed with the secret the subscriber was given
        Assert.Equal(id, delivered[0].Data.GetProperty("incidentId").GetGuid());
        await Portal.PostAsJsonAsync($"/api/v1/webhooks/subscriptions/{subscription}/deactivation", new { reason = "Test over." }).Body();
    }

    [Fact]
    public async Task The_filing_integration_and_the_company_receive_signed_deliveries_of_what_concerns_them_in_order()
    {
        await using var portalHook = await WebhookReceiver.StartAsync();
        await using var companyHook = await WebhookReceiver.StartAsync();
        await using var otherHook = await WebhookReceiver.StartAsync();
        var (portalSubscription, _) = await Subscribe(Portal, portalHook, WebhookEventTypes.StatusChanged);
        await Subscribe(Company, companyHook, WebhookEventTypes.Linked, WebhookEventTypes.CommissionConvened, WebhookEventTypes.ConclusionSigned,
            WebhookEventTypes.Closed);
        var (otherSubscription, _) = await Subscribe(fixture.Host.Client(Tokens.Integration("ingos")), otherHook, WebhookEventTypes.StatusChanged);

        var id = await LinkedIncident("51");
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/commission", new
        {
            chair = new { fullName = "Olga Sokolova", position = "Deputy Minister" },
            members = new[] { new { fullName = "Pavel Orlov", position = "Expert" } },
            meetingDate = LocalDates.TodayAt("51"), // the local date at the place of the harm
        }).Body();
        await Regulator.PutAsJsonAsync($"/api/v1/incidents/{id}/commission/conclusion", new
        {
            causalLink = "established", responsibleParties = new[] { World.Ogrn }, recommendations = new[] { "none" },
        }).Body();
        await Regulator.PostAsync($"/api/v1/incidents/{id}/commission/conclusion/signature", null).Body();
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/closure", new { outcome = "liabilityEstablished" }).Body();

        var portal = await Accepted(portalHook, 5);
        var company = await Accepted(companyHook, 4);

        Assert.All(portalHook.Requests.Concat(companyHook.Requests), r => Assert.True(r.Verified, $"{r.WebhookId} should verify"));
        Assert.Equal(["linked", "commissionConvened", "conclusionRecorded", "conclusionSigned", "closed"],
            portal.Select(r => r.Data.GetProperty("status").GetString()));
        Assert.All(portal, r => Assert.Equal((WebhookEventTypes.StatusChanged, id), (r.Type, r.Data.GetProperty("incidentId").GetGuid())));
        Assert.Equal("liabilityEstablished", portal[^1].Data.GetProperty("outcome").GetString());
        Assert.Equal([WebhookEventTypes.Linked, WebhookEventTypes.CommissionConvened, WebhookEventTypes.ConclusionSigned, WebhookEventTypes.Closed],
            company.Select(r => r.Type));
        Assert.Equal("1.0", company[0].Data.GetProperty("version").GetString());
        Assert.Equal("established", company[2].Data.GetProperty("causalLink").GetString());
        Assert.Equal(portal.Count, portal.Select(r => r.WebhookId).Distinct().Count());
        var everything = string.Join("", portalHook.Requests.Concat(companyHook.Requests).Select(r => r.Data.GetRawText()));
        Assert.DoesNotContain("Ivan", everything);

        // The receiver has answered the last one; the dispatcher records the outcome just after: await it.
        var log = await Eventually.Until(async () =>
        {
            var items = await Portal.AllItems($"/api/v1/webhooks/subscriptions/{portalSubscription}/deliveries");
            return items.All(d => d.GetProperty("status").GetString() == "delivered") ? items.ToList() : null;
        }, because: "every delivery should be recorded as delivered");
        Assert.Equal(portal.Select(r => r.WebhookId), log.Select(d => d.GetProperty("webhookId").GetString()));
        Assert.All(log, d =>
        {
            Assert.Equal("delivered", d.GetProperty("status").GetString());
            Assert.Equal(200, d.GetProperty("attempts").EnumerateArray().Single().GetProperty("statusCode").GetInt32());
        });
        // The fan-out handles events in order, so once the last one reached the portal every earlier event was handled:
        // the other integration's subscription got nothing of a report it did not file.
        Assert.Empty(await Regulator.AllItems($"/api/v1/webhooks/subscriptions/{otherSubscription}/deliveries"));
        Assert.Empty(otherHook.Requests);

        // The receiver's check is real: the same request with a payload changed after signing does not verify.
        var genuine = new StandardWebhooks.StandardWebhook(portalHook.Secret);
        var now = DateTimeOffset.UtcNow;
        using var forged = new HttpRequestMessage(HttpMethod.Post, portalHook.Url)
        {
            Content = new StringContent("""{"type":"incident.status-changed","data":{"status":"closed"}}"""),
        };
        forged.Headers.Add("webhook-id", "msg_forged");
        forged.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString());
        forged.Headers.Add("webhook-signature", genuine.Sign("msg_forged", now, """{"type":"incident.status-changed","data":{"status":"linked"}}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, (await new HttpClient().SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_back_off_in_order_then_parked_visibly_and_replayed()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        hook.Answer = n => n <= 2 ? 503 : 200;
        var (subscription, _) = await Subscribe(Portal, hook, WebhookEventTypes.StatusChanged);

        var id = await LinkedIncident("52");
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/closure", new { outcome = "withdrawn" }).Body();

        var accepted = await Accepted(hook, 2);
        Assert.Equal([(503, "linked"), (503, "linked"), (200, "linked"), (200, "closed")],
            hook.Requests.Select(r => (r.Answered, r.Data.GetProperty("status").GetString())));
        Assert.Single(accepted, r => r.WebhookId == hook.Requests[0].WebhookId);
        var log = (await Portal.AllItems($"/api/v1/webhooks/subscriptions/{subscription}/deliveries")).ToList();
        Assert.Equal([503, 503, 200], log[0].GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));

        // Now the receiver is down for good: after the retry period the delivery is parked, and the next one goes on.
        hook.Answer = _ => 500;
        var second = await File(Portal, Body(region: "52"));
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{second}/not-ai-related-finding", new { reason = "A human pilot was flying it." }).Body();
        var parked = await Eventually.Until(async () =>
        {
            var items = await Portal.AllItems($"/api/v1/webhooks/subscriptions/{subscription}/deliveries?status=parked");
            return items.Count == 1 ? items[0] : (JsonElement?)null;
        }, TimeSpan.FromSeconds(30), because: "the delivery should be parked after the retry period");
        Assert.True(parked.GetProperty("attempts").GetArrayLength() >= 2);
        Assert.Equal(second, parked.GetProperty("incidentId").GetGuid());
        var official = await Regulator.AllItems("/api/v1/webhooks/deliveries?status=parked");
        Assert.Contains(official, d => d.GetProperty("id").GetGuid() == parked.GetProperty("id").GetGuid());

        hook.Answer = _ => 200;
        var replay = await Portal.PostAsync($"/api/v1/webhooks/subscriptions/{subscription}/deliveries/{parked.GetProperty("id").GetGuid()}/replay", null)
            .Body(HttpStatusCode.Created);
        Assert.Equal(parked.GetProperty("id").GetGuid(), replay.GetProperty("replayOf").GetGuid());
        var redelivered = await Eventually.Until(() => Task.FromResult(hook.Accepted.FirstOrDefault(r => r.Data.GetProperty("incidentId").GetGuid() == second)),
            because: "the replay should be delivered");
        Assert.Equal(parked.GetProperty("webhookId").GetString(), redelivered.WebhookId);
        Assert.All(hook.Requests, r => Assert.True(r.Verified));
    }

    [Fact]
    public async Task Clocks_coming_due_are_recorded_once_and_delivered_to_the_integration_and_the_company()
    {
        await using var portalHook = await WebhookReceiver.StartAsync();
        await using var companyHook = await WebhookReceiver.StartAsync();
        var (portalSubscription, _) = await Subscribe(Portal, portalHook, WebhookEventTypes.ClockDueSoon);
        await Subscribe(Company, companyHook, WebhookEventTypes.ClockDueSoon);
        var world = new World(fixture.Host);
        await world.SeedDeployedSystem("53");
        var body = Body(occurredAt: world.Now.AddDays(-20), region: "53");
        body["awareAt"] = world.Now.AddDays(-1);
        var id = await File(Portal, body);

        // The report clock (15 days from awareness, within the 30 days this fixture warns ahead) is the portal's to hear of;
        // the company is not known until triage links the incident, which starts the commission clock.
        var report = (await Accepted(portalHook, 1)).Single();
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { }).Body();
        // Linking starts the commission clock (30 days) and the participant's initial-report clock (15 days, art. 73(2)); the
        // final report's (60 days) is beyond the warning window.
        var company = await Accepted(companyHook, 2);
        var portal = await Accepted(portalHook, 3);

        Assert.Equal((WebhookEventTypes.ClockDueSoon, id, "report"), (report.Type, report.Data.GetProperty("incidentId").GetGuid(),
            report.Data.GetProperty("clock").GetString()));
        Assert.Equal(world.Now.AddDays(14), report.Data.GetProperty("dueBy").GetDateTimeOffset());
        Assert.Equal(["commission", "providerInitialReport"], company.Select(r => r.Data.GetProperty("clock").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["commission", "providerInitialReport", "report"], portal.Select(r => r.Data.GetProperty("clock").GetString()).Order(StringComparer.Ordinal));
        Assert.All(portalHook.Requests.Concat(companyHook.Requests), r => Assert.True(r.Verified));
        var store = fixture.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        Assert.Equal(0, await ClockWarnings.RecordAsync(store,
            fixture.Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), DateTimeOffset.UtcNow, TimeSpan.FromDays(30), new JurisdictionProfile(), CancellationToken.None));
        Assert.Equal(3, (await Portal.AllItems($"/api/v1/webhooks/subscriptions/{portalSubscription}/deliveries")).Count);
    }

    [Fact]
    public async Task Subscriptions_are_their_owners_own_and_take_only_the_event_types_of_their_kind()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        var (id, _) = await Subscribe(Company, hook, WebhookEventTypes.Linked);

        var wrongKind = await Portal.PostAsJsonAsync("/api/v1/webhooks/subscriptions", new { url = hook.Url, eventTypes = new[] { WebhookEventTypes.Linked } });
        var regulator = await Regulator.PostAsJsonAsync("/api/v1/webhooks/subscriptions", new { url = hook.Url, eventTypes = new[] { WebhookEventTypes.Linked } });
        var otherCompany = fixture.Host.Client(Tokens.Applicant("1027739609391"));

        var problem = await wrongKind.AssertProblem(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("eventTypes[0]", out _));
        Assert.Equal(HttpStatusCode.Forbidden, regulator.StatusCode);
        await (await otherCompany.GetAsync($"/api/v1/webhooks/subscriptions/{id}")).AssertProblem(HttpStatusCode.NotFound);
        await (await otherCompany.PostAsync($"/api/v1/webhooks/subscriptions/{id}/deactivation", null)).AssertProblem(HttpStatusCode.NotFound);
        Assert.Empty(await otherCompany.AllItems("/api/v1/webhooks/subscriptions"));
        var mine = await Company.GetAsync($"/api/v1/webhooks/subscriptions/{id}").Body();
        Assert.Equal(["active", "createdAt", "deactivatedAt", "eventTypes", "id", "ownerId", "ownerKind", "secretFingerprint", "url"],
            mine.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal((World.Ogrn, "company", true), (mine.GetProperty("ownerId").GetString(), mine.GetProperty("ownerKind").GetString(),
            mine.GetProperty("active").GetBoolean()));

        await Company.PostAsync($"/api/v1/webhooks/subscriptions/{id}/deactivation", null).Body();
        await (await Company.PostAsync($"/api/v1/webhooks/subscriptions/{id}/deactivation", null)).AssertProblem(HttpStatusCode.Conflict, "subscription-inactive");
        Assert.False((await Regulator.GetAsync($"/api/v1/webhooks/subscriptions/{id}").Body()).GetProperty("active").GetBoolean());
    }
}

/// <summary>Where webhooks may not go, with the service's default settings (no http, no private destinations).</summary>
public class WebhookDestinationTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));

    [Theory]
    [InlineData("http://93.184.215.14/hook", "https://")]
    [InlineData("https://127.0.0.1/hook", "127.0.0.1")]
    [InlineData("https://localhost:8443/hook", "non-public")]
    [InlineData("https://10.1.2.3/hook", "10.1.2.3")]
    [InlineData("https://192.168.0.10/hook", "192.168.0.10")]
    [InlineData("https://169.254.169.254/latest/meta-data", "169.254.169.254")]
    [InlineData("https://[::1]/hook", "::1")]
    [InlineData("https://[fd00::1]/hook", "fd00::1")]
    [InlineData("https://[::ffff:10.0.0.1]/hook", "non-public")]
    [InlineData("https://user:pass@93.184.215.14/hook", "credentials")]
    [InlineData("ftp://93.184.215.14/hook", "https://")]
    [InlineData("not a url", "absolute")]
    public async Task Plain_http_and_destinations_in_non_public_ranges_are_refused(string url, string reason)
    {
        var response = await Portal.PostAsJsonAsync("/api/v1/webhooks/subscriptions", new { url, eventTypes = new[] { WebhookEventTypes.StatusChanged } });

        var problem = await response.AssertProblem(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty("url")[0].GetString());
    }

    [Fact]
    public async Task The_connection_itself_refuses_a_name_that_resolves_to_a_private_address()
    {
        // What DNS rebinding relies on: a name checked once and resolved again at connect time. The check is at connect time.
        var destinations = new Destinations(new WebhookOptions(), development: false);
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = destinations.ConnectAsync });

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://localhost:1/"));

        Assert.IsType<DestinationRefused>(refused.InnerException);
    }

    [Fact]
    public void Only_public_unicast_addresses_count_as_public()
    {
        string[] notPublic = ["127.0.0.1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
            "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:192.168.1.1", "2001:db8::1", "64:ff9b::a00:1"];
        string[] isPublic = ["93.184.215.14", "8.8.8.8", "172.32.0.1", "2a00:1450:4010:c0e::65", "::ffff:8.8.8.8"];

        Assert.All(notPublic, a => Assert.False(Destinations.IsPublic(System.Net.IPAddress.Parse(a)), a));
        Assert.All(isPublic, a => Assert.True(Destinations.IsPublic(System.Net.IPAddress.Parse(a)), a));
    }

    [Fact]
    public async Task Outside_development_http_is_refused_even_when_configured()
    {
        var destinations = new Destinations(new WebhookOptions { AllowHttp = true }, development: false);

        Assert.Equal("'url' must be an https:// URL.", await destinations.ProblemAsync("http://93.184.215.14/hook", CancellationToken.None));
        Assert.Null(await destinations.ProblemAsync("https://93.184.215.14/hook", CancellationToken.None));
    }
}
