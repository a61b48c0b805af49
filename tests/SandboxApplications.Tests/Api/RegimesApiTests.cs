using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

public class RegimesApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private static readonly object ValidRegime = Scenario.RegimeBody("Autonomous shuttles", territory: ["77", "RU-SPE"]);

    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator());

    [Fact]
    public async Task A_regulator_establishes_a_regime_and_anyone_reads_it_from_the_public_register()
    {
        var created = await Regulator.PostAsJsonAsync("/api/v1/regimes", ValidRegime);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/regimes/{id}", created.Headers.Location?.ToString());

        var read = await fixture.Host.Client().GetAsync($"/api/v1/regimes/{id}");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        var regime = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, regime.GetProperty("id").GetGuid());
        Assert.Equal("active", regime.GetProperty("status").GetString());
        Assert.Equal(1, regime.GetProperty("programmeVersion").GetInt32());
        Assert.Equal("Autonomous shuttles", regime.GetProperty("title").GetString());
        Assert.Equal("transport", regime.GetProperty("direction").GetString());
        Assert.Equal(["77", "RU-SPE"], regime.GetProperty("territory").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("2026-01-01", regime.GetProperty("startsOn").GetString());
        Assert.Equal("2028-12-31", regime.GetProperty("endsOn").GetString());
        Assert.Equal("Government Decree No. 1234", regime.GetProperty("legalBasis").GetProperty("actNumber").GetString());
        Assert.Equal("2025-12-01", regime.GetProperty("legalBasis").GetProperty("actDate").GetString());
        Assert.Equal("Shuttles on public roads", regime.GetProperty("description").GetString());
        Assert.Equal(["Traffic rules, section 2.1"], regime.GetProperty("disappliedNorms").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["A licensed carrier"], regime.GetProperty("subjectRequirements").EnumerateArray().Select(t => t.GetString()));
        var insurance = regime.GetProperty("insurance");
        Assert.Equal(10_000_000m, insurance.GetProperty("minimumSumInsured").GetProperty("amount").GetDecimal());
        Assert.Equal("RUB", insurance.GetProperty("minimumSumInsured").GetProperty("currency").GetString());
        Assert.Equal(["life", "health"], insurance.GetProperty("requiredRisks").EnumerateArray().Select(t => t.GetString()));
        Assert.True(insurance.GetProperty("aiHarmCoverRequired").GetBoolean());
    }

    [Fact]
    public async Task The_history_shows_each_event_with_who_and_when_to_regulators_and_auditors_only()
    {
        var created = await fixture.Host.Client(Tokens.Regulator("reg-ivanova")).PostAsJsonAsync("/api/v1/regimes", ValidRegime);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var history = (await fixture.Host.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>($"/api/v1/regimes/{id}/history")).GetProperty("items");

        var entry = Assert.Single(history.EnumerateArray());
        Assert.Equal(1, entry.GetProperty("position").GetInt64());
        Assert.Equal("regime_established", entry.GetProperty("type").GetString());
        Assert.Equal("reg-ivanova", entry.GetProperty("by").GetString());
        Assert.Equal("regulator", entry.GetProperty("role").GetString());
        Assert.True(DateTimeOffset.UtcNow - entry.GetProperty("at").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
        Assert.Equal("Autonomous shuttles", entry.GetProperty("data").GetProperty("programme").GetProperty("title").GetString());

        var applicant = await fixture.Host.Client(Tokens.Applicant("1027700132195")).GetAsync($"/api/v1/regimes/{id}/history");
        Assert.Equal(HttpStatusCode.Forbidden, applicant.StatusCode);
        var unknown = await fixture.Host.Client(Tokens.Auditor()).GetAsync($"/api/v1/regimes/{Guid.NewGuid()}/history");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task An_anonymous_caller_gets_401_with_problem_details()
    {
        var response = await fixture.Host.Client().PostAsJsonAsync("/api/v1/regimes", ValidRegime);

        await Responses.AssertProblem(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("applicant")]
    [InlineData("auditor")]
    [InlineData("integration")]
    public async Task Only_a_regulator_establishes_regimes(string role)
    {
        var token = role switch
        {
            "applicant" => Tokens.Applicant("1027700132195"),
            "auditor" => Tokens.Auditor(),
            _ => Tokens.Integration("gosuslugi"),
        };

        var response = await fixture.Host.Client(token).PostAsJsonAsync("/api/v1/regimes", ValidRegime);

        await Responses.AssertProblem(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var forged = Tokens.Regulator().Split('.') is [var header, var payload, _] ? $"{header}.{payload}.c2lnbmF0dXJl" : "";

        var response = await fixture.Host.Client(forged).PostAsJsonAsync("/api/v1/regimes", ValidRegime);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"title\": ", "title")]
    [InlineData("{\"title\":\"x\",\"direction\":\"space travel\"}", "direction")]
    [InlineData("{\"title\":\"x\",\"startsOn\":\"first of May\"}", "startsOn")]
    public async Task Malformed_json_is_a_400_that_names_the_field(string json, string field)
    {
        var response = await Regulator.PostAsync("/api/v1/regimes", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal("malformed-json", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }

    [Fact]
    public async Task Invalid_fields_are_a_400_listing_each_field()
    {
        var response = await Regulator.PostAsJsonAsync("/api/v1/regimes", new
        {
            title = "",
            direction = "transport",
            legalBasis = new { actNumber = "", actDate = "2025-12-01" },
            territory = new[] { "Moscow" },
            startsOn = "2026-01-01",
            endsOn = "2025-01-01",
            insurance = new { minimumSumInsured = new { amount = 0m, currency = "RUR" }, requiredRisks = Array.Empty<string>() },
        });

        var problem = await Responses.AssertProblem(response, HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["endsOn", "insurance.minimumSumInsured.amount", "insurance.minimumSumInsured.currency", "insurance.requiredRisks",
            "legalBasis.actNumber", "territory[0]", "title"], fields);
    }

    [Fact]
    public async Task A_term_beyond_the_legal_maximum_is_a_409_with_a_stable_code()
    {
        var response = await Regulator.PostAsJsonAsync("/api/v1/regimes", Scenario.RegimeBody("Too long", endsOn: "2030-01-01"));

        var problem = await Responses.AssertProblem(response, HttpStatusCode.Conflict);
        Assert.Equal("regime-term-too-long", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_regime_is_a_404_with_problem_details()
    {
        var response = await fixture.Host.Client().GetAsync($"/api/v1/regimes/{Guid.NewGuid()}");

        await Responses.AssertProblem(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Swagger_describes_the_api_with_the_bearer_scheme()
    {
        var swagger = await fixture.Host.Client().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        Assert.True(swagger.GetProperty("paths").TryGetProperty("/api/v1/regimes", out _));
        Assert.Equal("bearer", swagger.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer")
            .GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Readiness_reports_postgres_and_the_broker()
    {
        var client = fixture.Host.Client();
        var ready = await Eventually.Until(async () =>
        {
            var response = await client.GetAsync("/health/ready");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
        }, because: "the service should become ready");

        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("postgres").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("masstransit-bus").GetString());
    }
}

public class RegimeLifecycleApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator());

    [Fact]
    public async Task An_amendment_makes_a_new_programme_version_and_the_old_one_stays_readable()
    {
        var id = await Api.Scenario.EstablishRegime(fixture.Host);

        var amended = await Regulator.SendAsync(Api.Scenario.Post($"/api/v1/regimes/{id}/amendments",
            new { reason = "Commission advice", programme = Api.Scenario.RegimeBody("Autonomous shuttles, phase 2", minimum: 20_000_000m) }, 1));

        var body = await Responses.Body(amended, HttpStatusCode.OK);
        Assert.Equal((2L, 2), (body.GetProperty("version").GetInt64(), body.GetProperty("programmeVersion").GetInt32()));
        Assert.Equal("\"2\"", amended.Headers.ETag?.Tag);
        var current = await fixture.Host.Client().GetFromJsonAsync<JsonElement>($"/api/v1/regimes/{id}");
        Assert.Equal((2, "Autonomous shuttles, phase 2"), (current.GetProperty("programmeVersion").GetInt32(), current.GetProperty("title").GetString()));
        var first = await fixture.Host.Client().GetFromJsonAsync<JsonElement>($"/api/v1/regimes/{id}/programmes/1");
        Assert.Equal("Autonomous shuttles", first.GetProperty("programme").GetProperty("title").GetString());
        Assert.Equal(10_000_000m, first.GetProperty("programme").GetProperty("insurance").GetProperty("minimumSumInsured").GetProperty("amount").GetDecimal());
        var versions = await fixture.Host.Client().GetFromJsonAsync<JsonElement>($"/api/v1/regimes/{id}/programmes");
        Assert.Equal([1, 2], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("Commission advice", versions[1].GetProperty("reason").GetString());
        await Responses.AssertProblem(await fixture.Host.Client().GetAsync($"/api/v1/regimes/{id}/programmes/3"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_amendment_beyond_the_maximum_from_the_first_start_is_a_409_and_appends_nothing()
    {
        var id = await Api.Scenario.EstablishRegime(fixture.Host); // 2026-01-01 .. 2028-12-31

        var refused = await Regulator.PostAsJsonAsync($"/api/v1/regimes/{id}/amendments",
            new { reason = "Later start", programme = Api.Scenario.RegimeBody(startsOn: "2027-01-01", endsOn: "2029-06-30") });

        var problem = await Responses.AssertProblem(refused, HttpStatusCode.Conflict, "regime-term-too-long");
        Assert.Equal("A regime lasts at most 36 months under RU-258-FZ, counted from 2026-01-01.", problem.GetProperty("detail").GetString());
        var current = await fixture.Host.Client().GetFromJsonAsync<JsonElement>($"/api/v1/regimes/{id}");
        Assert.Equal((1, "2028-12-31"), (current.GetProperty("programmeVersion").GetInt32(), current.GetProperty("endsOn").GetString()));
    }

    [Fact]
    public async Task A_regime_is_suspended_resumed_and_terminated_and_then_refuses_changes()
    {
        var id = await Api.Scenario.EstablishRegime(fixture.Host);

        await Responses.Body(await Regulator.PostAsJsonAsync($"/api/v1/regimes/{id}/suspension", new { reason = "Audit" }), HttpStatusCode.OK);
        var suspended = await fixture.Host.Client().GetFromJsonAsync<JsonElement>($"/api/v1/regimes/{id}");
        Assert.Equal(("suspended", "Audit"), (suspended.GetProperty("status").GetString(), suspended.GetProperty("statusReason").GetString()));
        await Responses.AssertProblem(await fixture.Host.Client(Tokens.Applicant(Api.Scenario.Company)).PostAsJsonAsync(
            "/api/v1/applications", Api.Scenario.ApplicationBody(id)), HttpStatusCode.Conflict, "regime-not-active");
        await Responses.Body(await Regulator.PostAsync($"/api/v1/regimes/{id}/resumption", null), HttpStatusCode.OK);
        await Responses.AssertProblem(await Regulator.PostAsync($"/api/v1/regimes/{id}/resumption", null), HttpStatusCode.Conflict,
            "regime-not-suspended");
        await Responses.Body(await Regulator.PostAsJsonAsync($"/api/v1/regimes/{id}/termination", new { reason = "Done" }), HttpStatusCode.OK);

        await Responses.AssertProblem(await Regulator.PostAsJsonAsync($"/api/v1/regimes/{id}/amendments",
            new { reason = "x", programme = Api.Scenario.RegimeBody() }), HttpStatusCode.Conflict, "regime-closed");
        var history = (await Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/regimes/{id}/history")).GetProperty("items");
        Assert.Equal(["regime_established", "regime_suspended", "regime_resumed", "regime_terminated"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Regime_commands_answer_400_401_403_404_and_412()
    {
        var id = await Api.Scenario.EstablishRegime(fixture.Host);

        await Responses.AssertProblem(await Regulator.PostAsJsonAsync($"/api/v1/regimes/{id}/suspension", new { reason = "" }), HttpStatusCode.BadRequest);
        await Responses.AssertProblem(await fixture.Host.Client().PostAsJsonAsync($"/api/v1/regimes/{id}/suspension", new { reason = "x" }),
            HttpStatusCode.Unauthorized);
        await Responses.AssertProblem(await fixture.Host.Client(Tokens.Auditor()).PostAsJsonAsync($"/api/v1/regimes/{id}/termination",
            new { reason = "x" }), HttpStatusCode.Forbidden);
        await Responses.AssertProblem(await Regulator.PostAsJsonAsync($"/api/v1/regimes/{Guid.NewGuid()}/suspension", new { reason = "x" }),
            HttpStatusCode.NotFound);
        await Responses.AssertProblem(await Regulator.SendAsync(Api.Scenario.Post($"/api/v1/regimes/{id}/termination", new { reason = "x" }, 4)),
            HttpStatusCode.PreconditionFailed, "stale-version");
        await Responses.AssertProblem(await Regulator.PostAsJsonAsync($"/api/v1/regimes/{id}/amendments",
            new { reason = "x", programme = new { title = "" } }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Anyone_lists_regimes_filtered_by_status_with_paging()
    {
        var id = await Api.Scenario.EstablishRegime(fixture.Host, Api.Scenario.RegimeBody("Zeppelin delivery"));
        await Regulator.PostAsJsonAsync($"/api/v1/regimes/{id}/suspension", new { reason = "Audit" });

        var list = await Responses.Body(await fixture.Host.Client().GetAsync("/api/v1/regimes?status=suspended&pageSize=50"), HttpStatusCode.OK);

        Assert.Contains(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
        Assert.All(list.GetProperty("items").EnumerateArray(), r => Assert.Equal("suspended", r.GetProperty("status").GetString()));
        await Responses.AssertProblem(await fixture.Host.Client().GetAsync("/api/v1/regimes?page=0"), HttpStatusCode.BadRequest);
    }
}

/// <summary>The service configured with the 2026 bill's option: regimes of up to 60 months.</summary>
public sealed class SixtyMonthFixture : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private Uri _vhost = null!;
    public ServiceHost<ServiceMarker> Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _vhost = await _infrastructure.CreateVirtualHostAsync("sandboxapplications-sixty");
        Host = new ServiceHost<ServiceMarker>(await _infrastructure.CreateDatabaseAsync("t_sandboxapplications_sixty"), _vhost,
            new Dictionary<string, string?> { ["Jurisdiction:MaxRegimeTermMonths"] = "60" });
        await Host.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _infrastructure.DropDatabaseAsync(Host.Postgres);
        await _infrastructure.DeleteVirtualHostAsync(_vhost);
    }
}

public class SixtyMonthTermApiTests(SixtyMonthFixture fixture) : IClassFixture<SixtyMonthFixture>
{
    [Fact]
    public async Task With_the_2026_bill_option_a_five_year_regime_is_established_and_a_longer_one_refused()
    {
        var regulator = fixture.Host.Client(Tokens.Regulator());

        var five = await regulator.PostAsJsonAsync("/api/v1/regimes", Api.Scenario.RegimeBody("Five years", endsOn: "2030-12-31"));
        await Responses.Body(five, HttpStatusCode.Created);
        var longer = await regulator.PostAsJsonAsync("/api/v1/regimes", Api.Scenario.RegimeBody("Too long", endsOn: "2031-01-02"));

        var problem = await Responses.AssertProblem(longer, HttpStatusCode.Conflict, "regime-term-too-long");
        Assert.Equal("A regime lasts at most 60 months under RU-258-FZ, counted from 2026-01-01.", problem.GetProperty("detail").GetString());
    }
}
