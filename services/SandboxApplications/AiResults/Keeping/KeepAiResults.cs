using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;

namespace SandboxRegistry.SandboxApplications.AiResults.Keeping;

public sealed record AiSystemUsedRequest(string Name, string Version, Guid? AiSystemId);

public sealed record RightsHolderRequest(string Name, string? Ogrn, RightsBasis? Basis, [property: FreeText] string? BasisText);

public sealed record AiResultRequest(
    string Title,
    ResultKind? Kind,
    [property: FreeText] string? Description,
    AiSystemUsedRequest AiSystem,
    DateOnly CreatedOn,
    RightsHolderRequest RightsHolder,
    DateOnly? ValidFrom,
    DateOnly? ValidTo,
    IReadOnlyList<ConfidentialField>? Confidential);

public sealed class AiResultRequestValidator : AbstractValidator<AiResultRequest>
{
    public AiResultRequestValidator()
    {
        RuleFor(r => r.Title).Text(500);
        RuleFor(r => r.Kind).NotNull().IsInEnum();
        RuleFor(r => r.Description).MaximumLength(10_000);
        RuleFor(r => r.AiSystem).NotNull().ChildRules(ai =>
        {
            ai.RuleFor(a => a.Name).Text(300);
            ai.RuleFor(a => a.Version).Text(100);
        });
        RuleFor(r => r.CreatedOn).NotEmpty();
        RuleFor(r => r.RightsHolder).NotNull().ChildRules(holder =>
        {
            holder.RuleFor(h => h.Name).Text(500);
            holder.RuleFor(h => h.Ogrn!).Ogrn().When(h => h.Ogrn is not null);
            holder.RuleFor(h => h.Basis).NotNull().IsInEnum();
            holder.RuleFor(h => h.BasisText).NotEmpty().When(h => h.Basis == RightsBasis.Other)
                .WithMessage("'Basis Text' is required when the basis is other.");
            holder.RuleFor(h => h.BasisText).MaximumLength(2000);
        });
        RuleFor(r => r.ValidTo).GreaterThanOrEqualTo(r => r.ValidFrom ?? r.CreatedOn).When(r => r.ValidTo is not null)
            .WithMessage("'Valid To' must not be before 'Valid From'.");
        RuleForEach(r => r.Confidential).IsInEnum();
    }
}

public sealed record CorrectAiResultRequest([property: FreeText] string Reason, AiResultRequest Entry);

public sealed class CorrectAiResultValidator : AbstractValidator<CorrectAiResultRequest>
{
    public CorrectAiResultValidator()
    {
        RuleFor(r => r.Reason).Text();
        RuleFor(r => r.Entry).NotNull().SetValidator(new AiResultRequestValidator());
    }
}

public sealed record AiResultCreated(Guid Id, long Version);

public static class KeepAiResults
{
    public static AiResultContent Content(AiResultRequest r) => new(r.Title.Trim(), r.Kind!.Value, r.Description?.Trim(),
        new AiSystemUsed(r.AiSystem.Name.Trim(), r.AiSystem.Version.Trim(), r.AiSystem.AiSystemId), r.CreatedOn,
        new RightsHolder(r.RightsHolder.Name.Trim(), r.RightsHolder.Ogrn, r.RightsHolder.Basis!.Value, r.RightsHolder.BasisText?.Trim()),
        r.ValidFrom ?? r.CreatedOn, r.ValidTo, r.Confidential?.Distinct().Order().ToList() ?? []);

    /// <summary>
    /// 169-FZ: the participant keeps the register of results created with AI during its participation, so an entry is
    /// made only under an open participation and for a result created within its term and not in the future.
    /// </summary>
    public static AiResultRegistered Register(Guid entryId, Participation participation, string companyName, AiResultRequest request,
        DateOnly today, Actor by, DateTimeOffset now)
    {
        participation.EnsureOpen();
        EnsureWithinTerm(participation, request.CreatedOn, today);
        return new AiResultRegistered(entryId, participation.Id, participation.RegimeId, participation.CompanyOgrn, companyName, Content(request),
            by, now);
    }

    public static AiResultCorrected Correct(AiResult entry, CorrectAiResultRequest request, Actor by, DateTimeOffset now)
    {
        entry.EnsureValid();
        return new AiResultCorrected(entry.Id, Content(request.Entry), request.Reason.Trim(), by, now);
    }

    public static AiResultWithdrawn Withdraw(AiResult entry, string reason, Actor by, DateTimeOffset now)
    {
        entry.EnsureValid();
        return new AiResultWithdrawn(entry.Id, reason.Trim(), by, now);
    }

    private static void EnsureWithinTerm(Participation participation, DateOnly createdOn, DateOnly today)
    {
        if (createdOn > today)
            throw new DomainRuleViolation("ai-result-in-the-future", "A result is registered once it has been created.");
        if (createdOn < participation.Term.StartsOn || createdOn > participation.Term.EndsOn)
            throw new DomainRuleViolation("ai-result-outside-term",
                $"The result must be created within the participation's term, {participation.Term.StartsOn:yyyy-MM-dd} to {participation.Term.EndsOn:yyyy-MM-dd}.");
    }

    public static async Task<Created<AiResultCreated>> HandleRegister(Guid id, AiResultRequest request, IDocumentSession session,
        TimeProvider clock, Microsoft.Extensions.Options.IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var entryId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var actor = Actor.From(http.User);
        var participation = (await session.Events.AggregateStreamAsync<Participation>(id, token: ct)).VisibleOrNotFound(actor);
        var details = await session.LoadAsync<ParticipationDetails>(id, ct) ?? throw new ResourceNotFound();
        var registered = Register(entryId, participation, details.Company.LegalName, request, profile.Value.DateOf(now), actor, now);
        session.Events.StartStream<AiResult>(entryId, registered);
        await session.CommitAsync(ct);
        http.Response.SetStreamVersion(1);
        return TypedResults.Created($"/api/v1/ai-results/{entryId}", new AiResultCreated(entryId, 1));
    }

    public static Task<Ok<Changed>> HandleCorrection(Guid id, CorrectAiResultRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<AiResult>(id, http, e => Correct(e, request, Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> HandleWithdrawal(Guid id, Regimes.Suspending.ReasonRequest request, IDocumentSession session,
        TimeProvider clock, HttpContext http, CancellationToken ct) =>
        session.Decide<AiResult>(id, http, e => Withdraw(e, request.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);
}
