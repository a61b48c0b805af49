using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.IncidentClaims.Incidents.Reporting;

public sealed record HarmRequest(HarmType? Type, Severity? Severity, int PersonsAffected, Money? EstimatedDamage);

public sealed record ReportIncidentRequest(
    Channel? Channel,
    string Title,
    [property: FreeText] string Description,
    [property: FreeText] string AiInvolvement,
    DateTimeOffset? OccurredAt,
    DateTimeOffset? AwareAt,
    Location Location,
    IReadOnlyList<HarmRequest> Harms,
    ClaimedAiSystem AiSystem,
    IReadOnlyList<Evidence>? Evidence,
    Reporter Reporter,
    bool CriticalInfrastructure = false,
    bool Widespread = false);

public sealed class ReportIncidentValidator : AbstractValidator<ReportIncidentRequest>
{
    public ReportIncidentValidator(TimeProvider clock)
    {
        RuleFor(r => r.Channel).NotNull().IsInEnum();
        RuleFor(r => r.Title).NotEmpty().MaximumLength(300);
        RuleFor(r => r.Description).NotEmpty().MaximumLength(20_000);
        RuleFor(r => r.AiInvolvement).NotEmpty().MaximumLength(5_000);
        RuleFor(r => r.OccurredAt).NotNull()
            .Must(at => at <= clock.GetUtcNow()).WithMessage("'Occurred At' must not be in the future.");
        RuleFor(r => r.AwareAt)
            .Must((r, aware) => aware is null || r.OccurredAt is null || aware >= r.OccurredAt)
            .WithMessage("'Aware At' must not be before 'Occurred At'.")
            .Must(aware => aware is null || aware <= clock.GetUtcNow()).WithMessage("'Aware At' must not be in the future.");
        RuleFor(r => r.Location).NotNull();
        RuleFor(r => r.Location.RegionCode).RegionCode().When(r => r.Location is not null);
        RuleFor(r => r.Location.Address).MaximumLength(500).When(r => r.Location is not null);
        RuleFor(r => r.Harms).NotEmpty().WithMessage("At least one harm must be reported.");
        RuleForEach(r => r.Harms).ChildRules(harm =>
        {
            harm.RuleFor(h => h.Type).NotNull().IsInEnum();
            harm.RuleFor(h => h.Severity).NotNull().IsInEnum();
            harm.RuleFor(h => h.PersonsAffected).GreaterThanOrEqualTo(0).LessThanOrEqualTo(10_000_000);
            // Harm to life or health is harm to someone: at least one person.
            harm.RuleFor(h => h.PersonsAffected).GreaterThanOrEqualTo(1)
                .When(h => h.Type is HarmType.Death or HarmType.InjuryToHealth)
                .WithMessage("'Persons Affected' must be at least 1 when the harm is to life or health.");
            harm.RuleFor(h => h.EstimatedDamage!.Amount).GreaterThanOrEqualTo(0).When(h => h.EstimatedDamage is not null);
            harm.RuleFor(h => h.EstimatedDamage!.Currency).Currency().When(h => h.EstimatedDamage is not null);
        });
        RuleFor(r => r.AiSystem).NotNull();
        RuleFor(r => r.AiSystem.Name).NotEmpty().When(r => r.AiSystem is { RegistryId: null })
            .WithMessage("Without a registry id, the AI system's name is required.");
        RuleFor(r => r.AiSystem.Name).MaximumLength(300).When(r => r.AiSystem is not null);
        RuleFor(r => r.AiSystem.Operator).MaximumLength(300).When(r => r.AiSystem is not null);
        RuleFor(r => r.AiSystem.Version).MaximumLength(50).When(r => r.AiSystem is not null);
        RuleForEach(r => r.Evidence).ChildRules(evidence =>
        {
            evidence.RuleFor(e => e.FileName).NotEmpty().MaximumLength(255);
            evidence.RuleFor(e => e.MediaType).NotEmpty().MaximumLength(100);
            evidence.RuleFor(e => e.Size).GreaterThan(0);
            evidence.RuleFor(e => e.Sha256).Sha256Hex();
        });
        RuleFor(r => r.Reporter).NotNull();
        RuleFor(r => r.Reporter.FullName).NotEmpty().MaximumLength(300).When(r => r.Reporter is not null);
        RuleFor(r => r.Reporter.Contacts).NotNull()
            .Must(c => c is null || !string.IsNullOrWhiteSpace(c.Email) || !string.IsNullOrWhiteSpace(c.Phone) || !string.IsNullOrWhiteSpace(c.PostalAddress))
            .WithMessage("At least one way to contact the reporter is required.")
            .When(r => r.Reporter is not null);
        // 152-FZ art. 9: personal data is processed only with the subject's consent.
        RuleFor(r => r.Reporter.ConsentToProcessing).Equal(true).When(r => r.Reporter is not null)
            .WithMessage("The reporter's consent to the processing of personal data is required.");
    }
}

/// <summary>The answer to a report; also what a replay with the same Idempotency-Key returns.</summary>
public sealed record IncidentReceipt(Guid Id, string TrackingCode, long Version);

/// <summary>
/// One Idempotency-Key of one integration: the hash of the body it came with and the answer it got. Stored in the
/// same transaction as the new incident stream, so a key is either spent with its incident or not at all.
/// </summary>
public sealed record IdempotencyRecord(string Id, string ClientId, string Key, string RequestSha256, Guid IncidentId,
    IncidentReceipt Response, DateTimeOffset CreatedAt)
{
    /// <summary>The record's id (<see cref="Idempotency.RecordId"/>).</summary>
    public static string IdOf(string clientId, string key) => Idempotency.RecordId(clientId, key);
}

public static class ReportIncident
{
    public const string IdempotencyKeyHeader = Idempotency.Header;

    /// <param name="reporter">The request's reporter, already encrypted under a new key of their own (ReporterData.Seal).</param>
    public static HarmIncidentReported Decide(Guid incidentId, string trackingCode, ReportIncidentRequest request, EncryptedReporter reporter,
        JurisdictionProfile profile, Actor by, DateTimeOffset now)
    {
        var report = new Report(request.Channel!.Value, request.Title.Trim(), request.Description.Trim(), request.AiInvolvement.Trim(),
            request.OccurredAt!.Value, request.AwareAt ?? now, request.Location, request.CriticalInfrastructure, request.Widespread,
            request.Harms.Select(h => new Harm(h.Type!.Value, h.Severity!.Value, h.PersonsAffected, h.EstimatedDamage)).ToList(),
            request.AiSystem, request.Evidence ?? []);
        var classification = Clocks.Classify(report, profile);
        return new HarmIncidentReported(incidentId, by.ClientId ?? throw new InvalidOperationException("An integration has a client id."),
            trackingCode, report, reporter, classification, Clocks.ReportDueBy(report, classification, profile), by, now);
    }

    /// <summary>Short, unguessable, easy to read out on the phone: no 0/O or 1/I.</summary>
    public static string NewTrackingCode()
    {
        const string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        Span<char> code = stackalloc char[8];
        for (var i = 0; i < code.Length; i++) code[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return $"IC-{code[..4]}-{code[4..]}";
    }

    public static async Task<IResult> Handle(ReportIncidentRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, IDocumentStore store, GroupCommit commit,
        TimeProvider clock, IOptions<JurisdictionProfile> profile, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        PersonalDataVault vault, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        if (Idempotency.Refusal(idempotencyKey) is { } refusal) return refusal;

        var actor = Actor.From(user);
        var recordId = IdempotencyRecord.IdOf(actor.ClientId!, idempotencyKey!);
        var requestHash = Idempotency.RequestHash(request, json.Value.SerializerOptions);

        var incidentId = Guid.CreateVersion7();
        var receipt = new IncidentReceipt(incidentId, NewTrackingCode(), 1);
        // Validated above and decided here, per request and concurrently; only the writes join concurrent reports of the
        // same integration in one transaction. The reporter's new key, the incident and the idempotency key commit
        // together or not at all.
        var (reporter, reporterKey) = vault.Seal(request.Reporter);
        var reported = Decide(incidentId, receipt.TrackingCode, request, reporter, profile.Value, actor, clock.GetUtcNow());
        var record = new IdempotencyRecord(recordId, reported.ClientId, idempotencyKey!, requestHash, incidentId, receipt, reported.ReportedAt);
        try
        {
            await commit.RunAsync(actor, (shared, _) =>
            {
                shared.Insert(reporterKey);
                shared.Events.StartStream<Incident>(incidentId, reported);
                shared.Insert(record);
                return Task.FromResult(receipt);
            }, ct);
        }
        catch (DocumentAlreadyExistsException)
        {
            // The key is taken: an earlier request with it (a retry, or a concurrent duplicate) stored its report. The
            // unique key decides, not a lookup before writing: a lookup would cost every report a round trip to
            // PostgreSQL for the rare retry, and could not stop two concurrent duplicates anyway. Answer as a replay.
            await using var query = store.QuerySession();
            return Replay(await query.LoadAsync<IdempotencyRecord>(recordId, ct) ?? throw new InvalidOperationException("Lost key."),
                requestHash, http);
        }

        http.Response.SetStreamVersion(1);
        return Results.Created($"/api/v1/incidents/{incidentId}/status", receipt);
    }

    private static IResult Replay(IdempotencyRecord earlier, string requestHash, HttpContext http)
    {
        Idempotency.EnsureSameRequest(earlier.RequestSha256, requestHash);
        http.Response.Headers["Idempotent-Replayed"] = "true";
        http.Response.SetStreamVersion(earlier.Response.Version);
        return Results.Created($"/api/v1/incidents/{earlier.IncidentId}/status", earlier.Response);
    }
}
