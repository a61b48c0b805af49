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

/// <summary>
/// A witness's answer to one <see cref="AuditCheckpointPublished"/>, sent back to the publisher so that it gathers the
/// cosignatures onto its checkpoint note and knows of every refusal.
/// </summary>
/// <param name="Service">The publisher of the checkpoint.</param>
/// <param name="Witness">The service that witnessed it.</param>
/// <param name="Status">cosigned, refused (the checkpoint is not consistent with one the witness cosigned before, or not
/// signed by the publisher's known key) or unverified (the witness could not obtain the consistency proof).</param>
/// <param name="Cosignature">The witness's C2SP tlog-cosignature/v1 line, when cosigned.</param>
/// <param name="Reason">Why it was refused or left unverified.</param>
public sealed record AuditCheckpointCosigned(string Service, string Witness, long Sequence, long TreeSize, string? RootHash, string Status,
    string? Cosignature, string? Reason, DateTimeOffset At);
