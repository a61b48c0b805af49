using SandboxRegistry.Benchmarks;

// Usage: dotnet run -c Release --project tests/Benchmarks -- MODE [options]
//   audit        [--events N] [--new 1000] [--rounds 3] [--database NAME]   audit verification, full and incremental
//                                                      (PostgreSQL only; --database seeds that database once and reuses it)
//   timetravel   [--incidents 10000] [--deployments 1000] [--reads 1000]   a time-travel read of one AI system (PostgreSQL only)
//   outbox       [--backlog 100000]                    the outbox draining a backlog vs raw RabbitMQ.Client publishing
//                                                      (scratch database and virtual host; no services needed)
//   intake       [--seconds 60] [--connections 64] [--warmup 15]   intake over HTTP (after an uncounted warm-up)
//                                                      plus the raw Marten baseline
//   propagation  [--seconds 30] [--rates 300,1000] [--warmup 15]   201 in IncidentClaims -> applied in AiSystemRegistry
//   dossier      [--incidents 100000] [--seconds 20] [--dossier-connections 8]   dossier reads, that many incidents stored
//   exports      [--incidents 100000]                  the streamed exports of that many incidents, then IncidentClaims' peak RSS
//   export       [--incidents 100000] [--runs 3] [--database NAME]   each export format's peak RSS of its own IncidentClaims process over a scratch
//                                                      database seeded through the service's store (no services needed)
//   services     all four above in one run, then each service's peak RSS (what deploy/benchmark.sh runs);
//                --incidents there is the dossier's stored volume, --timetravel-incidents (10,000) the time-travel system's
//   faults-load  --out FILE [--seconds 20] [--clients 16]   load for deploy/fault-suite.sh
//   faults-check --in FILE                                 the fault suite's checker
//   cluster-faults-load --out FILE [--seconds 60] [--reporters 8] [--scenarios 3] [--stop-file F]   load of deploy/fault-suite.sh --cluster
//   cluster-faults-check --in FILE [--timeline F]          its checker (SANDBOX_BENCH_POSTGRES names both PostgreSQL nodes)
// The service modes need the services started by deploy/up.sh. SANDBOX_BENCH_POSTGRES overrides the admin connection.
var admin = Environment.GetEnvironmentVariable("SANDBOX_BENCH_POSTGRES")
            ?? "Host=127.0.0.1;Port=5432;Username=sandbox;Password=sandbox;Database=postgres;SSL Mode=Disable";
var root = Environment.GetEnvironmentVariable("SANDBOX_ROOT") ?? FindRoot();
var endpoints = new Endpoints(admin, root);
var mode = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "audit";
int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
string? Text(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var connections = Option("--connections", 64);

if (mode is "faults-load")
    return await FaultSuite.LoadAsync(Text("--out") ?? "fault-load.txt", Option("--clients", 16),
        TimeSpan.FromSeconds(Option("--seconds", 20)), TimeSpan.FromSeconds(Option("--answer-within", 180)), Text("--stop-file"));
if (mode is "cluster-faults-load")
    return await ClusterFaults.LoadAsync(Text("--out") ?? "cluster-load.txt", Option("--reporters", 8), Option("--scenarios", 3),
        TimeSpan.FromSeconds(Option("--seconds", 60)), TimeSpan.FromSeconds(Option("--answer-within", 180)), Text("--stop-file"));
if (mode is "cluster-faults-check")
    return await ClusterFaults.CheckAsync(endpoints, Text("--in") ?? "cluster-load.txt", Text("--timeline"));
if (mode is "faults-check")
    return await FaultSuite.CheckAsync(endpoints, Text("--in") ?? "fault-load.txt");

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, " +
                  $"{File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':')[1].Trim()}");
var figures = new List<Figure>();
void Print(IEnumerable<Figure> some) { foreach (var f in some) { Console.WriteLine(f); figures.Add(f); } }

if (mode is "audit")
    Print(await AuditVerificationBenchmark.RunAsync(admin, Option("--events", 100_000), Option("--new", 1000), Option("--rounds", 3),
        Text("--database")));
if (mode is "timetravel" or "services")
    // In "services" mode --incidents is the dossier's stored volume; the time-travel system keeps its 10,000 there.
    Print(await TimeTravelBenchmark.RunAsync(admin, mode is "services" ? Option("--timetravel-incidents", 10_000) : Option("--incidents", 10_000),
        Option("--deployments", 1_000), Option("--reads", 1_000)));
if (mode is "outbox" or "services") Print(await OutboxBenchmark.RunAsync(endpoints, Option("--backlog", 100_000)));
if (mode is "intake" or "services")
{
    var seconds = TimeSpan.FromSeconds(Option("--seconds", 60));
    var warmup = TimeSpan.FromSeconds(Option("--warmup", 15));
    await ServiceBenchmarks.Quiesce(endpoints);
    var (intake, accepted) = await ServiceBenchmarks.IntakeAsync(endpoints, connections, seconds, warmup);
    Print(intake);
    // Let the outbox and the consumers finish the intake's reports before the baseline competes for the same cores.
    await ServiceBenchmarks.Quiesce(endpoints);
    var (baseline, perSecond) = await ServiceBenchmarks.BaselineAsync(endpoints, connections, seconds, warmup);
    Print([baseline]);
    Print([new Figure("intake vs baseline", $"{accepted / perSecond:F2}×", "≥ 3×", accepted >= 3 * perSecond)]);
}
if (mode is "propagation" or "services")
{
    // PropagationAsync warms up and then waits for an idle system itself.
    foreach (var rate in (Text("--rates") ?? Text("--rate") ?? "300,1000").Split(',').Select(int.Parse))
        Print(await ServiceBenchmarks.PropagationAsync(endpoints, rate,
            TimeSpan.FromSeconds(mode is "services" ? Option("--propagation-seconds", 30) : Option("--seconds", 30)),
            TimeSpan.FromSeconds(Option("--warmup", 15))));
}
if (mode is "dossier" or "services")
    Print(await ServiceBenchmarks.DossierAsync(endpoints, Option("--incidents", 100_000), Option("--dossier-connections", 8),
        TimeSpan.FromSeconds(mode is "services" ? Option("--dossier-seconds", 20) : Option("--seconds", 20))));

if (mode is "export") Print(await ExportBenchmark.RunAsync(endpoints, Option("--incidents", 100_000), Option("--runs", 3), Text("--database")));
if (mode is "exports") Print(await ServiceBenchmarks.ExportsAsync(endpoints, Option("--incidents", 100_000)));

if (mode is "intake" or "propagation" or "dossier" or "services")
    Print(ServiceBenchmarks.PeakRss(endpoints)); // after every phase: the highest each service reached in the whole run
await ServiceBenchmarks.DropScratchDatabasesAsync(endpoints);
Console.WriteLine("summary:");
foreach (var f in figures.Where(f => f.Target is not null)) Console.WriteLine($"  {f}");
return figures.Any(f => f.Met == false) ? 2 : 0;

static string FindRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "SandboxRegistry.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

public sealed record Figure(string Name, string Measured, string? Target, bool? Met)
{
    public override string ToString() =>
        Target is null ? $"{Name}: {Measured}" : $"{Name}: {Measured}; target {Target}: {(Met == true ? "MET" : "NOT MET")}";
}
