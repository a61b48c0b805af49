using Microsoft.AspNetCore.Http.HttpResults;
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
    IReadOnlyList<SourceCitation> Sources)
{
    /// <summary>
    /// The regime with <paramref name="programme"/> applied. The queue is ordered, so a later programme version arrives
    /// after an earlier one; a version older than the one held (a replay of history) only adds its citation.
    /// </summary>
    public static KnownRegime WithProgramme(KnownRegime? known, KnownRegime programme, SourceCitation source)
    {
        var current = known is null || programme.ProgrammeVersion >= known.ProgrammeVersion ? programme : known;
        return current with { Sources = [.. known?.Sources ?? [], source] };
    }
}

/// <summary>
/// Applies a regime's programme as established and as amended: a new programme version replaces the one deployments are
/// checked against (territory, term, insurance). Each message type keeps the inbox name it had as a consumer of its own.
/// </summary>
public sealed class RegimesConsumer(IDocumentSession session, TimeProvider clock) :
    IConsumer<Published.RegimeEstablished>, IConsumer<Published.RegimeAmended>
{
    public Task Consume(ConsumeContext<Published.RegimeEstablished> context)
    {
        var m = context.Message;
        return Apply(context, new KnownRegime(m.RegimeId, m.ProgrammeVersion, m.Title, m.Direction, m.Territory, m.StartsOn, m.EndsOn,
            m.LegalBasis, m.Insurance, []), m.Source);
    }

    public Task Consume(ConsumeContext<Published.RegimeAmended> context)
    {
        var m = context.Message;
        return Apply(context, new KnownRegime(m.RegimeId, m.ProgrammeVersion, m.Title, m.Direction, m.Territory, m.StartsOn, m.EndsOn,
            m.LegalBasis, m.Insurance, []), m.Source);
    }

    private async Task Apply<T>(ConsumeContext<T> context, KnownRegime programme, SourceCitation source) where T : class
    {
        if (!await session.TryBeginAsync(context, typeof(T).Name + "Consumer", clock)) return;
        var known = await session.LoadAsync<KnownRegime>(programme.Id, context.CancellationToken);
        session.Store(KnownRegime.WithProgramme(known, programme, source));
        await session.CommitAsync(context.CancellationToken);
    }
}

public static class KnownRegimesModule
{
    public static void ConfigureMarten(StoreOptions options) => options.Schema.For<KnownRegime>();

    public static void ConfigureBus(IBusRegistrationConfigurator bus) => bus.AddConsumer<RegimesConsumer>();

    public static IEndpointRouteBuilder MapKnownRegimes(this IEndpointRouteBuilder app)
    {
        var regimes = app.MapApi("/api/v1/regimes", "Regimes"); // public law, no personal data
        regimes.MapGet("/", List).PublicList();
        regimes.MapGet("/{id:guid}", Get).PublicRead();
        return app;
    }

    public static async Task<Ok<ListPage<KnownRegime>>> List(int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.Query<KnownRegime>().OrderBy(r => r.Title).ThenBy(r => r.Id).ToPageAsync(Paging.From(page, pageSize), ct));

    public static async Task<Ok<KnownRegime>> Get(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.LoadAsync<KnownRegime>(id, ct) ?? throw new ResourceNotFound("No such regime."));
}
