using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.Concluding;
using SandboxRegistry.IncidentClaims.Incidents.Convening;
using static SandboxRegistry.IncidentClaims.Tests.Domain.Given;

namespace SandboxRegistry.IncidentClaims.Tests.Domain;

public class CommissionTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private static Incident LinkedIncident()
    {
        var reported = Reported();
        return State(reported, Linked(State(reported)));
    }

    private static ConveneCommissionRequest Convene(DateOnly meeting) =>
        new(new CommissionMember("Olga Chair", "Deputy Minister"), [new("Pavel Member", "Expert"), new("Irina Member", "Lawyer")], meeting);

    private static RecordConclusionRequest Conclude(params string[] parties) =>
        new(CausalLink.Established, parties, new Money(50_000m, "RUB"), [Recommendation.SuspendParticipation],
            [new Dissent("Pavel Member", "The causal link is only likely.")]);

    [Fact]
    public void Convening_records_chair_members_meeting_and_when_the_conclusion_is_due()
    {
        var incident = LinkedIncident();

        var e = ConveneCommission.Decide(incident, Convene(Today), Eu, Regulator, Now);

        Assert.Equal(incident.Id, e.IncidentId);
        Assert.Equal("Olga Chair", e.Chair.FullName);
        Assert.Equal(["Pavel Member", "Irina Member"], e.Members.Select(m => m.FullName));
        Assert.Equal(Today, e.MeetingDate);
        Assert.Equal(new DateOnly(2026, 3, 19), e.ConclusionDueBy);
        // Due by the end of that day where the harm happened (region 77: Moscow, UTC+3).
        Assert.Equal(new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.FromHours(3)).AddTicks(-1), e.ConclusionDueAt);
        Assert.Equal(Regulator, e.ConvenedBy);
        var state = Incident.When(incident, e)!;
        Assert.Equal(IncidentStatus.CommissionConvened, state.Status);
        Assert.Equal(3, state.Commission.Count);
    }

    [Fact]
    public void A_commission_examines_only_a_linked_incident_once()
    {
        var reported = State(Reported());
        var (convened, _) = UpToConclusion();

        Assert.Equal("incident-not-linked", Assert.Throws<DomainRuleViolation>(() =>
            ConveneCommission.Decide(reported, Convene(Today), Eu, Regulator, Now)).Code);
        Assert.Equal("commission-already-convened", Assert.Throws<DomainRuleViolation>(() =>
            ConveneCommission.Decide(convened, Convene(Today), Eu, Regulator, Now)).Code);
    }

    [Fact]
    public void Today_and_the_conclusions_due_time_are_those_of_the_place_of_the_harm()
    {
        var reported = Reported(Request() with { Location = new Location("25", null) }); // Vladivostok, UTC+10
        var incident = State(reported, Linked(State(reported)));
        var lateEvening = new DateTimeOffset(2026, 3, 16, 20, 0, 0, TimeSpan.Zero); // still the 16th in UTC, the 17th there

        Assert.Equal("meeting-date-in-the-past", Assert.Throws<DomainRuleViolation>(() =>
            ConveneCommission.Decide(incident, Convene(new DateOnly(2026, 3, 16)), Eu, Regulator, lateEvening)).Code);
        var e = ConveneCommission.Decide(incident, Convene(new DateOnly(2026, 3, 17)), Eu, Regulator, lateEvening);
        Assert.Equal(new DateOnly(2026, 3, 20), e.ConclusionDueBy);
        Assert.Equal(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.FromHours(10)).AddTicks(-1), e.ConclusionDueAt);
        Assert.Equal(e.ConclusionDueAt, Incident.When(incident, e)!.Clocks.Single(c => c.Name == Incident.ConclusionClock).DueBy);
        var convened = Incident.When(incident, e)!;
        Assert.Equal("meeting-not-held", Assert.Throws<DomainRuleViolation>(() =>
            Conclusions.Record(convened, Conclude(), Eu, Regulator, new DateTimeOffset(2026, 3, 16, 13, 59, 0, TimeSpan.Zero))).Code);
        Assert.Equal(incident.Id, Conclusions.Record(convened, Conclude(), Eu, Regulator,
            new DateTimeOffset(2026, 3, 16, 14, 0, 0, TimeSpan.Zero)).IncidentId); // midnight of the 17th there
    }

    [Fact]
    public void The_meeting_is_not_in_the_past_and_the_chair_is_not_a_member_twice()
    {
        var incident = LinkedIncident();

        Assert.Equal("meeting-date-in-the-past", Assert.Throws<DomainRuleViolation>(() =>
            ConveneCommission.Decide(incident, Convene(Today.AddDays(-1)), Eu, Regulator, Now)).Code);
        Assert.Equal("chair-listed-as-member", Assert.Throws<DomainRuleViolation>(() =>
            ConveneCommission.Decide(incident, Convene(Today) with { Members = [new("Olga Chair", "x")] }, Eu, Regulator, Now)).Code);
    }

    [Fact]
    public void The_conclusion_names_parties_resolved_by_triage_and_keeps_dissents()
    {
        var (state, _) = UpToConclusion();
        var person = state.Resolution!.ResponsiblePersons!.Persons[0].EntryId.ToString();

        var e = Conclusions.Record(state, Conclude("1027700132195", person), Eu, Regulator, Now);

        Assert.Equal(CausalLink.Established, e.Conclusion.CausalLink);
        Assert.Equal([new ResponsibleParty("participant", "1027700132195", "Aero LLC"),
            new ResponsibleParty("responsiblePerson", person, "Anna Smirnova")], e.Conclusion.ResponsibleParties);
        Assert.Equal(new Money(50_000m, "RUB"), e.Conclusion.DamageAssessed);
        Assert.Equal([Recommendation.SuspendParticipation], e.Conclusion.Recommendations);
        Assert.Equal("Pavel Member", Assert.Single(e.Conclusion.Dissents).Member);
        Assert.Equal(IncidentStatus.ConclusionRecorded, Incident.When(state, e)!.Status);
    }

    [Fact]
    public void A_party_triage_did_not_resolve_cannot_be_held_responsible()
    {
        var (state, _) = UpToConclusion();

        var refused = Assert.Throws<DomainRuleViolation>(() => Conclusions.Record(state, Conclude("1037739010891"), Eu, Regulator, Now));

        Assert.Equal("unknown-responsible-party", refused.Code);
    }

    [Fact]
    public void Only_members_dissent()
    {
        var (state, _) = UpToConclusion();

        var refused = Assert.Throws<DomainRuleViolation>(() => Conclusions.Record(state,
            Conclude() with { Dissents = [new Dissent("Somebody Else", "no")] }, Eu, Regulator, Now));

        Assert.Equal("dissent-by-non-member", refused.Code);
    }

    [Fact]
    public void No_conclusion_before_the_commission_or_before_its_meeting()
    {
        var reported = Reported();
        var linked = State(reported, Linked(State(reported)));
        var later = State(reported, Linked(State(reported)), Convened(State(reported), Today.AddDays(3)));

        Assert.Equal("commission-not-convened", Assert.Throws<DomainRuleViolation>(() =>
            Conclusions.Record(linked, Conclude(), Eu, Regulator, Now)).Code);
        Assert.Equal("meeting-not-held", Assert.Throws<DomainRuleViolation>(() =>
            Conclusions.Record(later, Conclude(), Eu, Regulator, Now)).Code);
    }

    [Fact]
    public void Signing_carries_the_conclusion_and_the_links_it_concerns()
    {
        var (state, _) = UpToConclusion();

        var e = Conclusions.Sign(state, Regulator, Now.AddDays(1));

        Assert.Equal(state.Conclusion, e.Conclusion);
        Assert.Equal(state.Resolution!.Version.AiSystemId, e.AiSystemId);
        Assert.Equal(state.Resolution.Version.VersionId, e.VersionId);
        Assert.Equal(state.Resolution.Participation!.ParticipationId, e.ParticipationId);
        Assert.Equal("Olga Chair", e.Chair);
        Assert.False(e.SignedLate);
        var signed = Incident.When(state, e)!;
        Assert.Equal(IncidentStatus.ConclusionSigned, signed.Status);
        Assert.Equal(Now.AddDays(1), signed.Clocks.Single(c => c.Name == Incident.ConclusionClock).MetAt);
    }

    [Fact]
    public void A_signature_after_three_working_days_is_recorded_as_late()
    {
        var (state, _) = UpToConclusion();

        var e = Conclusions.Sign(state, Regulator, new DateTimeOffset(2026, 3, 20, 8, 0, 0, TimeSpan.Zero));

        Assert.True(e.SignedLate);
    }

    [Fact]
    public void A_conclusion_is_signed_once_and_never_changes_afterwards()
    {
        var (state, _) = UpToConclusion();
        var signed = Incident.When(state, Conclusions.Sign(state, Regulator, Now))!;
        var linked = State(Reported()) with { Status = IncidentStatus.Linked };

        Assert.Equal("conclusion-already-signed", Assert.Throws<DomainRuleViolation>(() => Conclusions.Sign(signed, Regulator, Now)).Code);
        Assert.Equal("conclusion-already-signed", Assert.Throws<DomainRuleViolation>(() =>
            Conclusions.Record(signed, Conclude(), Eu, Regulator, Now)).Code);
        Assert.Equal("no-conclusion", Assert.Throws<DomainRuleViolation>(() => Conclusions.Sign(linked, Regulator, Now)).Code);
    }

    [Fact]
    public void A_recorded_conclusion_may_be_rewritten_before_signing()
    {
        var (state, _) = UpToConclusion();

        var e = Conclusions.Record(state, Conclude() with { CausalLink = CausalLink.Inconclusive, Recommendations = [Recommendation.None] },
            Eu, Regulator, Now);

        Assert.Equal(CausalLink.Inconclusive, Incident.When(state, e)!.Conclusion!.CausalLink);
    }
}
