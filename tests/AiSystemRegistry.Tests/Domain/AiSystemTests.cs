using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.AiSystems.Deprecating;
using SandboxRegistry.AiSystemRegistry.AiSystems.Recalling;
using SandboxRegistry.AiSystemRegistry.AiSystems.Releasing;
using SandboxRegistry.AiSystemRegistry.AiSystems.Suspending;
using SandboxRegistry.AiSystemRegistry.AiSystems.Withdrawing;
using static SandboxRegistry.AiSystemRegistry.Tests.Domain.Given;

namespace SandboxRegistry.AiSystemRegistry.Tests.Domain;

public class AiSystemTests
{
    [Fact]
    public void Registering_makes_the_applicants_company_the_owner_and_records_who_and_when()
    {
        var id = Guid.NewGuid();

        var e = Registered(id);

        Assert.Equal(id, e.AiSystemId);
        Assert.Equal(Acme, e.OwnerOgrn);
        Assert.Equal("Road sign reader", e.Description.Name);
        Assert.Equal(Acme, e.Description.Developer.Id);
        Assert.Equal(Owner, e.RegisteredBy);
        Assert.Equal(Now, e.RegisteredAt);
        Assert.Equal(new AiSystem(id, Acme, AiSystemStatus.Active, []), AiSystem.Create(e));
    }

    [Fact]
    public void A_release_records_the_immutable_facts_of_the_version()
    {
        var system = SystemWith();
        var versionId = Guid.NewGuid();

        var e = ReleaseVersion.Decide(system, versionId, Release("2.0.0-rc.1+exp.sha.5114f85", 'A'), Owner, Now);

        Assert.Equal(new VersionReleased(system.Id, versionId, "2.0.0-rc.1+exp.sha.5114f85", new string('a', 64), "changes", "training data",
            "evaluation", Owner, Now), e);
        var after = system.Apply(e);
        Assert.Equal(new VersionState(versionId, "2.0.0-rc.1+exp.sha.5114f85", new string('a', 64), VersionStatus.Released, []),
            Assert.Single(after.Versions));
    }

    [Theory]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("1.0.0+build.1", "1.0.0+build.2")]
    [InlineData("1.0.0-beta", "1.0.0-beta+x")]
    public void The_same_version_number_cannot_be_released_twice(string first, string second)
    {
        var system = SystemWith(first);

        var refused = Assert.Throws<DomainRuleViolation>(() => ReleaseVersion.Decide(system, Guid.NewGuid(), Release(second, 'b'), Owner, Now));

        Assert.Equal("version-already-released", refused.Code);
    }

    [Fact]
    public void Pre_releases_are_versions_of_their_own() =>
        ReleaseVersion.Decide(SystemWith("1.0.0-beta"), Guid.NewGuid(), Release("1.0.0"), Owner, Now);

    [Theory]
    [InlineData("1.0.0", true)]
    [InlineData("0.0.1", true)]
    [InlineData("10.20.30", true)]
    [InlineData("1.0.0-alpha.1", true)]
    [InlineData("1.0.0-0.3.7", true)]
    [InlineData("1.0.0-x-y-z.--", true)]
    [InlineData("1.0.0+20130313144700", true)]
    [InlineData("1.0.0-beta+exp.sha.5114f85", true)]
    [InlineData("1.0", false)]
    [InlineData("1", false)]
    [InlineData("v1.0.0", false)]
    [InlineData("01.0.0", false)]
    [InlineData("1.01.0", false)]
    [InlineData("1.0.0-01", false)]
    [InlineData("1.0.0-", false)]
    [InlineData("1.0.0+", false)]
    [InlineData("1.0.0-alpha..1", false)]
    [InlineData("1.0.0\n", false)]
    [InlineData("１.0.0", false)]
    [InlineData(null, false)]
    public void Versions_follow_semver_2(string? version, bool valid) => Assert.Equal(valid, SemanticVersion.IsValid(version));

    [Theory]
    [InlineData(AiSystemStatus.Suspended, "ai-system-suspended")]
    [InlineData(AiSystemStatus.Withdrawn, "ai-system-withdrawn")]
    public void A_suspended_or_withdrawn_system_takes_no_new_versions(AiSystemStatus status, string code)
    {
        var system = SystemWith() with { Status = status };

        var refused = Assert.Throws<DomainRuleViolation>(() => ReleaseVersion.Decide(system, Guid.NewGuid(), Release("1.0.0"), Owner, Now));

        Assert.Equal(code, refused.Code);
    }

    [Fact]
    public void Another_company_acting_on_a_system_finds_nothing()
    {
        Assert.Throws<ResourceNotFound>(() => AiSystemRules.EnsureOwner(SystemWith(), Stranger));
        AiSystemRules.EnsureOwner(SystemWith(), Regulator);
        AiSystemRules.EnsureOwner(SystemWith(), Owner);
    }

    [Fact]
    public void Deprecating_a_released_version_and_refusing_it_twice_or_after_a_recall()
    {
        var system = SystemWith("1.0.0");
        var version = system.Versions[0];

        var e = DeprecateVersion.Decide(system, version.Id, Owner, Now);

        Assert.Equal(new VersionDeprecated(system.Id, version.Id, "1.0.0", Owner, Now), e);
        var deprecated = system.Apply(e);
        Assert.Equal(VersionStatus.Deprecated, deprecated.Versions[0].Status);
        Assert.Equal("version-deprecated", Assert.Throws<DomainRuleViolation>(() => DeprecateVersion.Decide(deprecated, version.Id, Owner, Now)).Code);
        var recalled = system.Apply(RecallVersion.Decide(system, version.Id, new RecallVersionRequest("x"), Owner, Now));
        Assert.Equal("version-recalled", Assert.Throws<DomainRuleViolation>(() => DeprecateVersion.Decide(recalled, version.Id, Owner, Now)).Code);
        Assert.Throws<ResourceNotFound>(() => DeprecateVersion.Decide(system, Guid.NewGuid(), Owner, Now));
    }

    [Fact]
    public void Recalling_records_the_reason_and_happens_once_even_for_a_deprecated_version()
    {
        var system = SystemWith("1.0.0");
        var version = system.Versions[0];
        var deprecated = system.Apply(DeprecateVersion.Decide(system, version.Id, Owner, Now));

        var e = RecallVersion.Decide(deprecated, version.Id, new RecallVersionRequest(" Misreads stop signs "), Regulator, Now);

        Assert.Equal(new VersionRecalled(system.Id, version.Id, "1.0.0", "Misreads stop signs", Regulator, Now), e);
        var recalled = deprecated.Apply(e);
        Assert.Equal(VersionStatus.Recalled, recalled.Versions[0].Status);
        Assert.Equal("version-recalled", Assert.Throws<DomainRuleViolation>(() =>
            RecallVersion.Decide(recalled, version.Id, new RecallVersionRequest("again"), Owner, Now)).Code);
        Assert.Throws<ResourceNotFound>(() => RecallVersion.Decide(system, Guid.NewGuid(), new RecallVersionRequest("x"), Owner, Now));
    }

    [Fact]
    public void Suspending_once_and_never_a_withdrawn_system()
    {
        var system = SystemWith();

        var e = SuspendAiSystem.Decide(system, new SuspendAiSystemRequest("Audit"), Regulator, Now);

        Assert.Equal(new AiSystemSuspended(system.Id, "Audit", Regulator, Now), e);
        var suspended = system.Apply(e);
        Assert.Equal(AiSystemStatus.Suspended, suspended.Status);
        Assert.Equal("ai-system-suspended", Assert.Throws<DomainRuleViolation>(() =>
            SuspendAiSystem.Decide(suspended, new SuspendAiSystemRequest("again"), Regulator, Now)).Code);
        var withdrawn = system with { Status = AiSystemStatus.Withdrawn };
        Assert.Equal("ai-system-withdrawn", Assert.Throws<DomainRuleViolation>(() =>
            SuspendAiSystem.Decide(withdrawn, new SuspendAiSystemRequest("x"), Regulator, Now)).Code);
    }

    [Fact]
    public void Withdrawing_is_final_and_allowed_while_suspended()
    {
        var suspended = SystemWith() with { Status = AiSystemStatus.Suspended };

        var e = WithdrawAiSystem.Decide(suspended, new WithdrawAiSystemRequest("Discontinued"), Owner, Now);

        Assert.Equal(new AiSystemWithdrawn(suspended.Id, "Discontinued", Owner, Now), e);
        var withdrawn = suspended.Apply(e);
        Assert.Equal(AiSystemStatus.Withdrawn, withdrawn.Status);
        Assert.Equal("ai-system-withdrawn", Assert.Throws<DomainRuleViolation>(() =>
            WithdrawAiSystem.Decide(withdrawn, new WithdrawAiSystemRequest("again"), Owner, Now)).Code);
    }
}
