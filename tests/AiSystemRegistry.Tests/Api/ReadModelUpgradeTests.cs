using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.Testing;
using Incidents = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>
/// A database written by the release before the bitemporal change: system documents without their status history and with
/// incident id lists, deployment documents without their record of facts and indexed bounds, no incident link documents.
/// The service upgrades it at start-up, once, and then answers every time-travel read as if the data had been written today.
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
        _postgres = await _infrastructure.CreateDatabaseAsync("t_upgrade_registry");
        _vhost = await _infrastructure.CreateVirtualHostAsync("upgrade-registry");
    }

    public async Task DisposeAsync()
    {
        await _infrastructure.DropDatabaseAsync(_postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }

    private async Task<int> Sql(string sql, Guid? incident = null)
    {
        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (incident is { } id) command.Parameters.AddWithValue("incident", id.ToString());
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<string?> Text(string sql)
    {
        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    private static async Task<Dictionary<string, string>> Read(Scenario s, IEnumerable<string> paths)
    {
        var answers = new Dictionary<string, string>();
        foreach (var path in paths)
        {
            var response = await s.Regulator.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            answers[path] = await response.Content.ReadAsStringAsync();
        }
        return answers;
    }

    /// <summary>The incident links without the instant this service recorded each (compared on its own: see the test).</summary>
    private static string WithoutRecordedAt(string page)
    {
        var node = JsonNode.Parse(page)!;
        foreach (var item in node["items"]!.AsArray()) item!.AsObject().Remove("recordedAt");
        return node.ToJsonString();
    }

    [Fact]
    public async Task A_database_of_the_release_before_the_bitemporal_change_is_upgraded_once_at_start_up_and_answers_as_if_written_today()
    {
        var now = DateTimeOffset.UtcNow;
        var monthAgo = now.AddDays(-30);
        var incident = Guid.NewGuid();
        string[] reads;
        Dictionary<string, string> today;
        await using (var host = new ServiceHost<ServiceMarker>(_postgres, _vhost))
        {
            await host.WaitUntilReadyAsync();
            var s = new Scenario(host);
            var participation = await s.GrantParticipationAsync(territory: ["77"]);
            var system = await s.RegisterSystemAsync("Upgraded reader");
            var version = await s.ReleaseAsync(system, "1.0.0");
            var deployed = await s.Owner.PostAsJsonAsync("/api/v1/deployments",
                Scenario.DeployRequest(system, version, participation, ["77"], now.AddDays(-60)));
            Assert.True(deployed.StatusCode == HttpStatusCode.Created, await deployed.Content.ReadAsStringAsync());
            var deployment = (await deployed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await s.PublishAsync(new Incidents.IncidentLinkedToAiSystem(new SourceCitation(ServiceNames.IncidentClaims, incident, 2, Guid.NewGuid(), 502),
                incident, system, version, "1.0.0", deployment, null, false, null, now.AddDays(-20)));
            await Eventually.True(async () => (await s.Regulator.AllItems($"/api/v1/ai-systems/{system}/versions/{version}/incidents")).Count == 1,
                because: "the incident link should be recorded");
            var known = DateTimeOffset.UtcNow;
            reads =
            [
                $"/api/v1/ai-systems/{system}{Scenario.At(known, known)}",
                $"/api/v1/ai-systems/{system}{Scenario.At(monthAgo, known)}",
                $"/api/v1/deployments/{deployment}{Scenario.At(monthAgo, known)}",
                $"/api/v1/deployments/active?region=77&{Scenario.At(monthAgo, known)[1..]}",
                $"/api/v1/ai-systems/{system}/versions/{version}/incidents",
            ];
            today = await Read(s, reads);
        }

        // The documents as the release before wrote them, and no record of any upgrade.
        Assert.Equal(1, await Sql("""
            update mt_doc_aisystemdetails set data = (data - 'statusHistory') || jsonb_build_object('versions',
                (select jsonb_agg((v - 'incidentCount') || jsonb_build_object('incidents', jsonb_build_array(@incident::text)))
                 from jsonb_array_elements(data -> 'versions') v))
            """, incident));
        Assert.Equal(1, await Sql(
            "update mt_doc_deploymentdetails set data = data - 'record' - 'endedAt' - 'inService' - 'earliestFrom' - 'latestEnd' - 'settledAt' - 'settledEnd'"));
        Assert.Equal(1, await Sql("delete from mt_doc_linkedincident"));
        Assert.Equal(5, await Sql("delete from mt_doc_appliedreadmodelupgrade"));
        var linkRecorded = DateTimeOffset.Parse((await Text(
            "select to_char(timestamp at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') from mt_events where type = 'incident_linked_to_version'"))!,
            System.Globalization.CultureInfo.InvariantCulture);

        string applied;
        await using (var host = new ServiceHost<ServiceMarker>(_postgres, _vhost))
        {
            await host.WaitUntilReadyAsync();
            var upgraded = await Read(new Scenario(host), reads);
            foreach (var path in reads[..^1]) Assert.Equal(today[path], upgraded[path]);
            // The backfilled link is recorded at its event's append time (the consumer wrote the instant it consumed the message).
            Assert.Equal(WithoutRecordedAt(today[reads[^1]]), WithoutRecordedAt(upgraded[reads[^1]]));
            var link = JsonDocument.Parse(upgraded[reads[^1]]).RootElement.GetProperty("items")[0];
            Assert.Equal(linkRecorded, link.GetProperty("recordedAt").GetDateTimeOffset());
            applied = (await Text("select string_agg(id || ' ' || (data ->> 'appliedAt'), ', ' order by id) from mt_doc_appliedreadmodelupgrade"))!;
            Assert.Equal(["2026-12 bitemporal: AI system details", "2026-12 bitemporal: deployment details", "2026-12 bitemporal: incident links",
                    "2026-12 time travel: incident links' version and recording columns", "2026-12 time travel: settled bounds of deployments"],
                applied.Split(", ").Select(a => a[..a.LastIndexOf(' ')]));
        }

        // Started again, the service finds every step recorded and applies none.
        await using (var host = new ServiceHost<ServiceMarker>(_postgres, _vhost))
        {
            await host.WaitUntilReadyAsync();
            Assert.Empty(await host.Services.GetRequiredService<ReadModelUpgrader>().ApplyAsync(CancellationToken.None));
            Assert.Equal(applied,
                await Text("select string_agg(id || ' ' || (data ->> 'appliedAt'), ', ' order by id) from mt_doc_appliedreadmodelupgrade"));
            Assert.Equal(today[reads[1]], (await Read(new Scenario(host), [reads[1]]))[reads[1]]);
        }
    }
}
