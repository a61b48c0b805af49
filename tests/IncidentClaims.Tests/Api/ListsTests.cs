using Microsoft.Extensions.DependencyInjection;
using System.Net;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>Every list of this service is paged the one way and answers the one shape.</summary>
public class ListsTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    public static TheoryData<string, string> EveryList => new()
    {
        { "/api/v1/incidents", Roles.Regulator },
        { "/api/v1/incidents", Roles.Integration },
        { "/api/v1/incidents?status=reported", Roles.Auditor },
        { "/api/v1/incidents/deadlines", Roles.Regulator },
        { "/api/v1/regimes", "anonymous" },
        { "/api/v1/known/deployments?region=77&at=2026-06-01T00:00:00Z", Roles.Regulator },
        { "/api/v1/audit/checkpoints", "anonymous" },
        { "/api/v1/audit/witnessed", "anonymous" },
        { "/api/v1/audit/witnessed?service=sandbox-applications", "anonymous" },
    };

    private HttpClient Client(string caller) => caller switch
    {
        Roles.Regulator => fixture.Host.Client(Tokens.Regulator()),
        Roles.Auditor => fixture.Host.Client(Tokens.Auditor()),
        Roles.Integration => fixture.Host.Client(Tokens.Integration("gosuslugi")),
        _ => fixture.Host.Client(),
    };

    [Theory]
    [MemberData(nameof(EveryList))]
    public async Task Every_list_is_paged_in_the_one_shape_and_no_page_number_is_a_server_error(string path, string caller)
    {
        await File(Client(Roles.Integration), Body());

        await PagingRules.AssertPaged(Client(caller), path);
    }

    [Fact]
    public async Task Deadlines_come_a_page_at_a_time_with_the_total()
    {
        var portal = Client(Roles.Integration);
        for (var i = 0; i < 3; i++) await File(portal, Body(occurredAt: DateTimeOffset.UtcNow.AddHours(-i - 1)));
        var regulator = Client(Roles.Regulator);

        var first = await (await regulator.GetAsync("/api/v1/incidents/deadlines?pageSize=2")).Body(HttpStatusCode.OK);
        var second = await (await regulator.GetAsync("/api/v1/incidents/deadlines?page=2&pageSize=2")).Body(HttpStatusCode.OK);

        var total = first.GetProperty("total").GetInt64();
        Assert.True(total >= 3, $"total {total}");
        Assert.Equal(2, first.Items().Length);
        Assert.Equal(total, second.GetProperty("total").GetInt64());
        var onFirst = first.Items().Select(e => (e.GetProperty("incidentId").GetGuid(), e.GetProperty("clock").GetString())).ToHashSet();
        Assert.DoesNotContain(second.Items(), e => onFirst.Contains((e.GetProperty("incidentId").GetGuid(), e.GetProperty("clock").GetString())));
        // Soonest first, across pages.
        Assert.True(first.Items()[^1].GetProperty("dueBy").GetDateTimeOffset() <= second.Items()[0].GetProperty("dueBy").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_deadlines_PostgreSQL_lists_are_the_clocks_rule_applied_to_every_open_incident()
    {
        // Awareness sent in several offsets, some clocks past due: the list PostgreSQL unfolds from the documents must be
        // exactly what the rule (Clocks.Open, soonest first) gives over every open incident, with each dueBy as stored.
        var portal = Client(Roles.Integration);
        foreach (var (days, offset) in new[] { (-19, 3), (-2, 10), (-17, -5), (-1, 0), (-16, 3) })
        {
            var body = Body(occurredAt: DateTimeOffset.UtcNow.AddDays(days - 1).ToOffset(TimeSpan.FromHours(offset)));
            body["awareAt"] = DateTimeOffset.UtcNow.AddDays(days).ToOffset(TimeSpan.FromHours(offset));
            await File(portal, body);
        }
        var regulator = Client(Roles.Regulator);

        var listed = await regulator.AllItems("/api/v1/incidents/deadlines");
        var overdue = await regulator.AllItems("/api/v1/incidents/deadlines?overdueOnly=true");

        var now = DateTimeOffset.UtcNow;
        await using var session = fixture.Host.Services.GetRequiredService<Marten.IDocumentStore>().QuerySession();
        var incidents = await Marten.QueryableExtensions.ToListAsync(session.Query<SandboxRegistry.IncidentClaims.Incidents.Incident>());
        var expected = incidents.SelectMany(i => SandboxRegistry.IncidentClaims.Incidents.Clocks.Open(i, now)
                .Select(c => (i.Id, c.Clock.Name, c.Clock.DueBy, c.Overdue)))
            .OrderBy(c => c.DueBy).ThenBy(c => c.Id).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        var actual = listed.Select(e => (e.GetProperty("incidentId").GetGuid(), e.GetProperty("clock").GetString()!,
            e.GetProperty("dueBy").GetDateTimeOffset(), e.GetProperty("overdue").GetBoolean())).ToList();
        Assert.Equal(expected.Select(c => (c.Id, c.Name, c.DueBy, c.DueBy.Offset, c.Overdue)),
            actual.Select(c => (c.Item1, c.Item2, c.Item3, c.Item3.Offset, c.Item4)));
        Assert.Equal(3, expected.Count(c => c.Overdue));
        Assert.Equal(expected.Where(c => c.Overdue).Select(c => c.Id), overdue.Select(e => e.GetProperty("incidentId").GetGuid()));
    }

    [Fact]
    public async Task The_incident_list_no_longer_stops_at_a_hidden_limit_it_pages_to_the_total()
    {
        var portal = fixture.Host.Client(Tokens.Integration("pager-" + Guid.NewGuid().ToString("N")[..8]));
        var filed = new List<Guid>();
        for (var i = 0; i < 3; i++) filed.Add(await File(portal, Body()));

        var page = await (await portal.GetAsync("/api/v1/incidents?pageSize=2&page=2")).Body(HttpStatusCode.OK);

        Assert.Equal(3, page.GetProperty("total").GetInt64());
        Assert.Single(page.Items());
        Assert.Equal(filed.ToHashSet(), (await portal.AllItems("/api/v1/incidents")).Select(i => i.GetProperty("id").GetGuid()).ToHashSet());
    }
}
