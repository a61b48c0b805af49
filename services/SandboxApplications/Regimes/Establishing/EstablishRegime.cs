using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.Contracts;
using SandboxRegistry.ServiceDefaults;

namespace SandboxRegistry.SandboxApplications.Regimes.Establishing;

public sealed record EstablishRegimeRequest(
    string Title,
    Direction Direction,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    Money MinimumSumInsured);

public sealed class EstablishRegimeValidator : AbstractValidator<EstablishRegimeRequest>
{
    public EstablishRegimeValidator()
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(300);
        RuleFor(r => r.Direction).IsInEnum();
        RuleFor(r => r.Territory).NotEmpty();
        RuleForEach(r => r.Territory).RegionCode();
        RuleFor(r => r.StartsOn).NotEmpty();
        RuleFor(r => r.EndsOn).NotEmpty().GreaterThan(r => r.StartsOn).WithMessage("'Ends On' must be after 'Starts On'.");
        RuleFor(r => r.MinimumSumInsured).NotNull();
        RuleFor(r => r.MinimumSumInsured.Amount).GreaterThan(0).When(r => r.MinimumSumInsured is not null);
        RuleFor(r => r.MinimumSumInsured.Currency).Currency().When(r => r.MinimumSumInsured is not null);
    }
}

public static class EstablishRegime
{
    /// <summary>Shape is checked by the validator; the legal limits of the jurisdiction are checked here.</summary>
    public static RegimeEstablished Decide(Guid regimeId, EstablishRegimeRequest request, JurisdictionProfile profile, Actor by,
        DateTimeOffset now)
    {
        if (request.EndsOn > request.StartsOn.AddMonths(profile.MaxRegimeTermMonths))
            throw new DomainRuleViolation("regime-term-too-long",
                $"A regime lasts at most {profile.MaxRegimeTermMonths} months under {profile.Name}.");

        var programme = new Programme(request.Title.Trim(), request.Direction, request.Territory.Distinct().ToList(),
            request.StartsOn, request.EndsOn, request.MinimumSumInsured);
        return new RegimeEstablished(regimeId, programme, by, now);
    }

    public static void MapEstablishRegime(this RouteGroupBuilder regimes) =>
        regimes.MapPost("/", Handle)
            .RequireAuthorization(Policies.Regulator)
            .WithValidation()
            .WithName("EstablishRegime")
            .Produces<RegimeCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<IResult> Handle(EstablishRegimeRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        var regimeId = Guid.CreateVersion7();
        var established = Decide(regimeId, request, profile.Value, Actor.From(user), clock.GetUtcNow());
        session.Events.StartStream<Regime>(regimeId, established);
        await session.SaveChangesAsync(ct);

        http.Response.SetStreamVersion(1);
        return Results.Created($"/api/v1/regimes/{regimeId}", new RegimeCreated(regimeId, 1));
    }
}

public sealed record RegimeCreated(Guid Id, long Version);
