using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Participations.Leaving;
using SandboxRegistry.SandboxApplications.Regimes;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

/// <summary>Voluntary exit (the 2026 bill to 258-FZ), the exit report and the regulator's assessment.</summary>
public class ExitTests
{
    private static readonly Regime WithExpectedResults = Regime() with
    {
        Programme = Regime().Programme with
        {
            ExpectedResults = [new ExpectedResult("Fewer road accidents", "Accidents per 1 000 000 km"), new ExpectedResult("Public acceptance", "Survey")],
        },
    };

    private static ExitReportRequest Report(params string[] answered) => new(
        answered.Select(a => new ResultAchieved(a, "Measured over 11 months", "0.4", true)).ToList(),
        [new IncidentHandled("A shuttle braked hard at a crossing", "Software fix 1.2.1 within 48 hours")], ["Remote operator on every route"],
        "Shuttles ran 1.2 million km without a serious incident.");

    private static string Code(Action act) => Assert.Throws<DomainRuleViolation>(act).Code;

    [Theory]
    [InlineData(ParticipationStatus.Active)]
    [InlineData(ParticipationStatus.Suspended)]
    public void A_participant_leaves_on_its_own_request_and_the_participation_ends(ParticipationStatus status)
    {
        var participation = Participation(status);

        var left = LeaveRegime.Decide(participation, "  Project finished early  ", Russia, Today, Applicant, Now);

        Assert.Equal(new ParticipationLeft(participation.Id, "Project finished early", Today, Applicant, Now), left);
        var after = participation.Apply(left);
        Assert.Equal(ParticipationStatus.Left, after.Status);
        Assert.True(after.IsClosed);
        Assert.Equal("participation-closed", Code(() => LeaveRegime.Decide(after, "again", Russia, Today, Applicant, Now)));
    }

    [Fact]
    public void Where_the_profile_does_not_provide_for_it_voluntary_exit_is_refused() =>
        Assert.Equal("voluntary-exit-not-allowed", Code(() =>
            LeaveRegime.Decide(Participation(), "x", new JurisdictionProfile { VoluntaryExitAllowed = false }, Today, Applicant, Now)));

    [Fact]
    public void The_exit_report_answers_every_expected_result_and_is_filed_once_after_leaving()
    {
        var participation = Participation();
        Assert.Equal("exit-report-before-exit", Code(() => LeaveRegime.File(participation, WithExpectedResults, Report("Fewer road accidents"), Applicant, Now)));
        var left = participation.Apply(LeaveRegime.Decide(participation, "Done", Russia, Today, Applicant, Now));

        var incomplete = Assert.Throws<DomainRuleViolation>(() => LeaveRegime.File(left, WithExpectedResults, Report("Fewer road accidents"), Applicant, Now));
        Assert.Equal("exit-report-results-incomplete", incomplete.Code);
        Assert.EndsWith("missing: Public acceptance.", incomplete.Message);

        var filed = LeaveRegime.File(left, WithExpectedResults, Report("fewer road accidents", "Public acceptance"), Applicant, Now);
        Assert.Equal(2, filed.Report.Results.Count);
        Assert.Equal("Shuttles ran 1.2 million km without a serious incident.", filed.Report.PublicSummary);
        Assert.Equal(["Remote operator on every route"], filed.Report.Measures);
        Assert.Equal("exit-report-already-filed", Code(() => LeaveRegime.File(left.Apply(filed), WithExpectedResults,
            Report("Fewer road accidents", "Public acceptance"), Applicant, Now)));
    }

    [Fact]
    public void The_regulator_assesses_a_filed_report_once()
    {
        var left = Participation().Apply(new ParticipationLeft(Guid.NewGuid(), "Done", Today, Applicant, Now));
        var request = new ExitAssessmentRequest(ExitConclusion.PartlySatisfactory, "Acceptance was not measured independently.");
        Assert.Equal("exit-report-missing", Code(() => LeaveRegime.Assess(left, request, Regulator, Now)));
        var reported = left.Apply(LeaveRegime.File(left, Regime(), Report("Anything"), Applicant, Now));

        var assessed = LeaveRegime.Assess(reported, request, Regulator, Now);

        Assert.Equal((ExitConclusion.PartlySatisfactory, "Acceptance was not measured independently.", Regulator),
            (assessed.Conclusion, assessed.Text, assessed.AssessedBy));
        Assert.Equal("exit-already-assessed", Code(() => LeaveRegime.Assess(reported.Apply(assessed), request, Regulator, Now)));
    }
}
