using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.Deployments;
using SandboxRegistry.AiSystemRegistry.Deployments.CorrectingPeriod;
using SandboxRegistry.AiSystemRegistry.Deployments.Deploying;
using SandboxRegistry.AiSystemRegistry.Deployments.Ending;
using SandboxRegistry.AiSystemRegistry.Participations;
using static SandboxRegistry.AiSystemRegistry.Tests.Domain.Given;

namespace SandboxRegistry.AiSystemRegistry.Tests.Domain;

public class DeploymentTests
{
    private static readonly DateTimeOffset June = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static DeployRequest Request(AiSystem system, KnownParticipation p, string[]? territory = null, DateTimeOffset? from = null,
        DateTimeOffset? until = null) => new(system.Id, system.Versions[0].Id, p.Id, territory ?? ["77"], from ?? June, until);

    private static string Refusal(AiSystem system, KnownParticipation? p, DeployRequest request, Actor? by = null) =>
        Assert.Throws<DomainRuleViolation>(() => Deploy.Decide(Guid.NewGuid(), system, p, request, Profile, by ?? Owner, Now)).Code;

    [Fact]
    public void Deploying_records_the_version_the_participation_the_territory_and_the_period()
    {
        var system = SystemWith("1.0.0");
        var p = Participation();
        var id = Guid.NewGuid();
        var until = June.AddMonths(3);

        var e = Deploy.Decide(id, system, p, Request(system, p, ["77", "50", "77"], June, until), Profile, Owner, Now);

        var v = system.Versions[0];
        Assert.Equal(new AiSystemDeployed(id, system.Id, v.Id, "1.0.0", v.ArtifactSha256, p.Id, Acme, e.Territory, June, until, Owner, Now), e);
        Assert.Equal(["77", "50"], e.Territory);
        Assert.Equal(new Deployment(id, system.Id, v.Id, p.Id, Acme, DeploymentStatus.Active, June, until, null), Deployment.Create(e));
    }

    [Fact]
    public void Without_a_known_participation_nothing_is_deployed()
    {
        var system = SystemWith("1.0.0");
        Assert.Equal("unknown-participation", Refusal(system, null, Request(system, Participation())));
    }

    [Fact]
    public void Another_companys_participation_is_refused()
    {
        var system = SystemWith("1.0.0");
        var theirs = Participation(Rival);
        Assert.Equal("participation-of-another-company", Refusal(system, theirs, Request(system, theirs)));
    }

    [Theory]
    [InlineData(ParticipationStatus.Suspended)]
    [InlineData(ParticipationStatus.Terminated)]
    [InlineData(ParticipationStatus.Expired)]
    public void Only_an_active_participation_takes_deployments(ParticipationStatus status)
    {
        var system = SystemWith("1.0.0");
        var p = Participation(status: status);
        Assert.Equal("participation-not-active", Refusal(system, p, Request(system, p)));
    }

    [Fact]
    public void The_territory_must_lie_inside_the_participations()
    {
        var system = SystemWith("1.0.0");
        var p = Participation();
        Assert.Equal("territory-outside-participation", Refusal(system, p, Request(system, p, ["77", "RU-SPE"])));
    }

    [Theory]
    // The term runs from midnight to midnight in Moscow, where both regions of the participation (77, 50) are.
    [InlineData("2025-12-31T20:59:59Z", null)]
    [InlineData("2025-12-31T23:59:59+03:00", null)]
    [InlineData("2026-06-01T00:00:00Z", "2029-01-01T00:00:01+03:00")]
    [InlineData("2029-01-01T00:00:00+03:00", null)]
    public void The_period_must_lie_inside_the_participations_term(string from, string? until)
    {
        var system = SystemWith("1.0.0");
        var p = Participation();
        var request = Request(system, p, from: DateTimeOffset.Parse(from), until: until is null ? null : DateTimeOffset.Parse(until));
        Assert.Equal("period-outside-participation-term", Refusal(system, p, request));
    }

    [Fact]
    public void The_period_may_span_the_whole_term_to_the_end_of_its_last_day()
    {
        var system = SystemWith("1.0.0");
        var p = Participation();
        Deploy.Decide(Guid.NewGuid(), system, p, Request(system, p, from: p.TermStart(Profile), until: p.TermEnd(Profile)), Profile, Owner, Now);
        Deploy.Decide(Guid.NewGuid(), system, p, Request(system, p, from: p.TermEnd(Profile).AddTicks(-1)), Profile, Owner, Now);
    }

    [Fact]
    public void The_term_runs_in_local_time_where_the_participation_runs()
    {
        var system = SystemWith("1.0.0");
        var moscow = Participation(); // 77 and 50: one zone, Europe/Moscow (UTC+3)
        var vladivostok = moscow with { Territory = ["25"] }; // Asia/Vladivostok (UTC+10)

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(3)), moscow.TermStart(Profile));
        Assert.Equal(new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.FromHours(3)), moscow.TermEnd(Profile));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(10)), vladivostok.TermStart(Profile));
        // 20:59Z on December 31st is 23:59 in Moscow, before the term; 21:00Z is its first instant.
        Assert.Equal("period-outside-participation-term",
            Refusal(system, moscow, Request(system, moscow, from: new DateTimeOffset(2025, 12, 31, 20, 59, 0, TimeSpan.Zero))));
        Deploy.Decide(Guid.NewGuid(), system, moscow, Request(system, moscow, from: new DateTimeOffset(2025, 12, 31, 21, 0, 0, TimeSpan.Zero)),
            Profile, Owner, Now);
    }

    [Fact]
    public void A_recalled_deprecated_or_unknown_version_is_refused()
    {
        var system = SystemWith("1.0.0");
        var p = Participation();
        var v = system.Versions[0].Id;
        var recalled = system.Apply(new VersionRecalled(system.Id, v, "1.0.0", "x", Owner, Now));
        var deprecated = system.Apply(new VersionDeprecated(system.Id, v, "1.0.0", Owner, Now));

        Assert.Equal("version-recalled", Refusal(recalled, p, Request(system, p)));
        Assert.Equal("version-deprecated", Refusal(deprecated, p, Request(system, p)));
        Assert.Equal("unknown-version", Refusal(system, p, Request(system, p) with { VersionId = Guid.NewGuid() }));
    }

    [Theory]
    [InlineData(AiSystemStatus.Suspended, "ai-system-suspended")]
    [InlineData(AiSystemStatus.Withdrawn, "ai-system-withdrawn")]
    public void A_suspended_or_withdrawn_system_is_refused(AiSystemStatus status, string code)
    {
        var system = SystemWith("1.0.0");
        var p = Participation();
        Assert.Equal(code, Refusal(system with { Status = status }, p, Request(system, p)));
    }

    [Fact]
    public void Another_company_cannot_deploy_a_system_it_does_not_own()
    {
        var system = SystemWith("1.0.0");
        var theirs = Participation(Rival);
        Assert.Throws<ResourceNotFound>(() => Deploy.Decide(Guid.NewGuid(), system, theirs, Request(system, theirs), Profile, Stranger, Now));
    }

    private static Deployment Active() => new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Acme, DeploymentStatus.Active,
        Now.AddDays(-60), null, null);

    [Fact]
    public void Ending_is_for_the_owner_or_the_regulator_and_happens_once()
    {
        var d = Active();

        var e = EndDeployment.Decide(d, new EndDeploymentRequest(" Pilot over "), Owner, Now);

        Assert.Equal(new DeploymentEnded(d.Id, "Pilot over", null, Owner, Now, Now), e);
        var ended = d.Apply(e);
        Assert.Equal(DeploymentStatus.Ended, ended.Status);
        Assert.Equal("deployment-ended", Assert.Throws<DomainRuleViolation>(() =>
            EndDeployment.Decide(ended, new EndDeploymentRequest("again"), Regulator, Now)).Code);
        EndDeployment.Decide(d, new EndDeploymentRequest("x"), Regulator, Now);
    }

    [Fact]
    public void An_end_may_be_recorded_after_the_fact_but_not_before_the_start_nor_after_now()
    {
        var d = Active(); // in service since 60 days ago

        var e = EndDeployment.Decide(d, new EndDeploymentRequest("Replaced by 1.1.0", Now.AddDays(-10)), Owner, Now);

        Assert.Equal(new DeploymentEnded(d.Id, "Replaced by 1.1.0", null, Owner, Now.AddDays(-10), Now), e);
        Assert.Equal(Now.AddDays(-10), d.Apply(e).EndedAt);
        Assert.Equal(Now.AddDays(-60), EndDeployment.Decide(d, new EndDeploymentRequest("never used", d.From), Owner, Now).EndedAt);
        Assert.Equal("ended-before-start", Assert.Throws<DomainRuleViolation>(() =>
            EndDeployment.Decide(d, new EndDeploymentRequest("x", d.From.AddTicks(-1)), Owner, Now)).Code);
        Assert.Equal("ended-in-future", Assert.Throws<DomainRuleViolation>(() =>
            EndDeployment.Decide(d, new EndDeploymentRequest("x", Now.AddTicks(1)), Owner, Now)).Code);
    }

    [Fact]
    public void A_period_is_corrected_by_a_new_fact_with_its_reason_within_the_same_rules()
    {
        var d = Active();
        var p = Participation();
        var ended = d.Apply(EndDeployment.Decide(d, new EndDeploymentRequest("Replaced"), Owner, Now));
        CorrectDeploymentPeriodRequest Correct(DateTimeOffset from, DateTimeOffset? endedAt = null) => new(from, null, endedAt, " Typo in from ");

        var e = CorrectDeploymentPeriod.Decide(ended, p, Correct(Now.AddDays(-50), Now.AddDays(-10)), Profile, Regulator, Now);

        Assert.Equal(new DeploymentPeriodCorrected(d.Id, Now.AddDays(-50), null, Now.AddDays(-10), "Typo in from", Regulator, Now), e);
        Assert.Equal(d.Id, ended.Apply(e).Id);
        Assert.Equal((Now.AddDays(-50), (DateTimeOffset?)Now.AddDays(-10)), (ended.Apply(e).From, ended.Apply(e).EndedAt));
        string Refused(Deployment state, CorrectDeploymentPeriodRequest r) =>
            Assert.Throws<DomainRuleViolation>(() => CorrectDeploymentPeriod.Decide(state, p, r, Profile, Owner, Now)).Code;
        Assert.Equal("deployment-not-ended", Refused(d, Correct(Now.AddDays(-50), Now.AddDays(-10))));
        Assert.Equal("ended-before-start", Refused(ended, Correct(Now.AddDays(1))));
        Assert.Equal("ended-in-future", Refused(ended, Correct(Now.AddDays(-50), Now.AddDays(1))));
        Assert.Equal("period-outside-participation-term", Refused(d, Correct(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero))));
        Assert.Equal("period-unchanged", Refused(d, Correct(d.From)));
    }

    [Fact]
    public void The_registry_suspends_only_active_deployments_and_resumes_only_suspended_ones()
    {
        var d = Active();
        var cause = Citation(d.ParticipationId);

        var suspended = Deployment.SuspendOnItsOwn(d, "participation suspended", cause, Now);

        Assert.Equal(new DeploymentSuspended(d.Id, "participation suspended", cause, Deployment.Registry, Now), suspended);
        var s = d.Apply(suspended!);
        Assert.Null(Deployment.SuspendOnItsOwn(s, "again", cause, Now));
        Assert.Null(Deployment.ResumeOnItsOwn(d, cause, Now));
        Assert.Equal(new DeploymentResumed(d.Id, cause, Deployment.Registry, Now), Deployment.ResumeOnItsOwn(s, cause, Now));
        Assert.Equal(DeploymentStatus.Active, s.Apply(Deployment.ResumeOnItsOwn(s, cause, Now)!).Status);
    }

    [Fact]
    public void The_registry_ends_active_and_suspended_deployments_but_never_an_ended_one_twice()
    {
        var d = Active();
        var suspended = d with { Status = DeploymentStatus.Suspended };
        var ended = d with { Status = DeploymentStatus.Ended };

        Assert.NotNull(Deployment.EndOnItsOwn(d, "terminated", null, Now, Now));
        Assert.Equal(new DeploymentEnded(d.Id, "terminated", null, Deployment.Registry, Now.AddHours(-1), Now),
            Deployment.EndOnItsOwn(suspended, "terminated", null, Now.AddHours(-1), Now));
        Assert.Null(Deployment.EndOnItsOwn(ended, "terminated", null, Now, Now));
        // A cause dated before the period began ends it at its start; one dated ahead of the registry's clock, now.
        Assert.Equal(d.From, Deployment.EndOnItsOwn(d, "terminated", null, d.From.AddDays(-1), Now)!.EndedAt);
        Assert.Equal(Now, Deployment.EndOnItsOwn(d, "terminated", null, Now.AddMinutes(5), Now)!.EndedAt);
        Assert.Null(Deployment.ResumeOnItsOwn(ended, null, Now));
    }
}
