using System.Text;
using System.Text.Json;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SandboxRegistry.IncidentClaims.PublicRegister;

namespace SandboxRegistry.IncidentClaims.Exports;

/// <summary>
/// Exports for regulators and auditors (the OECD and EU AI Act records, with the report's text) and for anyone (the AIID
/// snapshot and the open-data dumps of the public register, built from the public register only). A period export is
/// written to the response as Marten reads the rows (one query, read as a stream, flushed every <see cref="FlushEvery"/>
/// rows), so its size does not grow the service's memory.
/// </summary>
public static class ExportsModule
{
    public const int FlushEvery = 200;

    public static void ConfigureMarten(StoreOptions options)
    {
        options.Projections.Add<IncidentRecordProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<IncidentRecord>().Index(r => r.OccurredOn).Index(r => r.Number);
    }

    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapApi("/api/v1/exports", "Exports");
        exports.MapGet("/oecd/incidents/{id:guid}", Oecd).Read(Policies.RegulatorOrAuditor);
        exports.MapGet("/oecd/incidents", OecdPeriod).Read(Policies.RegulatorOrAuditor).Export();
        exports.MapGet("/eu-ai-act/incidents/{id:guid}", EuAiAct).Read(Policies.RegulatorOrAuditor).ProducesProblem(StatusCodes.Status409Conflict);
        exports.MapGet("/aiid/incidents.csv", AiidIncidents).PublicRead().Export();
        exports.MapGet("/aiid/reports.csv", AiidReports).PublicRead().Export();
        exports.MapGet("/open-data/incidents.csv", OpenDataCsv).PublicRead().Export();
        exports.MapGet("/open-data/incidents.json", OpenDataJson).PublicRead().Export();
        return app;
    }

    private static RouteHandlerBuilder Export(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireRateLimiting(RateLimits.Lists).ProducesProblem(StatusCodes.Status400BadRequest);

    public static async Task<Ok<OecdIncident>> Oecd(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(OecdIncident.From(await session.LoadAsync<IncidentRecord>(id, ct) ?? throw new ResourceNotFound("No such incident.")));

    public static async Task<Ok<EuSeriousIncidentReport>> EuAiAct(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(EuSeriousIncidentReport.From(await session.LoadAsync<IncidentRecord>(id, ct) ?? throw new ResourceNotFound("No such incident.")));

    /// <summary>Every incident whose harm happened within the period (dates inclusive, both optional), oldest first.</summary>
    public static IResult OecdPeriod(DateOnly? from, DateOnly? to, IQuerySession session, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        TimeProvider clock)
    {
        Period(from, to);
        var query = session.Query<IncidentRecord>().AsQueryable();
        if (from is { } f) query = query.Where(r => r.OccurredOn >= f);
        if (to is { } t) query = query.Where(r => r.OccurredOn <= t);
        var options = json.Value.SerializerOptions;
        return Results.Stream(async body =>
        {
            await using var writer = new Utf8JsonWriter(body);
            writer.WriteStartObject();
            writer.WriteString("framework", OecdIncident.Name);
            writer.WriteString("generatedAt", clock.GetUtcNow());
            if (from is { } a) writer.WriteString("from", a.ToString("yyyy-MM-dd")); else writer.WriteNull("from");
            if (to is { } b) writer.WriteString("to", b.ToString("yyyy-MM-dd")); else writer.WriteNull("to");
            writer.WriteStartArray("incidents");
            var n = 0;
            await foreach (var record in query.OrderBy(r => r.OccurredOn).ThenBy(r => r.Number).ToAsyncEnumerable())
            {
                // Each record serialized on its own: JsonSerializer.Serialize on the writer would flush it synchronously.
                writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(OecdIncident.From(record), options), skipInputValidation: true);
                if (++n % FlushEvery == 0) await writer.FlushAsync();
            }
            writer.WriteEndArray();
            writer.WriteNumber("count", n);
            writer.WriteEndObject();
            await writer.FlushAsync();
        }, "application/json; charset=utf-8");
    }

    public static IResult AiidIncidents(DateOnly? from, DateOnly? to, IQuerySession session) =>
        Csv(Public(session, from, to), Aiid.IncidentColumns, i => [Aiid.IncidentRow(i)], "incidents.csv");

    public static IResult AiidReports(DateOnly? from, DateOnly? to, IQuerySession session, HttpContext http, TimeProvider clock)
    {
        var register = $"{http.Request.Scheme}://{http.Request.Host}/api/v1/register/incidents";
        var downloaded = clock.GetUtcNow();
        return Csv(Public(session, from, to), Aiid.ReportColumns, i => Aiid.ReportRows(i, downloaded, register), "reports.csv");
    }

    public static IResult OpenDataCsv(DateOnly? from, DateOnly? to, IQuerySession session) =>
        Csv(Public(session, from, to), OpenData.Columns, i => [OpenData.Row(i)], "incidents.csv");

    public static IResult OpenDataJson(DateOnly? from, DateOnly? to, IQuerySession session, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var query = Public(session, from, to);
        var options = json.Value.SerializerOptions;
        return Results.Stream(async body =>
        {
            await using var writer = new Utf8JsonWriter(body);
            writer.WriteStartArray();
            var n = 0;
            await foreach (var incident in query.ToAsyncEnumerable())
            {
                writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(incident, options), skipInputValidation: true);
                if (++n % FlushEvery == 0) await writer.FlushAsync();
            }
            writer.WriteEndArray();
            await writer.FlushAsync();
        }, "application/json; charset=utf-8", "incidents.json");
    }

    private static IQueryable<PublicIncident> Public(IQuerySession session, DateOnly? from, DateOnly? to) =>
        RegisterFilter.Parse(null, null, null, null, from, to).Apply(session.Query<PublicIncident>()).OrderBy(i => i.Number);

    private static void Period(DateOnly? from, DateOnly? to)
    {
        if (from is { } f && to is { } t && t < f) throw new InvalidPaging("to", "'to' must not be before 'from'.");
    }

    /// <summary>RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break, quotes doubled.</summary>
    private static IResult Csv<T>(IQueryable<T> query, string[] columns, Func<T, IEnumerable<string[]>> rows, string fileName) where T : notnull =>
        Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024) { NewLine = "\r\n" };
            await writer.WriteLineAsync(string.Join(',', columns.Select(Field)));
            var n = 0;
            await foreach (var item in query.ToAsyncEnumerable())
            {
                foreach (var row in rows(item)) await writer.WriteLineAsync(string.Join(',', row.Select(Field)));
                if (++n % FlushEvery == 0) await writer.FlushAsync();
            }
            await writer.FlushAsync();
        }, "text/csv; charset=utf-8", fileName);

    /// <summary>
    /// One CSV field. A field a spreadsheet would read as a formula (=, +, -, @ first) gets a leading apostrophe: free text
    /// from a company's statement must not run in a regulator's spreadsheet (CSV injection).
    /// </summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
