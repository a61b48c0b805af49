using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using Apps = SandboxRegistry.Contracts.SandboxApplications;
using Registry = SandboxRegistry.Contracts.AiSystemRegistry;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>
/// The other services as this one hears them: builds their contracts with citations and publishes them on the
/// fixture's broker with the stream-id header, as their outboxes would.
/// </summary>
public sealed class World(ServiceHost<ServiceMarker> host)
{
    private readonly Dictionary<Guid, long> _versions = [];
    private long _sequence = 1000;

    public const string Ogrn = "1027700132195";
    public readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public SourceCitation Cite(string service, Guid streamId)
    {
        _versions[streamId] = _versions.GetValueOrDefault(streamId) + 1;
        return new SourceCitation(service, streamId, _versions[streamId], Guid.NewGuid(), ++_sequence);
    }

    /// <summary>
    /// Waits until the service's receive endpoint has bound its queue: until then the broker drops what is published
    /// (in production the durable queue exists from the first start on).
    /// </summary>
    public async Task Ready()
    {
        var client = host.Client();
        await Testing.Eventually.True(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode,
            because: "the service's bus should be ready");
    }

    public Task Publish<T>(T message) where T : class, ICitedMessage =>
        host.Services.GetRequiredService<IBus>().PublishAsTheOutboxWould(message);

    public async Task<T> Eventually<T>(Func<IQuerySession, Task<T?>> probe, string because) where T : class =>
        await Testing.Eventually.Until(async () =>
        {
            await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
            return await probe(session);
        }, because: because);

    public static Apps.InsurancePolicy Policy(string number, DateOnly from, DateOnly to) =>
        new("Insurer JSC", "7707083893", number, new Money(5_000_000m, "RUB"), ["life", "health", "property"], true, from, to);

    /// <summary>
    /// A regime (programme v1, amended to v2 later), a participation with its policy and register, an AI system with
    /// versions 1.0 and 1.1, 1.0 deployed in region 77 until 1.1 replaced it ten days ago.
    /// </summary>
    public async Task<Seeded> SeedDeployedSystem(string region = "77")
    {
        var regimeId = Guid.NewGuid();
        var participationId = Guid.NewGuid();
        var systemId = Guid.NewGuid();
        var v10 = Guid.NewGuid();
        var v11 = Guid.NewGuid();
        var d10 = Guid.NewGuid();
        var d11 = Guid.NewGuid();
        var start = DateOnly.FromDateTime(Now.UtcDateTime.AddDays(-90));
        var end = DateOnly.FromDateTime(Now.UtcDateTime.AddDays(600));
        var insurance = new Apps.InsuranceRequirements(new Money(2_000_000m, "RUB"), ["health"], true);
        var person = new Apps.ResponsiblePerson(Guid.NewGuid(), "Anna Smirnova", "CTO", "autopilot", start, null);
        var switchover = Now.AddDays(-10);
        await Ready();

        var established = new Apps.RegimeEstablished(Cite(ServiceNames.SandboxApplications, regimeId), regimeId, 1, "Drone delivery",
            "unmannedAircraft", "Decree No. 1", [region], start, end, insurance, Now.AddDays(-100));
        var amended = new Apps.RegimeAmended(Cite(ServiceNames.SandboxApplications, regimeId), regimeId, 2, "Drone delivery, night flights",
            "unmannedAircraft", "Decree No. 2", [region], start, end, insurance, Now.AddDays(-1));
        var granted = new Apps.ParticipationGranted(Cite(ServiceNames.SandboxApplications, participationId), participationId, Guid.NewGuid(),
            regimeId, 1, Ogrn, "Aero LLC", [region], start, end, Policy("POL-1", start, end), [person], Now.AddDays(-90));
        var registered = new Registry.AiSystemRegistered(Cite(ServiceNames.AiSystemRegistry, systemId), systemId, Ogrn, "SkyDrop",
            "Parcel delivery", "unmannedAircraft", "Aero Dev", null, "Aero LLC", "humanOnTheLoop", "high", "reinforcementLearning", Now.AddDays(-80));
        var released10 = new Registry.AiSystemVersionReleased(Cite(ServiceNames.AiSystemRegistry, systemId), systemId, v10, "1.0",
            new string('1', 64), Now.AddDays(-70), "first");
        var released11 = new Registry.AiSystemVersionReleased(Cite(ServiceNames.AiSystemRegistry, systemId), systemId, v11, "1.1",
            new string('2', 64), Now.AddDays(-15), "night mode");
        var deployed10 = new Registry.AiSystemDeployed(Cite(ServiceNames.AiSystemRegistry, d10), d10, systemId, v10, "1.0", new string('1', 64),
            participationId, Ogrn, [region], Now.AddDays(-60), switchover, Now.AddDays(-60));
        var deployed11 = new Registry.AiSystemDeployed(Cite(ServiceNames.AiSystemRegistry, d11), d11, systemId, v11, "1.1", new string('2', 64),
            participationId, Ogrn, [region], switchover, null, switchover);

        await Publish(established);
        await Publish(amended);
        await Publish(granted);
        await Publish(registered);
        await Publish(released10);
        await Publish(released11);
        await Publish(deployed10);
        await Publish(deployed11);

        await Eventually(s => s.LoadAsync<IncidentClaims.AiSystems.KnownDeployment>(d11), "deployment 1.1 should be known");
        await Eventually(s => s.LoadAsync<IncidentClaims.AiSystems.KnownDeployment>(d10), "deployment 1.0 should be known");
        await Eventually(s => s.LoadAsync<IncidentClaims.AiSystems.KnownVersion>(v10), "version 1.0 should be known");
        await Eventually(s => s.LoadAsync<IncidentClaims.AiSystems.KnownAiSystem>(systemId), "the AI system should be known");
        await Eventually(s => s.LoadAsync<IncidentClaims.Participations.KnownParticipation>(participationId), "the participation should be known");
        await Eventually(async s => await s.LoadAsync<IncidentClaims.Regimes.KnownRegime>(regimeId) is { ProgrammeVersions.Count: 2 } r ? r : null,
            "both programme versions should be known");

        return new Seeded(established, amended, granted, registered, released10, released11, deployed10, deployed11, person);
    }
}

public sealed record Seeded(
    Apps.RegimeEstablished Regime,
    Apps.RegimeAmended Amendment,
    Apps.ParticipationGranted Participation,
    Registry.AiSystemRegistered AiSystem,
    Registry.AiSystemVersionReleased Version10,
    Registry.AiSystemVersionReleased Version11,
    Registry.AiSystemDeployed Deployment10,
    Registry.AiSystemDeployed Deployment11,
    Apps.ResponsiblePerson Person);

/// <summary>Listens on the fixture's broker for what this service publishes.</summary>
public sealed class Published
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<object> _received = new();

    public static async Task<Published> Listen(ServiceHost<ServiceMarker> host)
    {
        var published = new Published();
        var bus = host.Services.GetRequiredService<IBus>();
        var handle = bus.ConnectReceiveEndpoint($"incident-claims-test-observer-{Guid.NewGuid():N}", e =>
        {
            e.Handler<Contracts.IncidentClaims.HarmIncidentReported>(published.Keep);
            e.Handler<Contracts.IncidentClaims.IncidentLinkedToAiSystem>(published.Keep);
            e.Handler<Contracts.IncidentClaims.CommissionConvened>(published.Keep);
            e.Handler<Contracts.IncidentClaims.CommissionConclusionIssued>(published.Keep);
            e.Handler<Contracts.IncidentClaims.InsuranceClaimSettled>(published.Keep);
            e.Handler<Contracts.IncidentClaims.IncidentClosed>(published.Keep);
            e.Handler<Contracts.IncidentClaims.PreservationHoldPlaced>(published.Keep);
            e.Handler<Contracts.IncidentClaims.PreservationHoldLifted>(published.Keep);
        });
        await handle.Ready;
        return published;
    }

    private Task Keep<T>(ConsumeContext<T> context) where T : class
    {
        _received.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public async Task<T> One<T>(Func<T, bool> match) where T : class =>
        await Testing.Eventually.Until(() => Task.FromResult(_received.OfType<T>().FirstOrDefault(match)),
            because: $"{typeof(T).Name} should be published");
}
