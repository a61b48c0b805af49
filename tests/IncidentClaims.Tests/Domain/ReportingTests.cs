using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.ErasingReporterData;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using SandboxRegistry.EventSourcing.PersonalData;
using static SandboxRegistry.IncidentClaims.Tests.Domain.Given;

namespace SandboxRegistry.IncidentClaims.Tests.Domain;

public class ReportingTests
{
    [Fact]
    public void Reporting_records_the_report_the_reporter_and_who_filed_it()
    {
        var id = Guid.NewGuid();

        var e = ReportIncident.Decide(id, "IC-2345-6789", Request(), Sealed(Request().Reporter), Eu, Portal, Now);

        Assert.Equal(id, e.IncidentId);
        Assert.Equal("gosuslugi", e.ClientId);
        Assert.Equal("IC-2345-6789", e.TrackingCode);
        Assert.Equal("Drone fell on a car", e.Report.Title);
        Assert.Equal(Channel.StatePortal, e.Report.Channel);
        Assert.Equal(Now.AddDays(-2), e.Report.OccurredAt);
        Assert.Equal(Now.AddDays(-1), e.Report.AwareAt);
        Assert.Equal(new Location("77", "Tverskaya 1"), e.Report.Location);
        // The event holds the reporter only as ciphertext under their own key.
        Assert.Equal(ReporterKey.Id, e.Reporter.KeyId);
        Assert.DoesNotContain("Ivan", e.Reporter.FullName.Ciphertext);
        Assert.Equal("Ivan Petrov", PersonalDataVault.Reveal(e.Reporter.FullName, new Dictionary<Guid, byte[]> { [ReporterKey.Id] = ReporterKey.Key }));
        Assert.Equal(PersonalDataVault.ErasedMarker, PersonalDataVault.Reveal(e.Reporter.FullName, new Dictionary<Guid, byte[]>()));
        Assert.Equal(Portal, e.ReportedBy);
        Assert.Equal(Now, e.ReportedAt);
        Assert.False(e.Classification.Serious);
        Assert.Null(e.ReportDueBy);
    }

    [Fact]
    public void Awareness_defaults_to_receipt()
    {
        var e = ReportIncident.Decide(Guid.NewGuid(), "IC-2345-6789", Request() with { AwareAt = null }, Sealed(Request().Reporter), Eu, Portal,
            Now);

        Assert.Equal(Now, e.Report.AwareAt);
    }

    [Fact]
    public void The_state_after_reporting_is_a_reported_incident_with_its_report_clock()
    {
        var e = Reported(Request(new HarmRequest(HarmType.Death, Severity.Critical, 1, null)));

        var state = State(e);

        Assert.Equal(IncidentStatus.Reported, state.Status);
        Assert.Equal("gosuslugi", state.ClientId);
        Assert.True(state.Serious);
        Assert.Equal([new Clock(Incident.ReportClock, Now.AddDays(-1).AddDays(10), null)], state.Clocks);
    }

    [Fact]
    public void Tracking_codes_are_readable_and_differ()
    {
        var codes = Enumerable.Range(0, 50).Select(_ => ReportIncident.NewTrackingCode()).ToList();

        Assert.All(codes, c => Assert.Matches("^IC-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", c));
        Assert.Equal(50, codes.Distinct().Count());
    }

    [Fact]
    public void Estimated_damage_is_kept_per_harm()
    {
        var e = Reported(Request(new HarmRequest(HarmType.DamageToOrganisationProperty, Severity.Serious, 0, new Money(1m, "EUR"))));

        Assert.Equal([new Harm(HarmType.DamageToOrganisationProperty, Severity.Serious, 0, new Money(1m, "EUR"))], e.Report.Harms);
    }
}

public class ReporterErasureDecisionTests
{
    private static readonly EraseReporterDataRequest Request = new(" 152-FZ art. 21 ");

    [Fact]
    public void Erasure_names_the_reporters_key_the_ground_and_who_erased()
    {
        var reported = Reported();

        var e = EraseReporterData.Decide([reported], Request, Regulator, Now);

        Assert.Equal(new ReporterDataErased(reported.IncidentId, reported.Reporter.KeyId, "152-FZ art. 21", Regulator, Now), e);
    }

    [Fact]
    public void A_second_erasure_changes_nothing_and_an_unknown_incident_is_not_found()
    {
        var reported = Reported();
        var erased = EraseReporterData.Decide([reported], Request, Regulator, Now)!;

        Assert.Null(EraseReporterData.Decide([reported, erased], Request, Regulator, Now));
        Assert.Throws<ResourceNotFound>(() => EraseReporterData.Decide([], Request, Regulator, Now));
        Assert.Equal(State(reported), State(reported, erased));
    }
}
