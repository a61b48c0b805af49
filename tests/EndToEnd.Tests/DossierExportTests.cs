using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxRegistry.Testing;
using static SandboxRegistry.EndToEnd.Tests.Scenario;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>
/// A real dossier, exported from the three running services, checked offline by the reference verifier in docs/
/// (python3 docs/verify_dossier.py): it verifies as exported, and fails with a clear message when one byte of a cited
/// event, one hash of a proof or one signature is changed.
/// </summary>
public class DossierExportTests(SystemFixture system) : IClassFixture<SystemFixture>
{
    private const string Ogrn = "1027700132195";

    private async Task<Guid> LinkedIncident()
    {
        var owner = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        var (_, participation) = await ApprovedParticipation(system, Ogrn, "Offline audit");
        await KnownToRegistry(system, Ogrn, participation);
        var aiSystem = await RegisteredSystem(system, Ogrn, "SkyDrop autopilot");
        var version = (await Ok(owner.PostAsJsonAsync($"/api/v1/ai-systems/{aiSystem}/versions", new
        {
            version = "1.0.0", artifactSha256 = new string('a', 64), changeSummary = "Первый выпуск", trainingDataSummary = "Flight logs 2025",
            evaluationSummary = "Crash-free in tests",
        }), HttpStatusCode.Created)).GetProperty("versionId").GetGuid();
        var deployment = (await Ok(owner.PostAsJsonAsync("/api/v1/deployments", new
        {
            aiSystemId = aiSystem, versionId = version, participationId = participation, territory = new[] { "77" },
            from = DateTimeOffset.UtcNow.AddDays(-40),
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Until(system.Incidents.Client(Tokens.Auditor()), $"/api/v1/known/deployments/{deployment}", _ => true,
            "IncidentClaims should learn of the deployment");
        var portal = system.Incidents.Client(Tokens.Integration("gosuslugi"));
        portal.DefaultRequestHeaders.Add("Idempotency-Key", $"export-{Guid.NewGuid():N}");
        var incident = (await Ok(portal.PostAsJsonAsync("/api/v1/incidents", new
        {
            channel = "statePortal", title = "Дрон упал на пешехода", description = "Lost height over Tverskaya street.",
            aiInvolvement = "The autopilot chose a route over a crowded pavement.", occurredAt = DateTimeOffset.UtcNow.AddDays(-20),
            location = new { regionCode = "77", address = "Tverskaya 1" },
            harms = new[] { new { type = "injuryToHealth", severity = "serious", personsAffected = 1,
                estimatedDamage = new { amount = 150_000.50m, currency = "RUB" } } },
            aiSystem = new { registryId = aiSystem, name = "SkyDrop" },
            reporter = new { fullName = "Maria Ivanova", contacts = new { phone = "+79990001122" }, consentToProcessing = true },
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Ok(system.Incidents.Client(Tokens.Regulator("reg-ivanova")).PostAsJsonAsync($"/api/v1/incidents/{incident}/link", new { }));
        return incident;
    }

    /// <summary>The export, once every cited event is under a checkpoint the other services cosigned (409 until then).</summary>
    private async Task<string> Export(Guid incident)
    {
        var auditor = system.Incidents.Client(Tokens.Auditor());
        return await Eventually.Until(async () =>
        {
            var response = await auditor.GetAsync($"/api/v1/incidents/{incident}/dossier/export");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Conflict && body.Contains("audit-not-cosigned-yet")) return null;
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            return body;
        }, TimeSpan.FromSeconds(60), "every cited event should come under a cosigned checkpoint");
    }

    private static string Verifier()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "docs", "verify_dossier.py");
            if (File.Exists(script)) return script;
        }
        throw new FileNotFoundException("docs/verify_dossier.py not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Exit, string Output, string Errors)> RunVerifier(string json)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dossier-export-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3", [Verifier(), file])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static JsonNode FirstString(JsonNode node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v,
        JsonObject o => o.Select(p => p.Value).Where(v => v is not null).Select(v => TryFirstString(v!)).FirstOrDefault(v => v is not null)
                        ?? throw new InvalidOperationException("no string"),
        JsonArray a => a.Where(v => v is not null).Select(v => TryFirstString(v!)).FirstOrDefault(v => v is not null)
                       ?? throw new InvalidOperationException("no string"),
        _ => throw new InvalidOperationException("no string"),
    };

    private static JsonNode? TryFirstString(JsonNode node)
    {
        try { return FirstString(node); }
        catch (InvalidOperationException) { return null; }
    }

    private static string Tampered(string export, Action<JsonObject> change)
    {
        var root = JsonNode.Parse(export)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    [Fact]
    public async Task An_exported_dossier_verifies_offline_and_fails_on_a_changed_event_byte_proof_hash_or_signature()
    {
        var incident = await LinkedIncident();
        var export = await Export(incident);

        var document = JsonDocument.Parse(export).RootElement;
        Assert.Equal("sandbox-registry/dossier-export/v1", document.GetProperty("format").GetString());
        Assert.Equal(incident, document.GetProperty("incidentId").GetGuid());
        Assert.Equal(JsonValueKind.Null, document.GetProperty("dossier").GetProperty("report").GetProperty("reporter").ValueKind);
        var services = document.GetProperty("services").EnumerateArray().ToArray();
        Assert.Equal(["ai-system-registry", "incident-claims", "sandbox-applications"], services.Select(s => s.GetProperty("service").GetString()));
        foreach (var service in services)
        {
            var witnesses = service.GetProperty("checkpoint").GetProperty("witnesses").EnumerateArray().ToArray();
            Assert.Equal(2, witnesses.Count(w => w.GetProperty("status").GetString() == "cosigned"));
        }
        var citations = document.GetProperty("citations").EnumerateArray().ToArray();
        Assert.Equal(["ai-system-registry", "incident-claims", "sandbox-applications"],
            citations.Select(c => c.GetProperty("citation").GetProperty("service").GetString()).Distinct().Order());
        Assert.All(citations, c => Assert.Equal(c.GetProperty("citation").GetProperty("hash").GetString(), c.GetProperty("event").GetProperty("hash").GetString()));

        var clean = await RunVerifier(export);
        Assert.True(clean.Exit == 0, $"exit {clean.Exit}: {clean.Output}{clean.Errors}");
        Assert.StartsWith($"VERIFIED: incident {incident}, {citations.Length} citations", clean.Output);

        // One byte of one cited event's data (the first string of the participation's event).
        var data = await RunVerifier(Tampered(export, root =>
        {
            var cited = root["citations"]!.AsArray().First(c => (string)c!["citation"]!["service"]! == "sandbox-applications")!;
            var value = FirstString(cited["event"]!["data"]!);
            var text = value.GetValue<string>();
            value.ReplaceWith(JsonValue.Create(text[..^1] + (text[^1] == 'x' ? 'y' : 'x')));
        }));
        Assert.Equal(1, data.Exit);
        Assert.Contains("sandbox-applications event", data.Errors);
        Assert.Contains("differ from what was sealed", data.Errors);

        // One hash of one inclusion proof.
        var proof = await RunVerifier(Tampered(export, root =>
        {
            var path = root["citations"]!.AsArray().Select(c => c!["event"]!["proof"]!.AsArray()).First(p => p.Count > 0);
            var hash = path[0]!.GetValue<string>();
            path[0] = (hash[0] == '0' ? '1' : '0') + hash[1..];
        }));
        Assert.Equal(1, proof.Exit);
        Assert.Contains("the inclusion proof does not lead from the event's leaf to the signed tree head", proof.Errors);

        // One character of the log's own signature on one checkpoint note.
        var signature = await RunVerifier(Tampered(export, root =>
        {
            var checkpoint = root["services"]!.AsArray().First(s => (string)s!["service"]! == "incident-claims")!["checkpoint"]!;
            var note = checkpoint["cosignedNote"]!.GetValue<string>();
            var line = note.IndexOf("\n\n\u2014 sandbox-registry/incident-claims ", StringComparison.Ordinal) + 2;
            var at = note.IndexOf(' ', line + 2) + 1 + 20; // inside the signature, past the key ID
            checkpoint["cosignedNote"] = note[..at] + (note[at] == 'A' ? 'B' : 'A') + note[(at + 1)..];
        }));
        Assert.Equal(1, signature.Exit);
        Assert.Contains("incident-claims: the checkpoint note of", signature.Errors);
        Assert.Contains("carries no valid signature of incident-claims's key", signature.Errors);
        Assert.Contains("NOT VERIFIED", signature.Errors);
    }

    [Fact]
    public async Task The_export_is_for_auditors_and_regulators_and_unknown_incidents_are_404()
    {
        var incidents = system.Incidents;
        Assert.Equal(HttpStatusCode.Unauthorized, (await incidents.Client().GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/dossier/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await incidents.Client(Tokens.Integration("gosuslugi"))
            .GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/dossier/export")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await incidents.Client(Tokens.Auditor())
            .GetAsync($"/api/v1/incidents/{Guid.NewGuid()}/dossier/export")).StatusCode);
    }
}
