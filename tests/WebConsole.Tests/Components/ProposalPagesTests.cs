using System.Globalization;
using System.Resources;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Bunit;
using SandboxRegistry.WebConsole.Components.Pages.Proposals;
using SandboxRegistry.WebConsole.Resources;

namespace SandboxRegistry.WebConsole.Tests.Components;

/// <summary>The initiator's proposal form: what it sends, and refusals shown at the fields they name.</summary>
public sealed class ProposalFormTests : ConsoleComponentTest
{
    public ProposalFormTests() : base("applicant", new Claim("org", Ogrn)) { }

    [Fact]
    public void Field_errors_of_a_refused_proposal_appear_next_to_the_fields_they_name()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.", errors: new()
        {
            ["initiator.inn"] = ["'Inn' is not a valid INN."],
            ["programme.disappliedNorms"] = ["Name the norms the regime is to disapply."],
            ["riskAssessment.risks[0].mitigation"] = ["'Mitigation' must not be empty."],
            ["programme.insurance.requiredRisks"] = ["'Required Risks' must not be empty."],
            ["programme.legalBasis"] = ["'Legal Basis' must not be empty."],
        });
        var page = Render<ProposalForm>();

        page.Find("#proposal-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("'Inn' is not a valid INN.", FieldText(page, "inn")));
        Assert.Contains("Name the norms the regime is to disapply.", FieldText(page, "disappliedNorms"));
        Assert.Contains("'Mitigation' must not be empty.", FieldText(page, "risk0-mitigation"));
        Assert.Equal("'Required Risks' must not be empty.", page.Find("#requiredRisks-error").TextContent);
        var alert = page.Find("#problem").TextContent;
        Assert.Contains("(400, validation-failed)", alert);
        Assert.Contains("programme.legalBasis: 'Legal Basis' must not be empty.", alert);
        Assert.DoesNotContain("'Inn' is not a valid INN.", alert);
        Assert.DoesNotContain("Name the norms", alert);
    }

    [Fact]
    public void A_term_too_long_is_shown_at_the_end_date()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(409, "regime-term-too-long", "The request conflicts with the current state.",
            "A regime lasts at most 36 months under RU-258-FZ, counted from 2026-06-01.");
        var page = Render<ProposalForm>();

        page.Find("#proposal-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("at most 36 months", FieldText(page, "endsOn")));
        Assert.Contains("(409, regime-term-too-long)", page.Find("#problem").TextContent);
    }

    [Fact]
    public void The_proposal_sent_is_the_whole_form()
    {
        var page = Render<ProposalForm>();
        page.Find("#legalName").Change("Robotaxi LLC");
        page.Find("#inn").Change("7707083893");
        page.Find("#address").Change("Moscow, Tverskaya 1");
        page.Find("#title").Change("Robotaxis in Moscow");
        page.Find("#actNumber").Change("Draft Government Decree");
        page.Find("#actDate").Change("2026-02-20");
        page.Find("#territory").Change("77, 50");
        page.Find("#startsOn").Change("2026-06-01");
        page.Find("#endsOn").Change("2028-12-31");
        page.Find("#disappliedNorms").Change("Traffic rules, section 2.1\nSection 2.7");
        page.Find("#expectedResults").Change("Fewer road accidents | Accidents per 1 000 000 km");
        page.Find("#minimum").Change("10000000");
        page.Find("#regulatoryBarrier").Change("A driver is required");
        page.Find("#justification").Change("Closed-track tests");
        page.Find("#riskSummary").Change("Moderate");
        page.Find("#risk0-description").Change("Collision");
        page.Find("#risk0-mitigation").Change("Remote operator");

        page.Find("#proposal-form").Submit();

        page.WaitForAssertion(() => Assert.Single(Api.Sent));
        var (method, _, path, body) = Api.Sent[0];
        Assert.Equal((HttpMethod.Post, "proposals"), (method, path));
        Assert.Equal("""{"legalName":"Robotaxi LLC","inn":"7707083893","address":"Moscow, Tverskaya 1"}""", body.GetProperty("initiator").GetRawText());
        var programme = body.GetProperty("programme");
        Assert.Equal(("Robotaxis in Moscow", "transport", "2028-12-31"), (programme.GetProperty("title").GetString(),
            programme.GetProperty("direction").GetString(), programme.GetProperty("endsOn").GetString()));
        Assert.Equal("""["77","50"]""", programme.GetProperty("territory").GetRawText());
        Assert.Equal("""["Traffic rules, section 2.1","Section 2.7"]""", programme.GetProperty("disappliedNorms").GetRawText());
        Assert.Equal("""[{"result":"Fewer road accidents","measure":"Accidents per 1 000 000 km"}]""", programme.GetProperty("expectedResults").GetRawText());
        Assert.Equal("""{"minimumSumInsured":{"amount":10000000,"currency":"RUB"},"requiredRisks":["life","health"],"aiHarmCoverRequired":true}""",
            programme.GetProperty("insurance").GetRawText());
        Assert.Equal("""{"summary":"Moderate","risks":[{"description":"Collision","likelihood":"low","impact":"medium","mitigation":"Remote operator"}]}""",
            body.GetProperty("riskAssessment").GetRawText());
    }
}

/// <summary>The regulator's side of a proposal: recording an opinion, and the refusals shown where they belong.</summary>
public sealed class ProposalDetailTests : ConsoleComponentTest
{
    private static readonly Guid Id = Guid.Parse("0196a000-0000-7000-8000-0000000000aa");

    public ProposalDetailTests() : base("regulator")
    {
        Api.Reads[$"proposals/{Id}"] = new
        {
            id = Id, status = "underConsultation", round = 1, registrationNumber = "ERP-2026-17", @public = true, overdue = false,
            initiator = new { legalName = "Robotaxi LLC", ogrn = Ogrn },
            content = new { programme = new { title = "Robotaxis in Moscow", territory = new[] { "77" }, startsOn = "2026-06-01", endsOn = "2028-12-31" } },
            bodies = new[] { new { name = "Ministry of Transport", kind = "regulatoryBody" }, new { name = "Business Russia", kind = "businessCommunity" } },
            opinions = Array.Empty<object>(), returns = Array.Empty<object>(),
            clocks = new object[]
            {
                new { name = "registration", round = 1, dueOn = "2026-03-10", metOn = "2026-03-11", ended = false, missed = true, metLate = true, running = false },
                new { name = "regulatorOpinions", round = 1, dueOn = "2026-04-01", metOn = (string?)null, ended = false, missed = false, metLate = (bool?)null, running = true },
            },
        };
    }

    [Fact]
    public void The_clocks_show_a_late_registration_and_the_opinion_period_running()
    {
        var page = Render<ProposalDetail>(p => p.Add(x => x.Id, Id));

        page.WaitForAssertion(() => Assert.Equal("Under consultation", page.Find("#proposal-status").TextContent.Trim()));
        Assert.Contains("Met late", page.Find("tr[data-clock='registration']").TextContent);
        Assert.Contains("Regulatory bodies' opinions", page.Find("tr[data-clock='regulatorOpinions']").TextContent);
    }

    [Fact]
    public void A_refused_opinion_is_shown_at_the_field_it_concerns_and_the_opinion_sent_is_the_form()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(409, "consultation-period-ended", "The request conflicts with the current state.",
            "Every opinion period ended on 2026-04-01; an opinion received later is not part of the consultation.");
        var page = Render<ProposalDetail>(p => p.Add(x => x.Id, Id));
        page.WaitForAssertion(() => page.Find("#opinion-form"));
        page.Find("#opinionText").Change("No objections");
        page.Find("#receivedOn").Change("2026-04-02");

        page.Find("#record-opinion").Click();

        page.WaitForAssertion(() => Assert.Contains("Every opinion period ended", FieldText(page, "receivedOn")));
        var (_, _, path, body) = Assert.Single(Api.Sent);
        Assert.Equal($"proposals/{Id}/opinions", path);
        Assert.Equal("""{"body":null,"conclusion":"supports","text":"No objections","receivedOn":"2026-04-02"}""", body.GetRawText());
        Assert.Contains("(409, consultation-period-ended)", page.Find("#problem").TextContent);
    }
}

/// <summary>The public discussion: anonymous comments, the rate limit's refusal, a regulator's hide with a reason.</summary>
public sealed class PublicProposalCommentsTests : ConsoleComponentTest
{
    private static readonly Guid Id = Guid.Parse("0196a000-0000-7000-8000-0000000000bb");
    private static readonly Guid Comment = Guid.Parse("0196a000-0000-7000-8000-0000000000cc");

    // The page reads the role as the console's session holds it: the token's "role" claim.
    public PublicProposalCommentsTests() : base("regulator", new Claim("role", "regulator"))
    {
        Api.Reads[$"register/proposals/{Id}/comments"] = new { items = new[] { new { id = Comment, text = "Please include the airport", postedAt = "2026-03-03T10:00:00Z" } }, total = 1 };
        Api.Reads[$"proposals/{Id}/comments"] = new
        {
            items = new object[]
            {
                new { id = Comment, text = "Please include the airport", postedAt = "2026-03-03T10:00:00Z", hidden = false },
                new { id = Guid.NewGuid(), text = "Call me at +7 999", postedAt = "2026-03-03T11:00:00Z", hidden = true, hiddenReason = "Contains a phone number", hiddenBy = "regulator-1" },
            },
            total = 2,
        };
        Api.Reads[$"register/proposals/{Id}"] = new
        {
            id = Id, status = "underConsultation", initiatorName = "Robotaxi LLC", initiatorOgrn = Ogrn, discussionOpen = true, registrationNumber = "ERP-2026-17",
            programme = new { title = "Robotaxis in Moscow", direction = "transport", territory = new[] { "77" }, insurance = new { requiredRisks = new[] { "life" } } },
            clocks = Array.Empty<object>(), opinions = Array.Empty<object>(),
        };
    }

    [Fact]
    public void A_regulator_sees_hidden_comments_with_their_reason_and_hides_another_with_a_reason()
    {
        var page = Render<RegisterProposal>(p => p.Add(x => x.Id, Id));
        page.WaitForAssertion(() => Assert.Equal("Robotaxis in Moscow", page.Find("#draft-title").TextContent));
        Assert.Contains("Hidden: Contains a phone number (regulator-1)", page.Find(".hidden-reason").TextContent);

        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.", errors: new() { ["reason"] = ["'Reason' must not be empty."] });
        page.Find(".hide-comment").Click();
        page.WaitForAssertion(() => Assert.Contains("'Reason' must not be empty.", FieldText(page, $"hide-reason-{Comment}")));
        Assert.Equal($"proposals/{Id}/comments/{Comment}/hiding", Api.Sent[0].Path);
        Assert.Equal("""{"reason":null}""", Api.Sent[0].Body.GetRawText());

        Api.OnSend = (_, _, _) => new(System.Text.Json.JsonSerializer.SerializeToElement(new { id = Comment, version = 2 }), null);
        page.Find($"#hide-reason-{Comment}").Change("Off topic");
        page.Find(".hide-comment").Click();
        page.WaitForAssertion(() => Assert.Equal(2, Api.Sent.Count));
        Assert.Equal("""{"reason":"Off topic"}""", Api.Sent[1].Body.GetRawText());
    }
}

public sealed class AnonymousCommentTests : ConsoleComponentTest
{
    private static readonly Guid Id = Guid.Parse("0196a000-0000-7000-8000-0000000000dd");

    public AnonymousCommentTests() : base("none")
    {
        Api.Reads[$"register/proposals/{Id}/comments"] = new { items = Array.Empty<object>(), total = 0 };
        Api.Reads[$"register/proposals/{Id}"] = new
        {
            id = Id, status = "underConsultation", initiatorName = "Robotaxi LLC", initiatorOgrn = Ogrn, discussionOpen = true,
            programme = new { title = "Robotaxis in Moscow", direction = "transport" }, clocks = Array.Empty<object>(),
        };
    }

    [Fact]
    public void A_comment_over_the_rate_limit_is_refused_with_the_problem_shown_and_the_text_kept()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(429, "rate-limited", "Too many requests.", "This client's limit was reached; retry after 1 s.");
        var page = Render<RegisterProposal>(p => p.Add(x => x.Id, Id));
        page.WaitForAssertion(() => page.Find("#comment-form"));
        page.Find("#commentText").Change("Please include the airport");

        page.Find("#post-comment").Click();

        page.WaitForAssertion(() => Assert.Contains("(429, rate-limited)", page.Find("#problem").TextContent));
        Assert.Contains("retry after 1 s", page.Find("#problem").TextContent);
        Assert.Equal("""{"text":"Please include the airport"}""", Assert.Single(Api.Sent).Body.GetRawText());
        Assert.Equal("Please include the airport", page.Find("#commentText").GetAttribute("value") ?? page.Find("#commentText").TextContent);
    }
}

public sealed partial class ProposalStringsTests
{
    private static readonly ResourceManager Texts = new("SandboxRegistry.WebConsole.Resources.ProposalStrings", typeof(ProposalStrings).Assembly);

    [Fact]
    public void Every_text_the_proposal_pages_name_exists_in_Russian_and_in_English()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SandboxRegistry.sln"))) root = root.Parent!;
        var pages = Directory.GetFiles(Path.Combine(root.FullName, "services", "WebConsole", "Components"), "*.razor", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToList();
        var keys = pages.SelectMany(text => Key().Matches(text).Select(m => m.Groups[1].Value))
            // Texts named by value: statuses, kinds and the like as the service spells them, and the navigation entries.
            .Concat(new[] { "ProposalStatus_", "Direction_", "Level_", "BodyKind_", "Conclusion_", "RefusalGround_" }
                .SelectMany(prefix => Values(prefix).Select(v => prefix + v)))
            .Concat(["ReturnStage_registration", "ReturnStage_decision", "Outcome_approved", "Outcome_refused", "Clock_registration",
                "Clock_regulatorOpinions", "Clock_otherOpinions", "Clock_decision", "MyProposals", "ProposalQueue", "RegisterOfProposals", "Proposals"])
            .Distinct().ToList();

        Assert.True(keys.Count > 100, $"found only {keys.Count} texts");
        var missing = keys.Where(k => Texts.GetString(k, new CultureInfo("ru")) is null || Texts.GetString(k, new CultureInfo("en")) is null).ToList();
        Assert.Empty(missing);
        Assert.Equal("Реестр предложений", Texts.GetString("RegisterOfProposals", CultureInfo.InvariantCulture));
        Assert.Equal("Register of proposals", Texts.GetString("RegisterOfProposals", new CultureInfo("en")));
    }

    private static IEnumerable<string> Values(string prefix) => prefix switch
    {
        "ProposalStatus_" => ProposalTexts.Statuses,
        "Direction_" => ProposalTexts.Directions,
        "Level_" => ProposalTexts.Levels,
        "BodyKind_" => ProposalTexts.BodyKinds,
        "Conclusion_" => ProposalTexts.Conclusions,
        _ => ProposalTexts.RefusalGrounds,
    };

    [GeneratedRegex("""P\["([A-Za-z0-9_]+)"\]""")]
    private static partial Regex Key();
}

/// <summary>Voluntary exit on the participation page: the participant's exit report against the programme's expected results.</summary>
public sealed class ParticipationExitTests : ConsoleComponentTest
{
    private static readonly Guid Id = Guid.Parse("0196a000-0000-7000-8000-0000000000ee");

    public ParticipationExitTests() : base("applicant", new Claim("org", Ogrn)) { }

    private static System.Text.Json.JsonElement Left => System.Text.Json.JsonSerializer.SerializeToElement(new
    {
        id = Id, status = "left", exit = new { leftOn = "2026-11-02", reason = "Goals met early", report = (object?)null, assessment = (object?)null },
    });

    [Fact]
    public void The_exit_report_answers_each_expected_result_and_a_refusal_is_shown_at_the_results()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(409, "exit-report-results-incomplete", "The request conflicts with the current state.",
            "The report must answer every expected result of the programme; missing: Public acceptance.", new() { ["results"] = ["missing: Public acceptance."] });
        var page = Render<SandboxRegistry.WebConsole.Components.Pages.Exit.ParticipationExit>(p => p
            .Add(x => x.Id, Id).Add(x => x.Participation, Left).Add(x => x.ExpectedResults, ["Fewer road accidents", "Public acceptance"]));
        Assert.Equal("Fewer road accidents", page.Find("#result0-expected").GetAttribute("value"));
        page.Find("#result0-outcome").Change("40 % fewer");
        page.Find("#incidents").Change("Hard braking | Release 1.2.1");
        page.Find("#publicSummary").Change("1.2 million km without a serious incident.");

        page.Find("#file-report").Click();

        page.WaitForAssertion(() => Assert.Equal("missing: Public acceptance.", page.Find("#results-error").TextContent));
        var (_, _, path, body) = Assert.Single(Api.Sent);
        Assert.Equal($"participations/{Id}/exit-report", path);
        Assert.Equal("""[{"expectedResult":"Fewer road accidents","outcome":"40 % fewer","measuredValue":null,"achieved":false},{"expectedResult":"Public acceptance","outcome":null,"measuredValue":null,"achieved":false}]""",
            body.GetProperty("results").GetRawText());
        Assert.Equal("""[{"summary":"Hard braking","handling":"Release 1.2.1"}]""", body.GetProperty("incidents").GetRawText());
    }
}
