using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using static SandboxRegistry.IncidentClaims.Tests.Domain.Given;

namespace SandboxRegistry.IncidentClaims.Tests.Domain;

public class ClocksTests
{
    private static Report Report(bool criticalInfrastructure = false, bool widespread = false, params HarmRequest[] harms) =>
        Reported(Request(harms) with { CriticalInfrastructure = criticalInfrastructure, Widespread = widespread }).Report;

    [Fact]
    public void Minor_harm_is_not_serious_and_has_no_report_deadline()
    {
        var report = Report(harms: new HarmRequest(HarmType.InjuryToHealth, Severity.Minor, 1, null));

        var classification = Clocks.Classify(report);

        Assert.False(classification.Serious);
        Assert.Empty(classification.Grounds);
        Assert.Null(Clocks.ReportDueBy(report, classification, Eu));
    }

    [Theory]
    [InlineData(HarmType.Death, Severity.Minor, "death")]
    [InlineData(HarmType.InjuryToHealth, Severity.Serious, "seriousHarmToHealth")]
    [InlineData(HarmType.DamageToPersonProperty, Severity.Critical, "seriousHarmToProperty")]
    [InlineData(HarmType.DamageToOrganisationProperty, Severity.Serious, "seriousHarmToProperty")]
    public void Death_and_serious_harm_make_an_incident_serious(HarmType type, Severity severity, string ground)
    {
        var classification = Clocks.Classify(Report(harms: new HarmRequest(type, severity, 1, null)));

        Assert.True(classification.Serious);
        Assert.Equal([ground], classification.Grounds);
    }

    [Fact]
    public void Critical_infrastructure_alone_makes_it_serious()
    {
        var classification = Clocks.Classify(Report(criticalInfrastructure: true));

        Assert.Equal(["criticalInfrastructure"], classification.Grounds);
    }

    [Fact]
    public void Serious_harm_is_reported_within_15_days_of_awareness()
    {
        var report = Report(harms: new HarmRequest(HarmType.InjuryToHealth, Severity.Serious, 1, null));

        Assert.Equal(report.AwareAt.AddDays(15), Clocks.ReportDueBy(report, Clocks.Classify(report), Eu));
    }

    [Fact]
    public void A_death_is_reported_within_10_days()
    {
        var report = Report(harms: new HarmRequest(HarmType.Death, Severity.Critical, 1, null));

        Assert.Equal(report.AwareAt.AddDays(10), Clocks.ReportDueBy(report, Clocks.Classify(report), Eu));
    }

    [Fact]
    public void Widespread_or_critical_infrastructure_is_reported_within_2_days_even_on_a_death()
    {
        var widespread = Report(widespread: true, harms: new HarmRequest(HarmType.Death, Severity.Critical, 30, null));
        var infrastructure = Report(criticalInfrastructure: true);

        Assert.Equal(widespread.AwareAt.AddDays(2), Clocks.ReportDueBy(widespread, Clocks.Classify(widespread), Eu));
        Assert.Equal(infrastructure.AwareAt.AddDays(2), Clocks.ReportDueBy(infrastructure, Clocks.Classify(infrastructure), Eu));
    }

    [Fact]
    public void Report_deadlines_are_configuration()
    {
        var report = Report(harms: new HarmRequest(HarmType.InjuryToHealth, Severity.Serious, 1, null));
        var stricter = new JurisdictionProfile { Name = "strict", ReportDaysOther = 5 };

        Assert.Equal(report.AwareAt.AddDays(5), Clocks.ReportDueBy(report, Clocks.Classify(report), stricter));
    }

    [Fact]
    public void The_commission_is_convened_within_30_days_of_linking_by_default_and_that_is_configuration()
    {
        Assert.Equal(Now.AddDays(30), Clocks.CommissionDueBy(Now, Eu));
        Assert.Equal(Now.AddDays(45), Clocks.CommissionDueBy(Now, new JurisdictionProfile { CommissionConveneDays = 45 }));
    }

    [Fact]
    public void The_conclusion_is_due_3_working_days_after_the_meeting_by_the_russian_calendar()
    {
        Assert.Equal(new DateOnly(2026, 3, 19), Clocks.ConclusionDueBy(new DateOnly(2026, 3, 16), Eu)); // Mon -> Thu
        Assert.Equal(new DateOnly(2026, 3, 25), Clocks.ConclusionDueBy(new DateOnly(2026, 3, 20), Eu)); // Fri -> Wed
        Assert.Equal(new DateOnly(2026, 1, 14), Clocks.ConclusionDueBy(new DateOnly(2025, 12, 30), Eu)); // across the New Year holidays
    }

    [Fact]
    public void Open_clocks_are_due_until_their_time_then_overdue_and_vanish_once_met()
    {
        var incident = State(Reported(Request(new HarmRequest(HarmType.Death, Severity.Critical, 1, null))));
        var due = incident.Clocks.Single().DueBy;

        Assert.Equal([false], Clocks.Open(incident, due.AddMinutes(-1)).Select(c => c.Overdue));
        Assert.Equal([true], Clocks.Open(incident, due.AddMinutes(1)).Select(c => c.Overdue));

        var linked = Incident.When(incident, Linked(incident))!;
        var open = Clocks.Open(linked, due.AddMinutes(1)).ToList();
        Assert.Equal([Incident.CommissionClock], open.Select(c => c.Clock.Name));
        Assert.Equal(Now, linked.Clocks.Single(c => c.Name == Incident.ReportClock).MetAt);
    }

    [Fact]
    public void Convening_meets_the_commission_clock_and_starts_the_conclusion_clock()
    {
        var (state, _) = UpToConclusion();

        Assert.NotNull(state.Clocks.Single(c => c.Name == Incident.CommissionClock).MetAt);
        var conclusion = state.Clocks.Single(c => c.Name == Incident.ConclusionClock);
        Assert.Equal(new DateTimeOffset(2026, 3, 19, 0, 0, 0, TimeSpan.Zero).AddDays(1).AddTicks(-1), conclusion.DueBy);
        Assert.Null(conclusion.MetAt);
    }

    [Fact]
    public void A_closed_incident_has_no_open_clocks()
    {
        var (state, _) = UpToConclusion();
        var closed = state with { Status = IncidentStatus.Closed };

        Assert.Empty(Clocks.Open(closed, Now.AddYears(1)));
    }

    [Fact]
    public void A_met_clock_says_whether_it_was_met_late_and_a_running_one_says_nothing()
    {
        var incident = State(Reported(Request(new HarmRequest(HarmType.Death, Severity.Critical, 1, null))));
        var due = incident.Clocks.Single().DueBy;

        Assert.Equal([new Clock(Incident.ReportClock, due, null)], incident.Clocks);
        Assert.Null(incident.Clocks.Single().MetLate);

        var onTime = Incident.When(incident, Linked(incident) with { LinkedAt = due })!.Clocks.Single(c => c.Name == Incident.ReportClock);
        Assert.Equal(new Clock(Incident.ReportClock, due, due), onTime);
        Assert.False(onTime.MetLate);

        var late = Incident.When(incident, Linked(incident) with { LinkedAt = due.AddTicks(1) })!.Clocks.Single(c => c.Name == Incident.ReportClock);
        Assert.Equal(new Clock(Incident.ReportClock, due, due.AddTicks(1)), late);
        Assert.True(late.MetLate);
    }

    [Fact]
    public void A_clock_shows_its_lateness_in_json()
    {
        var due = new DateTimeOffset(2026, 3, 19, 23, 59, 59, TimeSpan.Zero);
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);

        Assert.Equal("""{"name":"conclusion","dueBy":"2026-03-19T23:59:59+00:00","metAt":"2026-03-20T09:00:00+00:00","metLate":true}""",
            System.Text.Json.JsonSerializer.Serialize(new Clock(Incident.ConclusionClock, due, due.AddHours(9).AddSeconds(1)), options));
        Assert.Equal("""{"name":"conclusion","dueBy":"2026-03-19T23:59:59+00:00","metAt":null,"metLate":null}""",
            System.Text.Json.JsonSerializer.Serialize(new Clock(Incident.ConclusionClock, due, null), options));
    }
}
