using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.IncidentClaims.Exports;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>
/// A link made by the release before the bitemporal change: its event carries no instants, and the incident documents
/// written from it have none. At start-up the service rebuilds the documents of linked incidents once, which fills the
/// instants in as the dossier shows them (valid time occurredAt as known at the link, the date in the offset as sent).
/// A database of its own, because the test restarts the service on it.
/// </summary>
public sealed class ReadModelUpgradeTests : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private string _postgres = null!;
    private Uri _vhost = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _postgres = await _infrastructure.CreateDatabaseAsync("t_upgrade_incidents");
        _vhost = await _infrastructure.CreateVirtualHostAsync("upgrade-incidents");
    }

    public async Task DisposeAsync()
    {
        await _infrastructure.DropDatabaseAsync(_postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }

    private async Task<int> Sql(string sql, Guid? id = null)
    {
        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is { } value) command.Parameters.AddWithValue("id", value);
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<(Incident? Incident, IncidentRecord? Record)> Documents(ServiceHost<ServiceMarker> host, Guid id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<Incident>(id), await session.LoadAsync<IncidentRecord>(id));
    }

    [Fact]
    public async Task A_link_of_the_release_before_gets_its_instants_in_the_incident_documents_once_at_start_up()
    {
        var occurredAt = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(-20).DateTime.Date.AddHours(23).AddMinutes(30), TimeSpan.FromHours(3));
        Guid old;
        IncidentLinked link;
        await using (var host = new ServiceHost<ServiceMarker>(_postgres, _vhost))
        {
            await host.WaitUntilReadyAsync();
            var world = new World(host);
            await world.SeedDeployedSystem();
            var portal = host.Client(Tokens.Integration("gosuslugi"));
            var regulator = host.Client(Tokens.Regulator("reg-ivanova"));
            var today = await File(portal, Body(occurredAt: occurredAt));
            Assert.Equal(HttpStatusCode.OK, (await regulator.PostAsJsonAsync($"/api/v1/incidents/{today}/link", new { })).StatusCode);

            // The release before linked the same way and stored the resolution without its instants.
            old = await File(portal, Body(occurredAt: occurredAt));
            var store = host.Services.GetRequiredService<IDocumentStore>();
            await using (var session = store.LightweightSession())
            {
                var linked = (IncidentLinked)(await session.Events.FetchStreamAsync(today)).Single(e => e.Data is IncidentLinked).Data;
                link = linked with { IncidentId = old, Resolution = linked.Resolution with { Instants = null }, LinkedAt = DateTimeOffset.UtcNow };
                session.LastModifiedBy = "reg-ivanova";
                session.Events.Append(old, link);
                await session.SaveChangesAsync();
            }
        }
        Assert.Equal(1, await Sql("update mt_doc_incident set data = data #- '{resolution,instants}' where id = @id", old));
        Assert.Equal(1, await Sql("update mt_doc_incidentrecord set data = data #- '{resolution,instants}' where id = @id", old));
        Assert.Equal(2, await Sql("delete from mt_doc_appliedreadmodelupgrade where id like '2026-12 bitemporal: incident%'"));

        var expected = new ResolvedAt(occurredAt, link.LinkedAt, Resolution.OffsetAsSent,
            link.Resolution.ResponsiblePersons?.AsOf ?? DateOnly.FromDateTime(occurredAt.DateTime));
        await using (var host = new ServiceHost<ServiceMarker>(_postgres, _vhost))
        {
            await host.WaitUntilReadyAsync();
            var (incident, record) = await Documents(host, old);
            Assert.Equal(expected, incident!.Resolution!.Instants);
            Assert.Equal(expected, record!.Resolution!.Instants);
            Assert.Equal((link.Resolution.Version.VersionId, link.Resolution.Deployment?.DeploymentId),
                (incident.Resolution.Version.VersionId, incident.Resolution.Deployment?.DeploymentId));
            var dossier = await host.Client(Tokens.Regulator("reg-ivanova")).GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{old}/dossier");
            var resolved = dossier.GetProperty("resolvedAt");
            Assert.Equal((occurredAt, link.LinkedAt, "offset as sent", expected.LocalDate.ToString("yyyy-MM-dd")),
                (resolved.GetProperty("at").GetDateTimeOffset(), resolved.GetProperty("knownAt").GetDateTimeOffset(),
                    resolved.GetProperty("timeZone").GetString(), resolved.GetProperty("localDate").GetString()));
            // The old link's event is what it was: sealed by the release before, never rewritten.
            var verified = await host.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>($"/api/v1/audit/streams/{old}/verify");
            Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());
        }

        // Started again, the service applies nothing more.
        await using (var host = new ServiceHost<ServiceMarker>(_postgres, _vhost))
        {
            await host.WaitUntilReadyAsync();
            Assert.Empty(await host.Services.GetRequiredService<ReadModelUpgrader>().ApplyAsync(CancellationToken.None));
            Assert.Equal(expected, (await Documents(host, old)).Incident!.Resolution!.Instants);
        }
    }
}
