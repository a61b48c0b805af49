using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;

namespace SandboxRegistry.SandboxApplications.Regimes.Amending;

public sealed record AmendRegimeRequest(string Reason, EstablishRegimeRequest Programme);

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
    /// <summary>258-FZ art. 12: the programme may be amended while the regime runs; each amendment is a new version.</summary>
    public static RegimeAmended Decide(Regime regime, AmendRegimeRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        if (regime.IsClosed)
            throw new DomainRuleViolation("regime-closed", $"The regime is {regime.Status.ToString().ToLowerInvariant()}; its programme can no longer change.");
        var programme = EstablishRegime.ToProgramme(request.Programme, profile);
        return new RegimeAmended(regime.Id, regime.ProgrammeVersion + 1, programme, request.Reason.Trim(), by, now);
    }

    public static void MapAmendRegime(this RouteGroupBuilder regimes) =>
        regimes.MapPost("/{id:guid}/amendments", async (Guid id, AmendRegimeRequest request, IDocumentSession session,
                TimeProvider clock, IOptions<JurisdictionProfile> profile, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var stream = await session.FetchAsync<Regime>(id, http.Request, ct);
                var amended = Decide(stream.Aggregate!, request, profile.Value, Actor.From(user), clock.GetUtcNow());
                var version = await session.AppendAsync(stream, [amended], http.Response, ct);
                return Results.Ok(new RegimeAmendedResponse(id, version, amended.ProgrammeVersion));
            })
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("AmendRegime")
            .Produces<RegimeAmendedResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
}

public sealed record RegimeAmendedResponse(Guid Id, long Version, int ProgrammeVersion);
