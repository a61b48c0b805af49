using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using static SandboxRegistry.EndToEnd.Tests.Scenario;
using Applications = SandboxRegistry.SandboxApplications.ServiceMarker;
using Incidents = SandboxRegistry.IncidentClaims.ServiceMarker;
using Registry = SandboxRegistry.AiSystemRegistry.ServiceMarker;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// Backup and restore with deploy/postgres-backup.sh: the three services on a scratch PostgreSQL cluster that archives
/// its WAL (port 5462), a base backup, more traffic, then restores into fresh clusters. A service started on the
/// restored database verifies its audit trail against the checkpoints the other two services witnessed on the
/// original: restored to the end of the archive, all of them agree; restored to an earlier instant, the witnesses
/// name exactly the checkpoints whose events the restore does not have.
/// </summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private const int SourcePort = 5462, FullRestorePort = 5463, EarlierRestorePort = 5464;
    private const string Portal = "gosuslugi-backup";

    private static readonly string Root = FindRoot();
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!, _restoredVhost = null!;
    private readonly List<IAsyncDisposable> _hosts = [];
    private ServiceHost<Applications> _applications = null!;
    private ServiceHost<Registry> _registry = null!;
    private ServiceHost<Incidents> _incidents = null!;

    private static IReadOnlyDictionary<string, string?> AuditSettings => SystemFixture.AuditSettings;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("backup");
        _restoredVhost = await _infrastructure.CreateVirtualHostAsync("restored");
        await Script("scratch", SourcePort.ToString());
        await Script("drop", FullRestorePort.ToString());
        await Script("drop", EarlierRestorePort.ToString());

        _applications = Track(new ServiceHost<Applications>(await CreateDatabase(SourcePort, "sandbox_applications"), _vhost, AuditSettings,
            Peers(ServiceNames.SandboxApplications)));
        _registry = Track(new ServiceHost<Registry>(await CreateDatabase(SourcePort, "ai_system_registry"), _vhost, AuditSettings,
            Peers(ServiceNames.AiSystemRegistry)));
        _incidents = Track(new ServiceHost<Incidents>(await CreateDatabase(SourcePort, "incident_claims"), _vhost, AuditSettings,
            Peers(ServiceNames.IncidentClaims)));
        await _registry.WaitUntilReadyAsync();
        await _incidents.WaitUntilReadyAsync();
        await _applications.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts)) await host.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        foreach (var port in new[] { EarlierRestorePort, FullRestorePort, SourcePort }) await Script("drop", port.ToString());
        await _infrastructure.DeleteVirtualHostAsync(_restoredVhost);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }

    [Fact]
    public async Task A_restored_service_verifies_against_what_the_other_services_witnessed()
    {
        // Before the base backup, after it, and after the instant the earlier restore goes back to.
        await Report(3, "before the backup");
        await WitnessedThroughTheEnd();
        await Script("base", SourcePort.ToString());
        await Report(3, "after the backup");
        var throughFirst = await WitnessedThroughTheEnd();
        var instant = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromMilliseconds(50)); // commits after this are strictly later than the instant
        await Report(3, "after the restore point");
        var throughEnd = await WitnessedThroughTheEnd();
        var original = await Verify(_incidents);
        Assert.True(original.GetProperty("valid").GetBoolean(), original.ToString());

        // Restored to the end of the archive: everything is there and both witnesses agree with every checkpoint.
        await Script("restore", SourcePort.ToString(), FullRestorePort.ToString());
        var full = await Verify(await Restored(FullRestorePort));
        Assert.True(full.GetProperty("valid").GetBoolean(), full.ToString());
        Assert.Equal(original.GetProperty("eventsChecked").GetInt64(), full.GetProperty("eventsChecked").GetInt64());
        Assert.Equal(original.GetProperty("runningHash").GetString(), full.GetProperty("runningHash").GetString());
        Assert.All(full.GetProperty("witnesses").EnumerateArray(), w =>
            Assert.Equal(("agrees", true), (w.GetProperty("status").GetString(), w.GetProperty("compared").GetInt32() > 0)));

        // Restored to the instant after the first six reports: the witnesses still hold checkpoints of the last three,
        // and exactly those disagree with the restored store: the loss is visible, not silent.
        await Script("restore", SourcePort.ToString(), EarlierRestorePort.ToString(), instant.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00"));
        var restored = await Restored(EarlierRestorePort);
        var earlier = await Verify(restored);
        var lastOriginal = await LastSequence(_incidents.Postgres, announcements: true);
        // The restored store ends with the first six reports (and the announcement of the checkpoint over them, when it
        // committed before the instant), and verification reads it to its end.
        Assert.Equal(throughFirst, await LastSequence(restored.Postgres, announcements: false));
        Assert.Equal(await LastSequence(restored.Postgres, announcements: true), earlier.GetProperty("verifiedThroughSequence").GetInt64());
        Assert.False(earlier.GetProperty("valid").GetBoolean());
        Assert.Empty(earlier.GetProperty("checkpointMismatches").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, earlier.GetProperty("firstBrokenEvent").ValueKind);
        foreach (var witness in earlier.GetProperty("witnesses").EnumerateArray())
        {
            Assert.Equal("disagrees", witness.GetProperty("status").GetString());
            var lost = witness.GetProperty("disagreements").EnumerateArray().Select(d => d.GetProperty("sequence").GetInt64()).ToArray();
            Assert.NotEmpty(lost);
            // The reports after the instant, and the announcements the running service appended since (a later checkpoint
            // covers those too): nothing at or before the instant.
            Assert.All(lost, sequence => Assert.InRange(sequence, throughFirst + 1, Math.Max(throughEnd, lastOriginal)));
        }
        var incidents = await restored.Client(Tokens.Regulator()).GetFromJsonAsync<JsonElement>("/api/v1/incidents?pageSize=100");
        Assert.Equal(6, incidents.GetProperty("total").GetInt32());
    }

    private T Track<T>(T host) where T : IAsyncDisposable
    {
        _hosts.Add(host);
        return host;
    }

    private int _reports;

    private async Task Report(int count, string when)
    {
        var portal = _incidents.Client(Tokens.Integration(Portal));
        for (var i = 0; i < count; i++)
        {
            var n = ++_reports;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
            {
                Content = JsonContent.Create(new
                {
                    channel = "statePortal", title = $"Report {n} ({when})", description = "A delivery robot hit a parked car.",
                    aiInvolvement = "The robot's planner misjudged the gap.", occurredAt = DateTimeOffset.UtcNow.AddDays(-1),
                    location = new { regionCode = "77", address = "Tverskaya 1" },
                    harms = new[] { new { type = "damageToPersonProperty", severity = "minor", personsAffected = 1,
                        estimatedDamage = new { amount = 20_000m, currency = "RUB" } } },
                    aiSystem = new { name = "RoboCourier" },
                    reporter = new { fullName = "Anna Smirnova", contacts = new { phone = "+79990002233" }, consentToProcessing = true },
                }),
            };
            request.Headers.Add("Idempotency-Key", $"backup-{n}");
            await Ok(portal.SendAsync(request), HttpStatusCode.Created);
        }
    }

    /// <summary>
    /// Waits until both witnesses hold a checkpoint of IncidentClaims at its last event (the announcements of checkpoints
    /// aside: the last one is covered only by a checkpoint that later events make due); that sequence.
    /// </summary>
    private async Task<long> WitnessedThroughTheEnd()
    {
        var last = await LastSequence(_incidents.Postgres, announcements: false);
        foreach (var witness in new HttpClient[] { _applications.Client(), _registry.Client() })
            await Eventually.True(async () =>
                    (await witness.AllItems($"/api/v1/audit/witnessed?service={ServiceNames.IncidentClaims}"))
                    .Any(c => c.GetProperty("sequence").GetInt64() >= last),
                TimeSpan.FromSeconds(60), $"both witnesses should hold a checkpoint at sequence {last}");
        return last;
    }

    /// <summary>The last event's sequence, with or without the announcements of checkpoints.</summary>
    private static async Task<long> LastSequence(string postgres, bool announcements)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select max(seq_id) from mt_events" +
            (announcements ? "" : $" where type <> '{SandboxRegistry.EventSourcing.Audit.AuditCheckpointRecorded.TypeName}'"), connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<JsonElement> Verify(ServiceHost<Incidents> host) =>
        await host.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");

    /// <summary>IncidentClaims on a restored database, on a virtual host of its own, asking the original witnesses.</summary>
    private async Task<ServiceHost<Incidents>> Restored(int port)
    {
        var builder = new NpgsqlConnectionStringBuilder(_incidents.Postgres) { Port = port };
        var host = Track(new ServiceHost<Incidents>(builder.ConnectionString, _restoredVhost, AuditSettings, Peers(ServiceNames.IncidentClaims)));
        await host.WaitUntilReadyAsync();
        return host;
    }

    private Action<IServiceCollection> Peers(string self) => SystemFixture.Peers(self,
        () => _applications.Server.CreateHandler(), () => _registry.Server.CreateHandler(), () => _incidents.Server.CreateHandler());

    private static async Task<string> CreateDatabase(int port, string name)
    {
        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "sandbox", Password = "sandbox", Database = "postgres", SslMode = SslMode.Disable,
        };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"create database {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        admin.Database = name;
        admin.Pooling = true;
        return admin.ConnectionString;
    }

    private static async Task Script(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", ["deploy/postgres-backup.sh", .. arguments])
        {
            WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0,
            $"postgres-backup.sh {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await errors}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SandboxRegistry.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (SandboxRegistry.sln) was not found.");
    }
}
