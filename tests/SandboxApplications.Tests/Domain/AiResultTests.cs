using SandboxRegistry.SandboxApplications.AiResults;
using SandboxRegistry.SandboxApplications.AiResults.Keeping;
using SandboxRegistry.SandboxApplications.Participations;
using static SandboxRegistry.SandboxApplications.Tests.Domain.Given;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

/// <summary>The register of results of intellectual activity created with AI (169-FZ).</summary>
public class AiResultTests
{
    private static AiResultRequest Request(DateOnly? createdOn = null, ConfidentialField[]? confidential = null) => new(
        "  Route planner heuristics  ", ResultKind.Software, "Planner generated with the model", new AiSystemUsedRequest("RoutePilot", "2.1.0", null),
        createdOn ?? new DateOnly(2026, 5, 20), new RightsHolderRequest("Robotaxi LLC", "1027700132195", RightsBasis.EmployeeWork, null),
        null, null, confidential ?? [ConfidentialField.Description, ConfidentialField.Description]);

    private static string Code(Action act) => Assert.Throws<DomainRuleViolation>(act).Code;

    [Fact]
    public void An_entry_is_registered_under_an_open_participation_for_a_result_created_within_its_term()
    {
        var participation = Participation(); // term 2026-04-01 .. 2027-03-31
        var id = Guid.NewGuid();

        var e = KeepAiResults.Register(id, participation, "Robotaxi LLC", Request(), new DateOnly(2026, 6, 1), Applicant, Now);

        Assert.Equal((id, participation.Id, participation.RegimeId, "1027700132195", "Robotaxi LLC"),
            (e.EntryId, e.ParticipationId, e.RegimeId, e.CompanyOgrn, e.CompanyName));
        Assert.Equal("Route planner heuristics", e.Content.Title);
        Assert.Equal(new AiSystemUsed("RoutePilot", "2.1.0", null), e.Content.AiSystem);
        Assert.Equal(new DateOnly(2026, 5, 20), e.Content.ValidFrom); // valid from creation unless stated
        Assert.Equal([ConfidentialField.Description], e.Content.Confidential);
        Assert.Equal(AiResultStatus.Valid, AiResult.Create(e).Status);
    }

    [Fact]
    public void Entries_outside_the_term_in_the_future_or_under_an_ended_participation_are_refused()
    {
        var today = new DateOnly(2026, 6, 1);
        Assert.Equal("ai-result-outside-term", Code(() => KeepAiResults.Register(Guid.NewGuid(), Participation(), "R",
            Request(new DateOnly(2026, 3, 31)), today, Applicant, Now)));
        Assert.Equal("ai-result-in-the-future", Code(() => KeepAiResults.Register(Guid.NewGuid(), Participation(), "R",
            Request(new DateOnly(2026, 6, 2)), today, Applicant, Now)));
        Assert.Equal("participation-closed", Code(() => KeepAiResults.Register(Guid.NewGuid(), Participation(ParticipationStatus.Left), "R",
            Request(), today, Applicant, Now)));
    }

    [Fact]
    public void Corrections_and_withdrawal_are_events_with_reasons_and_a_withdrawn_entry_no_longer_changes()
    {
        var entry = AiResult.Create(KeepAiResults.Register(Guid.NewGuid(), Participation(), "R", Request(), new DateOnly(2026, 6, 1), Applicant, Now));

        var corrected = KeepAiResults.Correct(entry, new CorrectAiResultRequest("Wrong version", Request() with
        {
            AiSystem = new AiSystemUsedRequest("RoutePilot", "2.1.1", null),
        }), Applicant, Now);
        Assert.Equal(("2.1.1", "Wrong version"), (corrected.Content.AiSystem.Version, corrected.Reason));

        var withdrawn = KeepAiResults.Withdraw(entry.Apply(corrected), " Registered in error ", Applicant, Now);
        Assert.Equal("Registered in error", withdrawn.Reason);
        var after = entry.Apply(corrected).Apply(withdrawn);
        Assert.Equal(AiResultStatus.Withdrawn, after.Status);
        Assert.Equal("ai-result-withdrawn", Code(() => KeepAiResults.Withdraw(after, "again", Applicant, Now)));
        Assert.Equal("ai-result-withdrawn", Code(() => KeepAiResults.Correct(after, new CorrectAiResultRequest("x", Request()), Applicant, Now)));
    }
}
