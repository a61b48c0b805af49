using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.WebConsole.Auth;

namespace SandboxRegistry.WebConsole.Api;

/// <summary>The three services the console talks to; base URLs from Services:&lt;name&gt;.</summary>
public enum Service { SandboxApplications, AiSystemRegistry, IncidentClaims }

/// <summary>An RFC 9457 problem as a service answered it, with its stable code and field errors (JSON paths).</summary>
public sealed record Problem(int Status, string? Title, string? Detail, string? Code, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>Domain refusals (409) name no field; the fields they are about, so the form can show them there.</summary>
    public static readonly IReadOnlyDictionary<string, string> FieldOfCode = new Dictionary<string, string>
    {
        ["insurance-below-minimum"] = "insurance.sumInsured.amount",
        ["insurance-currency-mismatch"] = "insurance.sumInsured.currency",
        ["insurance-risks-missing"] = "insurance.coveredRisks",
        ["insurance-ai-harm-not-covered"] = "insurance.coversAiHarm",
        ["insurance-term-not-covered"] = "insurance.validTo",
        ["term-outside-regime"] = "requestedTerm",
        ["territory-outside-regime"] = "territory",
        ["company-mismatch"] = "company.ogrn",
        ["unknown-version"] = "versionId",
        ["version-recalled"] = "versionId",
        ["version-deprecated"] = "versionId",
        ["version-already-released"] = "version",
        ["unknown-participation"] = "participationId",
        ["participation-of-another-company"] = "participationId",
        ["participation-not-active"] = "participationId",
        ["territory-outside-participation"] = "territory",
        ["period-outside-participation-term"] = "from",
        ["several-deployments-match"] = "deploymentId",
        ["no-deployment-at-occurrence"] = "deploymentId",
        ["meeting-date-in-future"] = "meetingDate",
    };

    /// <summary>The messages for <paramref name="field"/> (its JSON path, case-insensitive), or null.</summary>
    public string? For(string field)
    {
        var messages = Errors.Where(e => Names(e.Key, field)).SelectMany(e => e.Value).ToList();
        if (Code is not null && FieldOfCode.TryGetValue(Code, out var f) && string.Equals(f, field, StringComparison.OrdinalIgnoreCase))
            messages.Add(Detail ?? Title ?? Code);
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>The error's path is the field's, or one of its elements (territory[1] for territory).</summary>
    public static bool Names(string path, string field) =>
        string.Equals(path, field, StringComparison.OrdinalIgnoreCase) ||
        path.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase) && path.IndexOf('.', field.Length) < 0;

    public static Problem Unreachable(Service service) =>
        new(503, $"{service} is unavailable", null, "service-unavailable", new Dictionary<string, string[]>());
}

public sealed record ApiResult<T>(T? Value, Problem? Problem, long? Version = null)
{
    public bool Ok => Problem is null;
}

public interface IConsoleApi
{
    Task<ApiResult<T>> GetAsync<T>(Service service, string path, CancellationToken ct = default);
    Task<ApiResult<JsonElement>> SendAsync(HttpMethod method, Service service, string path, object? body, CancellationToken ct = default);
}

/// <summary>Calls a service as the signed-in user: their access token, read on the server, as the bearer token.</summary>
public sealed class ConsoleApi(IHttpClientFactory clients, CurrentUser user, ILogger<ConsoleApi> log) : IConsoleApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ApiResult<T>> GetAsync<T>(Service service, string path, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        return await Send<T>(service, request, ct);
    }

    public async Task<ApiResult<JsonElement>> SendAsync(HttpMethod method, Service service, string path, object? body, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        return await Send<JsonElement>(service, request, ct);
    }

    private async Task<ApiResult<T>> Send<T>(Service service, HttpRequestMessage request, CancellationToken ct)
    {
        if (await user.AccessTokenAsync() is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await clients.CreateClient(service.ToString()).SendAsync(request, ct);
            long? version = response.Headers.ETag is { } etag && long.TryParse(etag.Tag.Trim('"'), out var v) ? v : null;
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
                return new(text.Length == 0 ? default : JsonSerializer.Deserialize<T>(text, Json), null, version);
            return new(default, ProblemFrom(response.StatusCode, text));
        }
        catch (HttpRequestException e)
        {
            log.LogWarning("{Service} could not be reached: {Error}", service, e.HttpRequestError);
            return new(default, Problem.Unreachable(service));
        }
    }

    public static Problem ProblemFrom(HttpStatusCode status, string body)
    {
        try
        {
            var json = JsonDocument.Parse(body).RootElement;
            var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            if (json.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                foreach (var field in e.EnumerateObject())
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(m => m.ToString()).ToArray()
                        : [field.Value.ToString()];
            return new((int)status, Text(json, "title"), Text(json, "detail"), Text(json, "code"), errors);
        }
        catch (JsonException)
        {
            return new((int)status, status.ToString(), null, null, new Dictionary<string, string[]>());
        }
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

public static class ConsoleApis
{
    public static void AddConsoleApis(this IServiceCollection services, IConfiguration configuration)
    {
        var defaults = new Dictionary<Service, string>
        {
            [Service.SandboxApplications] = "http://localhost:5101/",
            [Service.AiSystemRegistry] = "http://localhost:5102/",
            [Service.IncidentClaims] = "http://localhost:5103/",
        };
        foreach (var (service, url) in defaults)
        {
            var baseUrl = configuration[$"Services:{service}"] ?? url;
            services.AddHttpClient(service.ToString(), c =>
            {
                c.BaseAddress = new Uri(new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"), "api/v1/");
                c.Timeout = TimeSpan.FromSeconds(30);
            });
        }
        services.AddScoped<IConsoleApi, ConsoleApi>();
    }
}

/// <summary>Reading the services' JSON in pages: a dotted path, absent or null as null.</summary>
public static class JsonPaths
{
    public static JsonElement? At(this JsonElement e, string path)
    {
        var current = e;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out var next) || next.ValueKind == JsonValueKind.Null)
                return null;
            current = next;
        }
        return current;
    }

    public static string? S(this JsonElement e, string path) => e.At(path) is { } v ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;

    public static IEnumerable<JsonElement> Items(this JsonElement e, string path = "items") =>
        e.At(path) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : [];

    public static DateTimeOffset? Instant(this JsonElement e, string path) =>
        e.At(path) is { ValueKind: JsonValueKind.String } v && DateTimeOffset.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var t) ? t : null;

    public static DateOnly? Date(this JsonElement e, string path) =>
        e.At(path) is { ValueKind: JsonValueKind.String } v && DateOnly.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;

    public static decimal? Number(this JsonElement e, string path) => e.At(path) is { ValueKind: JsonValueKind.Number } v ? v.GetDecimal() : null;
}
