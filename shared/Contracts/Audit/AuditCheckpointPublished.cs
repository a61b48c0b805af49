namespace SandboxRegistry.Contracts.Audit;

/// <summary>
/// A service's running hash over its global event sequence up to <paramref name="Sequence"/>. The other services
/// record every checkpoint they receive (append-only) as witnesses, so that history rewritten later in the
/// publishing service's database no longer matches what was witnessed.
/// </summary>
public sealed record AuditCheckpointPublished(string Service, long Sequence, string Hash, long Events, DateTimeOffset At);
