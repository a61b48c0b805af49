using System.Globalization;
using System.Resources;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.WebConsole.Components.Pages;
using SandboxRegistry.WebConsole.Resources;

namespace SandboxRegistry.WebConsole.Tests.Components;

public sealed partial class RegimeAmendFormTests : ConsoleComponentTest
{
    private static readonly Guid Regime = Guid.Parse("0196a000-0000-7000-8000-0000000000a1");

    public RegimeAmendFormTests() : base("regulator")
    {
        Api.Reads[$"regimes/{Regime}"] = new
        {
            id = Regime, status = "active", programmeVersion = 2, title = "Delivery drones over Moscow", direction = "unmannedAircraft",
            legalBasis = new { actNumber = "Decree No. 1234", actDate = "2025-12-01" }, description = "Parcels by drone",
            territory = new[] { "77", "50" }, startsOn = "2026-01-01", endsOn = "2028-12-31",
            disappliedNorms = new[] { "Air code, art. 1" }, subjectRequirements = new[] { "A licensed operator" },
            insurance = new { minimumSumInsured = new { amount = 10_000_000m, currency = "RUB" }, requiredRisks = new[] { "life", "health" }, aiHarmCoverRequired = true },
            expectedResults = new[] { new { result = "Fewer road trips", measure = "Trips per month" } },
        };
    }

    [Fact]
    public void The_form_starts_from_the_programme_in_force_and_sends_the_whole_amended_programme_with_its_reason()
    {
        var page = Render<RegimeAmend>(p => p.Add(a => a.Id, Regime));

        Assert.Contains("Current programme version: 2", page.Find("#current-version").TextContent);
        Assert.Equal("Delivery drones over Moscow", page.Find("#title").GetAttribute("value"));
        Assert.Equal("77, 50", page.Find("#territory").GetAttribute("value"));
        page.Find("#reason").Change("Commission conclusion of 2026-05-01: a higher minimum");
        page.Find("#minimumAmount").Change("25000000");
        page.Find("#territory").Change("77");

        page.Find("#amend-form").Submit();

        page.WaitForAssertion(() => Assert.Single(Api.Sent));
        var (method, _, path, body) = Api.Sent[0];
        Assert.Equal(HttpMethod.Post, method);
        Assert.Equal($"regimes/{Regime}/amendments", path);
        var expected = JsonSerializer.SerializeToElement(new
        {
            reason = "Commission conclusion of 2026-05-01: a higher minimum",
            programme = new
            {
                title = "Delivery drones over Moscow", direction = "unmannedAircraft",
                legalBasis = new { actNumber = "Decree No. 1234", actDate = "2025-12-01" }, description = "Parcels by drone",
                territory = new[] { "77" }, startsOn = "2026-01-01", endsOn = "2028-12-31",
                disappliedNorms = new[] { "Air code, art. 1" }, subjectRequirements = new[] { "A licensed operator" },
                insurance = new { minimumSumInsured = new { amount = 25_000_000m, currency = "RUB" }, requiredRisks = new[] { "life", "health" }, aiHarmCoverRequired = true },
                expectedResults = new[] { new { result = "Fewer road trips", measure = "Trips per month" } },
            },
        }, SandboxRegistry.WebConsole.Api.ConsoleApi.Json);
        Assert.Equal(expected.ToString(), body.ToString());
        Assert.EndsWith($"/regimes/{Regime}", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri);
    }

    [Fact]
    public void A_refused_amendment_shows_its_field_errors_beside_the_programmes_fields_and_the_rest_in_the_alert()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "One or more validation errors occurred.", errors: new()
        {
            ["reason"] = ["'Reason' must not be empty."],
            ["programme.insurance.minimumSumInsured.amount"] = ["'Amount' must be greater than '0'."],
            ["programme.territory[0]"] = ["'Territory' must be a region code."],
            ["programme.insurance.requiredRisks"] = ["Name at least one risk."],
            ["programme.expectedResults[0].measure"] = ["'Measure' must not be empty."],
        });
        var page = Render<RegimeAmend>(p => p.Add(a => a.Id, Regime));

        page.Find("#amend-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("'Reason' must not be empty.", FieldText(page, "reason")));
        Assert.Contains("'Amount' must be greater than '0'.", FieldText(page, "minimumAmount"));
        Assert.Contains("'Territory' must be a region code.", FieldText(page, "territory"));
        Assert.Equal("Name at least one risk.", page.Find("#risks-error").TextContent);
        var alert = page.Find("#problem");
        Assert.Contains("(400, validation-failed)", alert.TextContent);
        // Only the error no input shows is listed in the alert.
        var listed = alert.QuerySelectorAll(".problem-field").Select(e => e.TextContent).ToList();
        Assert.Equal(["programme.expectedResults[0].measure: 'Measure' must not be empty."], listed);
    }

    [Fact]
    public void A_business_refusal_is_shown_with_its_stable_code_and_the_form_stays()
    {
        Api.OnSend = (_, _, _) => FakeApi.Refused(409, "regime-closed", "The regime is terminated; its programme can no longer change.");
        var page = Render<RegimeAmend>(p => p.Add(a => a.Id, Regime));
        page.Find("#reason").Change("A late amendment");

        page.Find("#amend-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("(409, regime-closed)", page.Find("#problem").TextContent));
        Assert.Contains("The regime is terminated; its programme can no longer change.", page.Find("#problem").TextContent);
        Assert.Equal("A late amendment", page.Find("#reason").GetAttribute("value"));
        Assert.Equal("http://localhost/", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri); // not sent away
        Assert.NotNull(page.Find("#amend-form"));
    }

    [Fact]
    public void Every_text_of_the_regime_pages_exists_in_Russian_and_in_English()
    {
        var texts = new ResourceManager("SandboxRegistry.WebConsole.Resources.RegimeStrings", typeof(RegimeStrings).Assembly);
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SandboxRegistry.sln"))) root = root.Parent!;
        var keys = Directory.GetFiles(Path.Combine(root.FullName, "services", "WebConsole", "Components"), "*.razor", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("IStringLocalizer<RegimeStrings> R"))
            .SelectMany(f => Key().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.Equal(["Amend", "AmendProgramme", "AmendRegime", "AmendmentHelp", "AmendmentReason", "CurrentVersion"], keys.Order(StringComparer.Ordinal).ToList());
        Assert.All(keys, key =>
        {
            Assert.NotNull(texts.GetString(key, CultureInfo.InvariantCulture));
            Assert.NotNull(texts.GetString(key, new CultureInfo("en")));
            Assert.NotEqual(texts.GetString(key, CultureInfo.InvariantCulture), texts.GetString(key, new CultureInfo("en")));
        });
        Assert.Equal("Изменить программу", texts.GetString("AmendProgramme", new CultureInfo("ru")));
    }

    [GeneratedRegex("""(?<![A-Za-z])R\["([A-Za-z0-9_]+)"\]""")]
    private static partial Regex Key();
}
