using System.Globalization;
using System.Resources;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SandboxRegistry.WebConsole.Components.Pages.AiResults;
using SandboxRegistry.WebConsole.Resources;

namespace SandboxRegistry.WebConsole.Tests.Components;

/// <summary>The participant's register of results created with AI: what an entry and a correction send, refusals at their fields.</summary>
public sealed class AiResultsPageTests : ConsoleComponentTest
{
    private static readonly Guid Participation = Guid.Parse("0196a000-0000-7000-8000-0000000000a1");
    private static readonly Guid Entry = Guid.Parse("0196a000-0000-7000-8000-0000000000a2");

    public AiResultsPageTests() : base("applicant", new Claim("org", Ogrn)) { }

    private static object Page(params object[] items) => new { items, page = 1, pageSize = 20, total = items.Length };

    private static object Stored => new
    {
        id = Entry, participationId = Participation, regimeId = Guid.Empty, companyOgrn = Ogrn, companyName = "Robotaxi LLC", status = "valid",
        content = new
        {
            title = "Route planner 2", kind = "software", description = "Planner trained on city data",
            aiSystem = new { name = "RoboDriver", version = "1.4.0", aiSystemId = (Guid?)null }, createdOn = "2026-03-01",
            rightsHolder = new { name = "Robotaxi LLC", ogrn = Ogrn, basis = "employeeWork", basisText = (string?)null },
            validFrom = "2026-03-01", validTo = (string?)null, confidential = new[] { "description" },
        },
        withdrawalReason = (string?)null, registeredAt = "2026-03-02T10:00:00Z", changedAt = (string?)null, version = 1,
    };

    private IRenderedComponent<AiResultsPage> RenderFor(Guid participation)
    {
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo(Microsoft.AspNetCore.Components.NavigationManagerExtensions.GetUriWithQueryParameter(navigation, "participationId", participation.ToString()));
        return Render<AiResultsPage>();
    }

    private static Task Choose(IRenderedComponent<AiResultsPage> page, string label, string value)
    {
        var select = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label);
        return page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }

    [Fact]
    public async Task The_entry_sent_is_the_whole_form_and_a_refusal_is_shown_at_the_fields_it_names()
    {
        Api.Reads["ai-results"] = Page();
        var page = RenderFor(Participation);
        Assert.Equal($"ai-results?participationId={Participation}&page=1&pageSize=20", Api.ReadPaths[^1]);

        page.Find("#title").Change("Route planner 2");
        await Choose(page, "Kind of result", "software");
        page.Find("#description").Change("Planner trained on city data");
        page.Find("#aiSystemName").Change("RoboDriver");
        page.Find("#aiSystemVersion").Change("1.4.0");
        page.Find("#createdOn").Change("2026-03-01");
        page.Find("#validTo").Change("2029-03-01");
        page.Find("#holderName").Change("Robotaxi LLC");
        page.Find("#holderOgrn").Change(Ogrn);
        await Choose(page, "Basis of the right", "other");
        var description = page.FindComponents<MudCheckBox<bool>>().Single(c => c.Instance.Label == "description");
        await page.InvokeAsync(() => description.Instance.ValueChanged.InvokeAsync(true));
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.", errors: new()
        {
            ["rightsHolder.basisText"] = ["'Basis Text' is required when the basis is other."],
            ["validTo"] = ["'Valid To' must not be before 'Valid From'."],
        });
        page.Find("#ai-result-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("'Basis Text' is required when the basis is other.", FieldText(page, "basisText")));
        var (method, _, path, body) = Api.Sent.Single();
        Assert.Equal((HttpMethod.Post, $"participations/{Participation}/ai-results"), (method, path));
        Assert.Equal("""{"title":"Route planner 2","kind":"software","description":"Planner trained on city data","aiSystem":{"name":"RoboDriver","version":"1.4.0","aiSystemId":null},"createdOn":"2026-03-01","rightsHolder":{"name":"Robotaxi LLC","ogrn":"1027700132195","basis":"other","basisText":null},"validFrom":null,"validTo":"2029-03-01","confidential":["description"]}""",
            body.GetRawText());
        Assert.Contains("'Valid To' must not be before 'Valid From'.", FieldText(page, "validTo"));
        var alert = page.Find("#problem").TextContent;
        Assert.Contains("(400, validation-failed)", alert);
        Assert.DoesNotContain("Basis Text", alert); // shown at its field, not repeated in the alert
    }

    [Fact]
    public void A_correction_starts_from_the_stored_entry_and_sends_it_with_its_reason()
    {
        Api.Reads["ai-results"] = Page(Stored);
        var page = RenderFor(Participation);
        Assert.Contains("Route planner 2", page.Find($"tr[data-entry='{Entry}']").TextContent);

        page.Find($"tr[data-entry='{Entry}'] .correct").Click();
        Assert.Equal("Route planner 2", page.Find("#title").GetAttribute("value"));
        page.Find("#title").Change("Route planner 2.1");
        page.Find("#correction-reason").Change("The title in the filing differs");
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.",
            errors: new() { ["entry.aiSystem.version"] = ["'Version' must not be empty."] });
        page.Find("#ai-result-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("'Version' must not be empty.", FieldText(page, "aiSystemVersion")));
        var (_, _, path, body) = Api.Sent.Single();
        Assert.Equal($"ai-results/{Entry}/corrections", path);
        Assert.Equal("""{"reason":"The title in the filing differs","entry":{"title":"Route planner 2.1","kind":"software","description":"Planner trained on city data","aiSystem":{"name":"RoboDriver","version":"1.4.0","aiSystemId":null},"createdOn":"2026-03-01","rightsHolder":{"name":"Robotaxi LLC","ogrn":"1027700132195","basis":"employeeWork","basisText":null},"validFrom":"2026-03-01","validTo":null,"confidential":["description"]}}""",
            body.GetRawText());
    }

    [Fact]
    public void A_withdrawal_sends_its_reason_and_a_refusal_names_the_reason_field()
    {
        Api.Reads["ai-results"] = Page(Stored);
        Api.OnSend = (_, _, _) => FakeApi.Refused(400, "validation-failed", "The request has invalid fields.",
            errors: new() { ["reason"] = ["'Reason' must not be empty."] });
        var page = RenderFor(Participation);

        page.Find($"tr[data-entry='{Entry}'] .withdraw").Click();

        page.WaitForAssertion(() => Assert.Contains("'Reason' must not be empty.", FieldText(page, "reason")));
        var (_, _, path, body) = Api.Sent.Single();
        Assert.Equal(($"ai-results/{Entry}/withdrawal", """{"reason":null}"""), (path, body.GetRawText()));
    }
}

/// <summary>The public register: what the participant marked confidential, and a rights holder who is a person, are not shown.</summary>
public sealed class RegisterAiResultsTests : ConsoleComponentTest
{
    public RegisterAiResultsTests() : base("auditor") { }

    [Fact]
    public void Confidential_parts_are_marked_as_such_and_the_rest_is_shown()
    {
        Api.Reads["register/ai-results"] = new
        {
            items = new object[]
            {
                new
                {
                    id = Guid.Parse("0196a000-0000-7000-8000-0000000000b1"), participationId = Guid.Empty, regimeId = Guid.Empty,
                    companyName = "Robotaxi LLC", status = "valid", kind = "invention", title = (string?)null, description = (string?)null,
                    aiSystem = new { name = "RoboDriver", version = "1.4.0", aiSystemId = (Guid?)null }, createdOn = "2026-03-01",
                    rightsHolder = (object?)null, validFrom = "2026-03-01", validTo = (string?)null, confidentialFields = new[] { "title" },
                },
            },
            page = 1, pageSize = 20, total = 1,
        };
        var page = Render<RegisterAiResults>();

        var cells = page.FindAll("#register-ai-results tbody tr td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal("confidential", cells[0]);
        Assert.Equal(["Robotaxi LLC", "Invention", "RoboDriver 1.4.0"], cells[1..4]);
        Assert.Equal("confidential", cells[5]);
        Assert.Equal("Valid", cells[7]);

        page.Find("#filter-valid-on").Change("2026-06-01");
        page.Find("#filter").Click();
        Assert.Equal("register/ai-results?validOn=2026-06-01&page=1&pageSize=20", Api.ReadPaths[^1]);
    }
}

public sealed partial class AiResultStringsTests
{
    private static readonly ResourceManager Texts = new("SandboxRegistry.WebConsole.Resources.AiResultStrings", typeof(AiResultStrings).Assembly);

    [Fact]
    public void Every_text_the_register_pages_name_exists_in_Russian_and_in_English()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SandboxRegistry.sln"))) root = root.Parent!;
        var keys = Directory.GetFiles(Path.Combine(root.FullName, "services", "WebConsole", "Components"), "*.razor", SearchOption.AllDirectories)
            .Select(File.ReadAllText).Where(text => text.Contains("AiResultStrings", StringComparison.Ordinal))
            .SelectMany(text => Key().Matches(text).Select(m => m.Groups[1].Value))
            .Concat(AiResultTexts.Kinds.Select(k => "Kind_" + k)).Concat(AiResultTexts.Bases.Select(b => "Basis_" + b))
            .Concat(AiResultTexts.ConfidentialFields.Select(f => "Field_" + f)).Concat(AiResultTexts.Statuses.Select(s => "Status_" + s))
            .Concat(["AiResults", "RegisterOfAiResults"]).Where(k => !k.EndsWith('_')).Distinct().ToList();

        Assert.True(keys.Count > 60, $"found only {keys.Count} texts");
        var missing = keys.Where(k => Texts.GetString(k, new CultureInfo("ru")) is null || Texts.GetString(k, new CultureInfo("en")) is null).ToList();
        Assert.Empty(missing);
        Assert.Equal("Реестр результатов, созданных с ИИ", Texts.GetString("RegisterOfAiResults", CultureInfo.InvariantCulture));
        Assert.Equal("Register of results created with AI", Texts.GetString("RegisterOfAiResults", new CultureInfo("en")));
    }

    [GeneratedRegex("""[AR]\["([A-Za-z0-9_]+)"\]""")]
    private static partial Regex Key();
}
