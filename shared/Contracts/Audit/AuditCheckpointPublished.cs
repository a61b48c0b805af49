namespace SandboxRegistry.Contracts.Audit;

/// <summary>
/// A service's running hash over its global event sequence up to <paramref name="Sequence"/>. The other services
/// record every checkpoint they receive (append-only) as witnesses, so that history rewritten later in the
/// publishing service's database no longer matches what was witnessed.
/// </summary>
/// <param name="TreeSize">Leaves of the publisher's RFC 6962 tree at this checkpoint (absent from older publishers).</param>
/// <param name="RootHash">That tree's head, lower-case hex.</param>
/// <param name="Note">The head as a C2SP tlog-checkpoint signed note, signed by the publisher.</param>
public sealed record AuditCheckpointPublished(string Service, long Sequence, string Hash, long Events, DateTimeOffset At,
    long? TreeSize = null, string? RootHash = null, string? Note = null);
