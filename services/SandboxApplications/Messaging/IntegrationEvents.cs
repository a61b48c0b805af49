using System.Text.Json;
using JasperFx.Events;
using SandboxRegistry.Contracts;
using SandboxRegistry.ServiceDefaults;
using Domain = SandboxRegistry.SandboxApplications.Regimes;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.SandboxApplications.Messaging;

/// <summary>The allow-list of events this service publishes, and the contract each becomes.</summary>
public sealed class IntegrationEvents : IIntegrationEventMap
{
    public object? ToContract(IEvent @event, SourceCitation source) => @event.Data switch
    {
        Domain.RegimeEstablished e => new Published.RegimeEstablished(source, e.RegimeId, 1, e.Programme.Title,
            JsonNamingPolicy.CamelCase.ConvertName(e.Programme.Direction.ToString()), null, e.Programme.Territory,
            e.Programme.StartsOn, e.Programme.EndsOn, new Published.InsuranceRequirements(e.Programme.MinimumSumInsured, [], false),
            e.EstablishedAt),
        _ => null,
    };
}
