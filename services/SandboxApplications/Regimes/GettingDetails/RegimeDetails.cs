using Marten;
using Marten.Events.Aggregation;
using SandboxRegistry.Contracts;
using SandboxRegistry.ServiceDefaults;

namespace SandboxRegistry.SandboxApplications.Regimes.GettingDetails;

/// <summary>A regime as the public register shows it. Regimes are public law: no personal data here.</summary>
public sealed record RegimeDetails(
    Guid Id,
    RegimeStatus Status,
    int ProgrammeVersion,
    string Title,
    Direction Direction,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    Money MinimumSumInsured,
    DateTimeOffset EstablishedAt)
{
    public long Version { get; init; }
}

public sealed partial class RegimeDetailsProjection : SingleStreamProjection<RegimeDetails, Guid>
{
    public static RegimeDetails Create(RegimeEstablished e) => new(e.RegimeId, RegimeStatus.Active, 1, e.Programme.Title,
        e.Programme.Direction, e.Programme.Territory, e.Programme.StartsOn, e.Programme.EndsOn, e.Programme.MinimumSumInsured,
        e.EstablishedAt);
}

public static class GetRegimeDetails
{
    public static void MapGetRegimeDetails(this RouteGroupBuilder regimes) =>
        regimes.MapGet("/{id:guid}", async (Guid id, IQuerySession session, HttpContext http, CancellationToken ct) =>
            {
                var regime = await session.LoadAsync<RegimeDetails>(id, ct) ?? throw new ResourceNotFound("No such regime.");
                http.Response.SetStreamVersion(regime.Version);
                return Results.Ok(regime);
            })
            .AllowAnonymous() // the public register
            .WithName("GetRegimeDetails")
            .Produces<RegimeDetails>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static void MapGetRegimeHistory(this RouteGroupBuilder regimes) =>
        regimes.MapGet("/{id:guid}/history", async (Guid id, IQuerySession session, CancellationToken ct) =>
            {
                var history = await StreamHistory.ReadAsync(session, id, ct);
                return history.Count > 0 ? Results.Ok(history) : throw new ResourceNotFound("No such regime.");
            })
            .RequireAuthorization(Policies.RegulatorOrAuditor)
            .WithName("GetRegimeHistory")
            .Produces<IReadOnlyList<HistoryEntry>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
