using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace SandboxRegistry.Benchmarks;

/// <summary>
/// The load and the checker of the fault suite's cluster form (deploy/fault-suite.sh --cluster): two replicas of each
/// service on the three-node broker and the primary/standby pair. Reporters file harm reports as in the single-node
/// form (each retrying with the same Idempotency-Key until answered, on either replica of IncidentClaims); scenario
/// workers walk the main scenario again and again through all three services: a regime, an application assigned and
/// approved, the participation reaching the registry, an AI system registered, a version released and deployed, the
/// deployment reaching IncidentClaims, a report linked (triage), a commission, its conclusion recorded and signed,
/// and the participation and its deployment suspended in return. Every request goes to one replica and, when it gets
/// no answer, to the other. Each answer's time is recorded, so the checker can say how long each fault left requests
/// unanswered.
/// </summary>
public static class ClusterFaults
{
    private const string Ogrn = "1027700132195";

    /// <summary>The consumers on batch queues, which compete and promise no order (every other consumer is on an ordered queue).</summary>
    private static readonly HashSet<string> BatchConsumers = ["HarmIncidentReportedConsumer"];

    private sealed record Service(string Name, string Code, HttpClient[] Replicas);

    private sealed class Recorder
    {
        public readonly ConcurrentQueue<string> Lines = new();
        public readonly ConcurrentQueue<(string Service, long At)> Answers = new();
        public long Attempts, Retries, Refused, Unanswered;
        public void Line(string line) => Lines.Enqueue(line);
    }

    private static string[] Urls(string variable, params int[] ports) =>
        (Environment.GetEnvironmentVariable(variable) ?? string.Join(',', ports.Select(p => $"http://127.0.0.1:{p}")))
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static async Task<int> LoadAsync(string output, int reporters, int scenarios, TimeSpan duration, TimeSpan answerWithin, string? stopFile)
    {
        var clientId = $"cluster-faults-{DateTime.UtcNow:yyyyMMddHHmmss}";
        var errorQueues = await Broker.ErrorQueuesAsync();
        HttpClient[] Clients(string[] urls, string token) => urls.Select(u =>
        {
            var c = Http.Client(reporters + scenarios, u, token);
            c.Timeout = TimeSpan.FromSeconds(30);
            return c;
        }).ToArray();
        var regulator = Http.Token("regulator", subject: "reg-sokolova");
        var company = Http.Token("applicant", org: Ogrn, subject: "compliance-officer");
        var saUrls = Urls("SANDBOX_BENCH_SA_URLS", 5101, 5111);
        var regUrls = Urls("SANDBOX_BENCH_REG_URLS", 5102, 5112);
        var icUrls = Urls("SANDBOX_BENCH_IC_URLS", 5103, 5113);
        var saRegulator = new Service("SandboxApplications", "SA", Clients(saUrls, regulator));
        var saCompany = new Service("SandboxApplications", "SA", Clients(saUrls, company));
        var regCompany = new Service("AiSystemRegistry", "REG", Clients(regUrls, company));
        var regRegulator = new Service("AiSystemRegistry", "REG", Clients(regUrls, regulator));
        var icRegulator = new Service("IncidentClaims", "IC", Clients(icUrls, regulator));
        var icPortal = new Service("IncidentClaims", "IC", Clients(icUrls, Http.Token("integration", clientId)));
        var icAuditor = new Service("IncidentClaims", "IC", Clients(icUrls, Http.Token("auditor")));

        var rec = new Recorder();
        var run = Stopwatch.StartNew();
        var stopped = TimeSpan.MaxValue;
        var gate = new object();
        bool Loading()
        {
            if (run.Elapsed < duration || (stopFile is not null && !File.Exists(stopFile))) return true;
            lock (gate) if (stopped == TimeSpan.MaxValue) stopped = run.Elapsed;
            return false;
        }
        bool GivenUp() => run.Elapsed > (stopped == TimeSpan.MaxValue ? run.Elapsed : stopped) + answerWithin;

        // One request until it is answered: to one replica and, after no answer or a 5xx, to the next. A 2xx is
        // acknowledged; a 409 to a repeat of a command whose first answer was lost means the first was applied.
        async Task<(int Status, JsonElement Body)> Call(Service service, string op, Func<HttpRequestMessage> request, bool repeatable = true)
        {
            var start = Random.Shared.Next(service.Replicas.Length);
            var lostAnswer = false;
            for (var attempt = 0; ; attempt++)
            {
                if (GivenUp()) { Interlocked.Increment(ref rec.Unanswered); rec.Line($"unanswered {service.Code} {op}"); return (0, default); }
                Interlocked.Increment(ref rec.Attempts);
                if (attempt > 0) Interlocked.Increment(ref rec.Retries);
                try
                {
                    using var response = await service.Replicas[(start + attempt) % service.Replicas.Length].SendAsync(request());
                    var status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync();
                    if (status is >= 200 and < 300)
                    {
                        rec.Answers.Enqueue((service.Code, Now()));
                        return (status, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
                    }
                    if (status == 409 && lostAnswer)
                    {
                        // The earlier attempt was applied and its answer lost. A command's effect is there; a creation
                        // without an Idempotency-Key cannot tell its id, so the scenario starts again (counted).
                        rec.Answers.Enqueue((service.Code, Now()));
                        if (!repeatable) rec.Line($"lost-creation {service.Code} {op}");
                        return (repeatable ? status : -409, default);
                    }
                    if (status is >= 400 and < 500 and not 408 and not 429)
                    {
                        Interlocked.Increment(ref rec.Refused);
                        rec.Line($"refused {service.Code} {op} {status} {text.ReplaceLineEndings(" ")}");
                        return (status, default);
                    }
                    lostAnswer = true; // a 5xx may come after the write committed
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    lostAnswer = true; // connection refused or reset, or no answer in time: the write may have been applied
                }
                await Task.Delay(200);
            }
        }

        HttpRequestMessage Post(string path, string json, string? idempotencyKey = null)
        {
            var r = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            if (idempotencyKey is not null) r.Headers.Add("Idempotency-Key", idempotencyKey);
            return r;
        }
        HttpRequestMessage Put(string path, string json) =>
            new(HttpMethod.Put, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

        // Polls a read until it holds (the other services learn by messages); false when it never did.
        async Task<bool> Until(Service service, string path, Func<JsonElement, bool> holds, TimeSpan within)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < within)
            {
                try
                {
                    using var response = await service.Replicas[Random.Shared.Next(service.Replicas.Length)].GetAsync(path);
                    if (response.IsSuccessStatusCode) rec.Answers.Enqueue((service.Code, Now())); // a read answered counts too
                    if (response.IsSuccessStatusCode && holds(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement)) return true;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                    // the replica is down or the database is failing over: ask again
                }
                await Task.Delay(250); // poll interval of a wait that has its own deadline
            }
            return false;
        }
        void Ack(Service service, string op, Guid stream) => rec.Line($"ack {service.Code} {op} {stream}");
        Guid Id(JsonElement body, string property) =>
            body.ValueKind == JsonValueKind.Object && body.TryGetProperty(property, out var p) && p.TryGetGuid(out var g) ? g : Guid.Empty;

        var propagation = TimeSpan.FromMinutes(4);
        var today = DateTimeOffset.UtcNow;
        var moscowToday = TimeZoneInfo.ConvertTime(today, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow")).ToString("yyyy-MM-dd");
        long completed = 0, stuck = 0, abandoned = 0;

        async Task<string> Scenario(int worker, int round)
        {
            var tag = $"{clientId}-{worker}-{round}";
            var (s, body) = await Call(saRegulator, "establish-regime", () => Post("/api/v1/regimes", $$$"""
                {"title":"Fault suite {{{tag}}}","direction":"unmannedAircraft",
                 "legalBasis":{"actNumber":"Government Decree No. 1234","actDate":"2025-12-01"},"territory":["77"],
                 "startsOn":"2026-01-01","endsOn":"2028-12-31",
                 "insurance":{"minimumSumInsured":{"amount":10000000,"currency":"RUB"},"requiredRisks":["life","health"],"aiHarmCoverRequired":true}}
                """), repeatable: false);
            var regime = Id(body, "id");
            if (regime == Guid.Empty) return $"stuck establish-regime {s}";
            Ack(saRegulator, "establish-regime", regime);

            (s, body) = await Call(saCompany, "submit-application", () => Post("/api/v1/applications", $$$"""
                {"regimeId":"{{{regime}}}","company":{"legalName":"Aero LLC","ogrn":"{{{Ogrn}}}","inn":"7707083893","address":"Moscow, Tverskaya 1"},
                 "contact":{"email":"office@aero.example"},"plannedAiUse":"Parcel delivery by drones",
                 "requestedTerm":{"startsOn":"2026-01-01","endsOn":"2027-12-31"},"territory":["77"],
                 "insurance":{"insurerName":"Ingosstrakh","insurerInn":"7705042179","policyNumber":"GO-2026-0077",
                   "sumInsured":{"amount":30000000,"currency":"RUB"},"coveredRisks":["life","health","property"],"coversAiHarm":true,
                   "validFrom":"2026-01-01","validTo":"2027-12-31"},
                 "responsiblePersons":[{"fullName":"Ivan Petrov","position":"CTO","areaOfResponsibility":"Autopilot","contact":{"email":"petrov@aero.example"}}]}
                """), repeatable: false);
            var application = Id(body, "id");
            if (application == Guid.Empty) return $"stuck submit-application {s}";
            Ack(saCompany, "submit-application", application);

            (s, _) = await Call(saRegulator, "assign-reviewer", () => Post($"/api/v1/applications/{application}/reviewer", """{"reviewer":"reg-sokolova"}"""));
            if (s is not (>= 200 and < 300 or 409)) return $"stuck assign-reviewer {s}";
            if (s < 300) Ack(saRegulator, "assign-reviewer", application);

            (s, body) = await Call(saRegulator, "approve", () => Post($"/api/v1/applications/{application}/approval",
                """{"conditions":["Report every incident within 24 hours"]}"""));
            var participation = Id(body, "participationId");
            if (s == 409 && !await Until(saRegulator, $"/api/v1/applications/{application}",
                    a => a.TryGetProperty("decision", out var d) && d.ValueKind == JsonValueKind.Object
                         && (participation = Id(d, "participationId")) != Guid.Empty, propagation))
                return "stuck approve (409, no participation)";
            if (participation == Guid.Empty) return $"stuck approve {s}";
            if (s < 300) { Ack(saRegulator, "approve", application); Ack(saRegulator, "approve", participation); }

            if (!await Until(regCompany, $"/api/v1/participations/{participation}", p => p.GetProperty("status").GetString() == "active", propagation))
                return "stuck participation-reaches-registry";

            (s, body) = await Call(regCompany, "register-system", () => Post("/api/v1/ai-systems", $$$"""
                {"name":"SkyDrop {{{tag}}}","description":"Flies delivery drones.","intendedPurpose":"Parcel delivery",
                 "direction":"unmannedAircraft","developer":{"name":"Aero Vision LLC","ogrn":"{{{Ogrn}}}"},"operatorName":"Aero LLC",
                 "autonomyLevel":"autonomous","riskClass":"high","technique":"computerVision"}
                """), repeatable: false);
            var system = Id(body, "id");
            if (system == Guid.Empty) return $"stuck register-system {s}";
            Ack(regCompany, "register-system", system);

            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(tag)));
            (s, body) = await Call(regCompany, "release-version", () => Post($"/api/v1/ai-systems/{system}/versions", $$$"""
                {"version":"1.0.0","artifactSha256":"{{{sha}}}","changeSummary":"Release 1.0.0","trainingDataSummary":"Flight logs 2025",
                 "evaluationSummary":"Crash-free in tests"}
                """));
            var version = Id(body, "versionId");
            if (version == Guid.Empty && s == 409
                && !await Until(regCompany, $"/api/v1/ai-systems/{system}", a => (version = FirstVersion(a)) != Guid.Empty, propagation))
                return "stuck release-version (409, no version)";
            if (version == Guid.Empty) return $"stuck release-version {s}";
            if (s < 300) Ack(regCompany, "release-version", system);

            var from = today.AddDays(-40).ToString("yyyy-MM-ddTHH:mm:ssZ");
            (s, body) = await Call(regCompany, "deploy", () => Post("/api/v1/deployments",
                $$$"""{"aiSystemId":"{{{system}}}","versionId":"{{{version}}}","participationId":"{{{participation}}}","territory":["77"],"from":"{{{from}}}"}"""),
                repeatable: false);
            var deployment = Id(body, "id");
            if (deployment == Guid.Empty) return $"stuck deploy {s}";
            Ack(regCompany, "deploy", deployment);

            if (!await Until(icAuditor, $"/api/v1/known/deployments/{deployment}", _ => true, propagation))
                return "stuck deployment-reaches-incidents";

            var occurred = today.AddDays(-20).ToString("yyyy-MM-ddTHH:mm:ssZ");
            var key = $"{tag}-report";
            (s, body) = await Call(icPortal, "report", () => Post("/api/v1/incidents", $$$"""
                {"channel":"statePortal","title":"Drone fell on a pedestrian","description":"Lost height over Tverskaya street.",
                 "aiInvolvement":"The autopilot chose a route over a crowded pavement.","occurredAt":"{{{occurred}}}","location":{"regionCode":"77"},
                 "harms":[{"type":"injuryToHealth","severity":"serious","personsAffected":1,"estimatedDamage":{"amount":150000,"currency":"RUB"}}],
                 "aiSystem":{"registryId":"{{{system}}}","name":"SkyDrop"},
                 "reporter":{"fullName":"Maria Ivanova","contacts":{"phone":"+79990001122"},"consentToProcessing":true}}
                """, key));
            var incident = Id(body, "id");
            if (incident == Guid.Empty) return $"stuck report {s}";
            Ack(icPortal, "report", incident);
            rec.Line($"accepted {key} {incident} first");

            (s, _) = await Call(icRegulator, "link", () => Post($"/api/v1/incidents/{incident}/link", "{}"));
            if (s is not (>= 200 and < 300 or 409)) return $"stuck link {s}";
            if (s < 300) Ack(icRegulator, "link", incident);

            (s, _) = await Call(icRegulator, "commission", () => Post($"/api/v1/incidents/{incident}/commission", $$$"""
                {"chair":{"fullName":"Olga Sokolova","position":"Deputy Minister"},"members":[{"fullName":"Pavel Orlov","position":"Expert"}],
                 "meetingDate":"{{{moscowToday}}}"}
                """));
            if (s is not (>= 200 and < 300 or 409)) return $"stuck commission {s}";
            if (s < 300) Ack(icRegulator, "commission", incident);

            (s, _) = await Call(icRegulator, "conclusion", () => Put($"/api/v1/incidents/{incident}/commission/conclusion", $$$"""
                {"causalLink":"established","responsibleParties":["{{{Ogrn}}}"],"damageAssessed":{"amount":150000,"currency":"RUB"},
                 "recommendations":["suspendParticipation"],"dissents":[]}
                """));
            if (s is not (>= 200 and < 300 or 409)) return $"stuck conclusion {s}";
            if (s < 300) Ack(icRegulator, "conclusion", incident);

            (s, _) = await Call(icRegulator, "sign", () => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/incidents/{incident}/commission/conclusion/signature"));
            if (s is not (>= 200 and < 300 or 409)) return $"stuck sign {s}";
            if (s < 300) Ack(icRegulator, "sign", incident);

            if (!await Until(saRegulator, $"/api/v1/participations/{participation}", p => p.GetProperty("status").GetString() == "suspended", propagation))
                return "stuck participation-suspended";
            if (!await Until(regRegulator, $"/api/v1/deployments/{deployment}", d => d.GetProperty("status").GetString() == "suspended", propagation))
                return "stuck deployment-suspended";
            rec.Line($"scenario {participation} {deployment}");
            return "complete";
        }

        var reportBody = Http.ReportBody(Guid.Parse("0193a5b0-0000-7000-8000-00000000fa17"));
        var reports = Enumerable.Range(0, reporters).Select(async _ =>
        {
            while (Loading())
            {
                var key = Guid.NewGuid().ToString();
                var (status, answer) = await Call(icPortal, "report-load", () => Http.Report(reportBody, key));
                if (status == 201) rec.Line($"accepted {key} {answer.GetProperty("id").GetGuid()} first");
                else if (status == 0) { rec.Line($"unanswered-key {key}"); return; }
            }
        });
        var walks = Enumerable.Range(0, scenarios).Select(async worker =>
        {
            for (var round = 0; Loading(); round++)
            {
                var outcome = await Scenario(worker, round);
                if (outcome == "complete") Interlocked.Increment(ref completed);
                else if (outcome.EndsWith(" -409", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref abandoned);
                    Console.WriteLine($"scenario {worker}/{round}: started again, {outcome[6..^5]} was applied but its answer lost");
                }
                else
                {
                    Interlocked.Increment(ref stuck);
                    rec.Line($"scenario-{outcome.Replace(' ', '-')}");
                    Console.WriteLine($"scenario {worker}/{round}: {outcome}");
                }
            }
        });
        await Task.WhenAll(reports.Concat(walks));

        await using (var file = new StreamWriter(output))
        {
            await file.WriteLineAsync($"client {clientId}");
            await file.WriteLineAsync($"counts attempts={rec.Attempts} retries={rec.Retries} refused={rec.Refused} unanswered={rec.Unanswered} " +
                                      $"scenarios={completed} stuck={stuck} restarted={abandoned}");
            foreach (var (name, count) in errorQueues) await file.WriteLineAsync($"errorqueue {name} {count}");
            foreach (var line in rec.Lines) await file.WriteLineAsync(line);
            foreach (var (service, at) in rec.Answers) await file.WriteLineAsync($"answer {service} {at}");
        }
        Console.WriteLine($"cluster fault load: client {clientId}, {rec.Answers.Count:N0} answers in {stopped.TotalSeconds:F0} s of load; " +
                          $"{completed} scenarios complete, {stuck} stuck; {rec.Attempts:N0} attempts, {rec.Retries:N0} retries, " +
                          $"{rec.Refused} refused, {rec.Unanswered} unanswered");
        return 0;
    }

    public static async Task<int> CheckAsync(Endpoints endpoints, string input, string? timeline)
    {
        var lines = await File.ReadAllLinesAsync(input);
        var failures = new List<string>();
        void Require(bool ok, string what) { Console.WriteLine($"  [{(ok ? "ok" : "FAIL")}] {what}"); if (!ok) failures.Add(what); }
        var counts = lines.Single(l => l.StartsWith("counts ")).Split(' ').Skip(1).Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1]));
        var started = lines.Where(l => l.StartsWith("answer ")).Select(l => long.Parse(l.Split(' ')[2])).DefaultIfEmpty(Now()).Min();
        var since = DateTimeOffset.FromUnixTimeMilliseconds(started).AddMinutes(-1);

        Console.WriteLine($"cluster fault check: {counts["scenarios"]} scenarios complete, {counts["stuck"]} stuck, " +
                          $"{counts["restarted"]} started again after a creation whose answer was lost; " +
                          $"{counts["attempts"]:N0} attempts, {counts["retries"]:N0} retries");
        foreach (var line in lines.Where(l => l.StartsWith("refused ") || l.StartsWith("unanswered") || l.StartsWith("scenario-stuck")).Take(20))
            Console.WriteLine($"  {line}");
        Require(counts["refused"] == 0 && counts["unanswered"] == 0, $"every request was answered ({counts["refused"]} refused, {counts["unanswered"]} never answered)");
        Require(counts["stuck"] == 0 && counts["scenarios"] > 0,
            $"every scenario went through, the conclusion's suspension included ({counts["scenarios"]} complete, {counts["stuck"]} stuck)");

        // The reports: the single-node form's checks (stored once each, applied once in AiSystemRegistry).
        await FaultSuite.CheckReportsAsync(endpoints, lines, Require);

        var databases = new Dictionary<string, string>
        {
            ["SA"] = endpoints.Database("sandbox_applications"), ["REG"] = endpoints.AiSystemRegistryDb, ["IC"] = endpoints.IncidentClaimsDb,
        };
        foreach (var db in databases.Values) await ServiceBenchmarks.Drain(db, TimeSpan.FromMinutes(3));
        await Broker.WaitUntilEmpty(TimeSpan.FromMinutes(1));

        // No acknowledged write lost: each acknowledged write appended at least one event to its stream.
        var acks = lines.Where(l => l.StartsWith("ack ")).Select(l => l.Split(' ')).GroupBy(p => p[1]).ToList();
        foreach (var service in acks)
        {
            var expected = service.GroupBy(p => Guid.Parse(p[3])).ToDictionary(g => g.Key, g => g.Count());
            var stored = await Pairs(databases[service.Key],
                "select stream_id, count(*) from mt_events where stream_id = any(@p) group by stream_id", expected.Keys.ToArray());
            var lost = expected.Where(e => stored.GetValueOrDefault(e.Key) < e.Value).ToList();
            foreach (var (stream, n) in lost.Take(5)) Console.WriteLine($"    {service.Key} stream {stream}: {n} acknowledged writes, {stored.GetValueOrDefault(stream)} events");
            Require(lost.Count == 0, $"{service.Key}: every acknowledged write is stored ({service.Count():N0} writes on {expected.Count:N0} streams, " +
                                     $"{stored.Values.Sum():N0} events in them)");
        }

        // Nothing applied twice, and each stream's events applied in version order by every ordered consumer.
        foreach (var (code, db) in databases)
        {
            var applied = await Applied(db, since);
            var twice = await Long(db, """
                select count(*) from (select 1 from mt_events where causation_id is not null and timestamp >= @since
                group by causation_id, stream_id, type having count(*) > 1) t
                """, since);
            var ordered = applied.Where(a => !BatchConsumers.Contains(a.Consumer)).ToList();
            var outOfOrder = ordered.GroupBy(a => (a.Consumer, a.Service, a.Stream))
                .Where(g => g.Zip(g.Skip(1)).Any(p => p.Second.Version <= p.First.Version)).ToList();
            foreach (var g in outOfOrder.Take(5))
                Console.WriteLine($"    {code} {g.Key.Consumer} applied {g.Key.Service} stream {g.Key.Stream} as versions {string.Join(",", g.Select(a => a.Version))}");
            // Each applied message is the source event it cites (same stream, same version).
            var mismatched = 0;
            foreach (var source in ordered.GroupBy(a => a.Service))
            {
                if (Code(source.Key) is not { } owner) continue;
                var events = await Events(databases[owner], source.Select(a => a.MessageId).Distinct().ToArray());
                mismatched += source.Count(a => !events.TryGetValue(a.MessageId, out var e) || e.Stream != a.Stream || e.Version != a.Version);
            }
            Require(twice == 0, $"{code}: no message's effects applied twice ({applied.Count:N0} inbox records of the run; " +
                                $"{twice} messages that caused the same event twice)");
            Require(outOfOrder.Count == 0 && mismatched == 0,
                $"{code}: every ordered consumer applied each stream's events in version order ({ordered.Count:N0} messages of " +
                $"{ordered.Select(a => a.Stream).Distinct().Count():N0} streams; {outOfOrder.Count} out of order, {mismatched} not matching their source event)");
        }

        var before = lines.Where(l => l.StartsWith("errorqueue ")).Select(l => l.Split(' ')).ToDictionary(p => p[1], p => long.Parse(p[2]));
        var after = await Broker.ErrorQueuesAsync();
        var grown = after.Where(q => q.Value > before.GetValueOrDefault(q.Key)).ToList();
        foreach (var (name, count) in grown) Console.WriteLine($"    error queue {name}: {before.GetValueOrDefault(name)} -> {count}");
        Require(grown.Count == 0, $"no message moved to an _error queue during the run ({after.Count} error queues, {after.Values.Sum()} messages in them)");

        // How long each fault left requests unanswered: the longest gap between successful answers around it.
        var answers = lines.Where(l => l.StartsWith("answer ")).Select(l => l.Split(' ')).Select(p => (Service: p[1], At: long.Parse(p[2])))
            .OrderBy(a => a.At).ToList();
        Console.WriteLine($"  answers: {answers.Count:N0} ({string.Join(", ", answers.GroupBy(a => a.Service).Select(g => $"{g.Key} {g.Count():N0}"))})");
        if (timeline is not null && File.Exists(timeline))
            foreach (var fault in (await File.ReadAllLinesAsync(timeline)).Select(l => l.Split(' ')).Where(p => p.Length >= 4))
            {
                var (name, from, to) = (fault[0], long.Parse(fault[1]), long.Parse(fault[2]));
                var services = fault[3].Split(',');
                var gaps = services.Select(s => $"{s} {Gap(answers.Where(a => a.Service == s).Select(a => a.At).ToList(), from, to) / 1000.0:F1} s");
                var all = Gap(answers.Select(a => a.At).ToList(), from, to) / 1000.0;
                Console.WriteLine($"  fault {name}: {(to - from) / 1000.0:F1} s until recovered; longest without an answer: {string.Join(", ", gaps)}; any service {all:F1} s");
            }

        Console.WriteLine(failures.Count == 0 ? "cluster fault suite: PASSED" : $"cluster fault suite: FAILED ({failures.Count} checks)");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The longest interval between consecutive answers that overlaps [from, to] (to the last answer, or to now).</summary>
    private static long Gap(List<long> sorted, long from, long to)
    {
        long longest = 0;
        var previous = sorted.LastOrDefault(t => t <= from, from);
        foreach (var t in sorted.Where(t => t > from))
        {
            longest = Math.Max(longest, t - previous);
            previous = t;
            if (t >= to) break;
        }
        return previous < to ? Math.Max(longest, to - previous) : longest;
    }

    /// <summary>The first version of an AI system's details (its id under "versionId" or "id").</summary>
    private static Guid FirstVersion(JsonElement system)
    {
        if (!system.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Array || versions.GetArrayLength() == 0)
            return Guid.Empty;
        foreach (var name in new[] { "versionId", "id" })
            if (versions[0].TryGetProperty(name, out var p) && p.TryGetGuid(out var id)) return id;
        return Guid.Empty;
    }

    private static string? Code(string service) => service switch
    {
        "sandbox-applications" => "SA", "ai-system-registry" => "REG", "incident-claims" => "IC", _ => null,
    };

    private sealed record AppliedMessage(string Consumer, string Service, Guid Stream, long Version, Guid MessageId);

    private static async Task<List<AppliedMessage>> Applied(string db, DateTimeOffset since)
    {
        var rows = new List<AppliedMessage>();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select data->>'consumer', data->>'sourceService', (data->>'sourceStreamId')::uuid, (data->>'sourceStreamVersion')::bigint,
                   (data->>'messageId')::uuid
            from mt_doc_processedmessage
            where data->>'sourceStreamId' is not null and (data->>'processedAt')::timestamptz >= @since
            order by (data->>'processedAt')::timestamptz, data->>'sourceSequence'
            """, connection);
        command.Parameters.AddWithValue("since", since);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new(reader.GetString(0), reader.GetString(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetGuid(4)));
        return rows;
    }

    private static async Task<Dictionary<Guid, (Guid Stream, long Version)>> Events(string db, Guid[] ids)
    {
        var result = new Dictionary<Guid, (Guid, long)>();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select id, stream_id, version from mt_events where id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetGuid(0)] = (reader.GetGuid(1), reader.GetInt64(2));
        return result;
    }

    private static async Task<Dictionary<Guid, long>> Pairs(string db, string sql, Guid[] ids)
    {
        var result = new Dictionary<Guid, long>();
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", ids);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetGuid(0)] = reader.GetInt64(1);
        return result;
    }

    private static async Task<long> Long(string db, string sql, DateTimeOffset since) =>
        await Stats.ScalarAsync(db, sql, ("since", since));
}
