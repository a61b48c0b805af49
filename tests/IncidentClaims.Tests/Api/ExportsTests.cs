using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SandboxRegistry.IncidentClaims.Exports;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>Issue 19 part 6: OECD, EU AI Act, AIID and open-data exports.</summary>
public class ExportsTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));
    private HttpClient Auditor => fixture.Host.Client(Tokens.Auditor());
    private HttpClient Anonymous => fixture.Host.Client();
    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");

    private static readonly string[] PersonalOrPrivate = ["Ivan", "Petrov", "ivan.petrov", "+7999", "Tverskaya"];

    private async Task<(Guid Id, Seeded Seeded, World World)> ConcludedIncident(string region, bool close)
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem(region);
        var id = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: region));
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { }).Body();
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/commission", new
        {
            chair = new { fullName = "Olga Sokolova", position = "Deputy Minister" },
            members = new[] { new { fullName = "Pavel Orlov", position = "Expert" } },
            meetingDate = Today,
        }).Body();
        await Regulator.PutAsJsonAsync($"/api/v1/incidents/{id}/commission/conclusion", new
        {
            causalLink = "established", responsibleParties = new[] { World.Ogrn }, damageAssessed = new { amount = 150_000m, currency = "RUB" },
            recommendations = new[] { "recallVersion" },
        }).Body();
        await Regulator.PostAsync($"/api/v1/incidents/{id}/commission/conclusion/signature", null).Body();
        if (close) await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/closure", new { outcome = "liabilityEstablished", summary = "Ivan Petrov was paid." }).Body();
        return (id, seeded, world);
    }

    /// <summary>RFC 4180, as any spreadsheet reads it: quoted fields with doubled quotes and line breaks inside.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); i++;
            }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }

    private static Dictionary<string, string> Row(List<string[]> csv, int column, string value)
    {
        var header = csv[0];
        var row = csv.Skip(1).Single(r => r[column] == value);
        Assert.Equal(header.Length, row.Length);
        return header.Zip(row).ToDictionary(p => p.First, p => p.Second);
    }

    [Fact]
    public async Task The_OECD_record_of_an_incident_carries_the_framework_criteria_the_data_supports_without_personal_data()
    {
        var (id, seeded, world) = await ConcludedIncident("61", close: true);

        var response = await Auditor.GetAsync($"/api/v1/exports/oecd/incidents/{id}");
        var oecd = await response.Body(HttpStatusCode.OK);

        Assert.Equal(OecdIncident.Name, oecd.GetProperty("framework").GetString());
        Assert.Equal(("Drone fell on a pedestrian", "A delivery drone lost power over the street.", "The autopilot chose to fly over the crowd."),
            (oecd.GetProperty("title").GetString(), oecd.GetProperty("description").GetString(), oecd.GetProperty("aiRelationship").GetString()));
        Assert.Equal("""{"type":"integration","channel":"statePortal","clientId":"gosuslugi"}""", oecd.GetProperty("submitter").GetRawText());
        Assert.Equal(world.Now.AddDays(-20), oecd.GetProperty("dates").GetProperty("occurred").GetDateTimeOffset());
        Assert.Equal("""{"countries":["RU"],"regions":["61"]}""", oecd.GetProperty("location").GetRawText());
        var system = oecd.GetProperty("aiSystem");
        Assert.Equal(("SkyDrop", "1.0", seeded.Version10.VersionId, new string('1', 64)), (system.GetProperty("name").GetString(),
            system.GetProperty("version").GetString(), system.GetProperty("versionId").GetGuid(), system.GetProperty("artifactSha256").GetString()));
        Assert.Equal(["developer:Aero Dev", "provider:Aero LLC", "operator:Aero LLC", "deployer:Aero LLC", "insurer:Insurer JSC"],
            oecd.GetProperty("actors").EnumerateArray().Select(a => $"{a.GetProperty("role").GetString()}:{a.GetProperty("name").GetString()}"));
        Assert.Equal("""{"level":"serious","seriousIncident":true,"grounds":["seriousHarmToHealth"],"criticalInfrastructure":false,"widespread":false}""",
            oecd.GetProperty("severity").GetRawText());
        Assert.Equal("""{"personsAffected":1,"estimatedDamage":[{"amount":120000,"currency":"RUB"}],"damageAssessed":{"amount":150000,"currency":"RUB"},"compensationPaid":null}""",
            oecd.GetProperty("quantification").GetRawText());
        Assert.Equal(["natural persons"], oecd.GetProperty("affectedStakeholders").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("established", oecd.GetProperty("causalLink").GetString());
        Assert.Equal(["linkedToAiSystemVersion", "commissionConvened", "conclusionSigned", "closed"],
            oecd.GetProperty("actionsTaken").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(("closed", "liabilityEstablished"), (oecd.GetProperty("status").GetString(), oecd.GetProperty("outcome").GetString()));
        Assert.All(PersonalOrPrivate, s => Assert.DoesNotContain(s, oecd.GetRawText()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous.GetAsync($"/api/v1/exports/oecd/incidents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Portal.GetAsync($"/api/v1/exports/oecd/incidents/{id}")).StatusCode);
        await (await Regulator.GetAsync($"/api/v1/exports/oecd/incidents/{Guid.NewGuid()}")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_OECD_export_of_a_period_streams_every_incident_of_that_period_oldest_first()
    {
        var world = new World(fixture.Host);
        var older = await File(Portal, Body(occurredAt: world.Now.AddDays(-401), region: "62"));
        var newer = await File(Portal, Body(occurredAt: world.Now.AddDays(-400), region: "62"));
        await File(Portal, Body(occurredAt: world.Now.AddDays(-380), region: "62"));
        var from = DateOnly.FromDateTime(world.Now.AddDays(-402).UtcDateTime);
        var to = DateOnly.FromDateTime(world.Now.AddDays(-399).UtcDateTime);

        var response = await Regulator.GetAsync($"/api/v1/exports/oecd/incidents?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");
        var export = await response.Body(HttpStatusCode.OK);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(OecdIncident.Name, export.GetProperty("framework").GetString());
        Assert.Equal((from.ToString("yyyy-MM-dd"), to.ToString("yyyy-MM-dd"), 2),
            (export.GetProperty("from").GetString(), export.GetProperty("to").GetString(), export.GetProperty("count").GetInt32()));
        Assert.Equal([older, newer], export.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("incidentId").GetGuid()));
        await (await Regulator.GetAsync("/api/v1/exports/oecd/incidents?from=2026-02-01&to=2026-01-01")).AssertProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_EU_AI_Act_report_states_the_article_73_deadline_the_category_and_becomes_final_on_closure()
    {
        var (id, seeded, _) = await ConcludedIncident("63", close: false);
        var minor = await File(Portal, Body(region: "63", harmType: "damageToPersonProperty", severity: "minor"));

        var initial = await Regulator.GetAsync($"/api/v1/exports/eu-ai-act/incidents/{id}").Body(HttpStatusCode.OK);
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/closure", new { outcome = "liabilityEstablished" }).Body();
        var final = await Auditor.GetAsync($"/api/v1/exports/eu-ai-act/incidents/{id}").Body(HttpStatusCode.OK);

        Assert.Equal((EuSeriousIncidentReport.Name, "initial", "final"),
            (initial.GetProperty("regulation").GetString(), initial.GetProperty("reportType").GetString(), final.GetProperty("reportType").GetString()));
        Assert.Equal($$"""{"name":"Aero LLC","registrationNumber":"{{World.Ogrn}}"}""", initial.GetProperty("provider").GetRawText());
        Assert.Equal($$"""{"name":"Aero LLC","registrationNumber":"{{World.Ogrn}}"}""", initial.GetProperty("deployer").GetRawText());
        Assert.Equal(["a"], initial.GetProperty("incident").GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        var deadline = initial.GetProperty("deadline");
        Assert.Equal("73(2)", deadline.GetProperty("article").GetString());
        Assert.False(deadline.GetProperty("metLate").GetBoolean());
        Assert.Equal(["recallVersion"], initial.GetProperty("correctiveActions").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("1.0", initial.GetProperty("aiSystem").GetProperty("version").GetString());
        Assert.Equal("liabilityEstablished", final.GetProperty("outcome").GetString());
        await (await Regulator.GetAsync($"/api/v1/exports/eu-ai-act/incidents/{minor}")).AssertProblem(HttpStatusCode.Conflict, "not-a-serious-incident");
        _ = seeded;
    }

    [Fact]
    public async Task The_AIID_snapshot_has_the_AIID_column_names_and_only_public_facts()
    {
        var (id, _, world) = await ConcludedIncident("64", close: true);
        var register = await Anonymous.GetAsync($"/api/v1/register/incidents/{id}").Body(HttpStatusCode.OK);
        var number = register.GetProperty("number").GetInt64().ToString();
        var day = DateOnly.FromDateTime(world.Now.AddDays(-20).DateTime).ToString("yyyy-MM-dd");

        var incidentsResponse = await Anonymous.GetAsync($"/api/v1/exports/aiid/incidents.csv?from={day}&to={day}");
        var reportsResponse = await Anonymous.GetAsync($"/api/v1/exports/aiid/reports.csv?from={day}&to={day}");
        var incidentsText = await incidentsResponse.Content.ReadAsStringAsync();
        var reportsText = await reportsResponse.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", incidentsResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("incidents.csv", incidentsResponse.Content.Headers.ContentDisposition?.FileNameStar ?? incidentsResponse.Content.Headers.ContentDisposition?.FileName);
        var incidents = ParseCsv(incidentsText);
        Assert.Equal(Aiid.IncidentColumns, incidents[0]);
        Assert.Equal("_id,incident_id,date,reports,Alleged deployer of AI system,Alleged developer of AI system,Alleged harmed or nearly harmed parties,description,title",
            incidentsText[..incidentsText.IndexOf('\r')]);
        var incident = Row(incidents, 0, id.ToString());
        Assert.Equal(number, incident["incident_id"]);
        Assert.Equal(day, incident["date"]);
        Assert.Equal($"[\"{number}\"]", incident["reports"]);
        Assert.Equal("[\"aero-llc\"]", incident["Alleged deployer of AI system"]);
        Assert.Equal("[\"aero-dev\"]", incident["Alleged developer of AI system"]);
        Assert.Equal("[\"natural-persons\"]", incident["Alleged harmed or nearly harmed parties"]);
        Assert.Equal(register.GetProperty("summary").GetString(), incident["description"]);
        Assert.Equal($"Serious incident involving SkyDrop 1.0 in region 64, {day}", incident["title"]);

        var reports = ParseCsv(reportsText);
        Assert.Equal(Aiid.ReportColumns, reports[0]);
        var report = Row(reports, 14, number);
        Assert.Equal(register.GetProperty("reportId").GetGuid().ToString(), report["_id"]);
        Assert.EndsWith($"/api/v1/register/incidents/{id}", report["url"]);
        Assert.Equal("[]", report["authors"]);
        Assert.Equal("[\"injuryToHealth\"]", report["tags"]);
        foreach (var text in new[] { incidentsText, reportsText })
        {
            Assert.All(PersonalOrPrivate, s => Assert.DoesNotContain(s, text));
            Assert.DoesNotContain("Drone fell", text);
            Assert.DoesNotContain("lost power", text);
        }
    }

    [Fact]
    public async Task The_open_data_dumps_hold_the_public_register_as_JSON_and_CSV()
    {
        var (id, _, world) = await ConcludedIncident("65", close: true);
        var day = DateOnly.FromDateTime(world.Now.AddDays(-20).DateTime).ToString("yyyy-MM-dd");
        var register = await Anonymous.GetAsync($"/api/v1/register/incidents/{id}").Body(HttpStatusCode.OK);

        var json = await Anonymous.GetAsync($"/api/v1/exports/open-data/incidents.json?from={day}&to={day}").Body(HttpStatusCode.OK);
        var csvResponse = await Anonymous.GetAsync($"/api/v1/exports/open-data/incidents.csv?from={day}&to={day}");
        var csv = ParseCsv(await csvResponse.Content.ReadAsStringAsync());

        var entry = json.EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(register.GetRawText()),
            System.Text.Json.Nodes.JsonNode.Parse(entry.GetRawText())), $"{register}\n{entry}");
        Assert.Equal(OpenData.Columns, csv[0]);
        var row = Row(csv, 0, id.ToString());
        Assert.Equal((register.GetProperty("summary").GetString(), "65", "injuryToHealth", "serious", "1.0", "closed", "established",
                "liabilityEstablished"),
            (row["summary"], row["regionCode"], row["harmTypes"], row["severity"], row["version"], row["status"], row["causalLink"], row["outcome"]));
        Assert.All(PersonalOrPrivate, s => Assert.DoesNotContain(s, json.GetRawText()));
        await (await Anonymous.GetAsync("/api/v1/exports/open-data/incidents.csv?from=tomorrow")).AssertProblem(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    public void Csv_fields_are_quoted_per_RFC_4180_and_never_read_as_formulas(string value, string field) =>
        Assert.Equal(field, ExportsModule.Field(value));
}
