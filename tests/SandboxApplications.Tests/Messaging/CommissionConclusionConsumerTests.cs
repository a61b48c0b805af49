using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Messaging;
using SandboxRegistry.Testing;
using static SandboxRegistry.SandboxApplications.Tests.Api.Scenario;
using Incidents = SandboxRegistry.Contracts.IncidentClaims;

namespace SandboxRegistry.SandboxApplications.Tests.Messaging;

public class CommissionConclusionConsumerTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private static Incidents.CommissionConclusionIssued Conclusion(Guid? participationId, params string[] recommendations)
    {
        var incident = Guid.NewGuid();
        return new Incidents.CommissionConclusionIssued(
            new SourceCitation(ServiceNames.IncidentClaims, incident, 7, Guid.NewGuid(), 300), incident, Guid.NewGuid(), Guid.NewGuid(),
            participationId, "established", recommendations, new Money(1_500_000m, "RUB"), DateTimeOffset.UtcNow);
    }

    private Task Publish(Incidents.CommissionConclusionIssued message) =>
        fixture.Host.Services.GetRequiredService<IBus>().PublishAsTheOutboxWould(message);

    private Task<JsonElement> History(Guid participationId, int events) =>
        Eventually.Until(async () =>
        {
            var history = (await fixture.Host.Client(Tokens.Regulator()).GetFromJsonAsync<JsonElement>($"/api/v1/participations/{participationId}/history")).GetProperty("items");
            return history.GetArrayLength() >= events ? history : (JsonElement?)null;
        }, because: $"participation {participationId} should have {events} events");

    private Task Handled(Guid messageId) =>
        Eventually.True(async () =>
        {
            await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
            return await session.LoadAsync<ProcessedMessage>($"{nameof(CommissionConclusionIssuedConsumer)}/{messageId:N}") is not null;
        }, because: $"message {messageId} should be acknowledged");

    [Fact]
    public async Task A_conclusion_recommending_suspension_suspends_the_participation_once_even_when_redelivered()
    {
        var (_, _, id) = await ActiveParticipation(fixture.Host);
        var message = Conclusion(id, Incidents.Recommendations.SuspendParticipation, Incidents.Recommendations.AmendProgramme);

        await Publish(message);
        await Publish(message);
        await Handled(message.Source.EventId);
        var history = await History(id, 2);

        var suspended = Assert.Single(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "participation_suspended");
        Assert.Equal("commissionConclusion", suspended.GetProperty("data").GetProperty("ground").GetString());
        Assert.Contains(message.IncidentId.ToString(), suspended.GetProperty("data").GetProperty("reason").GetString());
        var participation = await fixture.Host.Client(Tokens.Regulator()).GetFromJsonAsync<JsonElement>($"/api/v1/participations/{id}");
        Assert.Equal("suspended", participation.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_conclusion_recommending_termination_terminates_the_participation()
    {
        var (_, _, id) = await ActiveParticipation(fixture.Host);

        await Publish(Conclusion(id, Incidents.Recommendations.SuspendParticipation, Incidents.Recommendations.TerminateParticipation));
        var history = await History(id, 2);

        Assert.Equal(["participation_granted", "participation_terminated"], history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Conclusions_about_unknown_or_ended_participations_are_acknowledged_and_change_nothing()
    {
        var (_, _, id) = await ActiveParticipation(fixture.Host);
        var terminate = Conclusion(id, Incidents.Recommendations.TerminateParticipation);
        await Publish(terminate);
        await Handled(terminate.Source.EventId);

        var unknown = Conclusion(Guid.NewGuid(), Incidents.Recommendations.SuspendParticipation);
        var ended = Conclusion(id, Incidents.Recommendations.SuspendParticipation);
        var none = Conclusion(null, Incidents.Recommendations.SuspendParticipation);
        foreach (var message in new[] { unknown, ended, none })
            await Publish(message);
        foreach (var message in new[] { unknown, ended, none })
            await Handled(message.Source.EventId);

        var history = await History(id, 2);
        Assert.Equal(2, history.GetArrayLength());
    }
}
