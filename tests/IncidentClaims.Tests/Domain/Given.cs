using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.Incidents.Reporting;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.IncidentClaims.Tests.Domain;

/// <summary>Builders for given-when-then tests: requests, events, and the state they fold into.</summary>
public static class Given
{
    public static readonly Actor Portal = new("client-gosuslugi", "integration", null, "gosuslugi");
    public static readonly Actor Regulator = new("reg-1", "regulator", null, null);
    public static readonly DateTimeOffset Now = new(2026, 3, 16, 9, 0, 0, TimeSpan.Zero); // a Monday
    public static readonly JurisdictionProfile Eu = new();
    public static readonly SourceCitation Cited = new(ServiceNames.AiSystemRegistry, Guid.NewGuid(), 1, Guid.NewGuid(), 7);

    public static ReportIncidentRequest Request(params HarmRequest[] harms) => new(
        Channel.StatePortal, " Drone fell on a car ", "A delivery drone lost power and fell.", "The autopilot chose the route.",
        Now.AddDays(-2), Now.AddDays(-1), new Location("77", "Tverskaya 1"),
        harms.Length > 0 ? harms : [new HarmRequest(HarmType.DamageToPersonProperty, Severity.Minor, 1, new Money(50_000m, "RUB"))],
        new ClaimedAiSystem(null, null, "SkyDrop", "Aero LLC"), [new Evidence("photo.jpg", "image/jpeg", 1024, new string('a', 64))],
        new Reporter("Ivan Petrov", new Contacts("ivan@example.ru", null, null), true));

    public static readonly PersonalDataVault Vault = new(
        Options.Create(new VaultOptions { MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }), TimeProvider.System);

    /// <summary>The reporter's key in these tests; the service keeps it in its key table.</summary>
    public static readonly (Guid Id, byte[] Key) ReporterKey = (Guid.NewGuid(), RandomNumberGenerator.GetBytes(32));

    public static EncryptedReporter Sealed(Reporter r) => new(ReporterKey.Id, Vault.Encrypt(ReporterKey.Id, ReporterKey.Key, r.FullName),
        new EncryptedContacts(r.Contacts.Email is { } email ? Vault.Encrypt(ReporterKey.Id, ReporterKey.Key, email) : null, null, null),
        r.ConsentToProcessing);

    public static HarmIncidentReported Reported(ReportIncidentRequest? request = null)
    {
        request ??= Request();
        return ReportIncident.Decide(Guid.NewGuid(), "IC-AAAA-BBBB", request, Sealed(request.Reporter), Eu, Portal, Now);
    }

    public static Resolution Resolution(bool withPolicy = true) => new(
        new LinkedDeployment(Guid.NewGuid(), ["77"], Now.AddDays(-30), null, Cited),
        new LinkedVersion(Guid.NewGuid(), Guid.NewGuid(), "1.0", new string('b', 64), Now.AddDays(-40), Cited),
        new LinkedAiSystem(Guid.NewGuid(), "SkyDrop", "1027700132195", "Aero Dev", "Aero LLC", "Delivery", Cited),
        new LinkedParticipation(Guid.NewGuid(), Guid.NewGuid(), "1027700132195", "Aero LLC", new(2026, 1, 1), new(2027, 12, 31), Cited),
        new LinkedProgramme(Guid.NewGuid(), 1, "Drone delivery", "Decree 1", Cited),
        withPolicy ? new LinkedPolicy("Insurer JSC", "7707083893", "POL-1", new Money(2_000_000m, "RUB"), ["health", "property"], true,
            new(2026, 1, 1), new(2026, 12, 31), Cited) : null,
        new LinkedPersons(new(2026, 3, 14), [new LinkedPerson(Guid.Parse("11111111-1111-1111-1111-111111111111"), "Anna Smirnova", "CTO",
            "autopilot", new(2026, 1, 1), null)], Cited));

    public static Incident State(params object[] events) =>
        events.Aggregate((Incident?)null, Incident.When) ?? throw new InvalidOperationException("No incident.");

    public static IncidentLinked Linked(Incident incident, bool withPolicy = true) =>
        new(incident.Id, Resolution(withPolicy), false, null, Now.AddDays(30), Regulator, Now);

    public static CommissionConvened Convened(Incident incident, DateOnly? meeting = null) =>
        new(incident.Id, new CommissionMember("Olga Chair", "Deputy Minister"), [new("Pavel Member", "Expert"), new("Irina Member", "Lawyer")],
            meeting ?? DateOnly.FromDateTime(Now.UtcDateTime), new DateOnly(2026, 3, 19), Regulator, Now);

    public static ConclusionRecorded Concluded(Incident incident) =>
        new(incident.Id, new Conclusion(CausalLink.Established, [new ResponsibleParty("participant", "1027700132195", "Aero LLC")],
            new Money(50_000m, "RUB"), [Recommendation.SuspendParticipation], []), Regulator, Now);

    /// <summary>An incident reported, linked, examined and concluded: the usual path up to the signature.</summary>
    public static (Incident State, object[] History) UpToConclusion(bool withPolicy = true)
    {
        var reported = Reported();
        var s0 = State(reported);
        var linked = Linked(s0, withPolicy);
        var convened = Convened(s0);
        var concluded = Concluded(s0);
        object[] history = [reported, linked, convened, concluded];
        return (State(history), history);
    }
}
