using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.SandboxApplications.Regimes.Establishing;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.SandboxApplications.Tests.Domain;

/// <summary>Builders for the "given" part of domain tests: states reached by folding events.</summary>
public static class Given
{
    public static readonly PersonalDataVault Vault = new(
        Options.Create(new VaultOptions { MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }), TimeProvider.System);

    /// <summary>The keys the test sealer made, as the service's key table would hold them.</summary>
    public static readonly Dictionary<Guid, byte[]> Keys = new();

    public static readonly SealContact Seal = contact =>
    {
        var id = Guid.NewGuid();
        var key = RandomNumberGenerator.GetBytes(32);
        lock (Keys) Keys[id] = key;
        return new PersonContact(id, contact.Email is { } e ? Vault.Encrypt(id, key, e) : null, contact.Phone is { } p ? Vault.Encrypt(id, key, p) : null);
    };

    public static string Reveal(EncryptedValue? value)
    {
        lock (Keys) return value is null ? "" : PersonalDataVault.Reveal(value, Keys);
    }

    public static ResponsiblePersonDetails Petrov => new("Ivan Petrov", "CTO", "Autopilot", new Contact("petrov@robotaxi.ru", null));

    public static readonly Actor Regulator = new("reg-1", "regulator", null, null);
    public static readonly Actor Applicant = new("app-1", "applicant", "1027700132195", null);
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 3, 2);
    public static readonly JurisdictionProfile Russia = new();

    public static EstablishRegimeRequest ProgrammeRequest(DateOnly? starts = null, DateOnly? ends = null) => new(
        "  Unmanned taxis  ", Direction.Transport, new LegalBasisRequest("Government Decree No. 1234", new DateOnly(2025, 12, 1)),
        "Robotaxis in two cities", ["77", "50", "77"], starts ?? new DateOnly(2026, 1, 1), ends ?? new DateOnly(2028, 12, 31),
        ["Traffic rules 2.1"], ["Licensed carrier"],
        new InsuranceRequirementsRequest(new Money(10_000_000m, "RUB"), [InsuredRisk.Life, InsuredRisk.Health], true));

    public static Regime Regime(RegimeStatus status = RegimeStatus.Active)
    {
        var regime = Regimes.Regime.Create(EstablishRegime.Decide(Guid.NewGuid(), ProgrammeRequest(), Russia, Regulator, Now));
        return regime with { Status = status };
    }

    public static InsurancePolicy Policy(decimal sum = 10_000_000m, string currency = "RUB", InsuredRisk[]? risks = null, bool ai = true,
        DateOnly? from = null, DateOnly? to = null) => new("Ingosstrakh", "7705042179", "POL-1", new Money(sum, currency),
        risks ?? [InsuredRisk.Life, InsuredRisk.Health, InsuredRisk.Property], ai, from ?? new DateOnly(2026, 1, 1),
        to ?? new DateOnly(2027, 12, 31));

    public static ApplicationForm Form(InsurancePolicy? policy = null) => new(
        new Company("Robotaxi LLC", "1027700132195", "7707083893", "Moscow, Tverskaya 1"), new Contact("office@robotaxi.ru", null),
        "Driverless taxis", new Term(new DateOnly(2026, 4, 1), new DateOnly(2027, 3, 31)), ["77"], policy ?? Policy(),
        [Petrov.Sealed(Seal)]);

    public static Application Application(ApplicationStatus status = ApplicationStatus.UnderReview, InsurancePolicy? policy = null,
        Guid? regimeId = null) => new(Guid.NewGuid(), regimeId ?? Guid.NewGuid(), status, Form(policy),
        status == ApplicationStatus.Submitted ? null : "reviewer-1", new DateOnly(2026, 3, 30),
        status == ApplicationStatus.InformationRequested ? Today : null, false);

    public static Participation Participation(ParticipationStatus status = ParticipationStatus.Active, InsurancePolicy? policy = null,
        SuspensionGround? ground = null) => new(Guid.NewGuid(), Guid.NewGuid(), "1027700132195", status,
        new Term(new DateOnly(2026, 4, 1), new DateOnly(2027, 3, 31)), [policy ?? Policy()],
        [new ResponsiblePersonEntry(Guid.NewGuid(), "Ivan Petrov", "CTO", "Autopilot", Seal(Petrov.Contact),
            new DateOnly(2026, 4, 1), null)],
        status == ParticipationStatus.Suspended ? ground ?? SuspensionGround.RegulatorDecision : null);
}
