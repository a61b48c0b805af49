using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Marten;
using Npgsql;

namespace SandboxRegistry.Benchmarks;

/// <summary>
/// Issue 19 part 6: the service's peak resident set while it streams an export of 100,000 incidents, per format. Seeds a
/// scratch database through IncidentClaims' own store configuration, then, for each format and run, starts a fresh
/// IncidentClaims process on it (its Release build, Development settings, a scratch RabbitMQ virtual host), waits until it
/// is ready and idle, reads the whole export over HTTP and records the process's VmHWM (the highest RSS since it started),
/// so every figure is one export's. Nothing else runs in that process meanwhile: the first start, not counted, lets the
/// outbox forward the seeded reports and the audit checkpoint cover them. The scratch database and virtual host are
/// dropped at the end.
/// </summary>
public static class ExportBenchmark
{
    public static readonly string[] Formats =
    [
        "/api/v1/exports/oecd/incidents", "/api/v1/exports/aiid/incidents.csv", "/api/v1/exports/aiid/reports.csv",
        "/api/v1/exports/open-data/incidents.csv", "/api/v1/exports/open-data/incidents.json",
    ];

    /// <param name="reuse">A database of that name is seeded once and kept for later runs (a seed of 100,000 incidents
    /// takes minutes); without it a scratch database is created and dropped.</param>
    public static async Task<IReadOnlyList<Figure>> RunAsync(Endpoints endpoints, int incidents, int runs, string? reuse = null)
    {
        var database = reuse ?? $"bench_exports_{Guid.NewGuid():N}"[..32];
        var connectionString = endpoints.Database(database);
        var seed = reuse is null || !await ServiceBenchmarks.DatabaseExistsAsync(endpoints.AdminPostgres, reuse);
        if (seed) await ServiceBenchmarks.AdminAsync(endpoints.AdminPostgres, $"create database {database}");
        if (reuse is null) ServiceBenchmarks.DropLater(database);
        var vhost = await Broker.CreateVirtualHostAsync("bench-exports");
        var figures = new List<Figure>();
        try
        {
            var seeding = Stopwatch.StartNew();
            if (!seed) figures.Add(new Figure("exports: incidents seeded", $"reused {database}", null, null));
            else await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            using (var store = DocumentStore.For(opts =>
                   {
                       opts.Connection(dataSource);
                       ServiceBenchmarks.ConfigureIncidentClaimsStore(opts);
                   }))
            {
                await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await ServiceBenchmarks.SeedAsync(store, incidents);
                figures.Add(new Figure("exports: incidents seeded", $"{incidents:N0} in {seeding.Elapsed.TotalSeconds:F0} s (database {database})",
                    null, null));
            }

            await using (var warm = await ServiceProcess.StartAsync(endpoints.RepoRoot, connectionString, vhost))
                await ServiceBenchmarks.Drain(connectionString, TimeSpan.FromMinutes(20));

            foreach (var path in Formats)
            {
                var peaks = new List<double>();
                var details = new List<string>();
                for (var run = 0; run < runs; run++)
                {
                    await using var service = await ServiceProcess.StartAsync(endpoints.RepoRoot, connectionString, vhost);
                    var idle = service.PeakKb() / 1024.0;
                    var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
                    var busyBefore = Endpoints.MachineBusySeconds();
                    using var client = Http.Client(1, service.Url, Http.Token("regulator"));
                    client.Timeout = TimeSpan.FromMinutes(20);
                    var timer = Stopwatch.StartNew();
                    using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    var buffer = new byte[64 * 1024];
                    long bytes = 0;
                    for (int n; (n = await body.ReadAsync(buffer)) > 0;) bytes += n;
                    timer.Stop();
                    var busy = (Endpoints.MachineBusySeconds() - busyBefore) / (timer.Elapsed.TotalSeconds * Environment.ProcessorCount);
                    var peak = service.PeakKb() / 1024.0;
                    peaks.Add(peak);
                    details.Add($"{(int)response.StatusCode} {bytes / 1024.0 / 1024.0:N1} MB in {timer.Elapsed.TotalSeconds:F1} s, peak {peak:N0} MB " +
                                $"(idle after start {idle:N0} MB), load average {load}, machine busy {busy:P0}");
                    Console.WriteLine($"  {path} run {run + 1}: {details[^1]}");
                    if (response.StatusCode != HttpStatusCode.OK) peaks[^1] = double.MaxValue;
                }
                var sorted = peaks.Order().ToList();
                var median = sorted[sorted.Count / 2];
                figures.Add(new Figure($"export {path}: peak RSS", $"median {median:N0} MB (range {sorted[0]:N0}-{sorted[^1]:N0} MB, {runs} runs); " +
                                                                   string.Join("; ", details), "≤ 256 MB", sorted[^1] <= 256));
            }
        }
        finally
        {
            await Broker.DeleteVirtualHostAsync(vhost);
        }
        return figures;
    }

    /// <summary>One IncidentClaims process from its Release build, on free ports, stopped (by its own id) when disposed.</summary>
    private sealed class ServiceProcess(Process process, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<ServiceProcess> StartAsync(string root, string connectionString, string rabbit)
        {
            var directory = Path.Combine(root, "services", "IncidentClaims", "bin", "Release", "net10.0");
            var (port, metrics) = (FreePort(), FreePort());
            var start = new ProcessStartInfo("dotnet", ["IncidentClaims.dll", "--urls", $"http://127.0.0.1:{port};http://127.0.0.1:{metrics}"])
            {
                WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                Environment =
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Development",
                    ["ConnectionStrings__Postgres"] = connectionString,
                    ["ConnectionStrings__RabbitMq"] = rabbit,
                    ["Metrics__Port"] = metrics.ToString(),
                    ["Logging__LogLevel__Default"] = "Warning",
                },
            };
            var process = Process.Start(start) ?? throw new InvalidOperationException("IncidentClaims did not start.");
            // The last lines it wrote, for the message when it exits before it is ready.
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            void Keep(string? line)
            {
                if (line is null) return;
                output.Enqueue(line);
                while (output.Count > 40) output.TryDequeue(out _);
            }
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var service = new ServiceProcess(process, $"http://127.0.0.1:{port}");
            using var probe = new HttpClient { BaseAddress = new Uri(service.Url), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException(
                    $"IncidentClaims exited with {process.ExitCode} before it was ready; its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
                try
                {
                    if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode) break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // not listening yet
                }
                if (deadline.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException("IncidentClaims was not ready within 3 minutes.");
                await Task.Delay(250); // poll interval of a wait that has its own deadline
            }
            await ServiceBenchmarks.Drain(connectionString, TimeSpan.FromMinutes(5));
            return service;
        }

        public long PeakKb()
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:"));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(); // this process only, by its id
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
