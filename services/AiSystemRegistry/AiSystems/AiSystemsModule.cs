using JasperFx.Events.Projections;
using Marten;
using JasperFx.Events;
using MassTransit;
using SandboxRegistry.AiSystemRegistry.AiSystems.Deprecating;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using SandboxRegistry.AiSystemRegistry.AiSystems.PublicRegister;
using SandboxRegistry.AiSystemRegistry.AiSystems.Recalling;
using SandboxRegistry.AiSystemRegistry.AiSystems.RecordingIncidents;
using SandboxRegistry.AiSystemRegistry.AiSystems.Registering;
using SandboxRegistry.AiSystemRegistry.AiSystems.Releasing;
using SandboxRegistry.AiSystemRegistry.AiSystems.Suspending;
using SandboxRegistry.AiSystemRegistry.AiSystems.Withdrawing;

namespace SandboxRegistry.AiSystemRegistry.AiSystems;

/// <summary>The answer to a command on an existing stream: which stream, at which version now.</summary>
public sealed record Changed(Guid Id, long Version);

public static class AiSystemsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes([
            typeof(AiSystemRegistered), typeof(AiSystemSuspended), typeof(AiSystemWithdrawn), typeof(VersionReleased),
            typeof(VersionDeprecated), typeof(VersionRecalled), typeof(IncidentLinkedToVersion), typeof(CommissionConclusionRecorded),
        ]);
        options.Projections.Add<AiSystemDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<AiSystemDetails>().Index(s => s.OwnerOgrn);
    }

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<IncidentLinkedToAiSystemConsumer>();
        bus.AddConsumer<CommissionConclusionIssuedConsumer>();
    }

    public static IEndpointRouteBuilder MapAiSystems(this IEndpointRouteBuilder app)
    {
        var systems = app.MapGroup("/api/v1/ai-systems").WithTags("AI systems");
        systems.MapRegisterAiSystem();
        systems.MapSuspendAiSystem();
        systems.MapWithdrawAiSystem();
        systems.MapReleaseVersion();
        systems.MapDeprecateVersion();
        systems.MapRecallVersion();
        systems.MapGetAiSystemDetails();
        app.MapPublicRegister();
        return app;
    }

    /// <summary>
    /// Opens the system's stream for writing. An unknown system, or an applicant acting on another company's, is a 404
    /// before If-Match is compared, so a stale version never reveals that a stream exists; Marten then checks at save that
    /// nobody appended since this fetch.
    /// </summary>
    public static async Task<IEventStream<AiSystem>> FetchForWritingAsync(IDocumentSession session, HttpRequest request, Guid id,
        Actor by, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<AiSystem>(id, ct);
        if (stream.Aggregate is null) throw new ResourceNotFound("No such AI system.");
        AiSystemRules.EnsureOwner(stream.Aggregate, by);
        stream.EnsureExpectedVersion(request);
        return stream;
    }

    /// <summary>The If-Match version, when the client sent one, must be the version just fetched: otherwise 412.</summary>
    public static void EnsureExpectedVersion<T>(this IEventStream<T> stream, HttpRequest request) where T : class
    {
        if (request.ExpectedVersion() is { } expected && expected != stream.StartingVersion)
            throw new JasperFx.ConcurrencyException(typeof(T), stream.Id);
    }

    public static IResult Changed(HttpResponse response, Guid id, long version)
    {
        response.SetStreamVersion(version);
        return Results.Ok(new Changed(id, version));
    }
}
