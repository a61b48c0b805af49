using System.Net.Http.Headers;
using SandboxRegistry.WebConsole.Auth;

namespace SandboxRegistry.WebConsole.Api;

/// <summary>
/// Downloads of IncidentClaims' exports through the console (a backend for frontend: the browser never holds the access
/// token), streamed as they come. Only the named exports, so the route is not a proxy to anything else.
/// </summary>
public static class ExportDownloads
{
    /// <summary>Export name, the service's path, and whether it is public (anonymous in the service too).</summary>
    public static readonly IReadOnlyDictionary<string, (string Path, bool Public)> Exports = new Dictionary<string, (string, bool)>
    {
        ["oecd"] = ("exports/oecd/incidents", false),
        ["aiid-incidents"] = ("exports/aiid/incidents.csv", true),
        ["aiid-reports"] = ("exports/aiid/reports.csv", true),
        ["open-data-csv"] = ("exports/open-data/incidents.csv", true),
        ["open-data-json"] = ("exports/open-data/incidents.json", true),
    };

    public static void MapExportDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/downloads/exports/{name}", (string name, DateOnly? from, DateOnly? to, HttpContext http, IHttpClientFactory clients, CancellationToken ct) =>
            Exports.TryGetValue(name, out var export)
                ? Stream(http, clients, Period(export.Path, from, to), export.Public, ct)
                : Task.FromResult(Results.NotFound())).AllowAnonymous();
        app.MapGet("/downloads/exports/incidents/{id:guid}/{format}", (Guid id, string format, HttpContext http, IHttpClientFactory clients,
                CancellationToken ct) => format switch
            {
                "oecd" => Stream(http, clients, $"exports/oecd/incidents/{id}", false, ct),
                "eu-ai-act" => Stream(http, clients, $"exports/eu-ai-act/incidents/{id}", false, ct),
                _ => Task.FromResult(Results.NotFound()),
            }).AllowAnonymous();
    }

    private static string Period(string path, DateOnly? from, DateOnly? to)
    {
        var query = string.Join("&", new[] { from is { } f ? $"from={f:yyyy-MM-dd}" : null, to is { } t ? $"to={t:yyyy-MM-dd}" : null }.OfType<string>());
        return query.Length == 0 ? path : $"{path}?{query}";
    }

    private static async Task<IResult> Stream(HttpContext http, IHttpClientFactory clients, string path, bool isPublic, CancellationToken ct)
    {
        var token = http.User.FindFirst(ConsoleAuth.AccessTokenClaim)?.Value;
        if (!isPublic && token is null) return Results.Challenge();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var client = clients.CreateClient(Service.IncidentClaims.ToString());
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException)
        {
            return Results.Problem(title: "IncidentClaims is unavailable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        http.Response.RegisterForDispose(response);
        if (!response.IsSuccessStatusCode)
            return Results.Problem(title: $"The export was refused ({(int)response.StatusCode})", statusCode: (int)response.StatusCode);
        var fileName = path.Split('?')[0].Split('/')[^1];
        var media = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
        return Results.Stream(await response.Content.ReadAsStreamAsync(ct), media,
            fileName.Contains('.') ? fileName : $"{fileName}.json");
    }
}
