using System.Text.Json;
using SandboxRegistry.WebConsole.Api;

namespace SandboxRegistry.WebConsole.Tests.Components;

/// <summary>Answers the console's calls from a script, and records what was sent.</summary>
public sealed class FakeApi : IConsoleApi
{
    public Dictionary<string, object> Reads { get; } = new();
    public Func<HttpMethod, string, object?, ApiResult<JsonElement>> OnSend { get; set; } =
        (_, _, _) => new ApiResult<JsonElement>(JsonSerializer.SerializeToElement(new { id = Guid.NewGuid() }), null);
    public List<(HttpMethod Method, Service Service, string Path, JsonElement Body)> Sent { get; } = [];

    /// <summary>Every path read, in order.</summary>
    public List<string> ReadPaths { get; } = [];

    /// <summary>When set, every read is refused with this problem.</summary>
    public Problem? Refusal { get; set; }

    public Task<ApiResult<T>> GetAsync<T>(Service service, string path, CancellationToken ct = default)
    {
        ReadPaths.Add(path);
        if (Refusal is not null) return Task.FromResult(new ApiResult<T>(default, Refusal));
        var key = Reads.Keys.FirstOrDefault(k => path.StartsWith(k, StringComparison.Ordinal));
        return Task.FromResult(key is null
            ? new ApiResult<T>(default, new Problem(404, "Not Found", null, "not-found", new Dictionary<string, string[]>()))
            : new ApiResult<T>(JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(Reads[key], ConsoleApi.Json), ConsoleApi.Json), null));
    }

    public Task<ApiResult<JsonElement>> SendAsync(HttpMethod method, Service service, string path, object? body, CancellationToken ct = default)
    {
        Sent.Add((method, service, path, JsonSerializer.SerializeToElement(body, ConsoleApi.Json)));
        return Task.FromResult(OnSend(method, path, body));
    }

    public static ApiResult<JsonElement> Refused(int status, string code, string title, string? detail = null, Dictionary<string, string[]>? errors = null) =>
        new(default, new Problem(status, title, detail, code, errors ?? new Dictionary<string, string[]>()));
}
