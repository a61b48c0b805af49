using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SandboxRegistry.Testing;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// What the cluster suite saw after a promotion: another process advanced SandboxApplications' outbox subscription, the
/// agent's next progress write (a compare-and-set) failed with Marten's ProgressionProgressOutOfOrderException, Marten
/// stopped the agent, and nothing was forwarded any more. DaemonWatch starts it again, and the next regime still
/// reaches the registry. Real PostgreSQL and RabbitMQ, the three services.
/// </summary>
[Collection(SystemCollection.Name)]
public class DaemonWatchTests(SystemFixture system)
{
    private async Task<Guid> Establish(string title)
    {
        var response = await system.Applications.Client(Tokens.Regulator()).PostAsJsonAsync("/api/v1/regimes", Requests.Regime(title));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<bool> InRegistry(Guid id) =>
        (await system.Registry.Client().GetAsync($"/api/v1/regimes/{id}")).StatusCode == HttpStatusCode.OK;

    [Fact]
    public async Task An_outbox_Marten_stopped_on_a_progression_conflict_is_started_again_and_forwards()
    {
        // Forwarded up to here: the outbox's progress row is at rest.
        var before = await Establish("Before the conflict");
        await Eventually.Until(async () => await InRegistry(before) ? true : (bool?)null, TimeSpan.FromSeconds(30), "the first regime should arrive");

        // Another process's progress write: the row moves one back under the agent.
        await using (var connection = new NpgsqlConnection(system.Applications.Postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "update mt_event_progression set last_seq_id = last_seq_id - 1 where name like 'outbox:%' and last_seq_id > 0", connection);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        // The next page is published, then its progress write (a compare-and-set) fails and Marten stops the agent.
        var conflicted = await Establish("The page of the conflict");
        await Eventually.Until(async () => await InRegistry(conflicted) ? true : (bool?)null, TimeSpan.FromSeconds(30),
            "the page of the conflict is published before its progress is written");
        await Eventually.Until(() => Task.FromResult(system.Applications.Logs.Lines.Any(l => l.Contains("out of order")) ? true : (bool?)null),
            TimeSpan.FromSeconds(30), "Marten should report the progression conflict");

        // Without DaemonWatch nothing is forwarded any more; with it the agent runs again and so does forwarding.
        var after = await Establish("After the conflict");
        await Eventually.Until(async () => await InRegistry(after) ? true : (bool?)null, TimeSpan.FromSeconds(60),
            "a regime established after the agent stopped should reach the registry");
        Assert.Contains(system.Applications.Logs.Lines, l => l.Contains("outbox:All was stopped (ProgressionOutOfOrder); starting it again"));
    }
}
