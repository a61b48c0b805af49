using Marten;
using MassTransit;
using SandboxRegistry.Contracts;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.AiSystemRegistry.Regimes;

/// <summary>
/// This service's copy of a regime, built only from SandboxApplications' messages, so that deployments can be
/// checked without calling that service. <see cref="Sources"/> lists every message applied, in order.
/// </summary>
public sealed record KnownRegime(
    Guid Id,
    int ProgrammeVersion,
    string Title,
    string Direction,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    string? LegalBasis,
    Published.InsuranceRequirements Insurance,
    IReadOnlyList<SourceCitation> Sources);

public sealed class RegimeEstablishedConsumer(IDocumentSession session, TimeProvider clock) : IConsumer<Published.RegimeEstablished>
{
    public async Task Consume(ConsumeContext<Published.RegimeEstablished> context)
    {
        if (!await session.TryBeginAsync(context, nameof(RegimeEstablishedConsumer), clock)) return;

        var m = context.Message;
        var known = await session.LoadAsync<KnownRegime>(m.RegimeId, context.CancellationToken);
        session.Store(new KnownRegime(m.RegimeId, m.ProgrammeVersion, m.Title, m.Direction, m.Territory, m.StartsOn, m.EndsOn,
            m.LegalBasis, m.Insurance, [.. known?.Sources ?? [], m.Source]));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}

public static class KnownRegimesModule
{
    public static void ConfigureMarten(StoreOptions options) => options.Schema.For<KnownRegime>();

    public static void ConfigureBus(IBusRegistrationConfigurator bus) => bus.AddConsumer<RegimeEstablishedConsumer>();

    public static IEndpointRouteBuilder MapKnownRegimes(this IEndpointRouteBuilder app)
    {
        var regimes = app.MapGroup("/api/v1/regimes").WithTags("Regimes").AllowAnonymous(); // public law, no personal data
        regimes.MapGet("/", async (int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
            {
                var paging = Paging.From(page, pageSize);
                return Results.Ok(await session.Query<KnownRegime>().OrderBy(r => r.Title).ThenBy(r => r.Id)
                    .Skip(paging.Skip).Take(paging.Size).ToListAsync(ct));
            })
            .RequireRateLimiting(RateLimits.Lists);
        regimes.MapGet("/{id:guid}", async (Guid id, IQuerySession session, CancellationToken ct) =>
            await session.LoadAsync<KnownRegime>(id, ct) is { } regime ? Results.Ok(regime) : throw new ResourceNotFound("No such regime."))
            .Produces<KnownRegime>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
