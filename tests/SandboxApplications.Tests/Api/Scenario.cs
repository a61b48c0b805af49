using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SandboxRegistry.Testing;

namespace SandboxRegistry.SandboxApplications.Tests.Api;

/// <summary>Request bodies and the steps from a regime to an active participation, as the API tests take them.</summary>
public static class Scenario
{
    public const string Company = "1027700132195";
    public const string OtherCompany = "1027739049689";

    public static object RegimeBody(string title = "Autonomous shuttles", string[]? territory = null, string startsOn = "2026-01-01",
        string endsOn = "2028-12-31", decimal minimum = 10_000_000m, object[]? expectedResults = null) => new
    {
        expectedResults,
        title,
        direction = "transport",
        legalBasis = new { actNumber = "Government Decree No. 1234", actDate = "2025-12-01" },
        description = "Shuttles on public roads",
        territory = territory ?? ["77", "50"],
        startsOn,
        endsOn,
        disappliedNorms = new[] { "Traffic rules, section 2.1" },
        subjectRequirements = new[] { "A licensed carrier" },
        insurance = new
        {
            minimumSumInsured = new { amount = minimum, currency = "RUB" },
            requiredRisks = new[] { "life", "health" },
            aiHarmCoverRequired = true,
        },
    };

    public static object Policy(decimal sum = 15_000_000m, bool ai = true, string validFrom = "2026-01-01", string validTo = "2027-12-31") => new
    {
        insurerName = "Ingosstrakh",
        insurerInn = "7705042179",
        policyNumber = "GO-2026-0001",
        sumInsured = new { amount = sum, currency = "RUB" },
        coveredRisks = new[] { "life", "health", "property" },
        coversAiHarm = ai,
        validFrom,
        validTo,
    };

    public static object ApplicationBody(Guid regimeId, string ogrn = Company, object? policy = null, string inn = "7707083893") => new
    {
        regimeId,
        company = new { legalName = "Robotaxi LLC", ogrn, inn, address = "Moscow, Tverskaya 1" },
        contact = new { email = "office@robotaxi.ru", phone = "+7 495 123-45-67" },
        plannedAiUse = "Driverless shuttles between metro stations",
        requestedTerm = new { startsOn = "2026-04-01", endsOn = "2027-03-31" },
        territory = new[] { "77" },
        insurance = policy ?? Policy(),
        responsiblePersons = new[]
        {
            new
            {
                fullName = "Ivan Petrov", position = "CTO", areaOfResponsibility = "Autopilot",
                contact = new { email = "petrov@robotaxi.ru", phone = (string?)null },
            },
        },
    };

    public static async Task<Guid> EstablishRegime(ServiceHost<ServiceMarker> host, object? body = null) =>
        (await (await host.Client(Tokens.Regulator()).PostAsJsonAsync("/api/v1/regimes", body ?? RegimeBody()))
            .Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    public static async Task<Guid> Submit(ServiceHost<ServiceMarker> host, Guid regimeId, string ogrn = Company, object? policy = null) =>
        (await (await host.Client(Tokens.Applicant(ogrn)).PostAsJsonAsync("/api/v1/applications", ApplicationBody(regimeId, ogrn, policy)))
            .Body(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    public static async Task AssignReviewer(ServiceHost<ServiceMarker> host, Guid applicationId, string reviewer = "reviewer-1") =>
        await (await host.Client(Tokens.Regulator()).PostAsJsonAsync($"/api/v1/applications/{applicationId}/reviewer", new { reviewer }))
            .Body(HttpStatusCode.OK);

    public static async Task<Guid> Approve(ServiceHost<ServiceMarker> host, Guid applicationId) =>
        (await (await host.Client(Tokens.Regulator()).PostAsJsonAsync($"/api/v1/applications/{applicationId}/approval",
            new { conditions = new[] { "Report incidents within 24 hours" } })).Body(HttpStatusCode.OK)).GetProperty("participationId").GetGuid();

    /// <summary>Regime, application, review, approval: an active participation of <paramref name="ogrn"/>.</summary>
    public static async Task<(Guid Regime, Guid Application, Guid Participation)> ActiveParticipation(ServiceHost<ServiceMarker> host,
        string ogrn = Company)
    {
        var regime = await EstablishRegime(host);
        var application = await Submit(host, regime, ogrn);
        await AssignReviewer(host, application);
        return (regime, application, await Approve(host, application));
    }

    public static HttpRequestMessage Post(string url, object body, long ifMatch) => new(HttpMethod.Post, url)
    {
        Content = JsonContent.Create(body),
        Headers = { { "If-Match", $"\"{ifMatch}\"" } },
    };
}
