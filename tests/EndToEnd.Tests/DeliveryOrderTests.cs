using Npgsql;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// Consumers of a service's ordered queue prefetch several deliveries but must still apply them one at a time in the
/// order the owner stored the events (the outbox publishes in global sequence order). A burst of concurrent AI system
/// registrations fills IncidentClaims' queue, and its inbox records when it applied each message: that order must be
/// AiSystemRegistry's event store order.
/// </summary>
[Collection(SystemCollection.Name)]
public class DeliveryOrderTests(SystemFixture system)
{
    private const string Ogrn = "1027700132195";

    [Fact]
    public async Task A_burst_of_registrations_is_applied_downstream_one_by_one_in_the_order_the_events_were_stored()
    {
        var (_, participation) = await Scenario.ApprovedParticipation(system, Ogrn, "Courier robots");
        await Scenario.KnownToRegistry(system, Ogrn, participation);
        var registered = await Task.WhenAll(Enumerable.Range(0, 150).Select(n => Scenario.RegisteredSystem(system, Ogrn, $"Courier {n}")));

        // The message id of AiSystemRegistered is the event's id; the event store gives each its global sequence.
        var sequenceOf = new Dictionary<Guid, long>();
        await using (var registry = new NpgsqlConnection(system.Registry.Postgres))
        {
            await registry.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select id, seq_id from mt_events where type = 'ai_system_registered' and stream_id = any(@ids)", registry);
            command.Parameters.AddWithValue("ids", registered);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) sequenceOf[reader.GetGuid(0)] = reader.GetInt64(1);
        }
        Assert.Equal(registered.Length, sequenceOf.Count);

        var applied = await Eventually.Until(async () =>
        {
            await using var incidents = new NpgsqlConnection(system.Incidents.Postgres);
            await incidents.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select (data->>'messageId')::uuid from mt_doc_processedmessage " +
                "where data->>'consumer' = 'AiSystemsConsumer' and (data->>'messageId')::uuid = any(@ids) " +
                "order by (data->>'processedAt')::timestamptz", incidents);
            command.Parameters.AddWithValue("ids", sequenceOf.Keys.ToArray());
            var ids = new List<Guid>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
            return ids.Count == sequenceOf.Count ? ids : null;
        }, TimeSpan.FromSeconds(60), "every registration of the burst should be applied in IncidentClaims");

        var inAppliedOrder = applied.Select(id => sequenceOf[id]).ToList();
        Assert.Equal(inAppliedOrder.Order(), inAppliedOrder);
    }
}
