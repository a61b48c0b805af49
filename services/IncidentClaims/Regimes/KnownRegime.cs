using Microsoft.AspNetCore.Http.HttpResults;
using Marten;
using MassTransit;
using SandboxRegistry.Contracts;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.IncidentClaims.Regimes;

/// <summary>One programme version of a regime as this service learnt it; earlier versions stay for what happened under them.</summary>
/// <param name="InForceFrom">When SandboxApplications established or amended the programme to this version.</param>
public sealed record KnownProgrammeVersion(
    int ProgrammeVersion,
    string Title,
    string Direction,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    string? LegalBasis,
    Published.InsuranceRequirements Insurance,
    DateTimeOffset InForceFrom,
    SourceCitation Source);

/// <summary>
/// This service's copy of a regime, built only from SandboxApplications' messages, so that incidents can be
/// traced to their programme without calling that service. The top-level fields show the latest programme version;
/// <see cref="ProgrammeVersions"/> keeps each one with its citation; <see cref="Sources"/> lists every message applied, in order.
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
    public IReadOnlyList<KnownProgrammeVersion> ProgrammeVersions { get; init; } = [];

    /// <summary>The programme in force at <paramref name="at"/>; the first one when the incident predates every amendment.</summary>
    public KnownProgrammeVersion? InForceAt(DateTimeOffset at) =>
        ProgrammeVersions.Where(v => v.InForceFrom <= at).MaxBy(v => v.InForceFrom) ?? ProgrammeVersions.MinBy(v => v.ProgrammeVersion);

    /// <summary>
    /// Inserts or updates under optimistic concurrency: RegimeEstablished and RegimeAmended of one regime may be handled
    /// concurrently (and in either order), and the loser of a race is retried on the fresh document instead of overwriting it.
    /// </summary>
    public static void Save(IDocumentSession session, KnownRegime? known, KnownRegime next)
    {
        if (known is null) session.Insert(next);
        else session.Update(next);
    }

    public static KnownRegime With(Guid id, KnownRegime? known, KnownProgrammeVersion version)
    {
        var versions = (known?.ProgrammeVersions ?? []).Where(v => v.ProgrammeVersion != version.ProgrammeVersion).Append(version)
            .OrderBy(v => v.ProgrammeVersion).ToList();
        var latest = versions[^1];
        return new KnownRegime(id, latest.ProgrammeVersion,
            latest.Title, latest.Direction, latest.Territory, latest.StartsOn, latest.EndsOn, latest.LegalBasis, latest.Insurance,
            [.. known?.Sources ?? [], version.Source]) { ProgrammeVersions = versions };
    }
}

/// <summary>
/// Adds a regime's programme version as established and as amended. Each message type keeps the inbox name it had as a
/// consumer of its own.
/// </summary>
public sealed class RegimesConsumer(IDocumentSession session, TimeProvider clock) :
    IConsumer<Published.RegimeEstablished>, IConsumer<Published.RegimeAmended>
{
    public Task Consume(ConsumeContext<Published.RegimeEstablished> context)
    {
        var m = context.Message;
        return Apply(context, m.RegimeId, new KnownProgrammeVersion(m.ProgrammeVersion, m.Title, m.Direction, m.Territory, m.StartsOn,
            m.EndsOn, m.LegalBasis, m.Insurance, m.EstablishedAt, m.Source));
    }

    public Task Consume(ConsumeContext<Published.RegimeAmended> context)
    {
        var m = context.Message;
        return Apply(context, m.RegimeId, new KnownProgrammeVersion(m.ProgrammeVersion, m.Title, m.Direction, m.Territory, m.StartsOn,
            m.EndsOn, m.LegalBasis, m.Insurance, m.AmendedAt, m.Source));
    }

    private async Task Apply<T>(ConsumeContext<T> context, Guid regimeId, KnownProgrammeVersion version) where T : class
    {
        if (!await session.TryBeginAsync(context, typeof(T).Name + "Consumer", clock)) return;
        var known = await session.LoadAsync<KnownRegime>(regimeId, context.CancellationToken);
        KnownRegime.Save(session, known, KnownRegime.With(regimeId, known, version));
        await session.CommitAsync(context.CancellationToken);
    }
}

public static class KnownRegimesModule
{
    public static void ConfigureMarten(StoreOptions options) => options.Schema.For<KnownRegime>().UseOptimisticConcurrency(true);

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
