using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SandboxRegistry.Benchmarks;

/// <summary>
/// The RabbitMQ management API on 127.0.0.1:15672 (user sandbox/sandbox), virtual host "/" (SANDBOX_BENCH_RABBIT_VHOST
/// names another, the one the services use).
/// </summary>
public static class Broker
{
    private static readonly string VirtualHost = Uri.EscapeDataString(Environment.GetEnvironmentVariable("SANDBOX_BENCH_RABBIT_VHOST") ?? "/");

    public static HttpClient Client() => new()
    {
        BaseAddress = new Uri(Environment.GetEnvironmentVariable("SANDBOX_BENCH_RABBIT_API") ?? "http://127.0.0.1:15672/"),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("sandbox:sandbox"))) },
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>
    /// Every queue of the virtual host with its messages, as the queues themselves count them (disable_stats with
    /// enable_queue_totals): RabbitMQ 3.10's management statistics database answers 500 (badkey in list_queue_stats) for
    /// a quorum queue whose statistics a node has not collected, which a cluster whose nodes were stopped and started
    /// again did for minutes. A 5xx is still asked again, up to a minute.
    /// </summary>
    public static async Task<Dictionary<string, long>> QueuesAsync()
    {
        using var client = Client();
        var deadline = Stopwatch.StartNew();
        JsonElement queues;
        while (true)
        {
            using var response = await client.GetAsync($"api/queues/{VirtualHost}?disable_stats=true&enable_queue_totals=true");
            if ((int)response.StatusCode >= 500 && deadline.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(TimeSpan.FromSeconds(1)); // the management API's own recovery, which nothing signals
                continue;
            }
            response.EnsureSuccessStatusCode();
            queues = await response.Content.ReadFromJsonAsync<JsonElement>();
            break;
        }
        return queues.EnumerateArray().ToDictionary(q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
    }

    /// <summary>Creates a scratch virtual host (the user sandbox may use it) and returns its amqp URI.</summary>
    public static async Task<string> CreateVirtualHostAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        using var client = Client();
        (await client.PutAsync($"api/vhosts/{Uri.EscapeDataString(name)}", null)).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"api/permissions/{Uri.EscapeDataString(name)}/sandbox",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return $"amqp://sandbox:sandbox@127.0.0.1:5672/{Uri.EscapeDataString(name)}";
    }

    public static async Task DeleteVirtualHostAsync(string amqp)
    {
        using var client = Client();
        await client.DeleteAsync($"api/vhosts/{new Uri(amqp).AbsolutePath.TrimStart('/')}");
    }

    public static async Task<Dictionary<string, long>> ErrorQueuesAsync() =>
        (await QueuesAsync()).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal)).ToDictionary();

    /// <summary>Waits until the services' integration queues hold nothing (delivered and acknowledged).</summary>
    public static async Task WaitUntilEmpty(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            try
            {
                var queues = await QueuesAsync();
                if (queues.Where(q => q.Key.Contains("-integration-events", StringComparison.Ordinal) && !q.Key.Contains('_')).All(q => q.Value == 0)) return;
            }
            catch (HttpRequestException)
            {
                // the broker is restarting
            }
            await Task.Delay(250); // poll interval of a wait that has its own deadline
        }
        Console.WriteLine($"warning: integration queues still held messages after {timeout.TotalSeconds:F0} s");
    }
}
