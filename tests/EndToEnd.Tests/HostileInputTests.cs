using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using SandboxRegistry.Contracts;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Testing;
using Xunit.Abstractions;
using Applications = SandboxRegistry.SandboxApplications.ServiceMarker;
using Incidents = SandboxRegistry.IncidentClaims.ServiceMarker;
using Registry = SandboxRegistry.AiSystemRegistry.ServiceMarker;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>One service with its rate limits out of the way, so that every hostile request reaches the pipeline.</summary>
public sealed class HostileFixture<TMarker> : IAsyncLifetime where TMarker : class
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    public ServiceHost<TMarker> Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        var name = typeof(TMarker).Assembly.GetName().Name!.ToLowerInvariant();
        var postgres = await _infrastructure.CreateDatabaseAsync("t_hostile_" + name);
        _vhost = await _infrastructure.CreateVirtualHostAsync("hostile-" + name);
        Host = new ServiceHost<TMarker>(postgres, _vhost, new Dictionary<string, string?>
        {
            ["RateLimits:intake:PermitsPerSecond"] = "100000", ["RateLimits:intake:Burst"] = "100000",
            ["RateLimits:lists:PermitsPerSecond"] = "100000", ["RateLimits:lists:Burst"] = "100000",
        });
        await Host.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(Host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}

public class HostileApplicationsTests(HostileFixture<Applications> fixture, ITestOutputHelper output)
    : IClassFixture<HostileFixture<Applications>>
{
    [Fact]
    public Task Every_operation_survives_hostile_input() => new HostileWalk(fixture.Host.Client(), fixture.Host.Postgres,
        fixture.Host.Logs, output).RunAsync();
}

public class HostileRegistryTests(HostileFixture<Registry> fixture, ITestOutputHelper output) : IClassFixture<HostileFixture<Registry>>
{
    [Fact]
    public Task Every_operation_survives_hostile_input() => new HostileWalk(fixture.Host.Client(), fixture.Host.Postgres,
        fixture.Host.Logs, output).RunAsync();
}

public class HostileIncidentsTests(HostileFixture<Incidents> fixture, ITestOutputHelper output) : IClassFixture<HostileFixture<Incidents>>
{
    [Fact]
    public Task Every_operation_survives_hostile_input() => new HostileWalk(fixture.Host.Client(), fixture.Host.Postgres,
        fixture.Host.Logs, output).RunAsync();
}

/// <summary>
/// Walks every operation of a service's OpenAPI document as a hostile client would: for each operation a plausible
/// request built from its schema, then the same request with one field (body property, query parameter, path id or
/// header) replaced by each value of a corpus of hostile values for that field's type, plus whole-body attacks. Every
/// answer must be below 500 and, when refused, problem+json naming a field where the refusal is a 400; a refused
/// request must leave every stored stream as it was; and afterwards no log line may record an unhandled exception.
/// </summary>
internal sealed class HostileWalk(HttpClient client, string postgres, CapturedLogs logs, ITestOutputHelper output)
{
    private static readonly string[] Roles = ["regulator", "applicant", "integration", "auditor", ""];
    private const string Ogrn = "1027700132195";

    private readonly List<string> _failures = [];
    private JsonElement _document;
    private int _requests;

    private static readonly JsonNode?[] HostileStrings =
    [
        "\u0000", "a\u0000b", "\u0001\u0007", "tab\there", "line\nbreak", "\u202Eevil\u202C", "zero\u200Bwidth", "\uFEFF",
        "", " ", new string('a', 10_001), "Иван Петрович Сидоров", "😀🚑", "שלום עולם", "مرحبا",
        "'; drop table mt_events; --", "\"}{\"injected\":true", "{\"$ne\":null}", "<script>alert(1)</script>", "%00", "../../etc/passwd",
        "0001-01-01", "9999-12-31T23:59:59Z", "NaN", "-1", "00000000-0000-0000-0000-000000000000",
    ];

    private static readonly JsonNode?[] HostileNumbers =
    [
        -1, 0, int.MaxValue, int.MinValue, long.MaxValue, 1.5, 7.9e28m, -7.9e28m, 1e300, "1", null, true,
    ];

    private static readonly JsonNode?[] HostileDates =
    [
        "0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01", "2026-02-30", "2026-13-01", "20260101", "", 20260101, null,
    ];

    private static readonly JsonNode?[] HostileInstants =
    [
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "9999-12-31T23:59:59.9999999-14:00", "2026-03-14T09:30:00",
        "2026-03-14T09:30:00+03:00", "yesterday", "", 0, null,
    ];

    private static readonly JsonNode?[] HostileIds = ["00000000-0000-0000-0000-000000000000", "not-a-guid", "", 1, null];

    private static readonly string[] HostileQueryValues =
    [
        "\u0000", "%00", "a\u202Eb", "2147483647", "-2147483648", "99999999999999999999", "-1", "0", "a, b", "A",
        "0001-01-01", "9999-12-31T23:59:59Z", "00000000-0000-0000-0000-000000000000", new string('q', 5000), "' or 1=1 --",
    ];

    public async Task RunAsync()
    {
        _document = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json")).RootElement;
        var operations = 0;
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is not ("get" or "post" or "put" or "patch" or "delete")) continue;
                operations++;
                await WalkAsync(path.Name, operation.Name.ToUpperInvariant(), operation.Value);
            }
        var unhandled = logs.Lines.Where(l => l.Contains("Unhandled", StringComparison.OrdinalIgnoreCase) ||
            l.StartsWith("Error Microsoft.AspNetCore", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        _failures.AddRange(unhandled.Select(l => $"log: {l[..Math.Min(l.Length, 400)]}"));
        output.WriteLine($"{operations} operations, {_requests} requests, {_failures.Count} failures");
        foreach (var failure in _failures) output.WriteLine("FAILURE " + failure);
        Assert.True(operations > 5, "the OpenAPI document lists the service's operations");
        Assert.True(_failures.Count == 0, string.Join("\n", _failures.Take(40)));
    }

    private async Task WalkAsync(string template, string method, JsonElement operation)
    {
        var parameters = operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
        var bodySchema = operation.TryGetProperty("requestBody", out var rb) && rb.TryGetProperty("content", out var content) &&
            content.TryGetProperty("application/json", out var json) && json.TryGetProperty("schema", out var schema)
            ? schema
            : (JsonElement?)null;
        var body = bodySchema is { } s ? Sample(s, 0) : null;
        var baseline = new Request(method, template, parameters.ToDictionary(Name, SampleParameter), body, null);

        // The role that gets past authorization; the walk then speaks as that caller.
        string? token = null;
        HttpStatusCode baselineStatus = HttpStatusCode.Unauthorized;
        foreach (var role in Roles)
        {
            token = Token(role);
            var (status, _) = await SendAsync(baseline with { Token = token }, "baseline", expectUnchanged: false);
            baselineStatus = status;
            if (status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)) break;
        }
        var request = baseline with { Token = token };

        foreach (var parameter in parameters)
        {
            var name = Name(parameter);
            var @in = parameter.GetProperty("in").GetString();
            var values = @in == "path" ? ["00000000-0000-0000-0000-000000000000", "not-a-guid", "%00", "2147483647"] : HostileQueryValues;
            foreach (var value in values)
            {
                var parametersWith = new Dictionary<string, string?>(request.Parameters) { [name] = value };
                await SendAsync(request with { Parameters = parametersWith }, $"{@in} {name}={Show(value)}", expectUnchanged: true,
                    expectedField: baselineStatus == HttpStatusCode.BadRequest || @in == "path" ? null : name);
            }
        }
        await SendAsync(request with { Headers = [("Idempotency-Key", "k\u0001ey")] }, "control character in Idempotency-Key",
            expectUnchanged: true);
        await SendAsync(request with { Headers = [("If-Match", "\"-1\"")] }, "If-Match -1", expectUnchanged: true);

        if (body is null || bodySchema is null) return;
        foreach (var (pointer, schemaOf) in Fields(bodySchema.Value, "", 0))
            foreach (var value in HostileFor(schemaOf))
            {
                var mutated = Replace(body, pointer, value);
                await SendAsync(request with { Body = mutated }, $"{pointer} = {Show(value?.ToJsonString())}", expectUnchanged: true,
                    expectedField: null);
            }

        await SendRawAsync(request, "{\"a\":1,\"a\":2}", "duplicate keys");
        var duplicate = body.ToJsonString();
        if (duplicate.StartsWith('{') && duplicate.Length > 2 && body is JsonObject o && o.Count > 0)
        {
            var first = o.First();
            await SendRawAsync(request, "{" + JsonSerializer.Serialize(first.Key) + ":" + (first.Value?.ToJsonString() ?? "null") + "," +
                duplicate[1..], "duplicate property " + first.Key);
        }
        await SendRawAsync(request, "{", "truncated JSON");
        await SendRawAsync(request, "[]", "array instead of object");
        await SendRawAsync(request, "null", "null body");
        await SendRawAsync(request, "{\"x\":\"\\ud800\"}", "lone surrogate");
        await SendRawAsync(request, "{\"title\":\"" + new string('b', 1_100_000) + "\"}", "body over 1 MiB", chunked: true);
    }

    private async Task SendRawAsync(Request request, string raw, string what, bool chunked = false)
    {
        var content = new StringContent(raw, Encoding.UTF8, "application/json");
        if (chunked) content.Headers.ContentLength = null;
        await SendAsync(request with { Raw = content }, what, expectUnchanged: true);
    }

    private async Task<(HttpStatusCode, JsonElement?)> SendAsync(Request request, string what, bool expectUnchanged,
        string? expectedField = null)
    {
        _requests++;
        var before = expectUnchanged ? await StreamsAsync() : default;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Uri());
        if (request.Token is not null) message.Headers.Authorization = new("Bearer", request.Token);
        foreach (var (name, value) in request.Headers ?? []) message.Headers.TryAddWithoutValidation(name, value);
        if (request.Method is "POST" or "PUT" or "PATCH")
        {
            message.Content = request.Raw ?? new StringContent(request.Body?.ToJsonString() ?? "{}", Encoding.UTF8, "application/json");
            if (request.Raw is null && request.Body is null) message.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            if (!message.Headers.Contains("Idempotency-Key")) message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or UriFormatException)
        {
            _failures.Add($"{request.Method} {request.Template} [{what}]: the request failed: {e.GetType().Name} {e.Message}");
            return (0, null);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var where = $"{request.Method} {request.Template} [{what}]";
            if (status >= 500) _failures.Add($"{where}: {status} {text[..Math.Min(text.Length, 300)]}");
            JsonElement? problem = null;
            if (status >= 400)
            {
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    _failures.Add($"{where}: {status} without problem+json ({response.Content.Headers.ContentType})");
                else
                {
                    problem = JsonDocument.Parse(text).RootElement;
                    if (status == 400 && expectedField is not null &&
                        !(problem.Value.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(
                            e => e.Name.Equals(expectedField, StringComparison.OrdinalIgnoreCase))))
                        _failures.Add($"{where}: 400 does not name '{expectedField}': {text[..Math.Min(text.Length, 300)]}");
                }
                if (expectUnchanged && before != await StreamsAsync())
                    _failures.Add($"{where}: refused with {status}, yet a stored stream changed");
            }
            return (response.StatusCode, problem);
        }
    }

    /// <summary>The streams the audit checkpointer appends to in the background, whatever requests do.</summary>
    private static readonly Guid[] CheckpointAnnouncements = [.. new[]
        { ServiceNames.SandboxApplications, ServiceNames.AiSystemRegistry, ServiceNames.IncidentClaims }.Select(AuditCheckpointRecorded.StreamOf)];

    /// <summary>How many streams there are and their versions added up: any append or new stream changes it.</summary>
    private async Task<(long, long)> StreamsAsync()
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*), coalesce(sum(version), 0)::bigint from mt_streams where id <> all(@announcements)", connection);
        command.Parameters.AddWithValue("announcements", CheckpointAnnouncements);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static string? Token(string role) => role switch
    {
        "regulator" => Tokens.Regulator(),
        "applicant" => Tokens.Applicant(Ogrn),
        "integration" => Tokens.Integration("hostile-portal"),
        "auditor" => Tokens.Auditor(),
        _ => null,
    };

    private static string Name(JsonElement parameter) => parameter.GetProperty("name").GetString()!;

    private string? SampleParameter(JsonElement parameter)
    {
        var schema = parameter.TryGetProperty("schema", out var s) ? Resolve(s) : default;
        var format = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (parameter.GetProperty("in").GetString() == "path") return Guid.NewGuid().ToString();
        return format switch
        {
            "uuid" => Guid.NewGuid().ToString(),
            "date" => "2026-03-14",
            "date-time" => "2026-03-14T09:30:00Z",
            _ => null, // optional query parameters are left out of the plausible request
        };
    }

    private JsonElement Resolve(JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/').Last();
            schema = _document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("allOf", out var all) && all.GetArrayLength() == 1)
            return Resolve(all[0]);
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("oneOf", out var one) && one.GetArrayLength() > 0)
            return Resolve(one[0]);
        return schema;
    }

    private static string? Type(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type)) return null;
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null")
            : type.GetString();
    }

    /// <summary>A plausible value for a schema: what a careful client would send.</summary>
    private JsonNode? Sample(JsonElement schema, int depth)
    {
        schema = Resolve(schema);
        if (depth > 6 || schema.ValueKind != JsonValueKind.Object) return null;
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0) return JsonNode.Parse(values[0].GetRawText());
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (Type(schema))
        {
            case "object" or null when schema.TryGetProperty("properties", out var properties):
                var o = new JsonObject();
                foreach (var property in properties.EnumerateObject())
                    o[property.Name] = SampleProperty(property.Name, property.Value, depth);
                return o;
            case "array":
                return schema.TryGetProperty("items", out var items) ? new JsonArray(Sample(items, depth + 1)) : new JsonArray();
            case "string":
                return format switch
                {
                    "uuid" => Guid.NewGuid().ToString(),
                    "date" => "2026-03-14",
                    "date-time" => "2026-03-14T09:30:00+03:00",
                    _ => "plausible text",
                };
            case "integer":
                return 1;
            case "number":
                return 1000;
            case "boolean":
                return true;
            default:
                return null;
        }
    }

    private JsonNode? SampleProperty(string name, JsonElement schema, int depth) => name switch
    {
        "ogrn" or "companyOgrn" or "ownerOgrn" => Ogrn,
        "inn" => "7707083893",
        "insurerInn" => "7705042179",
        "currency" => "RUB",
        "email" => "office@aero.example",
        "phone" => "+7 495 123-45-67",
        "artifactSha256" or "sha256" => new string('a', 64),
        "regionCode" => "77",
        "version" => "1.0.0",
        "territory" => new JsonArray("77"),
        _ => Sample(schema, depth + 1),
    };

    /// <summary>Every field of a body schema, as a path of property names and array indexes, with its schema.</summary>
    private IEnumerable<(string Pointer, JsonElement Schema)> Fields(JsonElement schema, string pointer, int depth)
    {
        schema = Resolve(schema);
        if (depth > 4 || schema.ValueKind != JsonValueKind.Object) yield break;
        if (pointer.Length > 0) yield return (pointer, schema);
        if (schema.TryGetProperty("properties", out var properties))
            foreach (var property in properties.EnumerateObject())
                foreach (var field in Fields(property.Value, $"{pointer}/{property.Name}", depth + 1))
                    yield return field;
        if (Type(schema) == "array" && schema.TryGetProperty("items", out var items))
            foreach (var field in Fields(items, $"{pointer}/0", depth + 1))
                yield return field;
    }

    private IEnumerable<JsonNode?> HostileFor(JsonElement schema)
    {
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 1)
        {
            var first = values[0].GetString()!;
            var second = values[1].GetString()!;
            return [$"{first}, {second}", $"{first},{second}", first.ToUpperInvariant(), $" {first} ", "1", 1, "", null, "unknownValue"];
        }
        return Type(schema) switch
        {
            "string" when format == "uuid" => HostileIds,
            "string" when format == "date" => HostileDates,
            "string" when format == "date-time" => HostileInstants,
            "string" => HostileStrings,
            "integer" or "number" => HostileNumbers,
            "array" => [new JsonArray((JsonNode?)null), new JsonArray(Enumerable.Range(0, 101).Select(_ => (JsonNode?)"x").ToArray()),
                new JsonArray(), "not an array", null],
            "object" => [null, "not an object", new JsonArray(), new JsonObject()],
            "boolean" => ["true", 1, null],
            _ => [null],
        };
    }

    private static JsonNode Replace(JsonNode body, string pointer, JsonNode? value)
    {
        var copy = body.DeepClone();
        var segments = pointer.Trim('/').Split('/');
        JsonNode? parent = copy;
        foreach (var segment in segments[..^1])
        {
            parent = parent switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (parent is null) return copy;
        }
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value?.DeepClone();
                break;
            case JsonArray a when int.TryParse(last, out var i) && i < a.Count:
                a[i] = value?.DeepClone();
                break;
        }
        return copy;
    }

    private static string Show(string? value) =>
        value is null ? "null" : value.Length > 40 ? value[..20] + $"…({value.Length} chars)" : JsonSerializer.Serialize(value);

    private sealed record Request(string Method, string Template, Dictionary<string, string?> Parameters, JsonNode? Body,
        string? Token, (string, string)[]? Headers = null, HttpContent? Raw = null)
    {
        public string Uri()
        {
            var path = Template;
            var query = new List<string>();
            foreach (var (name, value) in Parameters)
            {
                if (path.Contains("{" + name + "}"))
                    path = path.Replace("{" + name + "}", System.Uri.EscapeDataString(value ?? Guid.NewGuid().ToString()));
                else if (value is not null)
                    query.Add($"{System.Uri.EscapeDataString(name)}={System.Uri.EscapeDataString(value)}");
            }
            return query.Count == 0 ? path : path + "?" + string.Join('&', query);
        }
    }
}
