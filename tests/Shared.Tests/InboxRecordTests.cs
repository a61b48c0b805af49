using SandboxRegistry.Contracts;
using SandboxRegistry.Contracts.SandboxApplications;
using SandboxRegistry.EventSourcing;

namespace SandboxRegistry.Shared.Tests;

/// <summary>
/// The inbox record of a cited message keeps where its event stands in the source stream: the cluster fault suite
/// compares the order in which a consumer applied one stream's events with the stream's versions from these fields.
/// </summary>
public class InboxRecordTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_cited_message_is_recorded_with_its_source_stream_version_and_sequence()
    {
        var stream = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var message = new RegimeSuspended(new SourceCitation(ServiceNames.SandboxApplications, stream, 7, messageId, 1234, "ab"), stream,
            "Inspection", At);

        var record = ProcessedMessage.Of($"RegimeSuspendedConsumer/{messageId:N}", messageId, "RegimeSuspendedConsumer", message, At);

        Assert.Equal(new ProcessedMessage($"RegimeSuspendedConsumer/{messageId:N}", messageId, "RegimeSuspendedConsumer", nameof(RegimeSuspended), At)
        {
            SourceService = "sandbox-applications", SourceStreamId = stream, SourceStreamVersion = 7, SourceSequence = 1234,
        }, record);
    }

    [Fact]
    public void A_message_without_a_citation_is_recorded_without_source_fields()
    {
        var messageId = Guid.NewGuid();

        var record = ProcessedMessage.Of("c/x", messageId, "c", new Uncited("x"), At);

        Assert.Equal(new ProcessedMessage("c/x", messageId, "c", nameof(Uncited), At), record);
        Assert.Null(record.SourceStreamId);
        Assert.Null(record.SourceStreamVersion);
    }

    private sealed record Uncited(string Text);
}

/// <summary>
/// Which failures keep a consumed message retrying in place while the database is away (a failover) instead of moving
/// it to the _error queue after the ordinary retries; the cluster fault suite's promotion of the standby sent a
/// message to _error before this.
/// </summary>
public class DatabaseUnavailableTests
{
    public static TheoryData<string, Exception, bool> Failures() => new()
    {
        { "no primary among the hosts", new Npgsql.NpgsqlException("No suitable host was found.",
            new AggregateException(new Npgsql.NpgsqlException("The operation has timed out", new TimeoutException()))), true },
        { "connection refused", new Npgsql.NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111)), true },
        { "administrator shut the server down", Postgres("57P01"), true },
        { "server starting up", Postgres("57P03"), true },
        { "connected to a standby", Postgres("25006"), true },
        { "connection failure", Postgres("08006"), true },
        { "wrapped by Marten", new InvalidOperationException("Marten failed", Postgres("57P01")), true },
        { "unique violation", Postgres("23505"), false },
        { "invalid JSON value", Postgres("22P02"), false },
        { "a consumer's own failure", new InvalidOperationException("No such participation"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_failures_to_reach_a_writable_database_count_as_unavailable(string what, Exception failure, bool unavailable) =>
        Assert.True(SandboxRegistry.Hosting.DatabaseFailures.IsUnavailable(failure) == unavailable, what);

    private static Npgsql.PostgresException Postgres(string sqlState) => new("failure", "ERROR", "ERROR", sqlState);
}
