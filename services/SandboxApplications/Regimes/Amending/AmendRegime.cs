using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;

namespace SandboxRegistry.SandboxApplications.Regimes.Amending;

public sealed record AmendRegimeRequest([property: FreeText] string Reason, EstablishRegimeRequest Programme);

public sealed class AmendRegimeValidator : AbstractValidator<AmendRegimeRequest>
{
    public AmendRegimeValidator()
    {
        RuleFor(r => r.Reason).Text();
        RuleFor(r => r.Programme).NotNull().SetValidator(new EstablishRegimeValidator());
    }
}

public static class AmendRegime
{
    /// <summary>
    /// 258-FZ art. 12: the programme may be amended while the regime runs; each amendment is a new version. The term stays
    /// within the maximum counted from the first programme's start (art. 10), however the start is moved.
    /// </summary>
    public static RegimeAmended Decide(Regime regime, AmendRegimeRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        if (regime.IsClosed)
            throw new DomainRuleViolation("regime-closed", $"The regime is {regime.Status.ToString().ToLowerInvariant()}; its programme can no longer change.");
        var programme = EstablishRegime.ToProgramme(request.Programme, profile, regime.TermAnchor);
        return new RegimeAmended(regime.Id, regime.ProgrammeVersion + 1, programme, request.Reason.Trim(), by, now);
    }

    public static async Task<Ok<RegimeAmendedResponse>> Handle(Guid id, AmendRegimeRequest request, IDocumentSession session,
        TimeProvider clock, IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var (amended, changed) = await session.Decided<Regime, RegimeAmended>(id, http,
            r => Task.FromResult(Decide(r, request, profile.Value, Actor.From(http.User), clock.GetUtcNow())), ct);
        return TypedResults.Ok(new RegimeAmendedResponse(id, changed.Version, amended.ProgrammeVersion));
    }
}

public sealed record RegimeAmendedResponse(Guid Id, long Version, int ProgrammeVersion);
