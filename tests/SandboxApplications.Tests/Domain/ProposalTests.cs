using SandboxRegistry.SandboxApplications.Proposals;
using SandboxRegistry.SandboxApplications.Proposals.Commenting;
using SandboxRegistry.SandboxApplications.Proposals.Consulting;
using SandboxRegistry.SandboxApplications.Proposals.Deciding;
using SandboxRegistry.SandboxApplications.Proposals.GettingDetails;
using SandboxRegistry.SandboxApplications.Proposals.MissingDeadlines;
using SandboxRegistry.SandboxApplications.Proposals.Registering;
using SandboxRegistry.SandboxApplications.Proposals.Submitting;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

/// <summary>
/// Initiative proposals (258-FZ art. 6 as amended by 169-FZ): every transition and every refusal of the decide functions.
/// Given.Now is Monday 2 March 2026; 9 March 2026 is a day off (8 March moved), so the periods cross it.
/// </summary>
public class ProposalTests
{
    private static readonly Guid Id = Guid.Parse("0190f000-0000-7000-8000-000000000001");
    private static readonly DateTimeOffset Later = Now.AddDays(1);

    private static string Code(Action act) => Assert.Throws<DomainRuleViolation>(act).Code;

    private static EstablishRegimeRequest Draft(DateOnly? ends = null) => ProgrammeRequest(ends: ends) with
    {
        ExpectedResults = [new ExpectedResultRequest(" Fewer accidents ", "Accidents per 1 000 000 km")],
    };

    private static SubmitProposalRequest Request(DateOnly? ends = null) => new(
        new InitiatorRequest("  Robotaxi LLC ", "7707083893", "Moscow, Tverskaya 1"), Draft(ends), " Traffic rules require a driver ",
        "Driverless taxis are safer on these routes", new RiskAssessmentRequest("Moderate",
            [new RiskRequest("Collision with a pedestrian", RiskLevel.Low, RiskLevel.High, "Remote operator; speed limit 40 km/h")]));

    private static ResubmitProposalRequest Revision(string changes = "Speed limit lowered") => new(changes, Draft(), "Traffic rules require a driver",
        "Safer", new RiskAssessmentRequest("Low", [new RiskRequest("Collision", RiskLevel.Low, RiskLevel.High, "Speed limit 30 km/h")]));

    private static readonly RegisterProposalRequest Bodies = new("ERP-2026-17", [
        new ConsultedBodyRequest("Ministry of Transport", BodyKind.RegulatoryBody),
        new ConsultedBodyRequest("Business Russia", BodyKind.BusinessCommunity),
        new ConsultedBodyRequest("Moscow Government", BodyKind.RegionalExecutive),
    ]);

    private static Proposal Submitted() => Proposal.Create(SubmitProposal.Decide(Id, Applicant.Org!, Request(), Russia, Applicant, Now));

    private static Proposal Registered(RegisterProposalRequest? bodies = null)
    {
        var p = Submitted();
        return p.Apply(RegisterProposal.Decide(p, bodies ?? Bodies, Russia, Regulator, Now));
    }

    private static Proposal Fold(Proposal p, IEnumerable<object> events) => events.Aggregate(p, (s, e) => e switch
    {
        OpinionRecorded o => s.Apply(o),
        ConsultationClosed c => s.Apply(c),
        ProposalDeadlineMissed m => s.Apply(m),
        _ => throw new InvalidOperationException(e.GetType().Name),
    });

    private static RecordOpinionRequest From(string body, OpinionConclusion conclusion = OpinionConclusion.Supports, DateOnly? on = null) =>
        new(body, conclusion, "Text of the opinion", on);

    private static Proposal AwaitingDecision()
    {
        var p = Registered();
        foreach (var body in new[] { "Ministry of Transport", "Business Russia", "Moscow Government" })
            p = Fold(p, RecordOpinion.Decide(p, From(body), Russia, Regulator, Now));
        return p;
    }

    [Fact]
    public void A_submission_records_the_initiator_of_the_token_and_the_draft_and_the_registration_is_due_in_five_working_days()
    {
        var submitted = SubmitProposal.Decide(Id, "1027700132195", Request(), Russia, Applicant, Now);

        Assert.Equal(new Initiator("Robotaxi LLC", "1027700132195", "7707083893", "Moscow, Tverskaya 1"), submitted.Initiator);
        Assert.Equal((1, new DateOnly(2026, 3, 10)), (submitted.Round, submitted.RegistrationDueOn)); // 9 March is a day off
        Assert.Equal("Traffic rules require a driver", submitted.Content.RegulatoryBarrier);
        Assert.Equal("Unmanned taxis", submitted.Content.Programme.Title);
        Assert.Equal([new ExpectedResult("Fewer accidents", "Accidents per 1 000 000 km")], submitted.Content.Programme.ExpectedResults);
        Assert.Equal(["77", "50"], submitted.Content.Programme.Territory);
        Assert.Equal(ProposalStatus.Submitted, Proposal.Create(submitted).Status);
    }

    [Fact]
    public void The_maximum_term_of_the_profile_applies_to_the_draft_programme()
    {
        var fourYears = Request(new DateOnly(2029, 12, 31));
        Assert.Equal(RegimeTerm.TooLong, Code(() => SubmitProposal.Decide(Id, "1027700132195", fourYears, Russia, Applicant, Now)));
        var under2026Bill = new JurisdictionProfile { MaxRegimeTermMonths = JurisdictionProfile.MaxRegimeTermMonthsUnder2026Bill };
        Assert.Equal(new DateOnly(2029, 12, 31), SubmitProposal.Decide(Id, "1027700132195", fourYears, under2026Bill, Applicant, Now)
            .Content.Programme.EndsOn);
        Assert.Equal(RegimeTerm.TooLong, Code(() => SubmitProposal.Resubmit(Returned(), Revision() with { Programme = fourYears.Programme }, Russia, Applicant, Now)));
    }

    [Fact]
    public void Registration_asks_every_body_in_parallel_fifteen_working_days_for_regulatory_bodies_and_ten_for_the_others()
    {
        var p = Submitted();

        var registered = RegisterProposal.Decide(p, Bodies, Russia, Regulator, Now);

        Assert.Equal(new ProposalRegistered(Id, 1, "ERP-2026-17", registered.Bodies, Today, new DateOnly(2026, 3, 24), new DateOnly(2026, 3, 17),
            Regulator, Now), registered);
        Assert.Equal([new ConsultedBody("Ministry of Transport", BodyKind.RegulatoryBody), new ConsultedBody("Business Russia", BodyKind.BusinessCommunity),
            new ConsultedBody("Moscow Government", BodyKind.RegionalExecutive)], registered.Bodies);
        var after = p.Apply(registered);
        Assert.Equal((ProposalStatus.UnderConsultation, true, (DateOnly?)new DateOnly(2026, 3, 24)), (after.Status, after.Public, after.ConsultationEndsOn));
        Assert.Null(RegisterProposal.Decide(p, new RegisterProposalRequest("N", [new ConsultedBodyRequest("Ministry of Transport", BodyKind.RegulatoryBody)]),
            Russia, Regulator, Now).OthersDueOn);
        Assert.Equal("proposal-wrong-state", Code(() => RegisterProposal.Decide(after, Bodies, Russia, Regulator, Now)));
    }

    [Fact]
    public void The_profile_sets_every_period()
    {
        var eu = JurisdictionProfile.EuAiAct();
        Assert.True(eu.IsUsable());
        var p = Proposal.Create(SubmitProposal.Decide(Id, "1027700132195", Request(new DateOnly(2027, 12, 31)), eu, Applicant, Now));
        var registered = RegisterProposal.Decide(p, Bodies, eu, Regulator, Now);
        // The EU calendar keeps weekends and 1 January and 25 December only: 9 March is a working day there.
        Assert.Equal((new DateOnly(2026, 3, 16), new DateOnly(2026, 3, 30), new DateOnly(2026, 3, 30)),
            (p.RegistrationDueOn, registered.RegulatorsDueOn!.Value, registered.OthersDueOn!.Value));
        Assert.False(new JurisdictionProfile { ProposalDecisionWorkingDays = 0 }.IsUsable());
    }

    private static Proposal Returned()
    {
        var p = Submitted();
        return p.Apply(RegisterProposal.Return(p, new ReturnProposalRequest([" The risk assessment is missing figures "]), Russia, Regulator, Now));
    }

    [Fact]
    public void An_incomplete_proposal_is_returned_with_reasons_and_the_initiator_resubmits_it_as_a_new_round_whose_clocks_start_again()
    {
        var p = Submitted();
        var returned = RegisterProposal.Return(p, new ReturnProposalRequest([" The risk assessment is missing figures "]), Russia, Regulator, Now);
        Assert.Equal(new ProposalReturned(Id, 1, ReturnStage.Registration, returned.Reasons, Today, Regulator, Now), returned);
        Assert.Equal(["The risk assessment is missing figures"], returned.Reasons);
        var back = p.Apply(returned);
        Assert.Equal(ProposalStatus.Returned, back.Status);
        Assert.Equal("proposal-wrong-state", Code(() => RegisterProposal.Return(back, new ReturnProposalRequest(["x"]), Russia, Regulator, Now)));
        Assert.Equal("proposal-wrong-state", Code(() => RegisterProposal.Decide(back, Bodies, Russia, Regulator, Now)));

        var resubmitted = SubmitProposal.Resubmit(back, Revision(" Speed limit lowered "), Russia, Applicant, new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal((2, "Speed limit lowered", new DateOnly(2026, 3, 17)), (resubmitted.Round, resubmitted.Changes, resubmitted.RegistrationDueOn));
        var again = back.Apply(resubmitted);
        Assert.Equal((ProposalStatus.Submitted, 2), (again.Status, again.Round));
        Assert.Equal("proposal-wrong-state", Code(() => SubmitProposal.Resubmit(again, Revision(), Russia, Applicant, Now)));
    }

    [Fact]
    public void Opinions_are_recorded_once_each_for_the_bodies_asked_and_the_last_one_closes_the_consultation()
    {
        var p = Registered();
        Assert.Equal("body-not-consulted", Code(() => RecordOpinion.Decide(p, From("Ministry of Health"), Russia, Regulator, Now)));
        Assert.Equal("opinion-in-the-future", Code(() => RecordOpinion.Decide(p, From("Business Russia", on: Today.AddDays(1)), Russia, Regulator, Now)));
        Assert.Equal("opinion-before-registration", Code(() => RecordOpinion.Decide(p, From("Business Russia", on: Today.AddDays(-1)), Russia, Regulator, Now)));

        var first = RecordOpinion.Decide(p, From(" business russia ", OpinionConclusion.SupportsWithChanges), Russia, Regulator, Now);
        var opinion = Assert.IsType<OpinionRecorded>(Assert.Single(first));
        Assert.Equal(new Opinion("Business Russia", BodyKind.BusinessCommunity, OpinionConclusion.SupportsWithChanges, "Text of the opinion", Today),
            opinion.Opinion);
        Assert.Equal(new DateOnly(2026, 3, 17), opinion.DueOn);
        p = Fold(p, first);
        Assert.Equal("opinion-already-recorded", Code(() => RecordOpinion.Decide(p, From("Business Russia"), Russia, Regulator, Now)));
        p = Fold(p, RecordOpinion.Decide(p, From("Moscow Government"), Russia, Regulator, Now));

        var lastOn = new DateOnly(2026, 3, 20);
        var last = RecordOpinion.Decide(p, From("Ministry of Transport", OpinionConclusion.Objects, lastOn), Russia, Regulator,
            new DateTimeOffset(2026, 3, 23, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal(2, last.Count);
        // The coordinating body's 20 working days run from the day the last opinion arrived.
        Assert.Equal(new ConsultationClosed(Id, 1, lastOn, new DateOnly(2026, 4, 17), [], new DateTimeOffset(2026, 3, 23, 9, 0, 0, TimeSpan.Zero)),
            ((ConsultationClosed)last[1]) with { Unanswered = [] });
        p = Fold(p, last);
        Assert.Equal(ProposalStatus.AwaitingDecision, p.Status);
        Assert.Equal("consultation-closed", Code(() => RecordOpinion.Decide(p, From("Business Russia"), Russia, Regulator, Now)));
    }

    [Fact]
    public void An_opinion_after_its_own_period_is_recorded_within_the_longer_one_and_refused_after_every_period()
    {
        var p = Registered();
        var lateOn = new DateOnly(2026, 3, 19); // after the others' 17 March, before the regulatory bodies' 24 March
        var late = Assert.IsType<OpinionRecorded>(Assert.Single(RecordOpinion.Decide(p, From("Business Russia", on: lateOn), Russia, Regulator,
            new DateTimeOffset(2026, 3, 19, 9, 0, 0, TimeSpan.Zero))));
        Assert.True(late.Opinion.ReceivedOn > late.DueOn);
        Assert.Equal("consultation-period-ended", Code(() => RecordOpinion.Decide(p, From("Ministry of Transport"), Russia, Regulator,
            new DateTimeOffset(2026, 3, 25, 9, 0, 0, TimeSpan.Zero))));
        // Received in time, recorded after: still part of the consultation.
        Assert.Single(RecordOpinion.Decide(p, From("Ministry of Transport", on: new DateOnly(2026, 3, 24)), Russia, Regulator,
            new DateTimeOffset(2026, 3, 25, 9, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_scheduled_check_records_each_missed_clock_once_and_closes_the_consultation_on_the_day_the_last_period_ends()
    {
        var submitted = Submitted();
        Assert.Empty(CheckProposal.Decide(submitted, new DateOnly(2026, 3, 10), Russia, Later));
        var missed = CheckProposal.Decide(submitted, new DateOnly(2026, 3, 11), Russia, Later);
        Assert.Equal([new ProposalDeadlineMissed(Id, 1, ProposalClocks.Registration, new DateOnly(2026, 3, 10), Later)], missed);
        Assert.Empty(CheckProposal.Decide(submitted.Apply((ProposalDeadlineMissed)missed[0]), new DateOnly(2026, 3, 12), Russia, Later));

        var p = Registered();
        p = Fold(p, RecordOpinion.Decide(p, From("Business Russia"), Russia, Regulator, Now));
        var othersMissed = CheckProposal.Decide(p, new DateOnly(2026, 3, 18), Russia, Later);
        Assert.Equal([new ProposalDeadlineMissed(Id, 1, ProposalClocks.OtherOpinions, new DateOnly(2026, 3, 17), Later)], othersMissed);
        p = Fold(p, othersMissed);
        Assert.Empty(CheckProposal.Decide(p, new DateOnly(2026, 3, 24), Russia, Later));

        var closing = CheckProposal.Decide(p, new DateOnly(2026, 3, 25), Russia, Later);
        Assert.Equal(2, closing.Count);
        Assert.Equal(new ProposalDeadlineMissed(Id, 1, ProposalClocks.RegulatorOpinions, new DateOnly(2026, 3, 24), Later), closing[0]);
        var closed = Assert.IsType<ConsultationClosed>(closing[1]);
        Assert.Equal((new DateOnly(2026, 3, 24), new DateOnly(2026, 4, 21)), (closed.ClosedOn, closed.DecisionDueOn));
        Assert.Equal(["Ministry of Transport", "Moscow Government"], closed.Unanswered);
        p = Fold(p, closing);
        Assert.Empty(CheckProposal.Decide(p, new DateOnly(2026, 4, 21), Russia, Later));
        var decisionMissed = CheckProposal.Decide(p, new DateOnly(2026, 4, 22), Russia, Later);
        Assert.Equal([new ProposalDeadlineMissed(Id, 1, ProposalClocks.Decision, new DateOnly(2026, 4, 21), Later)], decisionMissed);
        Assert.Empty(CheckProposal.Decide(Fold(p, decisionMissed), new DateOnly(2026, 5, 1), Russia, Later));
    }

    [Fact]
    public void A_check_long_after_the_consultation_ended_closes_it_and_misses_the_decision_at_once()
    {
        var events = CheckProposal.Decide(Registered(), new DateOnly(2026, 6, 1), Russia, Later);
        Assert.Equal([ProposalClocks.RegulatorOpinions, ProposalClocks.OtherOpinions, ProposalClocks.Decision],
            events.OfType<ProposalDeadlineMissed>().Select(m => m.Clock));
        Assert.Single(events.OfType<ConsultationClosed>());
    }

    [Fact]
    public void Approval_establishes_the_regime_from_the_approved_programme_under_the_act_adopted_and_links_it_to_the_proposal()
    {
        var p = AwaitingDecision();
        var regimeId = Guid.NewGuid();

        var (approved, established) = DecideProposal.Approve(p, new ApproveProposalRequest(new LegalBasisRequest(" Government Decree No. 77 ",
            new DateOnly(2026, 4, 1)), " Approved as proposed "), regimeId, Russia, Regulator, Now);

        var basis = new LegalBasis("Government Decree No. 77", new DateOnly(2026, 4, 1));
        Assert.Equal(new ProposalApproved(Id, regimeId, basis, "Approved as proposed", Today, Regulator, Now), approved);
        Assert.Equal(new RegimeEstablished(regimeId, p.Content.Programme with { LegalBasis = basis }, Regulator, Now) { ProposalId = Id }, established);
        Assert.Equal(p.Content.Programme.ExpectedResults, established.Programme.ExpectedResults);
        var after = p.Apply(approved);
        Assert.Equal(ProposalStatus.Approved, after.Status);
        Assert.Equal("proposal-decided", Code(() => DecideProposal.Approve(after, new ApproveProposalRequest(new LegalBasisRequest("x", Today), null),
            regimeId, Russia, Regulator, Now)));
        Assert.Equal("proposal-decided", Code(() => DecideProposal.Refuse(after, new RefuseProposalRequest(ProposalRefusalGround.Other, ["x"]), Russia,
            Regulator, Now)));
    }

    [Fact]
    public void The_coordinating_body_decides_only_after_the_consultation_and_within_the_maximum_term()
    {
        var approve = new ApproveProposalRequest(new LegalBasisRequest("Decree", Today), null);
        Assert.Equal("consultation-open", Code(() => DecideProposal.Approve(Registered(), approve, Guid.NewGuid(), Russia, Regulator, Now)));
        Assert.Equal("consultation-open", Code(() => DecideProposal.Rework(Registered(), new ReworkProposalRequest(["x"]), Russia, Regulator, Now)));
        Assert.Equal("proposal-wrong-state", Code(() => DecideProposal.Refuse(Submitted(), new RefuseProposalRequest(ProposalRefusalGround.Other, ["x"]),
            Russia, Regulator, Now)));
        // The profile changed since the submission: the shorter maximum applies to the regime the approval would establish.
        Assert.Equal(RegimeTerm.TooLong, Code(() => DecideProposal.Approve(AwaitingDecision(), approve, Guid.NewGuid(),
            new JurisdictionProfile { MaxRegimeTermMonths = 24 }, Regulator, Now)));
    }

    [Fact]
    public void A_reasoned_refusal_closes_the_proposal()
    {
        var refused = DecideProposal.Refuse(AwaitingDecision(), new RefuseProposalRequest(ProposalRefusalGround.ObjectionsOfRegulatoryBodies,
            [" The Ministry of Transport objects "]), Russia, Regulator, Now);
        Assert.Equal((ProposalRefusalGround.ObjectionsOfRegulatoryBodies, "The Ministry of Transport objects", Today),
            (refused.Ground, Assert.Single(refused.Reasons), refused.DecidedOn));
        var after = AwaitingDecision().Apply(refused);
        Assert.True(after.IsDecided);
        Assert.Equal("proposal-decided", Code(() => SubmitProposal.Resubmit(after, Revision(), Russia, Applicant, Now)));
    }

    [Fact]
    public void The_coordinating_body_sends_a_proposal_back_for_rework_and_the_revised_one_goes_through_the_whole_procedure_again()
    {
        var p = AwaitingDecision();
        var rework = DecideProposal.Rework(p, new ReworkProposalRequest(["Narrow the territory to Moscow"]), Russia, Regulator, Now);
        Assert.Equal(ReturnStage.Decision, rework.Stage);
        var back = p.Apply(rework);
        Assert.Equal(ProposalStatus.Returned, back.Status);

        var again = back.Apply(SubmitProposal.Resubmit(back, Revision(), Russia, Applicant, Now));
        Assert.Equal((ProposalStatus.Submitted, 2, 0, 0, (DateOnly?)null), (again.Status, again.Round, again.Bodies.Count, again.Opinions.Count, again.DecisionDueOn));
        var registered = again.Apply(RegisterProposal.Decide(again, Bodies, Russia, Regulator, Now));
        Assert.Equal(ProposalStatus.UnderConsultation, registered.Status);
        Assert.Single(RecordOpinion.Decide(registered, From("Business Russia"), Russia, Regulator, Now));
    }

    [Fact]
    public void Public_comments_are_taken_while_the_draft_is_under_discussion_and_hidden_once_with_a_reason()
    {
        var details = new ProposalDetails(Id, ProposalStatus.UnderConsultation, 1, "1027700132195", Submitted().Initiator, Submitted().Content, "N",
            Today, [], [], [], [], [], null, null, Now) { Public = true };
        var posted = PublicComments.Post(Guid.Empty, details, new PostCommentRequest("  Please include the airport  "), Now);
        Assert.Equal(new PublicCommentPosted(Guid.Empty, Id, "Please include the airport", Now), posted);
        Assert.Equal("discussion-closed", Code(() => PublicComments.Post(Guid.Empty, details with { Status = ProposalStatus.Approved },
            new PostCommentRequest("x"), Now)));
        Assert.Equal("discussion-closed", Code(() => PublicComments.Post(Guid.Empty, details with { Status = ProposalStatus.Returned },
            new PostCommentRequest("x"), Now)));

        var comment = PublicComment.Create(posted);
        var hidden = PublicComments.Hide(comment, new HideCommentRequest(" Contains a phone number "), Regulator, Now);
        Assert.Equal(new PublicCommentHidden(Guid.Empty, Id, "Contains a phone number", Regulator, Now), hidden);
        Assert.Equal("comment-already-hidden", Code(() => PublicComments.Hide(comment.Apply(hidden), new HideCommentRequest("again"), Regulator, Now)));
    }
}
