using Marten;
using MassTransit;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.AiSystemRegistry.ReportedIncidents;
using SandboxRegistry.Contracts;
using SandboxRegistry.Contracts.IncidentClaims;
using SandboxRegistry.Testing;

namespace SandboxRegistry.AiSystemRegistry.Tests.Messaging;

public class ReportedIncidentsTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private static HarmIncidentReported Reported(Guid? systemId, string? version = "2.1")
    {
        var incidentId = Guid.NewGuid();
        return new HarmIncidentReported(
            new SourceCitation(ServiceNames.IncidentClaims, incidentId, 1, Guid.NewGuid(), 42, new string('c', 64)),
            incidentId, "statePortal", "Drone fell on a pedestrian", "77", new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero),
            [new HarmSummary("injuryToHealth", "serious", 1, new Money(120_000m, "RUB"))], true, systemId, version,
            new DateTimeOffset(2026, 11, 20, 10, 5, 0, TimeSpan.Zero));
    }

    private Task Publish(HarmIncidentReported message) =>
        fixture.Host.Services.GetRequiredService<IBus>().PublishAsTheOutboxWould(message);

    private async Task<IReadOnlyList<ProcessedMessage>> Processed(Guid messageId)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<ProcessedMessage>().Where(p => p.MessageId == messageId).ToListAsync();
    }

    [Fact]
    public async Task A_report_claiming_a_registry_system_is_kept_with_its_citation_once_however_often_delivered()
    {
        var systemId = Guid.NewGuid();
        var message = Reported(systemId);

        await Publish(message);
        await Publish(message); // a redelivery
        // One batch at a time, filled in queue order: once this one is applied, the redelivery before it was handled.
        var marker = Reported(systemId) with { Source = message.Source with { EventId = Guid.NewGuid(), StreamVersion = 2 } };
        await Publish(marker);
        await Eventually.True(async () => (await Processed(marker.Source.EventId)).Count == 1, because: "the marker is applied");

        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var stored = await session.LoadAsync<ReportedIncident>(message.IncidentId);
        Assert.Equal(new ReportedIncident(message.IncidentId, "77", message.OccurredAt, systemId, "2.1", true, message.ReportedAt,
            message.Source), stored);
        var applied = Assert.Single(await Processed(message.Source.EventId));
        Assert.Equal(nameof(HarmIncidentReportedConsumer), applied.Consumer);
        Assert.Equal(1, await session.Query<ReportedIncident>().CountAsync(r => r.ClaimedAiSystemId == systemId && r.Id == message.IncidentId));
    }

    [Fact]
    public async Task A_burst_of_reports_is_applied_in_shared_transactions()
    {
        var systemId = Guid.NewGuid();
        var burst = Enumerable.Range(0, 60).Select(_ => Reported(systemId)).ToList();

        await Task.WhenAll(burst.Select(Publish));
        var ids = burst.Select(m => m.Source.EventId).ToArray();
        await Eventually.True(async () => await AppliedCount(ids) == burst.Count, because: "every report of the burst is applied");

        await using var connection = new NpgsqlConnection(fixture.Host.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*), count(distinct xmin::text) from mt_doc_processedmessage where (data->>'messageId')::uuid = any(@ids)",
            connection);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(60, reader.GetInt64(0));
        Assert.True(reader.GetInt64(1) < 60 / 2, $"60 reports took {reader.GetInt64(1)} transactions");
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Equal(60, await session.Query<ReportedIncident>().CountAsync(r => r.ClaimedAiSystemId == systemId));
    }

    private async Task<int> AppliedCount(Guid[] messageIds)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<ProcessedMessage>().CountAsync(p => messageIds.Contains(p.MessageId));
    }

    [Fact]
    public async Task A_report_naming_a_system_only_by_name_is_acknowledged_but_not_kept()
    {
        var message = Reported(systemId: null, version: null);

        await Publish(message);
        await Eventually.True(async () => (await Processed(message.Source.EventId)).Count == 1, because: "the message is applied");

        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Null(await session.LoadAsync<ReportedIncident>(message.IncidentId));
    }
}
