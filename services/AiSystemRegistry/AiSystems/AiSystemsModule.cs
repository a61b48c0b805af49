using JasperFx.Events.Projections;
using Marten;
using JasperFx.Events;
using Marten.Events;
using SandboxRegistry.EventSourcing;
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

public static class AiSystemsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes([
            typeof(AiSystemRegistered), typeof(AiSystemSuspended), typeof(AiSystemWithdrawn), typeof(VersionReleased),
            typeof(VersionDeprecated), typeof(VersionRecalled), typeof(IncidentLinkedToVersion), typeof(CommissionConclusionRecorded),
            typeof(VersionPlacedOnHold), typeof(VersionHoldLifted),
        ]);
        options.Projections.Add<AiSystemDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<AiSystemDetails>().Index(s => s.OwnerOgrn);
        // A time-travel read counts each version's links recorded by knownAt: the version and the recording instant are columns
        // of their own with one index over both, so each count is an index-only scan instead of parsing every link's JSON.
        options.Schema.For<LinkedIncident>().Index(l => l.AiSystemId).Duplicate(l => l.RecordedAt).Duplicate(l => l.VersionId)
            .Index([l => l.VersionId, l => l.RecordedAt]);
    }

    /// <summary>
    /// Databases written before the bitemporal change (December 2026) hold system documents without their status history
    /// and with incident id lists instead of counts, and no incident link documents: the documents are rebuilt from their
    /// streams and the links backfilled from the link events, each link recorded at its event's append time.
    /// </summary>
    public static IEnumerable<ReadModelUpgrade> ReadModelUpgrades =>
    [
        ReadModelUpgrade.Rebuild<AiSystemDetails>("2026-12 bitemporal: AI system details", async (session, ct) =>
            (await session.Events.QueryRawEventDataOnly<AiSystemRegistered>().ToListAsync(ct)).Select(e => e.AiSystemId).Distinct().ToList()),
        new("2026-12 bitemporal: incident links", BackfillIncidentLinksAsync),
        new("2026-12 time travel: incident links' version and recording columns", FillLinkColumnsAsync),
    ];

    /// <summary>Stores every link document again, a page at a time, so that the columns added beside its JSON hold its values.</summary>
    private static async Task FillLinkColumnsAsync(IDocumentStore store, CancellationToken ct)
    {
        // Upgrades run before anything is consumed: the set of links, in id order, stays as it is while the pages are stored.
        for (var done = 0; ; done += 1000)
        {
            await using var session = store.LightweightSession();
            var page = await session.Query<LinkedIncident>().OrderBy(l => l.Id).Skip(done).Take(1000).ToListAsync(ct);
            if (page.Count == 0) return;
            session.Store(page.ToArray());
            await session.CommitAsync(ct);
        }
    }

    private static async Task BackfillIncidentLinksAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var links = (await session.Events.QueryAllRawEvents().Where(e => e.EventTypesAre(typeof(IncidentLinkedToVersion)))
                .OrderBy(e => e.Sequence).ToListAsync(ct))
            // The consumer writes one document per incident, the latest link winning; so does the backfill.
            .Select(e => (Link: (IncidentLinkedToVersion)e.Data, RecordedAt: e.Timestamp))
            .GroupBy(l => l.Link.IncidentId).Select(g => g.Last()).ToList();
        var stored = (await session.LoadManyAsync<LinkedIncident>(ct, links.Select(l => l.Link.IncidentId))).Select(l => l.Id).ToHashSet();
        foreach (var (l, recordedAt) in links.Where(l => !stored.Contains(l.Link.IncidentId)))
            session.Insert(new LinkedIncident(l.IncidentId, l.AiSystemId, l.VersionId, l.DeploymentId, l.Explicit, l.Source, l.LinkedAt, recordedAt));
        await session.CommitAsync(ct);
    }

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<IncidentLinkedToAiSystemConsumer>();
        bus.AddConsumer<CommissionConclusionIssuedConsumer>();
        bus.AddConsumer<HoldingForIncidents.PreservationHoldConsumer>();
    }

    public static IEndpointRouteBuilder MapAiSystems(this IEndpointRouteBuilder app)
    {
        var systems = app.MapApi("/api/v1/ai-systems", "AI systems");
        systems.MapPost("/", RegisterAiSystem.Handle).Creation(Policies.Applicant);
        systems.MapGet("/", GetAiSystemDetails.List).List(Access.OwnerOrOfficialPolicy);
        systems.MapGet("/{id:guid}", GetAiSystemDetails.Get).Read(Access.OwnerOrOfficialPolicy);
        systems.MapGet("/{id:guid}/history", GetAiSystemDetails.History).List(Access.OwnerOrOfficialPolicy);
        systems.MapPost("/{id:guid}/suspension", SuspendAiSystem.Handle).Command(Policies.Regulator);
        systems.MapPost("/{id:guid}/withdrawal", WithdrawAiSystem.Handle).Command(Policies.Applicant);
        systems.MapPost("/{id:guid}/versions", ReleaseVersion.Handle).Command(Policies.Applicant);
        systems.MapPost("/{id:guid}/versions/{versionId:guid}/deprecation", DeprecateVersion.Handle).Command(Policies.Applicant);
        systems.MapPost("/{id:guid}/versions/{versionId:guid}/recall", RecallVersion.Handle).Command(Access.OwnerOrRegulatorPolicy);
        systems.MapGet("/{id:guid}/versions/{versionId:guid}/incidents", GetAiSystemDetails.Incidents).List(Access.OwnerOrOfficialPolicy);

        var register = app.MapApi("/api/v1/register/ai-systems", "Public register");
        register.MapGet("/", PublicRegisterEndpoints.List).PublicList();
        register.MapGet("/{id:guid}", PublicRegisterEndpoints.Get).PublicRead();
        return app;
    }
}
