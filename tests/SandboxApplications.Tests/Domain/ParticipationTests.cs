using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Participations.Expiring;
using SandboxRegistry.SandboxApplications.Participations.KeepingRegister;
using SandboxRegistry.SandboxApplications.Participations.RenewingInsurance;
using SandboxRegistry.SandboxApplications.Participations.Resuming;
using SandboxRegistry.SandboxApplications.Participations.Suspending;
using SandboxRegistry.SandboxApplications.Participations.Terminating;
using SandboxRegistry.SandboxApplications.Regimes;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

public class ParticipationTests
{
    private static readonly DateOnly InTerm = new(2026, 6, 1);
    private static readonly Regimes.InsuranceRequirements Required = Regime().Programme.Insurance;

    private static string Code(Action act) => Assert.Throws<DomainRuleViolation>(act).Code;

    [Theory]
    [InlineData(SuspensionGround.RegulatorDecision)]
    [InlineData(SuspensionGround.InsuranceLapsed)]
    [InlineData(SuspensionGround.CommissionConclusion)]
    public void An_active_participation_is_suspended_with_its_ground(SuspensionGround ground)
    {
        var participation = Participation();

        var e = SuspendParticipation.Decide(participation, ground, " Incident ", Regulator, Now);

        Assert.Equal((ground, "Incident"), (e.Ground, e.Reason));
        Assert.Equal((ParticipationStatus.Suspended, ground), (participation.Apply(e).Status, participation.Apply(e).SuspendedFor));
    }

    [Theory]
    [InlineData(ParticipationStatus.Suspended, "participation-already-suspended")]
    [InlineData(ParticipationStatus.Terminated, "participation-closed")]
    [InlineData(ParticipationStatus.Expired, "participation-closed")]
    public void Suspension_is_refused_unless_active(ParticipationStatus status, string code) =>
        Assert.Equal(code, Code(() => SuspendParticipation.Decide(Participation(status), SuspensionGround.RegulatorDecision, "x", Regulator, Now)));

    [Fact]
    public void A_suspended_participation_resumes_when_insured()
    {
        var suspended = Participation(ParticipationStatus.Suspended);
        Assert.Equal(ParticipationStatus.Active, suspended.Apply(ResumeParticipation.Decide(suspended, InTerm, Regulator, Now)).Status);
    }

    [Fact]
    public void Resumption_is_refused_without_insurance_in_force() =>
        Assert.Equal("insurance-lapsed", Code(() => ResumeParticipation.Decide(Participation(ParticipationStatus.Suspended,
            Policy(to: new DateOnly(2026, 5, 1)), SuspensionGround.InsuranceLapsed), InTerm, Regulator, Now)));

    [Theory]
    [InlineData(ParticipationStatus.Active, "participation-not-suspended")]
    [InlineData(ParticipationStatus.Terminated, "participation-closed")]
    [InlineData(ParticipationStatus.Expired, "participation-closed")]
    public void Resumption_is_refused_unless_suspended(ParticipationStatus status, string code) =>
        Assert.Equal(code, Code(() => ResumeParticipation.Decide(Participation(status), InTerm, Regulator, Now)));

    [Theory]
    [InlineData(ParticipationStatus.Active)]
    [InlineData(ParticipationStatus.Suspended)]
    public void An_open_participation_is_terminated(ParticipationStatus status)
    {
        var participation = Participation(status);
        var e = TerminateParticipation.Decide(participation, "Harm", Regulator, Now);
        Assert.Equal(ParticipationStatus.Terminated, participation.Apply(e).Status);
    }

    [Theory]
    [InlineData(ParticipationStatus.Terminated)]
    [InlineData(ParticipationStatus.Expired)]
    public void An_ended_participation_is_not_terminated_again(ParticipationStatus status) =>
        Assert.Equal("participation-closed", Code(() => TerminateParticipation.Decide(Participation(status), "x", Regulator, Now)));

    [Fact]
    public void The_check_expires_a_participation_after_its_term_once()
    {
        var participation = Participation();

        Assert.Empty(CheckParticipation.Decide(participation, new DateOnly(2027, 3, 31), Required, SystemActor.Instance, Now));
        var e = Assert.IsType<ParticipationExpired>(Assert.Single(
            CheckParticipation.Decide(participation, new DateOnly(2027, 4, 1), Required, SystemActor.Instance, Now)));
        Assert.Equal(new DateOnly(2027, 3, 31), e.EndedOn);
        Assert.Empty(CheckParticipation.Decide(participation.Apply(e), new DateOnly(2027, 4, 2), Required, SystemActor.Instance, Now));
    }

    [Fact]
    public void The_check_suspends_an_active_participation_whose_insurance_lapsed()
    {
        var participation = Participation(policy: Policy(to: new DateOnly(2026, 12, 31)));

        Assert.Empty(CheckParticipation.Decide(participation, new DateOnly(2026, 12, 31), Required, SystemActor.Instance, Now));
        var e = Assert.IsType<ParticipationSuspended>(Assert.Single(
            CheckParticipation.Decide(participation, new DateOnly(2027, 1, 1), Required, SystemActor.Instance, Now)));
        Assert.Equal(SuspensionGround.InsuranceLapsed, e.Ground);
        Assert.Empty(CheckParticipation.Decide(participation.Apply(e), new DateOnly(2027, 1, 2), Required, SystemActor.Instance, Now));
    }

    [Fact]
    public void A_renewed_policy_that_meets_the_programme_is_recorded()
    {
        var participation = Participation(policy: Policy(to: new DateOnly(2026, 12, 31)));
        var renewal = Policy(from: new DateOnly(2027, 1, 1), to: new DateOnly(2027, 12, 31));

        var e = RenewInsurance.Decide(participation, Regime(), renewal, InTerm, Applicant, Now);

        Assert.True(participation.Apply(e).InsuredOn(new DateOnly(2027, 2, 1)));
        Assert.True(participation.Apply(e).InsuredOn(new DateOnly(2026, 7, 1)));
    }

    [Fact]
    public void A_renewal_below_the_programme_or_already_over_is_refused()
    {
        Assert.Equal("insurance-below-minimum", Code(() => RenewInsurance.Decide(Participation(), Regime(), Policy(sum: 1m), InTerm, Applicant, Now)));
        Assert.Equal("insurance-ai-harm-not-covered", Code(() => RenewInsurance.Decide(Participation(), Regime(), Policy(ai: false), InTerm, Applicant, Now)));
        Assert.Equal("insurance-already-expired", Code(() => RenewInsurance.Decide(Participation(), Regime(),
            Policy(from: new DateOnly(2026, 1, 1), to: new DateOnly(2026, 5, 1)), InTerm, Applicant, Now)));
        Assert.Equal("participation-closed", Code(() =>
            RenewInsurance.Decide(Participation(ParticipationStatus.Terminated), Regime(), Policy(), InTerm, Applicant, Now)));
    }

    [Fact]
    public void The_register_answers_who_was_responsible_on_a_date()
    {
        var participation = Participation();
        var petrov = participation.Register[0].EntryId;
        var added = KeepRegister.Add(participation, Guid.NewGuid(), new AddResponsiblePersonRequest("Anna Sidorova", "Head of safety",
            "Incidents", new Contact(null, "+7 495 000-00-00"), new DateOnly(2026, 9, 1), null), Seal, Applicant, Now);
        var withAnna = participation.Apply(added);
        var removed = KeepRegister.Remove(withAnna, petrov, new DateOnly(2026, 10, 31), Applicant, Now);
        var register = withAnna.Apply(removed).Register;

        Assert.Equal(2, added.Register.Count);
        Assert.Equal(["Ivan Petrov"], register.Where(p => p.ResponsibleOn(new DateOnly(2026, 8, 1))).Select(p => p.FullName));
        Assert.Equal(["Ivan Petrov", "Anna Sidorova"], register.Where(p => p.ResponsibleOn(new DateOnly(2026, 10, 31))).Select(p => p.FullName));
        Assert.Equal(["Anna Sidorova"], register.Where(p => p.ResponsibleOn(new DateOnly(2026, 11, 1))).Select(p => p.FullName));
    }

    [Fact]
    public void Register_changes_that_break_its_dates_are_refused()
    {
        var participation = Participation();
        var petrov = participation.Register[0].EntryId;
        var request = new AddResponsiblePersonRequest("A", "B", "C", new Contact("a@b.ru", null), new DateOnly(2026, 1, 1), null);

        Assert.Equal("responsible-person-outside-term", Code(() => KeepRegister.Add(participation, Guid.NewGuid(), request, Seal, Applicant, Now)));
        Assert.Equal("responsible-person-dates-invalid", Code(() => KeepRegister.Remove(participation, petrov, new DateOnly(2026, 3, 1), Applicant, Now)));
        var removed = participation.Apply(KeepRegister.Remove(participation, petrov, new DateOnly(2026, 5, 1), Applicant, Now));
        Assert.Equal("responsible-person-already-removed", Code(() => KeepRegister.Remove(removed, petrov, new DateOnly(2026, 6, 1), Applicant, Now)));
        Assert.Throws<ResourceNotFound>(() => KeepRegister.Remove(participation, Guid.NewGuid(), new DateOnly(2026, 6, 1), Applicant, Now));
        Assert.Equal("participation-closed", Code(() =>
            KeepRegister.Add(Participation(ParticipationStatus.Expired), Guid.NewGuid(), request, Seal, Applicant, Now)));
    }
}

public class ParticipationInAnEndedRegimeTests
{
    private static readonly Regimes.InsuranceRequirements Required = Regime().Programme.Insurance;

    [Theory]
    [InlineData(ParticipationStatus.Active)]
    [InlineData(ParticipationStatus.Suspended)]
    public void A_participation_in_a_regime_that_ended_early_is_terminated(ParticipationStatus status)
    {
        var e = Assert.IsType<ParticipationTerminated>(Assert.Single(
            CheckParticipation.Decide(Participation(status), new DateOnly(2026, 6, 1), Required, SystemActor.Instance, Now, regimeEnded: true)));

        Assert.Equal("The regime ended.", e.Reason);
    }

    [Fact]
    public void A_participation_whose_term_is_over_expires_rather_than_ends_with_the_regime() =>
        Assert.IsType<ParticipationExpired>(Assert.Single(
            CheckParticipation.Decide(Participation(), new DateOnly(2027, 4, 1), Required, SystemActor.Instance, Now, regimeEnded: true)));

    [Fact]
    public void An_ended_participation_is_left_alone() =>
        Assert.Empty(CheckParticipation.Decide(Participation(ParticipationStatus.Terminated), new DateOnly(2026, 6, 1), Required, SystemActor.Instance, Now,
            regimeEnded: true));
}
