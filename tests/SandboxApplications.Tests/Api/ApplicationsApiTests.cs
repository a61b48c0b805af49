using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

public class ApplicationsApiTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private ServiceHost<ServiceMarker> Host => fixture.Host;
    private HttpClient Regulator => Host.Client(Tokens.Regulator());
    private HttpClient Applicant => Host.Client(Tokens.Applicant(Company));
    private HttpClient Other => Host.Client(Tokens.Applicant(OtherCompany));

    [Fact]
    public async Task An_applicant_submits_and_reads_its_application_with_the_due_date()
    {
        var regime = await EstablishRegime(Host);

        var created = await Applicant.PostAsJsonAsync("/api/v1/applications", ApplicationBody(regime));

        var body = await created.Body(HttpStatusCode.Created);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal($"/api/v1/applications/{id}", created.Headers.Location?.ToString());
        var read = await Applicant.GetAsync($"/api/v1/applications/{id}");
        var application = await read.Body(HttpStatusCode.OK);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal(id, application.GetProperty("id").GetGuid());
        Assert.Equal(regime, application.GetProperty("regimeId").GetGuid());
        Assert.Equal(1, application.GetProperty("programmeVersion").GetInt32());
        Assert.Equal("submitted", application.GetProperty("status").GetString());
        Assert.Equal(Company, application.GetProperty("companyOgrn").GetString());
        var form = application.GetProperty("form");
        Assert.Equal("Robotaxi LLC", form.GetProperty("company").GetProperty("legalName").GetString());
        Assert.Equal("7707083893", form.GetProperty("company").GetProperty("inn").GetString());
        Assert.Equal("Driverless shuttles between metro stations", form.GetProperty("plannedAiUse").GetString());
        Assert.Equal("2026-04-01", form.GetProperty("requestedTerm").GetProperty("startsOn").GetString());
        Assert.Equal(["77"], form.GetProperty("territory").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(15_000_000m, form.GetProperty("insurance").GetProperty("sumInsured").GetProperty("amount").GetDecimal());
        Assert.Equal(["life", "health", "property"], form.GetProperty("insurance").GetProperty("coveredRisks").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Ivan Petrov", form.GetProperty("responsiblePersons")[0].GetProperty("fullName").GetString());
        Assert.True(application.TryGetProperty("dueOn", out var dueOn) && DateOnly.Parse(dueOn.GetString()!) > DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.False(application.GetProperty("overdue").GetBoolean());
        Assert.False(application.GetProperty("clockPaused").GetBoolean());
        Assert.Equal(JsonValueKind.Null, application.GetProperty("reviewer").ValueKind);
        Assert.Equal(JsonValueKind.Null, application.GetProperty("decision").ValueKind);
    }

    [Fact]
    public async Task The_whole_review_from_submission_to_approval_creates_an_active_participation()
    {
        var regime = await EstablishRegime(Host);
        var id = await Submit(Host, regime);
        await AssignReviewer(Host, id, "reviewer-sokolova");
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/information-requests",
            new { questions = new[] { "Which address is the operations centre?" } })).Body(HttpStatusCode.OK);

        var paused = await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{id}");
        Assert.Equal("informationRequested", paused.GetProperty("status").GetString());
        Assert.True(paused.GetProperty("clockPaused").GetBoolean());

        await (await Applicant.PostAsJsonAsync($"/api/v1/applications/{id}/information",
            new { answer = "Arbat 2", corrections = new { address = "Moscow, Arbat 2" } })).Body(HttpStatusCode.OK);
        var approval = await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/approval",
            new { conditions = new[] { "Monthly reports" }, participationTerm = new { startsOn = "2026-05-01", endsOn = "2027-03-31" } }))
            .Body(HttpStatusCode.OK);

        Assert.Equal(5, approval.GetProperty("version").GetInt64());
        var participationId = approval.GetProperty("participationId").GetGuid();
        var application = await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{id}");
        Assert.Equal("approved", application.GetProperty("status").GetString());
        Assert.Equal("reviewer-sokolova", application.GetProperty("reviewer").GetString());
        Assert.Equal("Moscow, Arbat 2", application.GetProperty("form").GetProperty("company").GetProperty("address").GetString());
        var exchange = Assert.Single(application.GetProperty("informationRequests").EnumerateArray());
        Assert.Equal("Arbat 2", exchange.GetProperty("answer").GetString());
        Assert.Equal("Moscow, Arbat 2", exchange.GetProperty("corrections").GetProperty("address").GetString());
        var decision = application.GetProperty("decision");
        Assert.Equal("approved", decision.GetProperty("outcome").GetString());
        Assert.Equal(participationId, decision.GetProperty("participationId").GetGuid());
        Assert.Equal(["Monthly reports"], decision.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()));

        var participation = await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/participations/{participationId}");
        Assert.Equal("active", participation.GetProperty("status").GetString());
        Assert.Equal("2026-05-01", participation.GetProperty("term").GetProperty("startsOn").GetString());
        Assert.Equal(id, participation.GetProperty("applicationId").GetGuid());

        var history = (await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{id}/history")).GetProperty("items");
        Assert.Equal(["application_submitted", "reviewer_assigned", "information_requested", "information_provided", "application_approved"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("regulator", history[1].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Approval_with_insurance_below_the_programme_minimum_is_a_409_and_appends_nothing()
    {
        var regime = await EstablishRegime(Host);
        var id = await Submit(Host, regime, policy: Policy(sum: 5_000_000m));
        await AssignReviewer(Host, id);

        var response = await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/approval", new { });

        await response.AssertProblem(HttpStatusCode.Conflict, "insurance-below-minimum");
        var application = await Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{id}");
        Assert.Equal("underReview", application.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(false, "2026-01-01", "2027-12-31", "insurance-ai-harm-not-covered")]
    [InlineData(true, "2026-01-01", "2026-12-31", "insurance-term-not-covered")]
    public async Task Approval_is_refused_when_the_policy_lacks_ai_cover_or_the_term(bool ai, string from, string to, string code)
    {
        var regime = await EstablishRegime(Host);
        var id = await Submit(Host, regime, policy: Policy(ai: ai, validFrom: from, validTo: to));
        await AssignReviewer(Host, id);

        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/approval", new { })).AssertProblem(HttpStatusCode.Conflict, code);
    }

    [Fact]
    public async Task A_rejection_records_ground_and_reasons()
    {
        var id = await Submit(Host, await EstablishRegime(Host));
        await AssignReviewer(Host, id);

        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/rejection",
            new { ground = "doesNotMeetProgrammeConditions", reasons = new[] { "No carrier licence" } })).Body(HttpStatusCode.OK);

        var decision = (await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{id}")).GetProperty("decision");
        Assert.Equal("rejected", decision.GetProperty("outcome").GetString());
        Assert.Equal("doesNotMeetProgrammeConditions", decision.GetProperty("ground").GetString());
        Assert.Equal(["No carrier licence"], decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task The_applicant_withdraws_and_then_nothing_more_happens()
    {
        var id = await Submit(Host, await EstablishRegime(Host));

        await (await Applicant.PostAsJsonAsync($"/api/v1/applications/{id}/withdrawal", new { reason = "Changed plans" })).Body(HttpStatusCode.OK);

        Assert.Equal("withdrawn", (await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/applications/{id}")).GetProperty("status").GetString());
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/reviewer", new { reviewer = "r" }))
            .AssertProblem(HttpStatusCode.Conflict, "application-closed");
    }

    [Fact]
    public async Task Invalid_fields_are_a_400_naming_each_field()
    {
        var response = await Applicant.PostAsJsonAsync("/api/v1/applications", new
        {
            regimeId = Guid.NewGuid(),
            company = new { legalName = "X", ogrn = "1027700132196", inn = "7707083894", address = "" },
            contact = new { email = "not-an-email" },
            plannedAiUse = "x",
            requestedTerm = new { startsOn = "2026-04-01", endsOn = "2026-03-01" },
            territory = new[] { "Moscow" },
            insurance = new
            {
                insurerName = "I", insurerInn = "123", policyNumber = "P", sumInsured = new { amount = 0m, currency = "RUB" },
                coveredRisks = new[] { "life" }, coversAiHarm = true, validFrom = "2026-01-01", validTo = "2027-01-01",
            },
            responsiblePersons = Array.Empty<object>(),
        });

        var problem = await response.AssertProblem(HttpStatusCode.BadRequest, "validation-failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "company.ogrn", "company.inn", "company.address", "contact.email", "requestedTerm.endsOn",
            "territory[0]", "insurance.insurerInn", "insurance.sumInsured.amount", "responsiblePersons" }, fields);
    }

    [Fact]
    public async Task An_applicant_cannot_apply_for_another_company()
    {
        var response = await Applicant.PostAsJsonAsync("/api/v1/applications", ApplicationBody(await EstablishRegime(Host), OtherCompany));

        await response.AssertProblem(HttpStatusCode.Forbidden, "company-not-yours");
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_regulators_cannot_submit()
    {
        var body = ApplicationBody(Guid.NewGuid());
        await (await Host.Client().PostAsJsonAsync("/api/v1/applications", body)).AssertProblem(HttpStatusCode.Unauthorized);
        await (await Regulator.PostAsJsonAsync("/api/v1/applications", body)).AssertProblem(HttpStatusCode.Forbidden);
        await (await Applicant.PostAsJsonAsync($"/api/v1/applications/{Guid.NewGuid()}/approval", new { }))
            .AssertProblem(HttpStatusCode.Forbidden);
        await (await Host.Client(Tokens.Integration("gosuslugi")).GetAsync("/api/v1/applications")).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Another_company_gets_404_for_every_read_and_command_on_an_application()
    {
        var id = await Submit(Host, await EstablishRegime(Host));

        await (await Other.GetAsync($"/api/v1/applications/{id}")).AssertProblem(HttpStatusCode.NotFound);
        await (await Other.GetAsync($"/api/v1/applications/{id}/history")).AssertProblem(HttpStatusCode.NotFound);
        await (await Other.PostAsJsonAsync($"/api/v1/applications/{id}/withdrawal", new { })).AssertProblem(HttpStatusCode.NotFound);
        // Even with a stale If-Match, the answer does not reveal that the application exists.
        await (await Other.SendAsync(Post($"/api/v1/applications/{id}/withdrawal", new { }, 7))).AssertProblem(HttpStatusCode.NotFound);
        var list = await Other.GetFromJsonAsync<JsonElement>("/api/v1/applications");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Unknown_regimes_and_applications_are_404()
    {
        await (await Applicant.PostAsJsonAsync("/api/v1/applications", ApplicationBody(Guid.NewGuid()))).AssertProblem(HttpStatusCode.NotFound);
        await (await Regulator.GetAsync($"/api/v1/applications/{Guid.NewGuid()}")).AssertProblem(HttpStatusCode.NotFound);
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{Guid.NewGuid()}/reviewer", new { reviewer = "r" }))
            .AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_stale_if_match_is_a_412_and_the_current_one_is_accepted()
    {
        var id = await Submit(Host, await EstablishRegime(Host));
        await AssignReviewer(Host, id);

        await (await Regulator.SendAsync(Post($"/api/v1/applications/{id}/information-requests", new { questions = new[] { "q" } }, 1)))
            .AssertProblem(HttpStatusCode.PreconditionFailed, "stale-version");
        var accepted = await Regulator.SendAsync(Post($"/api/v1/applications/{id}/information-requests", new { questions = new[] { "q" } }, 2));
        await accepted.Body(HttpStatusCode.OK);
        Assert.Equal("\"3\"", accepted.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Transitions_out_of_order_are_409_with_their_codes()
    {
        var regime = await EstablishRegime(Host);
        var id = await Submit(Host, regime);

        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/approval", new { })).AssertProblem(HttpStatusCode.Conflict, "review-not-started");
        await (await Applicant.PostAsJsonAsync($"/api/v1/applications/{id}/information", new { answer = "a" }))
            .AssertProblem(HttpStatusCode.Conflict, "no-information-requested");
        await (await Applicant.PostAsJsonAsync("/api/v1/applications", ApplicationBody(regime)))
            .AssertProblem(HttpStatusCode.Conflict, "application-already-open");
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/rejection", new { ground = "other", reasons = new[] { "r" } }))
            .AssertProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Regulators_list_and_filter_applications_with_paging()
    {
        var regime = await EstablishRegime(Host);
        var first = await Submit(Host, regime);
        var second = await Submit(Host, regime, OtherCompany);
        await AssignReviewer(Host, second, "reviewer-list");

        var byRegime = await (await Regulator.GetAsync($"/api/v1/applications?regimeId={regime}&pageSize=1&page=2")).Body(HttpStatusCode.OK);
        Assert.Equal(2, byRegime.GetProperty("total").GetInt64());
        Assert.Equal((2, 1), (byRegime.GetProperty("page").GetInt32(), byRegime.GetProperty("pageSize").GetInt32()));
        Assert.Single(byRegime.GetProperty("items").EnumerateArray());

        var byReviewer = await (await Regulator.GetAsync($"/api/v1/applications?reviewer=reviewer-list&status=underReview")).Body(HttpStatusCode.OK);
        Assert.Equal([second], byReviewer.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));

        var mine = await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/applications?regimeId={regime}");
        Assert.Equal([first], mine.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));

        var overdue = await Regulator.GetFromJsonAsync<JsonElement>($"/api/v1/applications?regimeId={regime}&overdue=true");
        Assert.Equal(0, overdue.GetProperty("total").GetInt64());

        await (await Regulator.GetAsync("/api/v1/applications?pageSize=1000")).AssertProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Insurance_corrected_in_an_answer_makes_the_application_approvable()
    {
        var id = await Submit(Host, await EstablishRegime(Host), policy: Policy(ai: false));
        await AssignReviewer(Host, id);
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/approval", new { }))
            .AssertProblem(HttpStatusCode.Conflict, "insurance-ai-harm-not-covered");
        await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/information-requests",
            new { questions = new[] { "The programme requires cover of harm caused by AI. Please amend the policy." } })).Body(HttpStatusCode.OK);

        await (await Applicant.PostAsJsonAsync($"/api/v1/applications/{id}/information",
            new { answer = "Endorsement No. 2 attached", corrections = new { insurance = Policy() } })).Body(HttpStatusCode.OK);
        var approved = await (await Regulator.PostAsJsonAsync($"/api/v1/applications/{id}/approval", new { })).Body(HttpStatusCode.OK);

        var participation = await Applicant.GetFromJsonAsync<JsonElement>($"/api/v1/participations/{approved.GetProperty("participationId").GetGuid()}");
        Assert.True(participation.GetProperty("insurance").GetProperty("coversAiHarm").GetBoolean());
    }
}
