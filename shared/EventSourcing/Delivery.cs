namespace SandboxRegistry.EventSourcing;

/// <summary>How a consumed message is retried before it moves to the _error queue.</summary>
public static class Delivery
{
    /// <summary>Retries in place (exponential back-off from 200 ms to 10 s) after the first attempt.</summary>
    public const int RetriesInPlace = 5;
}
