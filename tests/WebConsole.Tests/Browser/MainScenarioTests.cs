using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenQA.Selenium;
using SandboxRegistry.Testing;

namespace SandboxRegistry.WebConsole.Tests.Browser;

/// <summary>
/// The main scenario walked through the console in a real browser by the people who do it: a regulator, a company's
/// compliance officer, the state portal (through the API, as integrations do), the regulator again and the public.
/// </summary>
public sealed class MainScenarioTests(ConsoleSystem system) : IClassFixture<ConsoleSystem>
{
    private const string Ogrn = "1027700132195";
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task From_a_regime_to_a_suspended_participation_through_the_console()
    {
        using var browser = new ConsoleBrowser(system.ConsoleUrl);

        // The public sees the registers without signing in, in Russian by default.
        browser.Open("/", "#sign-in", "home-anonymous");
        Assert.Equal("ru", browser.Driver.FindElement(By.TagName("html")).GetAttribute("lang"));

        // 1. A regulator establishes a regime.
        browser.SignIn("regulator", sub: "reg-sokolova", returnUrl: "/regimes/new");
        browser.Wait("#regime-form");
        browser.Shot("regime-new");
        browser.Type("title", "Доставка дронами над Москвой");
        browser.Type("actNumber", "Постановление Правительства № 1234");
        browser.Type("territory", "77");
        // The regime has run for a month, so the deployment below lies inside its term whatever the hour in UTC.
        browser.SetDate("startsOn", DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd"));
        browser.Click("#submit");
        var regimeTitle = browser.Wait("#regime-title");
        Assert.Equal("Доставка дронами над Москвой", regimeTitle.Text);
        var regime = Guid.Parse(browser.Path_.Split('/').Last());
        browser.Shot("regime-established");
        browser.Open("/regimes", "#regimes tbody tr", "regimes");

        // 2. The company applies: a refused field first (a wrong INN is flagged as typed), then the whole form.
        browser.SignIn("applicant", org: Ogrn, sub: "compliance-officer", returnUrl: $"/regimes/{regime}/apply");
        browser.Wait("#application-form");
        browser.Type("inn", "7707083890");
        Assert.Contains("ИНН неверен", browser.Wait("#inn").FindElement(By.XPath("ancestor::div[contains(@class,'mud-input-control')]")).Text);
        browser.Shot("apply-inn-refused-as-typed");
        browser.Type("legalName", "ООО «Аэро»");
        browser.Type("inn", "7707083893");
        browser.Type("address", "Москва, Тверская, 1");
        browser.Type("email", "office@aero.example");
        browser.Type("plannedAiUse", "Доставка посылок дронами");
        browser.Type("insurerName", "Ингосстрах");
        browser.Type("insurerInn", "7705042179");
        browser.Type("policyNumber", "GO-2026-0077");
        browser.Type("person0-fullName", "Иван Петров");
        browser.Type("person0-position", "Технический директор");
        browser.Type("person0-area", "Автопилот");
        browser.Type("person0-email", "petrov@aero.example");
        browser.Shot("apply-filled");
        browser.Click("#submit");
        browser.Wait("#due-on");
        browser.Wait(".status[data-status='submitted']");
        var application = Guid.Parse(browser.Path_.Split('/').Last());
        browser.Shot("application-submitted");

        // 3. The regulator finds it in the work queue, assigns a reviewer and approves it with a condition.
        browser.SignIn("regulator", sub: "reg-sokolova", returnUrl: "/applications");
        browser.Wait($"#applications tr[data-id='{application}']");
        browser.Shot("work-queue");
        browser.Click($"#applications tr[data-id='{application}'] a.application-link");
        browser.Wait("#review");
        browser.Click("#assign");
        browser.Wait(".status[data-status='underReview']");
        browser.Type("conditions", "Сообщать о каждом инциденте в течение 24 часов");
        browser.Click("#approve");
        var participationLink = browser.Wait("#participation-link");
        browser.Shot("application-approved");
        var participation = Guid.Parse(participationLink.GetAttribute("href")!.Split('/').Last());

        // 4. The company registers its AI system, releases 1.0.0 with its SHA-256 and deploys it under the participation,
        //    once the registry has learnt of the participation from SandboxApplications.
        var company = system.Registry.Client(Tokens.Applicant(Ogrn, "compliance-officer"));
        await Eventually.True(async () => (await company.GetAsync($"/api/v1/participations/{participation}")).StatusCode == HttpStatusCode.OK,
            Propagation, "the registry should learn of the participation");
        browser.SignIn("applicant", org: Ogrn, sub: "compliance-officer", returnUrl: "/ai-systems/new");
        browser.Wait("#system-form");
        browser.Type("name", "SkyDrop autopilot");
        browser.Type("description", "Управляет дронами доставки");
        browser.Type("intendedPurpose", "Доставка посылок");
        browser.Type("developerName", "ООО «Аэро Вижн»");
        browser.Type("operatorName", "ООО «Аэро»");
        browser.Shot("ai-system-new");
        browser.Click("#submit");
        browser.Wait("#system-name");
        var aiSystem = Guid.Parse(browser.Path_.Split('/').Last());
        browser.Type("version", "1.0.0");
        browser.Type("sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("skydrop-1.0.0"))));
        browser.Type("changeSummary", "Первый выпуск");
        browser.Type("trainingData", "Полётные журналы 2025");
        browser.Type("evaluation", "Без аварий в испытаниях");
        browser.Click("#release-submit");
        browser.Wait("#versions tr[data-version='1.0.0']");
        browser.Click("#deploy-submit");
        var deploymentRow = browser.Wait("#deployments tr[data-deployment]");
        var deployment = Guid.Parse(deploymentRow.GetAttribute("data-deployment")!);
        browser.Wait("#deployments .status[data-status='active']");
        browser.Shot("ai-system-deployed");

        // 5. The state portal files a citizen's report through the API, as integrations do.
        var auditorOfIncidents = system.Incidents.Client(Tokens.Auditor());
        await Eventually.True(async () => (await auditorOfIncidents.GetAsync($"/api/v1/known/deployments/{deployment}")).IsSuccessStatusCode,
            Propagation, "IncidentClaims should learn of the deployment");
        var portal = system.Incidents.Client(Tokens.Integration("gosuslugi"));
        portal.DefaultRequestHeaders.Add("Idempotency-Key", $"gosuslugi-{Guid.NewGuid()}");
        var filed = await portal.PostAsJsonAsync("/api/v1/incidents", new
        {
            channel = "statePortal", title = "Дрон упал на пешехода", description = "Потерял высоту над Тверской улицей.",
            aiInvolvement = "Автопилот выбрал маршрут над тротуаром.", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-5),
            location = new { regionCode = "77" },
            harms = new[] { new { type = "injuryToHealth", severity = "serious", personsAffected = 1, estimatedDamage = new { amount = 150_000m, currency = "RUB" } } },
            aiSystem = new { registryId = aiSystem, name = "SkyDrop" },
            reporter = new { fullName = "Мария Иванова", contacts = new { phone = "+79990001122" }, consentToProcessing = true },
        });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var incident = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // 6. The regulator sees it on the statutory clock, triages it to the deployment in service then and there,
        //    convenes the commission, records a conclusion that suspends the participation and signs it as chair.
        browser.SignIn("regulator", sub: "reg-sokolova", returnUrl: "/incidents");
        browser.Wait("#deadlines .countdown");
        browser.Shot("incidents-with-countdowns");
        browser.Open($"/incidents/{incident}", $"#candidates tr[data-deployment='{deployment}']", "triage-candidates");
        Assert.Contains("SkyDrop autopilot", browser.Wait($"#candidates tr[data-deployment='{deployment}']").Text);
        Assert.Contains("1.0.0", browser.Wait($"#candidates tr[data-deployment='{deployment}']").Text);
        browser.Click($"#candidates tr[data-deployment='{deployment}'] .link-deployment");
        browser.Wait("#incident-status .status[data-status='linked']");
        browser.Wait("#convene");
        browser.Shot("incident-linked");
        browser.Type("chairName", "Ольга Соколова");
        browser.Type("chairPosition", "Заместитель министра");
        browser.Type("members", "Павел Орлов — эксперт");
        browser.Click("#convene-submit");
        browser.Wait("#incident-status .status[data-status='commissionConvened']");
        browser.Check("#recommend-suspendParticipation input[type=checkbox]");
        browser.Shot("conclusion-form");
        browser.Click("#record-conclusion");
        browser.Wait("#incident-status .status[data-status='conclusionRecorded']");
        browser.Click("#sign-conclusion");
        browser.Wait("#incident-status .status[data-status='conclusionSigned']");
        browser.Wait("#conclusion-summary");
        browser.Shot("conclusion-signed");

        // 7. The dossier shows every citation verified at its source.
        browser.Click("#open-dossier");
        browser.Wait("#citations tbody tr");
        var verified = browser.Wait("#dossier-verified");
        Assert.Equal("true", verified.GetAttribute("data-verified"));
        var marks = browser.Driver.FindElements(By.CssSelector("#citations tbody tr")).Select(r => r.GetAttribute("data-status")).ToList();
        Assert.True(marks.Count >= 9, $"the dossier should cite the report, triage, deployment, version, system, participation, programme, policy and persons: {marks.Count}");
        Assert.All(marks, m => Assert.Equal("verified", m));
        browser.Shot("dossier-verified");

        // 8. The public register shows the participation suspended, once SandboxApplications has applied the conclusion.
        var regulator = system.Applications.Client(Tokens.Regulator());
        await Scenario(regulator, $"/api/v1/participations/{participation}", p => p.GetProperty("status").GetString() == "suspended");
        browser.SignOut();
        browser.Open("/register/participations", $"#register-participations tr[data-id='{participation}']", "register-of-participations");
        Assert.NotNull(browser.Wait($"#register-participations tr[data-id='{participation}'] .status[data-status='suspended']"));

        // The same page in English, with the dates in the user's locale and the time zone named.
        browser.Click("#lang-en");
        browser.Wait("html[lang='en']");
        browser.Wait($"#register-participations tr[data-id='{participation}'] .status[data-status='suspended']");
        Assert.Contains("Suspended", browser.Wait($"#register-participations tr[data-id='{participation}']").Text);
        browser.Shot("register-of-participations-en");
    }

    private static Task Scenario(HttpClient client, string path, Func<JsonElement, bool> condition) =>
        Eventually.True(async () =>
        {
            var response = await client.GetAsync(path);
            return response.IsSuccessStatusCode && condition(await response.Content.ReadFromJsonAsync<JsonElement>());
        }, Propagation, $"{path} should meet the condition");
}
