using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Participations.FollowingInsurance;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Participations.ReportingInsuranceEvents;

/// <summary>
/// Which insurer each integration speaks for (section "Insurers", e.g. <c>Insurers:Clients:ingosstrakh-gateway = 7705042179</c>):
/// an integration reports only on policies whose insurer's INN its client id is bound to.
/// </summary>
public sealed class InsurerClients
{
    public const string Section = "Insurers";

    public Dictionary<string, string> Clients { get; set; } = new(StringComparer.Ordinal);

    public string? InnOf(string? clientId) => clientId is not null && Clients.TryGetValue(clientId, out var inn) ? inn : null;
}

/// <summary>The new period an insurer issues when it renews a policy.</summary>
public sealed record RenewalRequest(string? PolicyNumber, Money SumInsured, IReadOnlyList<InsuredRisk> CoveredRisks, bool CoversAiHarm,
    DateOnly ValidFrom, DateOnly ValidTo);

/// <param name="EffectiveOn">
/// Cancellation: the first day without cover. A change of sum insured or risks: the first day of the new terms. Not used for
/// notRenewed (the policy ends on its own end date) or renewed (the renewal's validFrom).
/// </param>
public sealed record InsuranceEventRequest(
    string PolicyNumber,
    InsuranceEventKind? Kind,
    DateOnly? EffectiveOn,
    [property: FreeText] string Reason,
    Money? SumInsured,
    IReadOnlyList<InsuredRisk>? CoveredRisks,
    bool? CoversAiHarm,
    RenewalRequest? Renewal);

public sealed class InsuranceEventRequestValidator : AbstractValidator<InsuranceEventRequest>
{
    public InsuranceEventRequestValidator()
    {
        RuleFor(r => r.PolicyNumber).Text(100);
        RuleFor(r => r.Kind).NotNull().IsInEnum();
        RuleFor(r => r.Reason).Text();
        RuleFor(r => r.EffectiveOn).NotNull()
            .When(r => r.Kind is InsuranceEventKind.Cancelled or InsuranceEventKind.SumInsuredChanged or InsuranceEventKind.RisksChanged)
            .WithMessage("'Effective On' is required for a cancellation or a change of terms.");
        RuleFor(r => r.SumInsured).NotNull().When(r => r.Kind == InsuranceEventKind.SumInsuredChanged)
            .WithMessage("'Sum Insured' is required for a change of sum insured.");
        RuleFor(r => r.SumInsured!).SetValidator(new MoneyValidator()).When(r => r.SumInsured is not null);
        RuleFor(r => r.CoveredRisks).NotNull().When(r => r.Kind == InsuranceEventKind.RisksChanged)
            .WithMessage("'Covered Risks' is required for a change of covered risks.");
        When(r => r.CoveredRisks is not null, () => RuleFor(r => r.CoveredRisks!).Risks());
        RuleFor(r => r.CoversAiHarm).NotNull().When(r => r.Kind == InsuranceEventKind.RisksChanged)
            .WithMessage("'Covers Ai Harm' is required for a change of covered risks.");
        RuleFor(r => r.Renewal).NotNull().When(r => r.Kind == InsuranceEventKind.Renewed)
            .WithMessage("'Renewal' is required for a renewal.");
        RuleFor(r => r.Renewal!).ChildRules(renewal =>
        {
            renewal.RuleFor(n => n.PolicyNumber!).Text(100).When(n => n.PolicyNumber is not null);
            renewal.RuleFor(n => n.SumInsured).NotNull().SetValidator(new MoneyValidator());
            renewal.RuleFor(n => n.CoveredRisks).Risks();
            renewal.RuleFor(n => n.ValidFrom).NotEmpty();
            renewal.RuleFor(n => n.ValidTo).NotEmpty().GreaterThan(n => n.ValidFrom).WithMessage("'Valid To' must be after 'Valid From'.");
        }).When(r => r.Renewal is not null);
    }
}

/// <summary>The answer to a report; also what a replay with the same Idempotency-Key returns.</summary>
/// <param name="Participations">How many participations hold the policy and recorded the event.</param>
public sealed record InsuranceEventReceipt(Guid NoticeId, InsuranceEventKind Kind, string PolicyNumber, int Participations);

/// <summary>One Idempotency-Key of one insurer integration, stored in the same transaction as the events it led to.</summary>
public sealed record InsuranceNoticeKey(string Id, string ClientId, string RequestSha256, InsuranceEventReceipt Receipt, DateTimeOffset CreatedAt)
{
    public static string IdOf(string clientId, string key) => Idempotency.RecordId(clientId, key);
}

public static class ReportInsuranceEvent
{
    public const string IdempotencyKeyHeader = Idempotency.Header;

    /// <summary>
    /// The insurer's report as a fact on the participation, with every policy period after it. The insurer's word on its own
    /// policy is not refused for falling short of the programme: the consequence (<see cref="InsuranceCover"/>) follows from it.
    /// </summary>
    public static InsuranceEventReported Decide(Participation participation, string insurerInn, InsuranceEventRequest request, Guid noticeId,
        DateOnly today, Actor by, DateTimeOffset now)
    {
        participation.EnsureOpen();
        var number = request.PolicyNumber.Trim();
        bool Target(InsurancePolicy p) => p.InsurerInn == insurerInn && p.PolicyNumber == number;
        var periods = participation.Policies.Where(Target).ToList();
        if (periods.Count == 0) throw new ResourceNotFound("No participation holds this policy of this insurer.");
        var latest = periods.MaxBy(p => p.ValidFrom)!;

        var kind = request.Kind!.Value;
        IReadOnlyList<InsurancePolicy> after;
        DateOnly effectiveOn;
        switch (kind)
        {
            case InsuranceEventKind.Cancelled:
                effectiveOn = request.EffectiveOn!.Value;
                // Cover ends the day before the cancellation takes effect (Civil Code art. 958).
                after = participation.Policies.Select(p => Target(p) && p.ValidTo >= effectiveOn ? p with { ValidTo = effectiveOn.AddDays(-1) } : p)
                    .ToList();
                break;
            case InsuranceEventKind.NotRenewed:
                effectiveOn = latest.ValidTo.AddDays(1);
                after = participation.Policies;
                break;
            case InsuranceEventKind.SumInsuredChanged:
                effectiveOn = request.EffectiveOn!.Value;
                after = ChangeFrom(participation.Policies, Target, effectiveOn, p => p with { SumInsured = request.SumInsured! });
                break;
            case InsuranceEventKind.RisksChanged:
                effectiveOn = request.EffectiveOn!.Value;
                after = ChangeFrom(participation.Policies, Target, effectiveOn,
                    p => p with { CoveredRisks = request.CoveredRisks!.Distinct().ToList(), CoversAiHarm = request.CoversAiHarm!.Value });
                break;
            default:
                var renewal = request.Renewal!;
                if (renewal.ValidTo < today)
                    throw new DomainRuleViolation("insurance-already-expired", "The renewed policy is no longer in force.");
                effectiveOn = renewal.ValidFrom;
                after = [.. participation.Policies, new InsurancePolicy(latest.InsurerName, insurerInn, renewal.PolicyNumber?.Trim() ?? number,
                    renewal.SumInsured, renewal.CoveredRisks.Distinct().ToList(), renewal.CoversAiHarm, renewal.ValidFrom, renewal.ValidTo)];
                break;
        }
        if (kind is InsuranceEventKind.SumInsuredChanged or InsuranceEventKind.RisksChanged && after.SequenceEqual(participation.Policies))
            throw new DomainRuleViolation("insurance-event-after-policy-end",
                $"Policy {number} is not in force on or after {effectiveOn:yyyy-MM-dd}; its terms cannot change from then.");
        return new InsuranceEventReported(participation.Id, noticeId, kind, insurerInn, number, effectiveOn, request.Reason.Trim(), after, by, now);
    }

    /// <summary>Periods of the policy that run on <paramref name="from"/> or later take the new terms from that day.</summary>
    private static List<InsurancePolicy> ChangeFrom(IReadOnlyList<InsurancePolicy> policies, Func<InsurancePolicy, bool> target, DateOnly from,
        Func<InsurancePolicy, InsurancePolicy> change) =>
        policies.SelectMany(p => !target(p) || p.ValidTo < from ? [p]
            : p.ValidFrom >= from ? [change(p)]
            : new[] { p with { ValidTo = from.AddDays(-1) }, change(p) with { ValidFrom = from } }).ToList();

    /// <summary>
    /// POST /api/v1/insurance-events (integration role, client id bound to an insurer's INN). Every open participation holding
    /// the policy records the event and, in the same transaction, its consequence: a suspension (insuranceLapsed) when its cover
    /// no longer meets the programme today, a resumption when a renewal makes it meet it again.
    /// </summary>
    public static async Task<IResult> Handle(InsuranceEventRequest request, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        IDocumentSession session, IDocumentStore store, TimeProvider clock, IOptions<JurisdictionProfile> profile,
        IOptions<InsurerClients> insurers, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ClaimsPrincipal user,
        CancellationToken ct)
    {
        if (Idempotency.Refusal(idempotencyKey) is { } refusal) return refusal;
        var actor = Actor.From(user);
        if (insurers.Value.InnOf(actor.ClientId) is not { } inn)
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.",
                detail: "This integration is not bound to an insurer.", extensions: new Dictionary<string, object?> { ["code"] = "insurer-not-bound" });

        var keyId = InsuranceNoticeKey.IdOf(actor.ClientId!, idempotencyKey!);
        var requestHash = Idempotency.RequestHash(request, json.Value.SerializerOptions);
        if (await session.LoadAsync<InsuranceNoticeKey>(keyId, ct) is { } earlier) return Replay(earlier, requestHash);

        var number = request.PolicyNumber.Trim();
        var holders = await session.Query<ParticipationDetails>()
            .Where(p => p.PolicyKeys.Contains(ParticipationDetails.PolicyKey(inn, number)))
            .Select(p => p.Id).ToListAsync(ct);
        if (holders.Count == 0) throw new ResourceNotFound("No participation holds this policy of this insurer.");

        var now = clock.GetUtcNow();
        var noticeId = Guid.CreateVersion7();
        var recorded = 0;
        DomainRuleViolation? refused = null;
        foreach (var id in holders.Order())
        {
            var stream = await session.Events.FetchForWriting<Participation>(id, ct);
            if (stream.Aggregate is not { IsClosed: false } participation)
            {
                refused ??= new DomainRuleViolation("participation-closed", "Every participation holding this policy has ended.");
                continue;
            }
            var regime = await session.Events.AggregateStreamAsync<Regime>(participation.RegimeId, token: ct)
                ?? throw new InvalidOperationException($"Participation {id} names an unknown regime.");
            var today = participation.Today(profile.Value, now);
            var reported = Decide(participation, inn, request, noticeId, today, actor, now);
            stream.AppendMany(InsuranceCover.WithConsequence(participation, [reported], today, regime.Programme.Insurance, now));
            recorded++;
        }
        if (recorded == 0) throw refused!;

        var receipt = new InsuranceEventReceipt(noticeId, request.Kind!.Value, number, recorded);
        session.Insert(new InsuranceNoticeKey(keyId, actor.ClientId!, requestHash, receipt, now));
        try
        {
            await session.CommitAsync(ct);
        }
        catch (DocumentAlreadyExistsException)
        {
            // A concurrent request with the same key committed first; answer as its replay.
            await using var query = store.QuerySession();
            return Replay(await query.LoadAsync<InsuranceNoticeKey>(keyId, ct) ?? throw new InvalidOperationException("Lost key."), requestHash);
        }
        return Results.Ok(receipt);
    }

    private static IResult Replay(InsuranceNoticeKey earlier, string requestHash)
    {
        Idempotency.EnsureSameRequest(earlier.RequestSha256, requestHash);
        return Results.Ok(earlier.Receipt);
    }
}
