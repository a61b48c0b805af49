using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SandboxRegistry.Testing;
using Incidents = SandboxRegistry.IncidentClaims.ServiceMarker;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>The group-committed writer, as IncidentClaims (the one service whose intake uses it) runs it.</summary>
public class GroupCommitTests(ServiceFixture<Incidents> fixture) : IClassFixture<ServiceFixture<Incidents>>
{
    private static readonly Actor Hospital = new("client-hospital-7", "integration", null, "hospital-7");

    private GroupCommit Commit => fixture.Host.Services.GetRequiredService<GroupCommit>();

    private Task<Guid> Start(Guid id, string note) =>
        Commit.RunAsync(Hospital, (session, _) =>
        {
            session.Events.StartStream(id, new AuditProbe(note, 1));
            return Task.FromResult(id);
        }, CancellationToken.None);

    private async Task<(int Events, int Transactions, string?[] Authors)> Stored(IEnumerable<Guid> ids)
    {
        await using var connection = new NpgsqlConnection(fixture.Host.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*), count(distinct xmin::text), coalesce(array_agg(distinct user_name), '{}') from mt_events where stream_id = any(@ids)",
            connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1), reader.GetFieldValue<string?[]>(2));
    }

    [Fact]
    public async Task Concurrent_writes_of_one_caller_share_transactions_and_each_gets_its_own_answer()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();

        var answers = await Task.WhenAll(ids.Select((id, i) => Start(id, $"report {i}")));

        Assert.Equal(ids, answers);
        var (events, transactions, authors) = await Stored(ids);
        Assert.Equal(200, events);
        Assert.True(transactions < 200, $"200 writes took {transactions} transactions");
        Assert.Equal("client-hospital-7", Assert.Single(authors));
    }

    [Fact]
    public async Task A_write_refused_by_a_rule_fails_alone()
    {
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();
        var refused = Commit.RunAsync<Guid>(Hospital,
            (_, _) => throw new DomainRuleViolation("not-today", "Refused before writing."), CancellationToken.None);

        var others = Task.WhenAll(ids.Select(id => Start(id, "fine")));

        Assert.Equal("not-today", (await Assert.ThrowsAsync<DomainRuleViolation>(() => refused)).Code);
        Assert.Equal(ids, await others);
        Assert.Equal(20, (await Stored(ids)).Events);
    }

    [Fact]
    public async Task A_write_that_fails_after_writing_leaves_nothing_behind_and_the_others_commit()
    {
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();
        var halfWritten = Guid.NewGuid();
        var failing = Commit.RunAsync<Guid>(Hospital, (session, _) =>
        {
            session.Events.StartStream(halfWritten, new AuditProbe("written, then refused", 1));
            throw new DomainRuleViolation("changed-its-mind", "Refused after writing.");
        }, CancellationToken.None);

        var others = Task.WhenAll(ids.Select(id => Start(id, "fine")));

        Assert.Equal("changed-its-mind", (await Assert.ThrowsAsync<DomainRuleViolation>(() => failing)).Code);
        Assert.Equal(ids, await others);
        Assert.Equal(20, (await Stored(ids)).Events);
        Assert.Equal(0, (await Stored([halfWritten])).Events);
    }

    [Fact]
    public async Task When_the_shared_commit_fails_the_others_are_committed_one_by_one()
    {
        var existing = Guid.NewGuid();
        await Start(existing, "first");
        var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();

        var collision = Start(existing, "second start of the same stream");
        var others = Task.WhenAll(ids.Select(id => Start(id, "fine")));

        await Assert.ThrowsAnyAsync<Exception>(() => collision);
        Assert.Equal(ids, await others);
        Assert.Equal(20, (await Stored(ids)).Events);
        Assert.Equal(1, (await Stored([existing])).Events);
    }
}
