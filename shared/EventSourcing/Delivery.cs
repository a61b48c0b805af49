namespace SandboxRegistry.EventSourcing;

/// <summary>How a consumed message is retried before it moves to the _error queue.</summary>
public static class Delivery
{
    /// <summary>Retries in place (exponential back-off from 200 ms to 10 s) after the first attempt.</summary>
    public const int RetriesInPlace = 5;

    /// <summary>
    /// While the database is unreachable (a primary lost and its standby being promoted, a restart), the retries in
    /// place run again this many times, <see cref="DatabaseRetryInterval"/> apart, before the message may move to the
    /// _error queue: a failover takes longer than the retries in place, and the message is not at fault.
    /// </summary>
    public const int RetriesWhileDatabaseUnavailable = 24;

    public static readonly TimeSpan DatabaseRetryInterval = TimeSpan.FromSeconds(5);
}
