using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

public class ReadinessTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    [Fact]
    public async Task Readiness_is_degraded_while_an_error_queue_holds_messages()
    {
        var client = fixture.Host.Client();
        var before = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", before.GetProperty("status").GetString());

        // A message the consumer gave up on, as MassTransit leaves it after the retries.
        var infrastructure = await Infrastructure.GetAsync();
        using var broker = infrastructure.ManagementClient();
        var vhost = fixture.Host.RabbitMq.AbsolutePath.TrimStart('/');
        const string queue = "incident-claims-integration-events_error";
        (await broker.PutAsJsonAsync($"api/queues/{vhost}/{queue}",
            new { durable = true, arguments = new Dictionary<string, object> { ["x-queue-type"] = "quorum" } })).EnsureSuccessStatusCode();
        (await broker.PostAsJsonAsync($"api/exchanges/{vhost}/amq.default/publish",
            new { properties = new { }, routing_key = queue, payload = "{}", payload_encoding = "string" })).EnsureSuccessStatusCode();

        JsonElement degraded = default;
        await Eventually.True(async () =>
        {
            var response = await client.GetAsync("/health/ready");
            degraded = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.StatusCode == HttpStatusCode.OK && degraded.GetProperty("status").GetString() == "Degraded";
        }, TimeSpan.FromSeconds(30), "readiness should report the waiting message");
        Assert.Equal("Degraded", degraded.GetProperty("checks").GetProperty("error-queues").GetString());
        Assert.Equal(1, degraded.GetProperty("waiting").GetProperty("error-queues").GetProperty(queue).GetInt32());

        (await broker.DeleteAsync($"api/queues/{vhost}/{queue}/contents")).EnsureSuccessStatusCode();
        await Eventually.True(async () =>
            (await client.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString() == "Healthy",
            TimeSpan.FromSeconds(30), "readiness should be healthy again once the queue is drained");
    }
}
