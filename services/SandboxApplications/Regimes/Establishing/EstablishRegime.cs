using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.Contracts;

namespace SandboxRegistry.SandboxApplications.Regimes.Establishing;

public sealed record LegalBasisRequest(string ActNumber, DateOnly ActDate);

public sealed record ExpectedResultRequest([property: FreeText] string Result, [property: FreeText] string Measure);

public sealed record InsuranceRequirementsRequest(Money MinimumSumInsured, IReadOnlyList<InsuredRisk> RequiredRisks, bool AiHarmCoverRequired);

/// <summary>A programme as a regulator writes it (258-FZ art. 9); also the body of an amendment.</summary>
public sealed record EstablishRegimeRequest(
    string Title,
    Direction Direction,
    LegalBasisRequest LegalBasis,
    [property: FreeText] string? Description,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    [property: FreeText] IReadOnlyList<string>? DisappliedNorms,
    [property: FreeText] IReadOnlyList<string>? SubjectRequirements,
    InsuranceRequirementsRequest Insurance,
    IReadOnlyList<ExpectedResultRequest>? ExpectedResults = null);

public sealed class EstablishRegimeValidator : AbstractValidator<EstablishRegimeRequest>
{
    public EstablishRegimeValidator()
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(300);
        RuleFor(r => r.Direction).IsInEnum();
        RuleFor(r => r.LegalBasis).NotNull().ChildRules(basis =>
        {
            basis.RuleFor(b => b.ActNumber).NotEmpty().MaximumLength(200);
            basis.RuleFor(b => b.ActDate).NotEmpty();
        });
        RuleFor(r => r.Description).MaximumLength(10_000);
        RuleFor(r => r.Territory).NotEmpty();
        RuleForEach(r => r.Territory).RegionCode();
        RuleFor(r => r.StartsOn).NotEmpty();
        RuleFor(r => r.EndsOn).NotEmpty().GreaterThan(r => r.StartsOn).WithMessage("'Ends On' must be after 'Starts On'.");
        RuleForEach(r => r.DisappliedNorms).NotEmpty().MaximumLength(1000);
        RuleForEach(r => r.SubjectRequirements).NotEmpty().MaximumLength(2000);
        RuleForEach(r => r.ExpectedResults).ChildRules(result =>
        {
            result.RuleFor(x => x.Result).Text();
            result.RuleFor(x => x.Measure).Text();
        });
        RuleFor(r => r.Insurance).NotNull().ChildRules(insurance =>
        {
            insurance.RuleFor(i => i.MinimumSumInsured).NotNull().SetValidator(new MoneyValidator());
            insurance.RuleFor(i => i.RequiredRisks).Risks();
        });
    }
}

/// <summary>258-FZ art. 10: the longest term of a regime, from the jurisdiction profile (36 months; 60 under the 2026 bill).</summary>
public static class RegimeTerm
{
    public const string TooLong = "regime-term-too-long";

    public static void EnsureWithinMaximum(DateOnly startsOn, DateOnly endsOn, JurisdictionProfile profile)
    {
        if (endsOn > startsOn.AddMonths(profile.MaxRegimeTermMonths))
            throw new DomainRuleViolation(TooLong,
                $"A regime lasts at most {profile.MaxRegimeTermMonths} months under {profile.Name}, counted from {startsOn:yyyy-MM-dd}.");
    }
}

public static class EstablishRegime
{
    /// <summary>Shape is checked by the validator; the legal limits of the jurisdiction are checked here.</summary>
    public static RegimeEstablished Decide(Guid regimeId, EstablishRegimeRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now) => new(regimeId, ToProgramme(request, profile), by, now);

    /// <param name="termAnchor">The day the maximum term runs from: the request's start for a new regime, the first
    /// programme's start (or the new start, if earlier) for an amendment.</param>
    public static Programme ToProgramme(EstablishRegimeRequest request, JurisdictionProfile profile, DateOnly? termAnchor = null)
    {
        RegimeTerm.EnsureWithinMaximum(termAnchor is { } anchor && anchor < request.StartsOn ? anchor : request.StartsOn,
            request.EndsOn, profile);

        return new Programme(request.Title.Trim(), request.Direction,
            new LegalBasis(request.LegalBasis.ActNumber.Trim(), request.LegalBasis.ActDate), request.Description?.Trim(),
            request.Territory.Distinct().ToList(), request.StartsOn, request.EndsOn,
            request.DisappliedNorms?.Select(n => n.Trim()).ToList() ?? [],
            request.SubjectRequirements?.Select(n => n.Trim()).ToList() ?? [],
            new InsuranceRequirements(request.Insurance.MinimumSumInsured, request.Insurance.RequiredRisks.Distinct().ToList(),
                request.Insurance.AiHarmCoverRequired))
        {
            ExpectedResults = request.ExpectedResults?.Select(r => new ExpectedResult(r.Result.Trim(), r.Measure.Trim())).ToList() ?? [],
        };
    }

    public static async Task<Created<Changed>> Handle(EstablishRegimeRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var regimeId = Guid.CreateVersion7();
        var established = Decide(regimeId, request, profile.Value, Actor.From(http.User), clock.GetUtcNow());
        session.Events.StartStream<Regime>(regimeId, established);
        await session.CommitAsync(ct);

        return Commands.Started(http.Response, $"/api/v1/regimes/{regimeId}", regimeId);
    }
}
