using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.AiSystems.Registering;
using SandboxRegistry.AiSystemRegistry.AiSystems.Releasing;
using SandboxRegistry.AiSystemRegistry.Participations;
using SandboxRegistry.Contracts;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.AiSystemRegistry.Tests.Domain;

/// <summary>Facts the domain tests start from.</summary>
internal static class Given
{
    public const string Acme = "1027700132195";
    public const string Rival = "1037739010891";
    public static readonly Actor Owner = new("acme-officer", "applicant", Acme, null);
    public static readonly Actor Stranger = new("rival-officer", "applicant", Rival, null);
    public static readonly Actor Regulator = new("reg-1", "regulator", null, null);
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly JurisdictionProfile Profile = new();

    public static RegisterAiSystemRequest Registration => new("  Road sign reader ", "Reads signs", "Assist drivers", Direction.Transport,
        new DeveloperRequest("Acme Vision LLC", Acme, null, null), "Acme Shuttles LLC", AutonomyLevel.HumanOnTheLoop, RiskClass.High,
        Technique.ComputerVision);

    public static AiSystemRegistered Registered(Guid? id = null) => RegisterAiSystem.Decide(id ?? Guid.NewGuid(), Registration, Owner, Now);

    public static ReleaseVersionRequest Release(string version, char digit = 'a') =>
        new(version, new string(digit, 64), "changes", "training data", "evaluation");

    public static AiSystem SystemWith(params string[] versions)
    {
        var system = AiSystem.Create(Registered());
        foreach (var v in versions)
            system = system.Apply(ReleaseVersion.Decide(system, Guid.NewGuid(), Release(v), Owner, Now));
        return system;
    }

    public static KnownParticipation Participation(string ogrn = Acme, ParticipationStatus status = ParticipationStatus.Active) => new(
        Guid.NewGuid(), Guid.NewGuid(), 1, ogrn, "Acme Shuttles LLC", ["77", "50"], new DateOnly(2026, 1, 1), new DateOnly(2028, 12, 31),
        status, null,
        new Published.InsurancePolicy("Insurer", "7707083893", "P-1", new Money(1m, "RUB"), ["life"], true, new(2026, 1, 1), new(2028, 12, 31)),
        [], []);

    public static SourceCitation Citation(Guid stream) => new(ServiceNames.SandboxApplications, stream, 2, Guid.NewGuid(), 10);
}
