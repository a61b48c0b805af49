using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using Ours = SandboxRegistry.Contracts.AiSystemRegistry;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>What other services receive: the contracts arrive over the real broker, each citing its source event.</summary>
public class PublishingTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>, IAsyncLifetime
{
    private readonly Scenario S = new(fixture.Host);
    private readonly ConcurrentQueue<(object Message, Guid? MessageId, string? StreamHeader)> _received = new();
    private IBusControl _listener = null!;

    public async Task InitializeAsync()
    {
        // A stand-in for IncidentClaims: its own queue on the fixture's virtual host, bound to the contracts it cares about.
        var broker = RabbitMqSettings.From(fixture.Host.Services.GetRequiredService<IConfiguration>());
        _listener = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(broker.Host, broker.Port, broker.VirtualHost, h =>
            {
                h.Username(broker.Username);
                h.Password(broker.Password);
            });
            cfg.ReceiveEndpoint($"listener-{Guid.NewGuid():N}", e =>
            {
                e.AutoDelete = true;
                e.Handler<Ours.AiSystemRegistered>(Record);
                e.Handler<Ours.AiSystemVersionReleased>(Record);
                e.Handler<Ours.AiSystemVersionRecalled>(Record);
                e.Handler<Ours.AiSystemDeployed>(Record);
                e.Handler<Ours.DeploymentSuspended>(Record);
                e.Handler<Ours.DeploymentResumed>(Record);
                e.Handler<Ours.DeploymentEnded>(Record);
                e.Handler<Ours.AiSystemSuspended>(Record);
                e.Handler<Ours.AiSystemWithdrawn>(Record);
            });
        });
        await _listener.StartAsync();
    }

    public async Task DisposeAsync() => await _listener.StopAsync();

    private Task Record<T>(ConsumeContext<T> context) where T : class
    {
        _received.Enqueue((context.Message, context.MessageId, context.Headers.Get<string>(OutboxForwarder.StreamIdHeader)));
        return Task.CompletedTask;
    }

    private async Task<T> Received<T>(Func<T, bool> match) where T : class =>
        await Eventually.Until(() => Task.FromResult(_received.Select(r => r.Message).OfType<T>().FirstOrDefault(match)),
            because: $"{typeof(T).Name} should be published");

    [Fact]
    public async Task Every_lifecycle_event_is_published_as_its_contract_citing_its_source_event()
    {
        var participation = await S.GrantParticipationAsync();
        var system = await S.RegisterSystemAsync("Published system");
        var version = await S.ReleaseAsync(system, "1.0.0");
        var deployment = await S.DeployAsync(system, version, participation, ["77"]);
        await S.PublishAsync(new Published.ParticipationSuspended(S.Cite(participation, 2), participation,
            Published.SuspensionGrounds.RegulatorDecision, "Inspection", DateTimeOffset.UtcNow));
        await S.WaitForDeploymentStatus(deployment, "suspended");
        await S.PublishAsync(new Published.ParticipationResumed(S.Cite(participation, 3), participation, DateTimeOffset.UtcNow));
        await S.WaitForDeploymentStatus(deployment, "active");
        Assert.Equal(HttpStatusCode.OK, (await S.Regulator.PostAsJsonAsync($"/api/v1/ai-systems/{system}/suspension",
            new { reason = "Audit" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{system}/versions/{version}/recall",
            new { reason = "Unsafe" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await S.Owner.PostAsJsonAsync($"/api/v1/ai-systems/{system}/withdrawal",
            new { reason = "Discontinued" })).StatusCode);

        var registered = await Received<Ours.AiSystemRegistered>(m => m.AiSystemId == system);
        Assert.Equal((ServiceNames.AiSystemRegistry, system, 1L), (registered.Source.Service, registered.Source.StreamId,
            registered.Source.StreamVersion));
        Assert.Equal(Scenario.Acme, registered.OwnerOgrn);
        Assert.Equal("transport", registered.Direction);
        Assert.Equal("humanOnTheLoop", registered.AutonomyLevel);
        Assert.Equal(Scenario.Acme, registered.DeveloperId);
        var (_, messageId, header) = _received.First(r => ReferenceEquals(r.Message, registered));
        Assert.Equal(registered.Source.EventId, messageId);
        Assert.Equal(system.ToString(), header);

        var released = await Received<Ours.AiSystemVersionReleased>(m => m.AiSystemId == system);
        Assert.Equal((version, "1.0.0", new string('a', 64), 2L), (released.VersionId, released.Version, released.ArtifactSha256,
            released.Source.StreamVersion));
        var deployed = await Received<Ours.AiSystemDeployed>(m => m.DeploymentId == deployment);
        Assert.Equal((system, version, participation, Scenario.Acme), (deployed.AiSystemId, deployed.VersionId, deployed.ParticipationId,
            deployed.OwnerOgrn));
        Assert.Equal(["77"], deployed.Territory);
        Assert.Equal("The participation was suspended (regulatorDecision): Inspection",
            (await Received<Ours.DeploymentSuspended>(m => m.DeploymentId == deployment)).Reason);
        Assert.Equal(3, (await Received<Ours.DeploymentResumed>(m => m.DeploymentId == deployment)).Source.StreamVersion);
        Assert.Equal("Audit", (await Received<Ours.AiSystemSuspended>(m => m.AiSystemId == system)).Reason);
        Assert.Equal("Unsafe", (await Received<Ours.AiSystemVersionRecalled>(m => m.VersionId == version)).Reason);
        Assert.Equal("Version 1.0.0 was recalled: Unsafe", (await Received<Ours.DeploymentEnded>(m => m.DeploymentId == deployment)).Reason);
        Assert.Equal("Discontinued", (await Received<Ours.AiSystemWithdrawn>(m => m.AiSystemId == system)).Reason);
    }
}
