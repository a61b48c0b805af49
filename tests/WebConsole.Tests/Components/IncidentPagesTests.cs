using System.Globalization;
using System.Resources;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bunit;
using SandboxRegistry.WebConsole.Api;
using SandboxRegistry.WebConsole.Components.Pages;
using SandboxRegistry.WebConsole.Components.Shared;
using SandboxRegistry.WebConsole.Resources;

namespace SandboxRegistry.WebConsole.Tests.Components;

/// <summary>The regulator's side of issue 19's pages: the preservation hold and its lift, the statistics charts.</summary>
public sealed class RegulatorIncidentPagesTests() : ConsoleComponentTest("regulator")
{
    private static readonly Guid Incident = Guid.Parse("0196a000-0000-7000-8000-0000000000c1");

    private static JsonElement Dossier(bool lifted) => JsonSerializer.SerializeToElement(new
    {
        preservationHolds = new[]
        {
            new
            {
                holdId = "0196a000-0000-7000-8000-0000000000d1", version = "1.0.0", placedBy = "reg-ivanova", placedAt = "2026-03-20T09:00:00Z",
                appliedAt = (string?)"2026-03-20T09:00:02Z", liftedAt = lifted ? "2026-03-25T10:00:00Z" : null, liftedBy = lifted ? "reg-ivanova" : null,
                liftReason = lifted ? "Examined." : null, releasedAt = (string?)null,
            },
        },
    });

    [Fact]
    public void A_hold_in_force_is_shown_applied_and_the_regulator_lifts_it_with_a_reason_shown_beside_the_field_when_refused()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.",
            errors: new() { ["reason"] = ["'Reason' must not be empty."] });
        var lifted = 0;
        var panel = Render<PreservationHolds>(p => p.Add(h => h.IncidentId, Incident).Add(h => h.Dossier, Dossier(false))
            .Add(h => h.Changed, () => lifted++));

        var hold = panel.Find(".hold").TextContent;
        Assert.Contains("Version 1.0.0", hold);
        Assert.Contains("Applied by the registry", hold);
        Assert.NotNull(panel.Find(".hold-in-force"));

        panel.Find("#lift-form").Submit();
        panel.WaitForAssertion(() => Assert.Contains("'Reason' must not be empty.", FieldText(panel, "liftReason")));
        Assert.DoesNotContain("'Reason' must not be empty.", panel.Find("#problem").TextContent); // shown at its field only
        Assert.Equal(0, lifted);

        Api.OnSend = (_, _, _) => new ApiResult<JsonElement>(JsonSerializer.SerializeToElement(new { id = Incident, version = 5 }), null);
        panel.Find("#liftReason").Change("The flight logs were examined.");
        panel.Find("#lift-form").Submit();
        panel.WaitForAssertion(() => Assert.Equal(1, lifted));
        var (method, service, path, body) = Api.Sent[^1];
        Assert.Equal((HttpMethod.Post, Service.IncidentClaims, $"incidents/{Incident}/preservation-hold/lifting"), (method, service, path));
        Assert.Equal("""{"reason":"The flight logs were examined."}""", body.GetRawText());
    }

    [Fact]
    public void A_lifted_hold_shows_who_lifted_it_and_why_and_offers_no_lift()
    {
        var panel = Render<PreservationHolds>(p => p.Add(h => h.IncidentId, Incident).Add(h => h.Dossier, Dossier(true)));

        Assert.Contains("Lifted", panel.Find(".hold-lifted").TextContent);
        Assert.Contains("Examined.", panel.Find(".hold-lifted").TextContent);
        Assert.Empty(panel.FindAll("#lift-form"));
    }

    [Fact]
    public void The_statistics_page_draws_each_chart_with_MudBlazor_and_lists_the_counts()
    {
        Api.Reads["register/incidents/statistics"] = new
        {
            total = 3,
            byMonthAndHarmType = new[] { new { month = "2026-02", harmType = "death", count = 1 }, new { month = "2026-03", harmType = "injuryToHealth", count = 2 } },
            byRegion = new[] { new { regionCode = "77", count = 2 }, new { regionCode = "78", count = 1 } },
            bySeverity = new[] { new { severity = "critical", count = 1 }, new { severity = "serious", count = 2 } },
            bySystem = Array.Empty<object>(), otherSystems = 0,
        };

        var page = Render<IncidentStatistics>();

        Assert.Equal("Total: 3", page.Find("#total").TextContent.Trim());
        foreach (var chart in new[] { "#chart-month", "#chart-region", "#chart-severity" })
            Assert.NotEmpty(page.Find(chart).QuerySelectorAll("svg"));
        Assert.Equal(["2026-02", "2026-03"], page.FindAll("#table-month tbody tr").Select(r => r.Children[0].TextContent));
        Assert.Equal(["Month", "Death", "Injury to health"], page.FindAll("#table-month thead th").Select(c => c.TextContent));
        Assert.Equal(["77 2", "78 1"], page.FindAll("#table-region tbody tr").Select(r => $"{r.Children[0].TextContent} {r.Children[1].TextContent}"));
        Assert.Equal(["Critical 1", "Serious 2"], page.FindAll("#table-severity tbody tr").Select(r => $"{r.Children[0].TextContent} {r.Children[1].TextContent}"));
    }

    [Fact]
    public void A_refused_statistics_filter_is_shown_at_its_field()
    {
        Api.Reads["register/incidents/statistics"] = new { total = 0, byMonthAndHarmType = Array.Empty<object>(), byRegion = Array.Empty<object>(),
            bySeverity = Array.Empty<object>() };
        var page = Render<IncidentStatistics>();
        Api.Refusal = new Problem(400, "The request has invalid fields.", null, "validation-failed", // the next reads are refused
            new Dictionary<string, string[]> { ["region"] = ["'region' must be a region code (01-89) or ISO 3166-2."] });

        page.Find("#region").Change("999");
        page.Find("#statistics-filters").Submit();

        page.WaitForAssertion(() => Assert.Contains("'region' must be a region code", FieldText(page, "region")));
        Assert.Contains("(400, validation-failed)", page.Find("#problem").TextContent);
        Assert.Empty(page.FindAll("#total")); // no figures from a refused query
    }
}

/// <summary>The company's side: staged reports, its statement, its webhook subscriptions.</summary>
public sealed class CompanyIncidentPagesTests() : ConsoleComponentTest("applicant", new Claim("org", "1027700132195"))
{
    private static readonly Guid Incident = Guid.Parse("0196a000-0000-7000-8000-0000000000c2");

    [Fact]
    public async Task A_final_report_sends_root_cause_actions_and_whether_the_version_is_affected_and_refusals_show_at_their_fields()
    {
        Api.Reads[$"incidents/{Incident}/provider-reports"] = new
        {
            incidentId = Incident, reports = Array.Empty<object>(),
            clocks = new[] { new { name = "providerInitialReport", dueBy = "2030-01-01T00:00:00Z", metAt = (string?)null, metLate = (bool?)null } },
        };
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.",
            errors: new() { ["rootCause"] = ["A final report names its root cause."] });
        var page = Render<ProviderReports>(p => p.Add(r => r.Id, Incident));
        Assert.Contains("Initial report", page.Find("#clocks").TextContent);

        var stage = page.FindComponent<MudBlazor.MudSelect<string>>();
        await page.InvokeAsync(() => stage.Instance.ValueChanged.InvokeAsync("final"));
        page.Find("#summary").Change("Battery cell failure under cold load.");
        page.Find("#correctiveActions").Change("Cold-weather battery check, before take-off\nA second cell supplier");
        page.Find("#report-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("A final report names its root cause.", FieldText(page, "rootCause")));
        var (_, _, path, body) = Api.Sent[^1];
        Assert.Equal($"incidents/{Incident}/provider-reports", path);
        Assert.Equal("""{"stage":"final","summary":"Battery cell failure under cold load.","rootCause":null,"correctiveActions":["Cold-weather battery check, before take-off","A second cell supplier"],"versionAffected":false}""",
            body.GetRawText());
    }

    [Fact]
    public void A_refused_statement_shows_its_error_at_the_field_and_a_published_one_says_so()
    {
        Api.Reads[$"incidents/{Incident}/provider-reports"] = new { incidentId = Incident, reports = Array.Empty<object>(), clocks = Array.Empty<object>() };
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.",
            errors: new() { ["text"] = ["'Text' must be 4000 characters or fewer."] });
        var page = Render<ProviderReports>(p => p.Add(r => r.Id, Incident));

        page.Find("#statement").Change("We grounded the fleet.");
        page.Find("#statement-form").Submit();
        page.WaitForAssertion(() => Assert.Contains("'Text' must be 4000 characters or fewer.", FieldText(page, "statement")));

        Api.OnSend = (_, _, _) => new ApiResult<JsonElement>(JsonSerializer.SerializeToElement(new { id = Incident, version = 4 }), null);
        page.Find("#statement").Change("We grounded the fleet.");
        page.Find("#statement-form").Submit();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#statement-published")));
        Assert.Equal("""{"text":"We grounded the fleet."}""", Api.Sent[^1].Body.GetRawText());
        Assert.Equal($"incidents/{Incident}/statement", Api.Sent[^1].Path);
    }

    [Fact]
    public void A_subscription_shows_its_secret_once_and_a_refused_url_is_shown_beside_the_url()
    {
        Api.Reads["webhooks/subscriptions"] = new { items = Array.Empty<object>(), page = 1, pageSize = 100, total = 0 };
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.",
            errors: new() { ["url"] = ["'url' must be https://."], ["eventTypes[1]"] = ["'eventTypes[1]' is not for companies."] });
        var page = Render<Webhooks>();

        page.Find("#url").Change("http://hooks.example/");
        page.Find("#subscription-form").Submit();
        page.WaitForAssertion(() => Assert.Contains("'url' must be https://.", FieldText(page, "url")));
        Assert.Contains("'eventTypes[1]' is not for companies.", page.Find("#eventTypes-error").TextContent);
        Assert.Empty(page.FindAll("#secret"));

        Api.OnSend = (_, _, _) => new ApiResult<JsonElement>(JsonSerializer.SerializeToElement(new { id = Guid.NewGuid(), version = 1, secret = "whsec_c2VjcmV0" }), null);
        page.Find("#url").Change("https://hooks.example/incidents");
        page.Find("#subscription-form").Submit();
        page.WaitForAssertion(() => Assert.Contains("whsec_c2VjcmV0", page.Find("#secret").TextContent));
        Assert.Equal("""{"url":"https://hooks.example/incidents","eventTypes":["incident.linked"]}""", Api.Sent[^1].Body.GetRawText());
    }
}

public sealed partial class IncidentPagesResourcesTests
{
    private static readonly ResourceManager Texts = new("SandboxRegistry.WebConsole.Resources.IncidentPages", typeof(IncidentPages).Assembly);

    [Fact]
    public void Every_text_the_incident_pages_name_exists_in_Russian_and_in_English()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SandboxRegistry.sln"))) root = root.Parent!;
        var files = Directory.GetFiles(Path.Combine(root.FullName, "services", "WebConsole", "Components"), "*.razor", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("IStringLocalizer<IncidentPages> T")).ToList();
        var keys = files.SelectMany(f => Key().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();
        // Keys composed at run time: every value the services send for them.
        keys.AddRange(new[] { "death", "injuryToHealth", "damageToPersonProperty", "damageToOrganisationProperty" }.Select(h => "Harm_" + h));
        keys.AddRange(new[] { "minor", "serious", "critical" }.Select(s => "Severity_" + s));
        keys.AddRange(new[] { "initial", "followUp", "final" }.Select(s => "Stage_" + s));
        keys.AddRange(new[] { "pending", "accepted", "moreRequested" }.Select(s => "Decision_" + s));
        keys.AddRange(new[] { "pending", "delivered", "parked", "cancelled" }.Select(s => "Delivery_" + s));
        keys.AddRange(new[] { "providerInitialReport", "providerFollowUp", "providerFinalReport" }.Select(s => "Clock_" + s));
        keys.AddRange(["IncidentRegister", "Webhooks", "Exports"]); // the nav entries

        Assert.True(files.Count >= 7, $"found only {files.Count} pages");
        var missing = keys.Where(k => Texts.GetString(k, new CultureInfo("ru")) is null || Texts.GetString(k, new CultureInfo("en")) is null).ToList();
        Assert.Empty(missing);
        Assert.Equal("Реестр инцидентов", Texts.GetString("IncidentRegister", CultureInfo.InvariantCulture));
        Assert.Equal("Incident register", Texts.GetString("IncidentRegister", new CultureInfo("en")));
    }

    [GeneratedRegex("""T\["([A-Za-z0-9_]+)"\]""")]
    private static partial Regex Key();
}
