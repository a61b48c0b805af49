using System.Net;
using System.Net.Http.Json;
using Npgsql;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// Consumers prefetch several deliveries but must still apply them one at a time in the order the owner stored the
/// events (the outbox publishes in global sequence order). A burst of concurrent reports fills the queue, and
/// AiSystemRegistry's inbox records when it applied each message: that order must be the event store's order.
/// </summary>
[Collection(SystemCollection.Name)]
public class DeliveryOrderTests(SystemFixture system)
{
    private static object Report(int n) => new
    {
        channel = "statePortal",
        title = $"Burst report {n}",
        description = "A robot courier hit a parked car.",
        aiInvolvement = "Autonomous navigation",
        occurredAt = DateTimeOffset.UtcNow.AddHours(-2),
        location = new { regionCode = "77" },
        harms = new[] { new { type = "damageToPersonProperty", severity = "minor", personsAffected = 0 } },
        aiSystem = new { name = "Courier", @operator = "Delivery LLC" },
        reporter = new { fullName = "Reporter", contacts = new { email = "r@example.ru" }, consentToProcessing = true },
    };

    [Fact]
    public async Task A_burst_of_reports_is_applied_downstream_one_by_one_in_the_order_the_events_were_stored()
    {
        var portal = system.Incidents.Client(Tokens.Integration("order-burst"));
        var filed = await Task.WhenAll(Enumerable.Range(0, 150).Select(async n =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = JsonContent.Create(Report(n)) };
            request.Headers.Add("Idempotency-Key", $"burst-{n}");
            using var response = await portal.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        }));

        // The message id of HarmIncidentReported is the event's id; the event store gives each its global sequence.
        var sequenceOf = new Dictionary<Guid, long>();
        await using (var incidents = new NpgsqlConnection(system.Incidents.Postgres))
        {
            await incidents.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select id, seq_id from mt_events where type = 'harm_incident_reported' and stream_id = any(@ids)", incidents);
            command.Parameters.AddWithValue("ids", filed);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) sequenceOf[reader.GetGuid(0)] = reader.GetInt64(1);
        }
        Assert.Equal(filed.Length, sequenceOf.Count);

        var applied = await Eventually.Until(async () =>
        {
            await using var registry = new NpgsqlConnection(system.Registry.Postgres);
            await registry.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select (data->>'messageId')::uuid from mt_doc_processedmessage " +
                "where data->>'consumer' = 'HarmIncidentReportedConsumer' and (data->>'messageId')::uuid = any(@ids) " +
                "order by (data->>'processedAt')::timestamptz", registry);
            command.Parameters.AddWithValue("ids", sequenceOf.Keys.ToArray());
            var ids = new List<Guid>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
            return ids.Count == sequenceOf.Count ? ids : null;
        }, TimeSpan.FromSeconds(60), "every report of the burst should be applied in AiSystemRegistry");

        var inAppliedOrder = applied.Select(id => sequenceOf[id]).ToList();
        Assert.Equal(inAppliedOrder.Order(), inAppliedOrder);
    }
}
