using JasperFx.Events;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Messaging;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.ServiceDefaults;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.SandboxApplications.Tests.Messaging;

public class IntegrationEventsTests
{
    private static IEvent Stored<T>(T data, long version = 1, long sequence = 42) where T : notnull =>
        new Event<T>(data) { Id = Guid.NewGuid(), StreamId = Guid.NewGuid(), Version = version, Sequence = sequence };

    [Fact]
    public void Regime_established_is_published_with_a_citation_of_its_event()
    {
        var programme = new Programme("Drones", Direction.UnmannedAircraft, ["RU-MOW"], new(2026, 1, 1), new(2027, 1, 1),
            new Money(1_000_000m, "RUB"));
        var at = DateTimeOffset.UtcNow;
        var stored = Stored(new RegimeEstablished(Guid.NewGuid(), programme, new Actor("r", "regulator", null, null), at));
        var citation = OutboxForwarder.Cite(stored, ServiceNames.SandboxApplications);

        var contract = new IntegrationEvents().ToContract(stored, citation);

        var message = Assert.IsType<Published.RegimeEstablished>(contract);
        Assert.Equal(new SourceCitation("sandbox-applications", stored.StreamId, 1, stored.Id, 42), message.Source);
        Assert.Equal(((RegimeEstablished)stored.Data).RegimeId, message.RegimeId);
        Assert.Equal("unmannedAircraft", message.Direction);
        Assert.Equal(["RU-MOW"], message.Territory);
        Assert.Equal(programme.MinimumSumInsured, message.Insurance.MinimumSumInsured);
        Assert.Equal(1, message.ProgrammeVersion);
        Assert.Equal(at, message.EstablishedAt);
    }

    [Fact]
    public void Events_off_the_allow_list_stay_inside_the_service()
    {
        var stored = Stored(new ProcessedMessage("x", Guid.NewGuid(), "c", "t", DateTimeOffset.UtcNow));

        Assert.Null(new IntegrationEvents().ToContract(stored, OutboxForwarder.Cite(stored, "sandbox-applications")));
    }
}
