using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace SandboxRegistry.Benchmarks;

/// <summary>
/// Where the services started by deploy/up.sh listen and store, and how to call them. SANDBOX_BENCH_INCIDENTS_URL,
/// SANDBOX_BENCH_REGISTRY_URL, SANDBOX_BENCH_INCIDENTS_DB, SANDBOX_BENCH_REGISTRY_DB and SANDBOX_BENCH_PIDS (a directory of
/// NAME.pid files) point the tool at services started some other way, e.g. on other ports and databases.
/// </summary>
public sealed record Endpoints(string AdminPostgres, string RepoRoot)
{
    public static readonly string IncidentClaimsUrl = Environment.GetEnvironmentVariable("SANDBOX_BENCH_INCIDENTS_URL") ?? "http://127.0.0.1:5103";
    public static readonly string AiSystemRegistryUrl = Environment.GetEnvironmentVariable("SANDBOX_BENCH_REGISTRY_URL") ?? "http://127.0.0.1:5102";

    public string Database(string name) => new NpgsqlConnectionStringBuilder(AdminPostgres) { Database = name }.ConnectionString;
    public string IncidentClaimsDb => Database(Environment.GetEnvironmentVariable("SANDBOX_BENCH_INCIDENTS_DB") ?? "incident_claims");
    public string AiSystemRegistryDb => Database(Environment.GetEnvironmentVariable("SANDBOX_BENCH_REGISTRY_DB") ?? "ai_system_registry");
    private string PidDirectory => Environment.GetEnvironmentVariable("SANDBOX_BENCH_PIDS") ?? Path.Combine(RepoRoot, ".run", "pids");

    /// <summary>CPU seconds (user + system) each service has used so far, from /proc/&lt;pid&gt;/stat.</summary>
    public Dictionary<string, double> CpuSeconds()
    {
        var result = new Dictionary<string, double>();
        var pids = PidDirectory;
        if (!Directory.Exists(pids)) return result;
        foreach (var file in Directory.GetFiles(pids, "*.pid").Order())
        {
            var stat = $"/proc/{File.ReadAllText(file).Trim()}/stat";
            if (!File.Exists(stat)) continue;
            var fields = File.ReadAllText(stat).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            result[Path.GetFileNameWithoutExtension(file)] = (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // USER_HZ
        }
        return result;
    }

    /// <summary>Busy CPU seconds of the whole machine (all processes), from /proc/stat.</summary>
    public static double MachineBusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (fields.Sum() - fields[3] - fields[4]) / 100.0; // all but idle and iowait
    }

    /// <summary>Peak resident set (VmHWM) of each service started by up.sh, from .run/pids.</summary>
    public IEnumerable<(string Service, long PeakKb)> PeakRss()
    {
        var pids = PidDirectory;
        if (!Directory.Exists(pids)) yield break;
        foreach (var file in Directory.GetFiles(pids, "*.pid").Order())
        {
            var pid = File.ReadAllText(file).Trim();
            var status = $"/proc/{pid}/status";
            if (!File.Exists(status)) continue;
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:"));
            if (line is null) continue;
            yield return (Path.GetFileNameWithoutExtension(file), long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
        }
    }
}

public static class Http
{
    public static HttpClient Client(int connections, string baseUrl, string token) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestHeaders = { Authorization = new("Bearer", token) },
            DefaultRequestVersion = HttpVersion.Version11,
        };

    /// <summary>The development JWT deploy/token.sh prints (the services accept it in the Development environment).</summary>
    public static string Token(string role, string? clientId = null, string? org = null, string? subject = null)
    {
        var key = Environment.GetEnvironmentVariable("SANDBOX_DEV_SIGNING_KEY") ?? "sandbox-registry-development-signing-key-not-for-production";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new Dictionary<string, object>
        {
            ["iss"] = "sandbox-registry-dev", ["aud"] = "sandbox-registry", ["sub"] = subject ?? $"bench-{role}-{clientId}", ["role"] = role,
            ["iat"] = now, ["nbf"] = now, ["exp"] = now + 4 * 3600,
        };
        if (clientId is not null) payload["client_id"] = clientId;
        if (org is not null) payload["org"] = org;
        var unsigned = $"{B64("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray())}.{B64(JsonSerializer.SerializeToUtf8Bytes(payload))}";
        return $"{unsigned}.{B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(unsigned)))}";
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A valid report that claims a registry system, so AiSystemRegistry keeps it.</summary>
    public static byte[] ReportBody(Guid claimedSystem) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["channel"] = "statePortal",
        ["title"] = "Drone fell on a pedestrian",
        ["description"] = "A delivery drone lost power over the street.",
        ["aiInvolvement"] = "The autopilot chose to fly over the crowd.",
        ["occurredAt"] = DateTimeOffset.UtcNow.AddDays(-2),
        ["location"] = new { regionCode = "77", address = "Tverskaya 1" },
        ["harms"] = new object[] { new { type = "injuryToHealth", severity = "serious", personsAffected = 1, estimatedDamage = new { amount = 120_000m, currency = "RUB" } } },
        ["aiSystem"] = new { registryId = claimedSystem, version = "1.0" },
        ["evidence"] = new object[] { new { fileName = "photo.jpg", mediaType = "image/jpeg", size = 2048, sha256 = new string('a', 64) } },
        ["reporter"] = new { fullName = "Ivan Petrov", contacts = new { email = "ivan.petrov@example.ru" }, consentToProcessing = true },
    });

    public static HttpRequestMessage Report(byte[] body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    public static async Task<Guid> IncidentId(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
}

public static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static async Task<long> ScalarAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L);
    }
}
