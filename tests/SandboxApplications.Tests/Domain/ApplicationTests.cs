using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.SandboxApplications.Applications.Approving;
using SandboxRegistry.SandboxApplications.Applications.AssigningReviewer;
using SandboxRegistry.SandboxApplications.Applications.MissingDeadline;
using SandboxRegistry.SandboxApplications.Applications.ProvidingInformation;
using SandboxRegistry.SandboxApplications.Applications.Rejecting;
using SandboxRegistry.SandboxApplications.Applications.RequestingInformation;
using SandboxRegistry.SandboxApplications.Applications.Submitting;
using SandboxRegistry.SandboxApplications.Applications.Withdrawing;
using SandboxRegistry.SandboxApplications.Regimes;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

public class ApplicationTests
{
    private static SubmitApplicationRequest Submission(Regime regime, Term? term = null, string[]? territory = null)
    {
        var form = Form();
        return new SubmitApplicationRequest(regime.Id, form.Company, form.Contact, form.PlannedAiUse, term ?? form.RequestedTerm,
            territory ?? ["77"], form.Insurance, [Petrov]);
    }

    private static string Code(Action act) => Assert.Throws<DomainRuleViolation>(act).Code;

    [Fact]
    public void Submitting_records_the_form_and_a_due_date_20_working_days_later()
    {
        var regime = Regime();

        var e = SubmitApplication.Decide(Guid.NewGuid(), regime, Submission(regime), Seal, Russia, Applicant, Now);

        // Monday 2 March 2026; 9 March is a day off (8 March transferred), so 20 working days end on 31 March.
        Assert.Equal(new DateOnly(2026, 3, 31), e.DueOn);
        Assert.Equal(regime.Id, e.RegimeId);
        Assert.Equal(1, e.ProgrammeVersion);
        Assert.Equal("1027700132195", e.Form.Company.Ogrn);
        Assert.Equal(ApplicationStatus.Submitted, Applications.Application.Create(e).Status);
    }

    [Fact]
    public void The_review_period_is_configuration()
    {
        var regime = Regime();

        var e = SubmitApplication.Decide(Guid.NewGuid(), regime, Submission(regime), Seal, new JurisdictionProfile { ReviewWorkingDays = 5 },
            Applicant, Now);

        Assert.Equal(new DateOnly(2026, 3, 10), e.DueOn);
    }

    [Theory]
    [InlineData(RegimeStatus.Suspended)]
    [InlineData(RegimeStatus.Terminated)]
    public void A_regime_that_is_not_active_takes_no_applications(RegimeStatus status) =>
        Assert.Equal("regime-not-active", Code(() =>
            SubmitApplication.Decide(Guid.NewGuid(), Regime(status), Submission(Regime()), Seal, Russia, Applicant, Now)));

    [Fact]
    public void A_term_outside_the_regime_is_refused()
    {
        var regime = Regime();
        Assert.Equal("term-outside-regime", Code(() => SubmitApplication.Decide(Guid.NewGuid(), regime,
            Submission(regime, new Term(new DateOnly(2028, 6, 1), new DateOnly(2029, 6, 1))), Seal, Russia, Applicant, Now)));
    }

    [Fact]
    public void A_territory_outside_the_regime_is_refused()
    {
        var regime = Regime();
        Assert.Equal("territory-outside-regime", Code(() =>
            SubmitApplication.Decide(Guid.NewGuid(), regime, Submission(regime, territory: ["77", "78"]), Seal, Russia, Applicant, Now)));
    }

    [Fact]
    public void Assigning_a_reviewer_starts_the_review_and_reassigning_keeps_it()
    {
        var submitted = Application(ApplicationStatus.Submitted);

        var underReview = submitted.Apply(AssignReviewer.Decide(submitted, "reviewer-1", Regulator, Now));
        Assert.Equal(ApplicationStatus.UnderReview, underReview.Status);

        var handedOver = underReview.Apply(AssignReviewer.Decide(underReview, "reviewer-2", Regulator, Now));
        Assert.Equal(("reviewer-2", ApplicationStatus.UnderReview), (handedOver.Reviewer, handedOver.Status));
        Assert.Equal("reviewer-already-assigned", Code(() => AssignReviewer.Decide(handedOver, "reviewer-2", Regulator, Now)));
    }

    [Theory]
    [InlineData(ApplicationStatus.Approved)]
    [InlineData(ApplicationStatus.Rejected)]
    [InlineData(ApplicationStatus.Withdrawn)]
    public void A_decided_application_changes_no_more(ApplicationStatus status)
    {
        var decided = Application(status);
        Assert.Equal("application-closed", Code(() => AssignReviewer.Decide(decided, "r", Regulator, Now)));
        Assert.Equal("application-closed", Code(() => RequestInformation.Decide(decided, ["q"], Today, Regulator, Now)));
        Assert.Equal("application-closed", Code(() => ProvideInformation.Decide(decided, Regime(),
            new ProvideInformationRequest("a", null), Seal, Russia, Applicant, Now)));
        Assert.Equal("application-closed", Code(() => ApproveApplication.Decide(decided, Regime(),
            new ApproveApplicationRequest(null, null), Guid.NewGuid(), Regulator, Now)));
        Assert.Equal("application-closed", Code(() => RejectApplication.Decide(decided,
            new RejectApplicationRequest(RejectionGround.Incomplete, null, ["r"]), Regulator, Now)));
        Assert.Equal("application-closed", Code(() => WithdrawApplication.Decide(decided, null, Applicant, Now)));
    }

    [Fact]
    public void Requesting_information_pauses_the_clock_and_the_answer_restarts_it_with_the_days_left()
    {
        // Due 30 March; asked on 2 March with 20 working days left (9 March is a day off).
        var underReview = Application() with { DueOn = new DateOnly(2026, 3, 31) };
        var asked = underReview.Apply(RequestInformation.Decide(underReview, ["Which insurer?"], Today, Regulator, Now));
        Assert.Equal((ApplicationStatus.InformationRequested, Today), (asked.Status, asked.ClockPausedOn));

        var answeredAt = new DateTimeOffset(2026, 3, 16, 9, 0, 0, TimeSpan.Zero);
        var answer = ProvideInformation.Decide(asked, Regime(), new ProvideInformationRequest("Ingosstrakh",
            new ApplicationCorrections(Address: "Moscow, Arbat 2")), Seal, Russia, Applicant, answeredAt);

        Assert.Equal(new DateOnly(2026, 4, 13), answer.DueOn); // 20 working days after 16 March
        Assert.Equal("Moscow, Arbat 2", answer.Form.Company.Address);
        Assert.Equal("Robotaxi LLC", answer.Form.Company.LegalName);
        var resumed = asked.Apply(answer);
        Assert.Equal((ApplicationStatus.UnderReview, (DateOnly?)null), (resumed.Status, resumed.ClockPausedOn));
    }

    [Fact]
    public void Information_is_requested_only_during_review_and_once_at_a_time()
    {
        Assert.Equal("review-not-started", Code(() =>
            RequestInformation.Decide(Application(ApplicationStatus.Submitted), ["q"], Today, Regulator, Now)));
        Assert.Equal("information-already-requested", Code(() =>
            RequestInformation.Decide(Application(ApplicationStatus.InformationRequested), ["q"], Today, Regulator, Now)));
    }

    [Fact]
    public void An_answer_without_a_request_is_refused() =>
        Assert.Equal("no-information-requested", Code(() => ProvideInformation.Decide(Application(), Regime(),
            new ProvideInformationRequest("a", null), Seal, Russia, Applicant, Now)));

    [Fact]
    public void A_correction_that_leaves_the_regime_territory_is_refused() =>
        Assert.Equal("territory-outside-regime", Code(() => ProvideInformation.Decide(Application(ApplicationStatus.InformationRequested),
            Regime(), new ProvideInformationRequest("a", new ApplicationCorrections(Territory: ["78"])), Seal, Russia, Applicant, Now)));

    [Fact]
    public void Approval_grants_a_participation_with_the_form_conditions_and_register()
    {
        var regime = Regime();
        var application = Application(regimeId: regime.Id);
        var participationId = Guid.NewGuid();

        var (approved, granted) = ApproveApplication.Decide(application, regime,
            new ApproveApplicationRequest(["Report monthly"], null), participationId, Regulator, Now);

        Assert.Equal(ApplicationStatus.Approved, application.Apply(approved).Status);
        Assert.Equal((participationId, application.Form.RequestedTerm), (approved.ParticipationId, approved.ParticipationTerm));
        Assert.Equal(["Report monthly"], granted.Conditions);
        Assert.Equal(regime.Id, granted.RegimeId);
        Assert.Equal(application.Form.Company, granted.Company);
        Assert.Equal(application.Form.Insurance, granted.Insurance);
        var person = Assert.Single(granted.ResponsiblePersons);
        Assert.Equal(("Ivan Petrov", new DateOnly(2026, 4, 1), (DateOnly?)null), (person.FullName, person.ValidFrom, person.ValidTo));
    }

    [Fact]
    public void A_shorter_participation_term_is_allowed_but_not_one_beyond_the_request()
    {
        var regime = Regime();
        var shorter = new Term(new DateOnly(2026, 5, 1), new DateOnly(2026, 12, 31));
        var (approved, _) = ApproveApplication.Decide(Application(), regime, new ApproveApplicationRequest(null, shorter), Guid.NewGuid(),
            Regulator, Now);
        Assert.Equal(shorter, approved.ParticipationTerm);

        Assert.Equal("term-outside-request", Code(() => ApproveApplication.Decide(Application(), regime,
            new ApproveApplicationRequest(null, new Term(new DateOnly(2026, 4, 1), new DateOnly(2027, 6, 1))), Guid.NewGuid(), Regulator, Now)));
    }

    public static TheoryData<string, InsurancePolicy> InsufficientPolicies => new()
    {
        { "insurance-below-minimum", Policy(sum: 9_999_999m) },
        { "insurance-currency-mismatch", Policy(currency: "USD") },
        { "insurance-risks-missing", Policy(risks: [InsuredRisk.Life, InsuredRisk.Property]) },
        { "insurance-ai-harm-not-covered", Policy(ai: false) },
        { "insurance-term-not-covered", Policy(to: new DateOnly(2027, 3, 30)) },
        { "insurance-term-not-covered", Policy(from: new DateOnly(2026, 4, 2)) },
    };

    [Theory]
    [MemberData(nameof(InsufficientPolicies))]
    public void Approval_is_refused_when_the_insurance_falls_short_of_the_programme(string code, InsurancePolicy policy) =>
        Assert.Equal(code, Code(() => ApproveApplication.Decide(Application(policy: policy), Regime(),
            new ApproveApplicationRequest(null, null), Guid.NewGuid(), Regulator, Now)));

    [Theory]
    [InlineData(ApplicationStatus.Submitted, "review-not-started")]
    [InlineData(ApplicationStatus.InformationRequested, "information-pending")]
    public void Approval_is_refused_before_the_review_is_ready(ApplicationStatus status, string code) =>
        Assert.Equal(code, Code(() => ApproveApplication.Decide(Application(status), Regime(), new ApproveApplicationRequest(null, null),
            Guid.NewGuid(), Regulator, Now)));

    [Fact]
    public void Approval_is_refused_while_the_regime_is_suspended() =>
        Assert.Equal("regime-not-active", Code(() => ApproveApplication.Decide(Application(), Regime(RegimeStatus.Suspended),
            new ApproveApplicationRequest(null, null), Guid.NewGuid(), Regulator, Now)));

    [Theory]
    [InlineData(ApplicationStatus.UnderReview)]
    [InlineData(ApplicationStatus.InformationRequested)]
    public void Rejection_records_the_ground_and_reasons(ApplicationStatus status)
    {
        var application = Application(status);

        var e = RejectApplication.Decide(application, new RejectApplicationRequest(RejectionGround.Other, "Sanctions", ["Listed"]), Regulator, Now);

        Assert.Equal((RejectionGround.Other, "Sanctions"), (e.Ground, e.GroundText));
        Assert.Equal(["Listed"], e.Reasons);
        Assert.Equal(ApplicationStatus.Rejected, application.Apply(e).Status);
    }

    [Fact]
    public void Rejection_is_refused_before_the_review_started() =>
        Assert.Equal("review-not-started", Code(() => RejectApplication.Decide(Application(ApplicationStatus.Submitted),
            new RejectApplicationRequest(RejectionGround.Incomplete, null, ["r"]), Regulator, Now)));

    [Theory]
    [InlineData(ApplicationStatus.Submitted)]
    [InlineData(ApplicationStatus.UnderReview)]
    [InlineData(ApplicationStatus.InformationRequested)]
    public void The_applicant_withdraws_before_a_decision(ApplicationStatus status)
    {
        var application = Application(status);
        Assert.Equal(ApplicationStatus.Withdrawn, application.Apply(WithdrawApplication.Decide(application, " changed plans ", Applicant, Now)).Status);
    }

    [Fact]
    public void A_missed_deadline_is_recorded_once_and_never_while_the_clock_is_paused()
    {
        var application = Application(); // due 30 March

        Assert.Empty(MissDeadline.Decide(application, new DateOnly(2026, 3, 30), Now));
        var missed = Assert.IsType<ReviewDeadlineMissed>(Assert.Single(MissDeadline.Decide(application, new DateOnly(2026, 3, 31), Now)));
        Assert.Equal(new DateOnly(2026, 3, 30), missed.DueOn);
        Assert.Empty(MissDeadline.Decide(application.Apply(missed), new DateOnly(2026, 4, 1), Now));
        Assert.Empty(MissDeadline.Decide(Application(ApplicationStatus.InformationRequested), new DateOnly(2026, 4, 30), Now));
        Assert.Empty(MissDeadline.Decide(Application(ApplicationStatus.Approved), new DateOnly(2026, 4, 30), Now));
    }
}
