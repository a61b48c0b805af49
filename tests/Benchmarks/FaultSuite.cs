using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Npgsql;

namespace SandboxRegistry.Benchmarks;

/// <summary>
/// The load and the checker of deploy/fault-suite.sh. The load files reports from several clients; each retries its
/// report with the same Idempotency-Key until it gets an answer, whatever dies meanwhile. The checker then proves
/// from both databases and the broker that nothing was lost or applied twice.
/// </summary>
public static class FaultSuite
{
    private static readonly Guid ClaimedSystem = Guid.Parse("0193a5b0-0000-7000-8000-00000000fa17");

    public static async Task<int> LoadAsync(string output, int clients, TimeSpan duration, TimeSpan answerWithin, string? stopFile)
    {
        var clientId = $"faults-{DateTime.UtcNow:yyyyMMddHHmmss}";
        var errorQueues = await Broker.ErrorQueuesAsync();
        using var client = Http.Client(clients, Endpoints.IncidentClaimsUrl, Http.Token("integration", clientId));
        client.Timeout = TimeSpan.FromSeconds(10);
        var body = Http.ReportBody(ClaimedSystem);
        var answers = new ConcurrentQueue<(string Key, Guid Id, bool Replayed)>();
        var unanswered = new ConcurrentQueue<string>();
        long attempts = 0, retries = 0, refused = 0;
        var run = Stopwatch.StartNew();
        // Load goes on for at least the given time and, with a stop file, until the script has finished its faults.
        var stopped = TimeSpan.MaxValue;
        bool Loading()
        {
            if (run.Elapsed < duration || (stopFile is not null && !File.Exists(stopFile))) return true;
            lock (answers) if (stopped == TimeSpan.MaxValue) stopped = run.Elapsed;
            return false;
        }
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Loading())
            {
                var key = Guid.NewGuid().ToString();
                for (var attempt = 0; ; attempt++)
                {
                    if (run.Elapsed > (stopped == TimeSpan.MaxValue ? run.Elapsed : stopped) + answerWithin) { unanswered.Enqueue(key); return; }
                    Interlocked.Increment(ref attempts);
                    if (attempt > 0) Interlocked.Increment(ref retries);
                    try
                    {
                        using var response = await client.SendAsync(Http.Report(body, key));
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            answers.Enqueue((key, await Http.IncidentId(response), response.Headers.Contains("Idempotent-Replayed")));
                            break;
                        }
                        if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                        {
                            // A refusal is an answer too, but a valid report should never get one: the checker fails on it.
                            Interlocked.Increment(ref refused);
                            Console.WriteLine($"refused {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                            break;
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        // connection refused or reset while a service restarts: retry with the same key
                    }
                    await Task.Delay(200);
                }
            }
        }));

        await using (var file = new StreamWriter(output))
        {
            await file.WriteLineAsync($"client {clientId}");
            await file.WriteLineAsync($"counts attempts={attempts} retries={retries} refused={refused} unanswered={unanswered.Count}");
            foreach (var (name, count) in errorQueues) await file.WriteLineAsync($"errorqueue {name} {count}");
            foreach (var key in unanswered) await file.WriteLineAsync($"unanswered {key}");
            foreach (var (key, id, replayed) in answers) await file.WriteLineAsync($"accepted {key} {id} {(replayed ? "replay" : "first")}");
        }
        Console.WriteLine($"fault load: client {clientId}, {answers.Count:N0} reports answered 201 ({answers.Count(a => a.Replayed):N0} as replays) " +
                          $"in {stopped.TotalSeconds:F0} s of load; {attempts:N0} attempts, {retries:N0} retries, {refused} refused, {unanswered.Count} unanswered");
        return 0;
    }

    public static async Task<int> CheckAsync(Endpoints endpoints, string input)
    {
        var lines = await File.ReadAllLinesAsync(input);
        var before = lines.Where(l => l.StartsWith("errorqueue ")).Select(l => l.Split(' ')).ToDictionary(p => p[1], p => long.Parse(p[2]));
        var refused = long.Parse(lines.Single(l => l.StartsWith("counts ")).Split(' ').Single(p => p.StartsWith("refused="))[8..]);
        var unanswered = lines.Count(l => l.StartsWith("unanswered "));
        var failures = new List<string>();
        void Require(bool ok, string what) { Console.WriteLine($"  [{(ok ? "ok" : "FAIL")}] {what}"); if (!ok) failures.Add(what); }

        Require(refused == 0 && unanswered == 0, $"every report got a 201 ({refused} refused, {unanswered} never answered)");
        await CheckReportsAsync(endpoints, lines, Require);

        var after = await Broker.ErrorQueuesAsync();
        var grown = after.Where(q => q.Value > before.GetValueOrDefault(q.Key)).ToList();
        foreach (var (name, count) in grown) Console.WriteLine($"  error queue {name}: {before.GetValueOrDefault(name)} -> {count}");
        Require(grown.Count == 0, $"no message moved to an _error queue during the run ({after.Count} error queues, {after.Values.Sum()} messages in them)");

        Console.WriteLine(failures.Count == 0 ? "fault suite: PASSED" : $"fault suite: FAILED ({failures.Count} checks)");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// The checks of the reports a load file lists as accepted (key and incident): every 201 stored exactly once with
    /// its idempotency record, nothing stored unseen, both read models complete, and each report's
    /// HarmIncidentReported applied exactly once in AiSystemRegistry.
    /// </summary>
    public static async Task CheckReportsAsync(Endpoints endpoints, string[] lines, Action<bool, string> Require)
    {
        var clientId = lines.Single(l => l.StartsWith("client ")).Split(' ')[1];
        var accepted = lines.Where(l => l.StartsWith("accepted ")).Select(l => l.Split(' '))
            .GroupBy(p => p[1], p => Guid.Parse(p[2])).ToDictionary(g => g.Key, g => g.Distinct().ToList());
        Console.WriteLine($"fault check for client {clientId}: waiting for the outbox and the queues to drain");
        await ServiceBenchmarks.Drain(endpoints.IncidentClaimsDb, TimeSpan.FromMinutes(3));

        // What IncidentClaims stored for this client: idempotency keys and HarmIncidentReported events.
        var keys = await Rows(endpoints.IncidentClaimsDb,
            "select data->>'key', (data->>'incidentId')::uuid from mt_doc_idempotencyrecord where data->>'clientId' = @c", clientId);
        var reportEvents = await Rows(endpoints.IncidentClaimsDb,
            "select stream_id::text, id from mt_events where type = 'harm_incident_reported' and data->>'clientId' = @c", clientId);
        var storedIncidents = reportEvents.Select(r => Guid.Parse(r.Key)).ToHashSet();
        var incidentDocs = (await Rows(endpoints.IncidentClaimsDb,
            "select id::text, id from mt_doc_incident where id = any(select stream_id from mt_events where type = 'harm_incident_reported' and data->>'clientId' = @c)",
            clientId)).Count;
        var keyToIncident = keys.GroupBy(k => k.Key).ToDictionary(g => g.Key, g => g.Select(k => k.Value).ToList());

        Console.WriteLine($"  reports answered 201: {accepted.Count:N0} keys; stored: {storedIncidents.Count:N0} incidents, {reportEvents.Count:N0} " +
                          $"HarmIncidentReported events, {keys.Count:N0} idempotency records");
        Require(accepted.Values.All(ids => ids.Count == 1), "every retry of a key was answered with the same incident");
        Require(accepted.All(a => keyToIncident.TryGetValue(a.Key, out var ids) && ids.Count == 1 && ids[0] == a.Value[0]),
            "every 201 has exactly one idempotency record naming its incident");
        Require(accepted.Values.All(ids => reportEvents.Count(e => Guid.Parse(e.Key) == ids[0]) == 1),
            "every 201's incident is stored exactly once (one HarmIncidentReported in its stream)");
        Require(reportEvents.Count == storedIncidents.Count && storedIncidents.Count == keys.Count,
            "no incident stored twice, none without its key");
        Require(storedIncidents.SetEquals(accepted.Values.Select(ids => ids[0])), "every stored report was answered with a 201 (nothing stored unseen)");
        Require(incidentDocs == storedIncidents.Count, $"IncidentClaims' Incident read model has every stored report ({incidentDocs:N0})");

        // AiSystemRegistry: each report's message (id = the report's event id) applied exactly once, and kept.
        var messageIds = reportEvents.Select(e => e.Value).ToArray();
        var deadline = Stopwatch.StartNew();
        List<KeyValuePair<string, Guid>> processed;
        do
        {
            await Broker.WaitUntilEmpty(TimeSpan.FromSeconds(30));
            processed = await Rows(endpoints.AiSystemRegistryDb,
                "select data->>'consumer', (data->>'messageId')::uuid from mt_doc_processedmessage where (data->>'messageId')::uuid = any(@ids)",
                messageIds);
            if (processed.Count >= messageIds.Length) break;
            await Task.Delay(250); // poll interval of a wait that has its own deadline
        } while (deadline.Elapsed < TimeSpan.FromMinutes(2));
        var applied = processed.Where(p => p.Key == "HarmIncidentReportedConsumer").GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Count());
        var readModel = (await Rows(endpoints.AiSystemRegistryDb,
            "select id::text, id from mt_doc_reportedincident where id = any(@ids)", storedIncidents.ToArray())).Count;
        Console.WriteLine($"  AiSystemRegistry: {applied.Count:N0} of {messageIds.Length:N0} messages applied, {readModel:N0} reports in its read model");
        Require(messageIds.All(id => applied.GetValueOrDefault(id) == 1), "every stored report's HarmIncidentReported was delivered and applied exactly once");
        Require(readModel == storedIncidents.Count, "AiSystemRegistry's ReportedIncident read model misses no report");
    }

    private static async Task<List<KeyValuePair<string, Guid>>> Rows(string connectionString, string sql, object parameter)
    {
        var rows = new List<KeyValuePair<string, Guid>>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(parameter is string ? "c" : "ids", parameter);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(new(reader.GetString(0), reader.GetGuid(1)));
        return rows;
    }
}
