using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>Initiative proposals through the API: the procedure, its clocks, who may do what, the public discussion.</summary>
public class ProposalsApiTests(ClockedFixture fixture) : IClassFixture<ClockedFixture>
{
    /// <summary>Monday 2 March 2026, noon in Moscow; 9 March 2026 is a day off.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private HttpClient Regulator => fixture.Client(Tokens.Regulator());
    private HttpClient Initiator => fixture.Client(Tokens.Applicant(Company));
    private HttpClient Anyone => fixture.Client();

    public static object ProposalBody(string endsOn = "2028-12-31", object[]? disappliedNorms = null) => new
    {
        initiator = new { legalName = "Robotaxi LLC", inn = "7707083893", address = "Moscow, Tverskaya 1" },
        programme = new
        {
            title = "Robotaxis in Moscow",
            direction = "transport",
            legalBasis = new { actNumber = "Draft Government Decree", actDate = "2026-02-20" },
            description = "Driverless taxis without a safety driver",
            territory = new[] { "77" },
            startsOn = "2026-06-01",
            endsOn,
            disappliedNorms = disappliedNorms ?? ["Traffic rules, section 2.1"],
            subjectRequirements = new[] { "A licensed carrier" },
            insurance = new
            {
                minimumSumInsured = new { amount = 10_000_000m, currency = "RUB" },
                requiredRisks = new[] { "life", "health" },
                aiHarmCoverRequired = true,
            },
            expectedResults = new[] { new { result = "Fewer road accidents", measure = "Accidents per 1 000 000 km" } },
        },
        regulatoryBarrier = "Traffic rules require a driver at the wheel",
        justification = "A year of closed-track tests with 200 000 km",
        riskAssessment = new
        {
            summary = "Moderate",
            risks = new[] { new { description = "Collision with a pedestrian", likelihood = "low", impact = "high", mitigation = "Remote operator" } },
        },
    };

    private static readonly object Bodies = new
    {
        registrationNumber = "ERP-2026-17",
        bodies = new object[]
        {
            new { name = "Ministry of Transport", kind = "regulatoryBody" },
            new { name = "Business Russia", kind = "businessCommunity" },
        },
    };

    private async Task<Guid> Submit(string ogrn = Company) =>
        (await fixture.Client(Tokens.Applicant(ogrn)).PostAsJsonAsync("/api/v1/proposals", ProposalBody()).Body(HttpStatusCode.Created))
        .GetProperty("id").GetGuid();

    private Task<JsonElement> Details(Guid id) => Regulator.GetAsync($"/api/v1/proposals/{id}").Body();

    private static string Clocks(JsonElement proposal) => proposal.GetProperty("clocks").GetRawText();

    private static string Clock(string name, int round, string dueOn, string? metOn = null, bool ended = false, bool missed = false) =>
        JsonSerializer.Serialize(new
        {
            name, round, dueOn, metOn, ended, missed, metLate = metOn is null ? (bool?)null : string.CompareOrdinal(metOn, dueOn) > 0,
            running = metOn is null && !ended,
        });

    private Task<JsonElement> HistoryWith(Guid id, string type) => Eventually.Until(async () =>
    {
        var history = (await Regulator.GetAsync($"/api/v1/proposals/{id}/history?pageSize=100").Body()).GetProperty("items");
        return history.EnumerateArray().Any(e => e.GetProperty("type").GetString() == type) ? history : (JsonElement?)null;
    }, because: $"{id} should record {type}");

    private Task<HttpResponseMessage> Opinion(Guid id, string body, string conclusion = "supports") =>
        Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/opinions", new { body, conclusion, text = $"{body}: {conclusion}" });

    [Fact]
    public async Task A_proposal_is_registered_discussed_in_public_answered_by_every_body_and_approved_into_a_regime_linked_to_it()
    {
        fixture.Clock.Set(Monday);
        var id = await Submit();

        var submitted = await Initiator.GetAsync($"/api/v1/proposals/{id}").Body();
        Assert.Equal(("submitted", Company, "2026-03-10"), (submitted.GetProperty("status").GetString(),
            submitted.GetProperty("initiator").GetProperty("ogrn").GetString(), submitted.GetProperty("nextDueOn").GetString()));
        await fixture.Client(Tokens.Applicant(OtherCompany)).GetAsync($"/api/v1/proposals/{id}").AssertProblem(HttpStatusCode.NotFound);
        await Anyone.GetAsync($"/api/v1/register/proposals/{id}").AssertProblem(HttpStatusCode.NotFound);
        await Anyone.PostAsJsonAsync($"/api/v1/register/proposals/{id}/comments", new { text = "early" }).AssertProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(id.ToString(), (await Anyone.GetAsync("/api/v1/register/proposals?pageSize=100").Body()).GetRawText());

        await Initiator.PostAsJsonAsync($"/api/v1/proposals/{id}/registration", Bodies).AssertProblem(HttpStatusCode.Forbidden);
        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/registration", Bodies).Body();

        var summary = Assert.Single((await Anyone.GetAsync("/api/v1/register/proposals?discussionOpen=true&pageSize=100").Body())
            .GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
        Assert.Equal(JsonSerializer.Serialize(new
        {
            id, status = "underConsultation", title = "Robotaxis in Moscow", direction = "transport", initiatorName = "Robotaxi LLC",
            initiatorOgrn = Company, territory = new[] { "77" }, registeredOn = "2026-03-02", discussionOpen = true, regimeId = (Guid?)null,
        }), summary.GetRawText());

        var comment = (await Anyone.PostAsJsonAsync($"/api/v1/register/proposals/{id}/comments",
            new { text = "Please include the airport. Call me at +7 999 123-45-67" }).Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Anyone.PostAsJsonAsync($"/api/v1/register/proposals/{id}/comments", new { text = "Good idea" }).Body(HttpStatusCode.Created);
        await Anyone.PostAsJsonAsync($"/api/v1/register/proposals/{id}/comments", new { text = "  " })
            .AssertProblem(HttpStatusCode.BadRequest, "validation-failed");
        await Initiator.PostAsJsonAsync($"/api/v1/proposals/{id}/comments/{comment}/hiding", new { reason = "x" }).AssertProblem(HttpStatusCode.Forbidden);
        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/comments/{comment}/hiding", new { reason = "Contains a phone number" }).Body();
        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/comments/{comment}/hiding", new { reason = "again" })
            .AssertProblem(HttpStatusCode.Conflict, "comment-already-hidden");
        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{Guid.NewGuid()}/comments/{comment}/hiding", new { reason = "x" })
            .AssertProblem(HttpStatusCode.NotFound);

        var visible = (await Anyone.GetAsync($"/api/v1/register/proposals/{id}/comments").Body()).GetProperty("items");
        Assert.Equal(["Good idea"], visible.EnumerateArray().Select(c => c.GetProperty("text").GetString()));
        Assert.Equal(["id", "text", "postedAt"], visible[0].EnumerateObject().Select(p => p.Name));
        var all = (await Regulator.GetAsync($"/api/v1/proposals/{id}/comments").Body()).GetProperty("items");
        var hidden = all.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == comment);
        Assert.Equal((true, "Contains a phone number", "regulator-1"), (hidden.GetProperty("hidden").GetBoolean(),
            hidden.GetProperty("hiddenReason").GetString(), hidden.GetProperty("hiddenBy").GetString()));
        await Initiator.GetAsync($"/api/v1/proposals/{id}/comments").AssertProblem(HttpStatusCode.Forbidden);

        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/approval", new { legalBasis = new { actNumber = "Decree No. 77", actDate = "2026-04-01" } })
            .AssertProblem(HttpStatusCode.Conflict, "consultation-open");
        await Opinion(id, "Ministry of Health").AssertProblem(HttpStatusCode.Conflict, "body-not-consulted");
        fixture.Clock.Set(new DateTimeOffset(2026, 3, 12, 9, 0, 0, TimeSpan.Zero));
        await Opinion(id, "Business Russia", "supportsWithChanges").Body();
        await Opinion(id, "Business Russia").AssertProblem(HttpStatusCode.Conflict, "opinion-already-recorded");
        fixture.Clock.Set(new DateTimeOffset(2026, 3, 20, 9, 0, 0, TimeSpan.Zero));
        await Opinion(id, "Ministry of Transport").Body();

        var awaiting = await Details(id);
        Assert.Equal("awaitingDecision", awaiting.GetProperty("status").GetString());
        // The coordinating body's 20 working days run from 20 March, the day the last opinion arrived.
        Assert.Equal("[" + string.Join(",", Clock("registration", 1, "2026-03-10", "2026-03-02"), Clock("regulatorOpinions", 1, "2026-03-24", "2026-03-20"),
            Clock("otherOpinions", 1, "2026-03-17", "2026-03-12"), Clock("decision", 1, "2026-04-17")) + "]", Clocks(awaiting));

        fixture.Clock.Set(new DateTimeOffset(2026, 3, 23, 9, 0, 0, TimeSpan.Zero));
        await Initiator.PostAsJsonAsync($"/api/v1/proposals/{id}/approval", new { legalBasis = new { actNumber = "x", actDate = "2026-04-01" } })
            .AssertProblem(HttpStatusCode.Forbidden);
        var approved = await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/approval",
            new { legalBasis = new { actNumber = "Government Decree No. 77", actDate = "2026-03-23" }, text = "Approved as proposed" }).Body();
        var regimeId = approved.GetProperty("regimeId").GetGuid();

        var regime = await Anyone.GetAsync($"/api/v1/regimes/{regimeId}").Body();
        Assert.Equal((id, "Robotaxis in Moscow", "Government Decree No. 77", "active", "Accidents per 1 000 000 km"), (regime.GetProperty("proposalId").GetGuid(),
            regime.GetProperty("title").GetString(), regime.GetProperty("legalBasis").GetProperty("actNumber").GetString(),
            regime.GetProperty("status").GetString(), regime.GetProperty("expectedResults")[0].GetProperty("measure").GetString()));

        var view = await Anyone.GetAsync($"/api/v1/register/proposals/{id}").Body();
        Assert.Equal(("approved", regimeId, false), (view.GetProperty("status").GetString(), view.GetProperty("decision").GetProperty("regimeId").GetGuid(),
            view.GetProperty("discussionOpen").GetBoolean()));
        Assert.Equal(["supportsWithChanges", "supports"], view.GetProperty("opinions").EnumerateArray().Select(o => o.GetProperty("conclusion").GetString()));
        Assert.DoesNotContain("regulator-1", view.GetRawText());
        Assert.DoesNotContain("Tverskaya", view.GetRawText());
        Assert.DoesNotContain("7707083893", view.GetRawText());
        Assert.False(view.TryGetProperty("initiator", out _));
        await Anyone.PostAsJsonAsync($"/api/v1/register/proposals/{id}/comments", new { text = "late" })
            .AssertProblem(HttpStatusCode.Conflict, "discussion-closed");
        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/refusal", new { ground = "other", reasons = new[] { "x" } })
            .AssertProblem(HttpStatusCode.Conflict, "proposal-decided");

        var history = (await fixture.Client(Tokens.Auditor()).GetAsync($"/api/v1/proposals/{id}/history").Body()).GetProperty("items");
        Assert.Equal(["proposal_submitted", "proposal_registered", "opinion_recorded", "opinion_recorded", "consultation_closed", "proposal_approved"],
            history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Only_an_applicant_submits_for_its_own_company_and_an_incomplete_draft_or_a_term_too_long_is_refused()
    {
        fixture.Clock.Set(Monday);
        await Regulator.PostAsJsonAsync("/api/v1/proposals", ProposalBody()).AssertProblem(HttpStatusCode.Forbidden);
        await Anyone.PostAsJsonAsync("/api/v1/proposals", ProposalBody()).AssertProblem(HttpStatusCode.Unauthorized);

        var invalid = await Initiator.PostAsJsonAsync("/api/v1/proposals", ProposalBody(disappliedNorms: [])).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["programme.disappliedNorms"], invalid.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        await Initiator.PostAsJsonAsync("/api/v1/proposals", ProposalBody(endsOn: "2029-06-02"))
            .AssertProblem(HttpStatusCode.Conflict, "regime-term-too-long");

        var mine = await Submit();
        var theirs = await Submit(OtherCompany);
        var listed = (await Initiator.GetAsync("/api/v1/proposals?pageSize=100").Body()).GetProperty("items").EnumerateArray()
            .Select(p => p.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(mine, listed);
        Assert.DoesNotContain(theirs, listed);
        await Initiator.PostAsJsonAsync($"/api/v1/proposals/{theirs}/resubmission", new { changes = "x" })
            .AssertProblem(HttpStatusCode.BadRequest);
        await fixture.Client(Tokens.Applicant(OtherCompany)).GetAsync($"/api/v1/proposals/{mine}/history").AssertProblem(HttpStatusCode.NotFound);
    }

    private object Revision(string changes) => new Dictionary<string, object>(
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(ProposalBody()))!
            .Where(p => p.Key != "initiator").Select(p => KeyValuePair.Create(p.Key, (object)p.Value)))
    {
        ["changes"] = changes,
    };

    [Fact]
    public async Task A_returned_proposal_is_revised_and_resubmitted_as_a_new_round_and_a_proposal_sent_back_for_rework_too()
    {
        fixture.Clock.Set(Monday);
        var id = await Submit();
        var theirs = fixture.Client(Tokens.Applicant(OtherCompany));

        await Initiator.PostAsJsonAsync($"/api/v1/proposals/{id}/resubmission", Revision("x")).AssertProblem(HttpStatusCode.Conflict, "proposal-wrong-state");
        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/return", new { reasons = new[] { "The risk assessment has no figures" } }).Body();
        Assert.Equal("returned", (await Initiator.GetAsync($"/api/v1/proposals/{id}").Body()).GetProperty("status").GetString());
        await theirs.PostAsJsonAsync($"/api/v1/proposals/{id}/resubmission", Revision("x")).AssertProblem(HttpStatusCode.NotFound);

        fixture.Clock.Set(new DateTimeOffset(2026, 3, 4, 9, 0, 0, TimeSpan.Zero));
        await Initiator.PostAsJsonAsync($"/api/v1/proposals/{id}/resubmission", Revision("Figures added")).Body();
        var round2 = await Details(id);
        Assert.Equal(("submitted", 2), (round2.GetProperty("status").GetString(), round2.GetProperty("round").GetInt32()));
        Assert.Equal("[" + string.Join(",", Clock("registration", 1, "2026-03-10", "2026-03-02"), Clock("registration", 2, "2026-03-12")) + "]", Clocks(round2));
        Assert.Equal("Figures added", round2.GetProperty("revisions")[0].GetProperty("changes").GetString());

        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/registration", new
        {
            registrationNumber = "ERP-2026-18", bodies = new[] { new { name = "Ministry of Transport", kind = "regulatoryBody" } },
        }).Body();
        await Opinion(id, "Ministry of Transport", "objects").Body();
        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/rework", new { reasons = new[] { "Answer the Ministry's objection" } }).Body();
        var back = await Initiator.GetAsync($"/api/v1/proposals/{id}").Body();
        Assert.Equal(["registration", "decision"], back.GetProperty("returns").EnumerateArray().Select(r => r.GetProperty("stage").GetString()));
        Assert.Equal("returned", back.GetProperty("status").GetString());
        await Initiator.PostAsJsonAsync($"/api/v1/proposals/{id}/resubmission", Revision("Objection answered")).Body();
        Assert.Equal(3, (await Details(id)).GetProperty("round").GetInt32());
        // The public still sees the earlier rounds' procedure (the proposal was registered), only the current round's opinions.
        var view = await Anyone.GetAsync($"/api/v1/register/proposals/{id}").Body();
        Assert.Equal(("submitted", 0, false), (view.GetProperty("status").GetString(), view.GetProperty("opinions").GetArrayLength(),
            view.GetProperty("discussionOpen").GetBoolean()));
    }

    [Fact]
    public async Task The_scheduled_check_records_missed_clocks_once_lists_proposals_overdue_and_closes_a_consultation_when_its_periods_end()
    {
        fixture.Clock.Set(Monday);
        var id = await Submit("1027700067328");

        fixture.Clock.Set(new DateTimeOffset(2026, 3, 11, 9, 0, 0, TimeSpan.Zero));
        await HistoryWith(id, "proposal_deadline_missed");
        var overdue = (await Regulator.GetAsync("/api/v1/proposals?overdue=true&pageSize=100").Body()).GetProperty("items");
        var entry = Assert.Single(overdue.EnumerateArray(), p => p.GetProperty("id").GetGuid() == id);
        Assert.True(entry.GetProperty("overdue").GetBoolean());

        // Registered a day late: the clock shows it met late.
        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/registration", Bodies).Body();
        var registered = await Details(id);
        Assert.Equal("[" + string.Join(",", Clock("registration", 1, "2026-03-10", "2026-03-11", missed: true), Clock("regulatorOpinions", 1, "2026-04-01"),
            Clock("otherOpinions", 1, "2026-03-25")) + "]", Clocks(registered));
        Assert.DoesNotContain(id, (await Regulator.GetAsync("/api/v1/proposals?overdue=true&pageSize=100").Body()).GetProperty("items")
            .EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));

        fixture.Clock.Set(new DateTimeOffset(2026, 4, 2, 9, 0, 0, TimeSpan.Zero));
        await HistoryWith(id, "consultation_closed");
        var closed = await Details(id);
        Assert.Equal("awaitingDecision", closed.GetProperty("status").GetString());
        Assert.Equal("[" + string.Join(",", Clock("registration", 1, "2026-03-10", "2026-03-11", missed: true),
            Clock("regulatorOpinions", 1, "2026-04-01", ended: true, missed: true), Clock("otherOpinions", 1, "2026-03-25", ended: true, missed: true),
            Clock("decision", 1, "2026-04-29")) + "]", Clocks(closed));
        await Opinion(id, "Business Russia").AssertProblem(HttpStatusCode.Conflict, "consultation-closed");

        // A later proposal's clock passing proves later checks ran; each of the first one's facts stays recorded once.
        var later = await Submit("1037739010891");
        fixture.Clock.Set(new DateTimeOffset(2026, 4, 14, 9, 0, 0, TimeSpan.Zero));
        await HistoryWith(later, "proposal_deadline_missed");
        var types = (await Regulator.GetAsync($"/api/v1/proposals/{id}/history?pageSize=100").Body()).GetProperty("items").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["proposal_submitted", "proposal_deadline_missed", "proposal_registered", "proposal_deadline_missed", "proposal_deadline_missed",
            "consultation_closed"], types);

        await Regulator.PostAsJsonAsync($"/api/v1/proposals/{id}/refusal", new { ground = "risksNotJustified", reasons = new[] { "No opinions" } }).Body();
        var refused = await Details(id);
        Assert.Equal(("refused", "risksNotJustified"), (refused.GetProperty("status").GetString(),
            refused.GetProperty("decision").GetProperty("ground").GetString()));
        Assert.Equal(Clock("decision", 1, "2026-04-29", "2026-04-14"), refused.GetProperty("clocks")[3].GetRawText());
    }
}

/// <summary>A host whose intake limit is tight, so that a burst of anonymous comments meets it.</summary>
public sealed class TightCommentsFixture : ServiceFixture<ServiceMarker>
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:intake:PermitsPerSecond"] = "1", ["RateLimits:intake:Burst"] = "3",
    };
}

public class ProposalCommentLimitTests(TightCommentsFixture fixture) : IClassFixture<TightCommentsFixture>
{
    [Fact]
    public async Task Public_comments_are_rate_limited_per_client()
    {
        var id = (await fixture.Host.Client(Tokens.Applicant(Company)).PostAsJsonAsync("/api/v1/proposals", ProposalsApiTests.ProposalBody())
            .Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await fixture.Host.Client(Tokens.Regulator()).PostAsJsonAsync($"/api/v1/proposals/{id}/registration", new
        {
            registrationNumber = "ERP-1", bodies = new[] { new { name = "Ministry of Transport", kind = "regulatoryBody" } },
        }).Body();

        var client = fixture.Host.Client();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PostAsJsonAsync($"/api/v1/register/proposals/{id}/comments", new { text = $"Comment {i}" })));

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.True(int.Parse(limited[0].Headers.GetValues("Retry-After").Single()) >= 1);
        await limited[0].AssertProblem(HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.TooManyRequests }));
        var stored = (await fixture.Host.Client(Tokens.Regulator()).GetAsync($"/api/v1/proposals/{id}/comments").Body()).GetProperty("total").GetInt64();
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.Created), stored);
    }
}
