using System.Text.Json;
using Bunit;
using SandboxRegistry.WebConsole.Api;
using SandboxRegistry.WebConsole.Components.Pages;

namespace SandboxRegistry.WebConsole.Tests.Components;

/// <summary>
/// The commission's meeting date the incident page offers: today at the place of the harm, the date IncidentClaims checks
/// (meeting-date-in-the-past before it), whatever the hour in UTC or in the console's zone.
/// </summary>
public sealed class MeetingDateTests() : ConsoleComponentTest("regulator")
{
    private static readonly Guid Incident = Guid.Parse("0196a000-0000-7000-8000-0000000000c2");

    private IRenderedComponent<IncidentDetail> Linked(string now, string? zone)
    {
        Time.Now = DateTimeOffset.Parse(now);
        Api.Reads[$"incidents/{Incident}/dossier"] = new
        {
            incidentId = Incident, status = "linked",
            report = new { trackingCode = "INC-1", report = new { title = "Drone fell", occurredAt = "2026-12-02T20:00:00Z", location = new { regionCode = "25" } } },
            resolvedAt = zone is null ? null : new { at = "2026-12-02T20:00:00Z", knownAt = "2026-12-02T20:05:00Z", timeZone = zone, localDate = "2026-12-03" },
        };
        return Render<IncidentDetail>(p => p.Add(d => d.Id, Incident));
    }

    [Theory]
    [InlineData("2026-12-02T22:30:00Z", "Europe/Moscow", "2026-12-03")] // 01:30 in Moscow: the UTC date is yesterday there
    [InlineData("2026-12-02T14:30:00Z", "Asia/Vladivostok", "2026-12-03")] // 00:30 in Vladivostok, 17:30 in Moscow
    [InlineData("2026-12-02T09:30:00Z", "Asia/Vladivostok", "2026-12-02")]
    [InlineData("2026-12-02T22:30:00Z", "offset as sent", "2026-12-03")] // no zone recorded: the console's (Moscow)
    [InlineData("2026-12-02T22:30:00Z", null, "2026-12-03")]
    public void The_meeting_date_offered_is_today_at_the_place_of_the_harm_and_is_what_is_sent(string now, string? zone, string expected)
    {
        var page = Linked(now, zone);

        page.WaitForAssertion(() => Assert.Equal(expected, page.Find("#meetingDate").GetAttribute("value")));
        page.Find("#chairName").Change("Olga Sokolova");
        page.Find("#chairPosition").Change("Deputy minister");
        page.Find("#members").Change("Pavel Orlov — expert");
        page.Find("#convene-submit").Click();
        page.WaitForAssertion(() => Assert.Single(Api.Sent));
        var (method, service, path, body) = Api.Sent[0];
        Assert.Equal((HttpMethod.Post, Service.IncidentClaims, $"incidents/{Incident}/commission"), (method, service, path));
        Assert.Equal(JsonSerializer.Serialize(new
        {
            chair = new { fullName = "Olga Sokolova", position = "Deputy minister" },
            members = new[] { new { fullName = "Pavel Orlov", position = "expert" } },
            meetingDate = expected,
        }), body.GetRawText());
    }
}
