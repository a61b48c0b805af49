using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>Issue 19 part 4: the anonymous public incident register and its statistics.</summary>
public class PublicIncidentRegisterTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator("reg-ivanova"));
    private HttpClient Anonymous => fixture.Host.Client();

    private static JsonNode Json(object value) => JsonSerializer.SerializeToNode(value, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    private static void AssertJson(object expected, JsonElement actual) =>
        Assert.True(JsonNode.DeepEquals(Json(expected), JsonNode.Parse(actual.GetRawText())), $"expected {Json(expected)}\nactual   {actual}");

    [Fact]
    public async Task The_register_shows_structured_facts_the_linked_version_and_the_outcome_without_personal_data_or_free_text()
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem("45");
        var occurred = world.Now.AddDays(-20);
        var linked = await File(Portal, Body(occurredAt: occurred, region: "45"));
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{linked}/link", new { }).Body();
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{linked}/closure", new { outcome = "liabilityNotEstablished", summary = "Ivan Petrov withdrew." }).Body();
        var minor = await File(Portal, Body(occurredAt: world.Now.AddDays(-1), region: "45", harmType: "damageToPersonProperty", severity: "minor"));

        var page = await Anonymous.GetAsync("/api/v1/register/incidents?region=45").Body(HttpStatusCode.OK);
        var one = await Anonymous.GetAsync($"/api/v1/register/incidents/{linked}").Body(HttpStatusCode.OK);

        var items = page.Items();
        Assert.Equal([minor, linked], items.Select(i => i.GetProperty("id").GetGuid()));
        var occurredOn = DateOnly.FromDateTime(occurred.DateTime);
        var closedAt = one.GetProperty("closedAt").GetDateTimeOffset();
        var expected = new
        {
            id = linked,
            number = one.GetProperty("number").GetInt64(),
            reportId = one.GetProperty("reportId").GetGuid(),
            summary = $"Serious injury to health (1 person affected) in region 45 on {occurredOn:yyyy-MM-dd}, involving SkyDrop version 1.0.",
            occurredOn = occurredOn.ToString("yyyy-MM-dd"),
            month = occurredOn.ToString("yyyy-MM"),
            regionCode = "45",
            harmTypes = new[] { "injuryToHealth" },
            severity = "serious",
            personsAffected = 1,
            serious = true,
            seriousGrounds = new[] { "seriousHarmToHealth" },
            criticalInfrastructure = false,
            widespread = false,
            system = new
            {
                aiSystemId = seeded.AiSystem.AiSystemId, name = "SkyDrop", versionId = seeded.Version10.VersionId, version = "1.0",
                developerName = "Aero Dev", operatorName = "Aero LLC", participantName = "Aero LLC",
            },
            status = "closed",
            causalLink = (string?)null,
            outcome = "liabilityNotEstablished",
            reportedAt = one.GetProperty("reportedAt").GetDateTimeOffset(),
            closedAt,
            statements = Array.Empty<object>(),
        };
        AssertJson(expected, one);
        AssertJson(expected, items[1]);
        var text = page.GetRawText() + one.GetRawText();
        foreach (var secret in new[] { "Ivan", "Petrov", "ivan.petrov", "+7999", "Tverskaya", "Drone fell", "lost power", "autopilot chose", "photo.jpg", "withdrew" })
            Assert.DoesNotContain(secret, text);
        Assert.Equal("Minor damage to personal property (1 person affected) in region 45 on " +
                     $"{DateOnly.FromDateTime(world.Now.AddDays(-1).DateTime):yyyy-MM-dd}.", items[0].GetProperty("summary").GetString());
        Assert.Equal(JsonValueKind.Null, items[0].GetProperty("system").ValueKind);
        Assert.Equal("reported", items[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_register_filters_by_harm_type_severity_region_system_and_period()
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem("46");
        var linked = await File(Portal, Body(occurredAt: world.Now.AddDays(-20), region: "46"));
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{linked}/link", new { }).Body();
        var death = await File(Portal, Body(occurredAt: world.Now.AddDays(-3), region: "46", harmType: "death", severity: "critical"));
        var property = await File(Portal, Body(occurredAt: world.Now.AddDays(-1), region: "46", harmType: "damageToPersonProperty", severity: "minor"));
        var elsewhere = await File(Portal, Body(occurredAt: world.Now.AddDays(-1), region: "47"));
        var today = DateOnly.FromDateTime(world.Now.DateTime);

        async Task<Guid[]> Ids(string query) =>
            (await Anonymous.AllItems($"/api/v1/register/incidents?{query}")).Select(i => i.GetProperty("id").GetGuid()).ToArray();

        Assert.Equal([property, death, linked], await Ids("region=46"));
        Assert.Equal([death], await Ids("region=46&harmType=death"));
        Assert.Equal([property], await Ids("region=46&severity=minor"));
        Assert.Equal([linked], await Ids($"aiSystemId={seeded.AiSystem.AiSystemId}"));
        Assert.Equal([property, death], await Ids($"region=46&from={today.AddDays(-5):yyyy-MM-dd}&to={today:yyyy-MM-dd}"));
        Assert.Equal([linked], await Ids($"region=46&to={today.AddDays(-10):yyyy-MM-dd}"));
        Assert.Equal([elsewhere], await Ids("region=47"));
        await PagingRules.AssertPaged(Anonymous, "/api/v1/register/incidents?region=46");
    }

    [Fact]
    public async Task Statistics_count_by_month_and_harm_type_region_severity_and_system_under_the_same_filters()
    {
        var world = new World(fixture.Host);
        var seeded = await world.SeedDeployedSystem("48");
        var occurred = world.Now.AddDays(-20);
        var linked = await File(Portal, Body(occurredAt: occurred, region: "48"));
        await Regulator.PostAsJsonAsync($"/api/v1/incidents/{linked}/link", new { }).Body();
        var twoHarms = Body(occurredAt: occurred, region: "48");
        twoHarms["harms"] = new object[]
        {
            new { type = "death", severity = "critical", personsAffected = 1 },
            new { type = "damageToPersonProperty", severity = "serious", personsAffected = 1 },
        };
        await File(Portal, twoHarms);
        await File(Portal, Body(occurredAt: occurred, region: "48", harmType: "damageToPersonProperty", severity: "minor"));
        var month = DateOnly.FromDateTime(occurred.DateTime).ToString("yyyy-MM");

        var stats = await Anonymous.GetAsync("/api/v1/register/incidents/statistics?region=48").Body(HttpStatusCode.OK);
        var deaths = await Anonymous.GetAsync("/api/v1/register/incidents/statistics?region=48&harmType=death").Body(HttpStatusCode.OK);

        AssertJson(new
        {
            total = 3,
            byMonthAndHarmType = new object[]
            {
                new { month, harmType = "damageToPersonProperty", count = 2 },
                new { month, harmType = "death", count = 1 },
                new { month, harmType = "injuryToHealth", count = 1 },
            },
            byRegion = new object[] { new { regionCode = "48", count = 3 } },
            bySeverity = new object[] { new { severity = "critical", count = 1 }, new { severity = "minor", count = 1 }, new { severity = "serious", count = 1 } },
            bySystem = new object[] { new { aiSystemId = (Guid?)null, name = (string?)null, count = 2 }, new { aiSystemId = (Guid?)seeded.AiSystem.AiSystemId, name = (string?)"SkyDrop", count = 1 } },
            otherSystems = 0,
        }, stats);
        AssertJson(new
        {
            total = 1,
            byMonthAndHarmType = new object[] { new { month, harmType = "death", count = 1 } },
            byRegion = new object[] { new { regionCode = "48", count = 1 } },
            bySeverity = new object[] { new { severity = "critical", count = 1 } },
            bySystem = new object[] { new { aiSystemId = (Guid?)null, name = (string?)null, count = 1 } },
            otherSystems = 0,
        }, deaths);
    }

    [Fact]
    public async Task Unknown_filters_are_refused_naming_the_parameter_and_unknown_incidents_are_not_found()
    {
        foreach (var (query, field) in new[]
                 {
                     ("harmType=Death", "harmType"), ("severity=huge", "severity"), ("region=999", "region"),
                     ("from=2026-02-01&to=2026-01-01", "to"), ("from=yesterday", "from"), ("aiSystemId=x", "aiSystemId"),
                 })
        {
            foreach (var path in new[] { "/api/v1/register/incidents", "/api/v1/register/incidents/statistics" })
            {
                var problem = await (await Anonymous.GetAsync($"{path}?{query}")).AssertProblem(HttpStatusCode.BadRequest, "validation-failed");
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{path}?{query} names {field}: {problem}");
            }
        }
        await (await Anonymous.GetAsync($"/api/v1/register/incidents/{Guid.NewGuid()}")).AssertProblem(HttpStatusCode.NotFound, "not-found");
    }
}
