using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SandboxRegistry.IncidentClaims.Incidents;

namespace SandboxRegistry.IncidentClaims.PublicRegister;

/// <summary>The filters every register read takes; each one optional, unknown names refused with 400 naming the parameter.</summary>
public sealed record RegisterFilter(string? HarmType, Severity? Severity, string? Region, Guid? AiSystemId, DateOnly? From, DateOnly? To)
{
    public static RegisterFilter Parse(string? harmType, string? severity, string? region, Guid? aiSystemId, DateOnly? from, DateOnly? to)
    {
        var harm = EnumNames.Parse<HarmType>(harmType);
        if (harmType is not null && harm is null) throw new InvalidPaging("harmType", $"'harmType' must be one of {EnumNames.List<HarmType>()}.");
        var level = EnumNames.Parse<Severity>(severity);
        if (severity is not null && level is null) throw new InvalidPaging("severity", $"'severity' must be one of {EnumNames.List<Severity>()}.");
        if (region is not null && !Identifiers.IsRegionCode(region))
            throw new InvalidPaging("region", "'region' must be a Russian region code (01-89) or an ISO 3166-2 code.");
        if (from is { } f && to is { } t && t < f) throw new InvalidPaging("to", "'to' must not be before 'from'.");
        return new RegisterFilter(harm?.Camel(), level, region, aiSystemId, from, to);
    }

    public IQueryable<PublicIncident> Apply(IQueryable<PublicIncident> query)
    {
        if (HarmType is { } harm) query = query.Where(i => i.HarmTypes.Contains(harm));
        if (Severity is { } severity) query = query.Where(i => i.Severity == severity);
        if (Region is { } region) query = query.Where(i => i.RegionCode == region);
        if (AiSystemId is { } system) query = query.Where(i => i.System!.AiSystemId == system);
        if (From is { } from) query = query.Where(i => i.OccurredOn >= from);
        if (To is { } to) query = query.Where(i => i.OccurredOn <= to);
        return query;
    }
}

public sealed record MonthHarmCount(string Month, string HarmType, long Count);

public sealed record RegionCount(string RegionCode, long Count);

public sealed record SeverityCount(string Severity, long Count);

/// <param name="AiSystemId">Null for incidents not (yet) linked to a system.</param>
public sealed record SystemCount(Guid? AiSystemId, string? Name, long Count);

/// <summary>
/// Counts for charts over the incidents that match the filter. An incident with harms of several types counts once under
/// each type in <paramref name="ByMonthAndHarmType"/>, once everywhere else. <paramref name="BySystem"/> names the
/// <see cref="PublicRegisterEndpoints.TopSystems"/> systems with most incidents; <paramref name="OtherSystems"/> counts the rest.
/// </summary>
public sealed record RegisterStatistics(long Total, IReadOnlyList<MonthHarmCount> ByMonthAndHarmType, IReadOnlyList<RegionCount> ByRegion,
    IReadOnlyList<SeverityCount> BySeverity, IReadOnlyList<SystemCount> BySystem, long OtherSystems);

public static class PublicRegisterModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Projections.Add<PublicIncidentProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<PublicIncident>().Index(i => i.OccurredOn).Index(i => i.RegionCode).Index(i => i.Number);
    }

    public static IEndpointRouteBuilder MapPublicIncidentRegister(this IEndpointRouteBuilder app)
    {
        var register = app.MapApi("/api/v1/register/incidents", "Public incident register");
        register.MapGet("/", PublicRegisterEndpoints.List).PublicList();
        register.MapGet("/statistics", PublicRegisterEndpoints.Statistics).PublicRead().RequireRateLimiting(RateLimits.Lists);
        register.MapGet("/{id:guid}", PublicRegisterEndpoints.Get).PublicRead();
        return app;
    }
}

public static class PublicRegisterEndpoints
{
    public const int TopSystems = 100;

    /// <summary>Newest harm first; filters by harm type, severity (the highest among the harms), region, AI system and period (dates of the harm, inclusive).</summary>
    public static async Task<Ok<ListPage<PublicIncident>>> List(string? harmType, string? severity, string? region, Guid? aiSystemId,
        DateOnly? from, DateOnly? to, int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var filter = RegisterFilter.Parse(harmType, severity, region, aiSystemId, from, to);
        var query = filter.Apply(session.Query<PublicIncident>());
        return TypedResults.Ok(await query.OrderByDescending(i => i.OccurredOn).ThenByDescending(i => i.ReportedAt).ThenBy(i => i.Id)
            .ToPageAsync(paging, ct));
    }

    public static async Task<Ok<PublicIncident>> Get(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await session.LoadAsync<PublicIncident>(id, ct) ?? throw new ResourceNotFound("No such incident."));

    /// <summary>
    /// The counts are grouped in PostgreSQL over the filtered query Marten builds for the list (the same filter, the same
    /// parameters), so a chart over 100,000 incidents moves a few hundred rows, not the documents.
    /// </summary>
    public static async Task<Ok<RegisterStatistics>> Statistics(string? harmType, string? severity, string? region, Guid? aiSystemId,
        DateOnly? from, DateOnly? to, IQuerySession session, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var filter = RegisterFilter.Parse(harmType, severity, region, aiSystemId, from, to);
        var filtered = MartenSql.Of(filter.Apply(session.Query<PublicIncident>()));
        var sql = filtered.Sql;
        // The harm type is one of the enum's own names (parsed above), never the client's text, so it may stand in the SQL.
        var harmCondition = filter.HarmType is { } harm ? $"where h = '{harm}'" : "";

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        string[] queries =
        [
            $"select count(*) from ({sql}) f",
            $"select f.data ->> 'month', h, count(*) from ({sql}) f, jsonb_array_elements_text(f.data -> 'harmTypes') h {harmCondition} group by 1, 2 order by 1, 2",
            $"select f.data ->> 'regionCode', count(*) from ({sql}) f group by 1 order by 2 desc, 1",
            $"select f.data ->> 'severity', count(*) from ({sql}) f group by 1 order by 1",
            $"select f.data -> 'system' ->> 'aiSystemId', max(f.data -> 'system' ->> 'name'), count(*) from ({sql}) f group by 1 order by 3 desc, 1 nulls last",
        ];
        foreach (var text in queries) batch.BatchCommands.Add(filtered.BatchCommand(text));

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var byMonth = new List<MonthHarmCount>();
        while (await reader.ReadAsync(ct)) byMonth.Add(new MonthHarmCount(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        await reader.NextResultAsync(ct);
        var byRegion = new List<RegionCount>();
        while (await reader.ReadAsync(ct)) byRegion.Add(new RegionCount(reader.GetString(0), reader.GetInt64(1)));
        await reader.NextResultAsync(ct);
        var bySeverity = new List<SeverityCount>();
        while (await reader.ReadAsync(ct))
            bySeverity.Add(new SeverityCount(Enum.Parse<Severity>(reader.GetString(0), ignoreCase: true).Camel(), reader.GetInt64(1)));
        await reader.NextResultAsync(ct);
        var bySystem = new List<SystemCount>();
        long others = 0;
        while (await reader.ReadAsync(ct))
        {
            var count = reader.GetInt64(2);
            if (bySystem.Count == TopSystems) others += count;
            else bySystem.Add(new SystemCount(reader.IsDBNull(0) ? null : Guid.Parse(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1), count));
        }
        return TypedResults.Ok(new RegisterStatistics(total, byMonth, byRegion, bySeverity, bySystem, others));
    }
}
