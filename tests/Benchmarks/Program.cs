using SandboxRegistry.Benchmarks;

// Usage: dotnet run -c Release --project tests/Benchmarks -- [audit] [--events N]
// Needs PostgreSQL (deploy/dependencies.sh starts it); SANDBOX_BENCH_POSTGRES overrides the admin connection.
var admin = Environment.GetEnvironmentVariable("SANDBOX_BENCH_POSTGRES")
            ?? "Host=127.0.0.1;Port=5432;Username=sandbox;Password=sandbox;Database=postgres";
var events = args.SkipWhile(a => a != "--events").Skip(1).Select(int.Parse).FirstOrDefault(100_000);

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
var figures = await AuditVerificationBenchmark.RunAsync(admin, events);
foreach (var figure in figures) Console.WriteLine(figure);

public sealed record Figure(string Name, string Measured, string? Target, bool? Met)
{
    public override string ToString() =>
        Target is null ? $"{Name}: {Measured}" : $"{Name}: {Measured}; target {Target}: {(Met == true ? "MET" : "NOT MET")}";
}
