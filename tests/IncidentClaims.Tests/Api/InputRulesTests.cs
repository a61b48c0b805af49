using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>One test per input defect a hostile client found (issue 13); the generated walk covers the rest.</summary>
public class InputRulesTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private HttpClient Portal => fixture.Host.Client(Tokens.Integration("gosuslugi"));
    private HttpClient Regulator => fixture.Host.Client(Tokens.Regulator());

    private async Task<(HttpStatusCode Status, JsonElement Problem)> Refused(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement);
    }

    private static string[] Fields(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(e => e.Name).ToArray() : [];

    [Fact]
    public async Task A_nul_character_in_free_text_is_a_400_naming_the_field_and_nothing_is_stored()
    {
        var body = Body();
        body["description"] = "power lost\u0000 over the street";

        var (status, problem) = await Refused(await Post(Portal, body, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["description"], Fields(problem));
        Assert.Equal("validation-failed", problem.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Created, (await Post(Portal, Body(), Guid.NewGuid().ToString())).StatusCode); // the next request is served
    }

    [Theory]
    [InlineData("injuryToHealth, damageToPersonProperty")]
    [InlineData("injuryToHealth,damageToPersonProperty")]
    [InlineData("InjuryToHealth")]
    [InlineData(" injuryToHealth ")]
    [InlineData("1")]
    public async Task An_enum_is_exactly_one_declared_value(string harmType)
    {
        var (status, problem) = await Refused(await Post(Portal, Body(harmType: harmType), Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["harms[0].type"], Fields(problem));
    }

    [Fact]
    public async Task An_enum_given_as_a_number_is_refused()
    {
        var body = Body();
        body["channel"] = 1;

        var (status, problem) = await Refused(await Post(Portal, body, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["channel"], Fields(problem));
    }

    [Fact]
    public async Task The_empty_guid_as_an_id_is_a_404()
    {
        var (status, problem) = await Refused(await Regulator.PostAsJsonAsync(
            $"/api/v1/incidents/{Guid.Empty}/explicit-link", new { reason = "x" }));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not-found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_null_element_in_a_list_is_a_400_naming_it()
    {
        var body = Body();
        body["harms"] = new object?[] { null };

        var (status, problem) = await Refused(await Post(Portal, body, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["harms[0]"], Fields(problem));
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59+00:00")]
    [InlineData("0001-01-01T00:00:00+00:00")]
    public async Task An_implausible_date_is_a_400(string occurredAt)
    {
        var body = Body();
        body["occurredAt"] = occurredAt;

        var (status, problem) = await Refused(await Post(Portal, body, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["occurredAt"], Fields(problem));
    }

    [Fact]
    public async Task Harm_to_health_needs_at_least_one_person_affected()
    {
        var body = Body();
        body["harms"] = new object[] { new { type = "injuryToHealth", severity = "serious", personsAffected = 0 } };

        var (status, problem) = await Refused(await Post(Portal, body, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["harms[0].personsAffected"], Fields(problem));
    }

    [Fact]
    public async Task Oversized_strings_and_lists_are_refused()
    {
        var longEmail = Body();
        longEmail["reporter"] = new { fullName = "Ivan Petrov", contacts = new { email = new string('a', 900_000) + "@x.ru" }, consentToProcessing = true };
        var manyHarms = Body();
        manyHarms["harms"] = Enumerable.Range(0, 101).Select(_ => new { type = "injuryToHealth", severity = "serious", personsAffected = 1 }).ToArray();

        var (status1, problem1) = await Refused(await Post(Portal, longEmail, Guid.NewGuid().ToString()));
        var (status2, problem2) = await Refused(await Post(Portal, manyHarms, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status1);
        Assert.Equal(["reporter.contacts.email"], Fields(problem1));
        Assert.Equal(HttpStatusCode.BadRequest, status2);
        Assert.Equal(["harms"], Fields(problem2));
    }

    [Fact]
    public async Task Bidirectional_overrides_are_refused_in_names()
    {
        var body = Body();
        body["reporter"] = new { fullName = "Ivan \u202EvorteP", contacts = new { email = "ivan@example.ru" }, consentToProcessing = true };

        var (status, problem) = await Refused(await Post(Portal, body, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["reporter.fullName"], Fields(problem));
    }

    [Fact]
    public async Task Cyrillic_emoji_and_right_to_left_text_are_stored_as_sent()
    {
        var body = Body();
        body["description"] = "Дрон упал 🚁 על המדרכה\nвторая строка";

        var response = await Post(Portal, body, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var reported = (await session.Events.FetchStreamAsync(id)).Select(e => e.Data).OfType<HarmIncidentReported>().Single();
        Assert.Equal("Дрон упал 🚁 על המדרכה\nвторая строка", reported.Report.Description);
    }

    [Fact]
    public async Task Duplicate_json_keys_are_a_400()
    {
        var json = JsonSerializer.Serialize(Body());
        var duplicated = "{\"title\":\"first\"," + json[1..];

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = new StringContent(duplicated, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var (status, _) = await Refused(await Portal.SendAsync(request));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Idempotency_keys_of_two_clients_never_collide()
    {
        var x = fixture.Host.Client(Tokens.Integration("x"));
        var xk = fixture.Host.Client(Tokens.Integration("x/k"));

        var first = await Post(x, Body(), "k/1");
        var second = await Post(xk, Body(region: "78"), "1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.NotEqual((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "two roles", Mint([("sub", "c-1"), ("role", "integration"), ("role", "regulator"), ("client_id", "gosuslugi")], TimeSpan.FromHours(1)) },
        { "no role", Mint([("sub", "c-1"), ("client_id", "gosuslugi")], TimeSpan.FromHours(1)) },
        { "no sub", Mint([("role", "integration"), ("client_id", "gosuslugi")], TimeSpan.FromHours(1)) },
        { "empty client_id", Mint([("sub", "c-1"), ("role", "integration"), ("client_id", "")], TimeSpan.FromHours(1)) },
        { "a hundred years", Mint([("sub", "c-1"), ("role", "integration"), ("client_id", "gosuslugi")], TimeSpan.FromDays(36500)) },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_token_that_breaks_the_token_rules_is_a_401(string what, string token)
    {
        var response = await Post(fixture.Host.Client(token), Body(), Guid.NewGuid().ToString());

        Assert.True(HttpStatusCode.Unauthorized == response.StatusCode, $"{what}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Answers_carry_the_security_headers()
    {
        var response = await Regulator.GetAsync("/api/v1/incidents");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.False(response.Headers.Contains("Server"));
    }

    private static string Mint((string Type, string Value)[] claims, TimeSpan lifetime) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthDefaults.DevIssuer,
            Audience = AuthDefaults.DefaultAudience,
            Subject = new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value))),
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.Add(lifetime),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Tokens.SigningKey)),
                SecurityAlgorithms.HmacSha256),
        });
}
