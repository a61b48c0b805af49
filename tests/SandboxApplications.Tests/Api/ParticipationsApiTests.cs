using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

public class ParticipationsApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private ServiceHost<ServiceMarker> Host => fixture.Host;
    private HttpClient Regulator => Host.Client(Tokens.Regulator());
    private HttpClient Applicant => Host.Client(Tokens.Applicant(Company));
    private HttpClient Other => Host.Client(Tokens.Applicant(OtherCompany));

    [Fact]
    public async Task An_approved_participation_shows_company_term_insurance_and_register()
    {
        var (regime, application, id) = await ActiveParticipation(Host);

        var read = await Applicant.GetAsync($"/api/v1/participations/{id}");

        var p = await read.Body(HttpStatusCode.OK);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal((id, application, regime), (p.GetProperty("id").GetGuid(), p.GetProperty("applicationId").GetGuid(), p.GetProperty("regimeId").GetGuid()));
        Assert.Equal("active", p.GetProperty("status").GetString());
        Assert.Equal(Company, p.GetProperty("companyOgrn").GetString());
        Assert.Equal("Robotaxi LLC", p.GetProperty("company").GetProperty("legalName").GetString());
        Assert.Equal(["77"], p.GetProperty("territory").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("2026-04-01", p.GetProperty("term").GetProperty("startsOn").GetString());
        Assert.Equal("2027-03-31", p.GetProperty("term").GetProperty("endsOn").GetString());
        Assert.Equal(["Report incidents within 24 hours"], p.GetProperty("conditions").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("GO-2026-0001", p.GetProperty("insurance").GetProperty("policyNumber").GetString());
        var person = Assert.Single(p.GetProperty("responsiblePersons").EnumerateArray());
        Assert.Equal("Ivan Petrov", person.GetProperty("fullName").GetString());
        Assert.Equal("petrov@robotaxi.ru", person.GetProperty("contact").GetProperty("email").GetString());
        Assert.Equal("2026-04-01", person.GetProperty("validFrom").GetString());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("suspension").ValueKind);
    }

    [Fact]
    public async Task A_regulator_suspends_resumes_and_terminates_and_history_shows_each_step()
    {
        var (_, _, id) = await ActiveParticipation(Host);

        await (await Regulator.PostAsJsonAsync($"/api/v1/participations/{id}/suspension", new { reason = "Inspection" })).Body(HttpStatusCode.OK);
        var suspended = await Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/participations/{id}");
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        Assert.Equal("regulatorDecision", suspended.GetProperty("suspension").GetProperty("ground").GetString());
        Assert.Equal("Inspection", suspended.GetProperty("suspension").GetProperty("reason").GetString());
        await (await Regulator.PostAsJsonAsync($"/api/v1/participations/{id}/suspension", new { reason = "again" }))
            .AssertProblem(HttpStatusCode.Conflict, "participation-already-suspended");

        await (await Regulator.PostAsync($"/api/v1/participations/{id}/resumption", null)).Body(HttpStatusCode.OK);
        var terminated = await (await Regulator.SendAsync(Post($"/api/v1/participations/{id}/termination", new { reason = "Harm" }, 3)))
            .Body(HttpStatusCode.OK);
        Assert.Equal(4, terminated.GetProperty("version").GetInt64());
        await (await Regulator.PostAsync($"/api/v1/participations/{id}/resumption", null))
            .AssertProblem(HttpStatusCode.Conflict, "participation-closed");

        var history = (await Host.Client(Tokens.Auditor()).GetFromJsonAsync<JsonElement>($"/api/v1/participations/{id}/history")).GetProperty("items");
        Assert.Equal(["participation_granted", "participation_suspended", "participation_resumed", "participation_terminated"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task The_participant_renews_insurance_checked_against_the_programme()
    {
        var (_, _, id) = await ActiveParticipation(Host);

        await (await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/insurance", Policy(sum: 1_000m)))
            .AssertProblem(HttpStatusCode.Conflict, "insurance-below-minimum");
        await (await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/insurance",
            Policy(sum: 20_000_000m, validFrom: "2027-01-01", validTo: "2028-12-31"))).Body(HttpStatusCode.OK);

        var p = await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/participations/{id}");
        Assert.Equal(20_000_000m, p.GetProperty("insurance").GetProperty("sumInsured").GetProperty("amount").GetDecimal());
        Assert.Equal(2, p.GetProperty("insuranceHistory").GetArrayLength());
        await (await Regulator.PostAsJsonAsync($"/api/v1/participations/{id}/insurance", Policy())).AssertProblem(HttpStatusCode.Forbidden);
        await (await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/insurance", new { insurerName = "" }))
            .AssertProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_register_of_responsible_persons_answers_who_was_responsible_on_a_date()
    {
        var (_, _, id) = await ActiveParticipation(Host);
        var petrov = (await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/participations/{id}"))
            .GetProperty("responsiblePersons")[0].GetProperty("entryId").GetGuid();

        var added = await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/responsible-persons", new
        {
            fullName = "Anna Sidorova", position = "Head of safety", areaOfResponsibility = "Incident response",
            contact = new { phone = "+7 495 000-00-00" }, validFrom = "2026-09-01",
        });
        var entry = (await added.Body(HttpStatusCode.Created)).GetProperty("entryId").GetGuid();
        Assert.Equal($"/api/v1/participations/{id}/responsible-persons/{entry}", added.Headers.Location?.ToString());
        await (await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/responsible-persons/{petrov}/removal",
            new { validTo = "2026-10-31" })).Body(HttpStatusCode.OK);

        async Task<string[]> On(string day) => (await Regulator.GetFromJsonAsync<JsonElement>(
                $"/api/v1/participations/{id}/responsible-persons?on={day}"))
            .GetProperty("persons").EnumerateArray().Select(p => p.GetProperty("fullName").GetString()!).ToArray();
        Assert.Equal(["Ivan Petrov"], await On("2026-08-01"));
        Assert.Equal(["Ivan Petrov", "Anna Sidorova"], await On("2026-10-31"));
        Assert.Equal(["Anna Sidorova"], await On("2026-11-01"));
        await (await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/responsible-persons/{petrov}/removal",
            new { validTo = "2026-12-31" })).AssertProblem(HttpStatusCode.Conflict, "responsible-person-already-removed");
        await (await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/responsible-persons/{Guid.NewGuid()}/removal",
            new { validTo = "2026-12-31" })).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_company_gets_404_for_every_read_and_command_on_a_participation()
    {
        var (_, _, id) = await ActiveParticipation(Host);

        await (await Other.GetAsync($"/api/v1/participations/{id}")).AssertProblem(HttpStatusCode.NotFound);
        await (await Other.GetAsync($"/api/v1/participations/{id}/history")).AssertProblem(HttpStatusCode.NotFound);
        await (await Other.GetAsync($"/api/v1/participations/{id}/responsible-persons")).AssertProblem(HttpStatusCode.NotFound);
        await (await Other.PostAsJsonAsync($"/api/v1/participations/{id}/insurance", Policy())).AssertProblem(HttpStatusCode.NotFound);
        await (await Other.SendAsync(Post($"/api/v1/participations/{id}/insurance", Policy(), 9))).AssertProblem(HttpStatusCode.NotFound);
        var list = await Other.GetFromJsonAsync<JsonElement>("/api/v1/participations");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Commands_need_the_right_role_a_known_id_and_a_current_version()
    {
        var (_, _, id) = await ActiveParticipation(Host);

        await (await Host.Client().PostAsJsonAsync($"/api/v1/participations/{id}/suspension", new { reason = "x" }))
            .AssertProblem(HttpStatusCode.Unauthorized);
        await (await Applicant.PostAsJsonAsync($"/api/v1/participations/{id}/suspension", new { reason = "x" }))
            .AssertProblem(HttpStatusCode.Forbidden);
        await (await Regulator.PostAsJsonAsync($"/api/v1/participations/{Guid.NewGuid()}/suspension", new { reason = "x" }))
            .AssertProblem(HttpStatusCode.NotFound);
        await (await Regulator.PostAsJsonAsync($"/api/v1/participations/{id}/suspension", new { reason = "" }))
            .AssertProblem(HttpStatusCode.BadRequest);
        await (await Regulator.SendAsync(Post($"/api/v1/participations/{id}/suspension", new { reason = "x" }, 5)))
            .AssertProblem(HttpStatusCode.PreconditionFailed, "stale-version");
    }

    [Fact]
    public async Task The_public_register_lists_participations_anonymously_without_personal_data()
    {
        var (regime, _, id) = await ActiveParticipation(Host);

        var register = await (await Host.Client().GetAsync($"/api/v1/register/participations?regimeId={regime}")).Body(HttpStatusCode.OK);

        var entry = Assert.Single(register.GetProperty("items").EnumerateArray());
        Assert.Equal(id, entry.GetProperty("participationId").GetGuid());
        Assert.Equal("Robotaxi LLC", entry.GetProperty("companyName").GetString());
        Assert.Equal(Company, entry.GetProperty("ogrn").GetString());
        Assert.Equal(regime, entry.GetProperty("regimeId").GetGuid());
        Assert.Equal("Autonomous shuttles", entry.GetProperty("regimeTitle").GetString());
        Assert.Equal("active", entry.GetProperty("status").GetString());
        Assert.Equal(("2026-04-01", "2027-03-31"), (entry.GetProperty("startsOn").GetString(), entry.GetProperty("endsOn").GetString()));
        Assert.DoesNotContain("Petrov", register.GetRawText());
        Assert.DoesNotContain("@", register.GetRawText());
        await (await Host.Client().GetAsync("/api/v1/register/participations?status=sleeping")).AssertProblem(HttpStatusCode.BadRequest);
    }
}
