using System.Text.Json;
using JasperFx.Events;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Regimes;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.SandboxApplications.Messaging;

/// <summary>The allow-list of events this service publishes, and the contract each becomes.</summary>
public sealed class IntegrationEvents : IIntegrationEventMap
{
    public object? ToContract(IEvent @event, SourceCitation source) => @event.Data switch
    {
        RegimeEstablished e => new Published.RegimeEstablished(source, e.RegimeId, 1, e.Programme.Title, Camel(e.Programme.Direction),
            e.Programme.LegalBasis.ToString(), e.Programme.Territory, e.Programme.StartsOn, e.Programme.EndsOn,
            Requirements(e.Programme.Insurance), e.EstablishedAt, e.ProposalId),
        RegimeAmended e => new Published.RegimeAmended(source, e.RegimeId, e.ProgrammeVersion, e.Programme.Title,
            Camel(e.Programme.Direction), e.Programme.LegalBasis.ToString(), e.Programme.Territory, e.Programme.StartsOn,
            e.Programme.EndsOn, Requirements(e.Programme.Insurance), e.AmendedAt),
        RegimeSuspended e => new Published.RegimeSuspended(source, e.RegimeId, e.Reason, e.SuspendedAt),
        RegimeResumed e => new Published.RegimeResumed(source, e.RegimeId, e.ResumedAt),
        RegimeTerminated e => new Published.RegimeTerminated(source, e.RegimeId, e.Reason, e.TerminatedAt),
        RegimeExpired e => new Published.RegimeExpired(source, e.RegimeId, e.EndedOn, e.ExpiredAt),

        ParticipationGranted e => new Published.ParticipationGranted(source, e.ParticipationId, e.ApplicationId, e.RegimeId,
            e.ProgrammeVersion, e.Company.Ogrn, e.Company.LegalName, e.Territory, e.Term.StartsOn, e.Term.EndsOn, Policy(e.Insurance),
            Register(e.ResponsiblePersons), e.GrantedAt),
        ParticipationSuspended e => new Published.ParticipationSuspended(source, e.ParticipationId, Camel(e.Ground), e.Reason, e.SuspendedAt),
        ParticipationResumed e => new Published.ParticipationResumed(source, e.ParticipationId, e.ResumedAt),
        ParticipationTerminated e => new Published.ParticipationTerminated(source, e.ParticipationId, e.Reason, e.TerminatedAt),
        ParticipationExpired e => new Published.ParticipationExpired(source, e.ParticipationId, e.EndedOn, e.ExpiredAt),
        ParticipationLeft e => new Published.ParticipationLeft(source, e.ParticipationId, e.Reason, e.LeftOn, e.LeftAt),
        InsuranceRenewed e => new Published.InsuranceRenewed(source, e.ParticipationId, Policy(e.Policy), e.RenewedAt),
        InsuranceEventReported e => new Published.InsuranceChanged(source, e.ParticipationId, Camel(e.Kind), e.PolicyNumber, e.EffectiveOn,
            e.Policies.Select(Policy).ToList(), e.ReportedAt),
        ResponsiblePersonAdded e => new Published.ResponsiblePersonsChanged(source, e.ParticipationId, Register(e.Register), e.AddedAt),
        ResponsiblePersonRemoved e => new Published.ResponsiblePersonsChanged(source, e.ParticipationId, Register(e.Register), e.RemovedAt),
        _ => null,
    };

    private static string Camel<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static Published.InsuranceRequirements Requirements(InsuranceRequirements r) =>
        new(r.MinimumSumInsured, r.RequiredRisks.Select(Camel).ToList(), r.AiHarmCoverRequired);

    private static Published.InsurancePolicy Policy(InsurancePolicy p) => new(p.InsurerName, p.InsurerInn, p.PolicyNumber, p.SumInsured,
        p.CoveredRisks.Select(Camel).ToList(), p.CoversAiHarm, p.ValidFrom, p.ValidTo);

    // Contacts of responsible persons never leave this service.
    private static IReadOnlyList<Published.ResponsiblePerson> Register(IReadOnlyList<ResponsiblePersonEntry> register) =>
        register.Select(p => new Published.ResponsiblePerson(p.EntryId, p.FullName, p.Position, p.AreaOfResponsibility, p.ValidFrom,
            p.ValidTo)).ToList();
}
