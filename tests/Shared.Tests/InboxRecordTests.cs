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
