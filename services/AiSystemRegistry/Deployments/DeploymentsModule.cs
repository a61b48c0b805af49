using System.Linq.Expressions;
using JasperFx.Events.Projections;
using Marten;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.AiSystemRegistry.Deployments.CorrectingPeriod;
using SandboxRegistry.AiSystemRegistry.Deployments.Deploying;
using SandboxRegistry.AiSystemRegistry.Deployments.Ending;
using SandboxRegistry.AiSystemRegistry.Deployments.GettingDetails;

namespace SandboxRegistry.AiSystemRegistry.Deployments;

public static class DeploymentsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        options.Events.AddEventTypes(Deployment.EventTypes);
        options.Projections.Add<DeploymentDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<DeploymentDetails>().Index(d => d.ParticipationId).Index(d => d.AiSystemId).Index(d => d.VersionId)
            .Index(d => d.EarliestFrom).Index(d => d.LatestEnd);
    }

    /// <summary>
    /// Databases written before the bitemporal change (December 2026) hold deployment documents without their record of facts
    /// and without the indexed bounds that time-travel reads query: every deployment document is rebuilt from its stream.
    /// </summary>
    public static IEnumerable<ReadModelUpgrade> ReadModelUpgrades =>
    [
        ReadModelUpgrade.Rebuild<DeploymentDetails>("2026-12 bitemporal: deployment details", DeploymentIdsAsync),
        // The settled bound (SettledAt, SettledEnd) that keeps deployments ended after the fact out of later reads.
        ReadModelUpgrade.Rebuild<DeploymentDetails>("2026-12 time travel: settled bounds of deployments", DeploymentIdsAsync),
    ];

    private static async Task<IReadOnlyList<Guid>> DeploymentIdsAsync(IQuerySession session, CancellationToken ct) =>
        (await session.Events.QueryRawEventDataOnly<AiSystemDeployed>().ToListAsync(ct)).Select(e => e.DeploymentId).Distinct().ToList();

    public static IEndpointRouteBuilder MapDeployments(this IEndpointRouteBuilder app)
    {
        var deployments = app.MapApi("/api/v1/deployments", "Deployments");
        deployments.MapPost("/", Deploy.Handle).Creation(Policies.Applicant).ProducesProblem(StatusCodes.Status404NotFound);
        deployments.MapGet("/active", GetDeploymentDetails.ListActive).PublicList();
        deployments.MapGet("/{id:guid}", GetDeploymentDetails.Get).PublicRead(); // the public register: company data, no persons
        deployments.MapGet("/{id:guid}/history", GetDeploymentDetails.History).List(Access.OwnerOrOfficialPolicy);
        deployments.MapPost("/{id:guid}/ending", EndDeployment.Handle).Command(Access.OwnerOrRegulatorPolicy);
        deployments.MapPost("/{id:guid}/period-correction", CorrectDeploymentPeriod.Handle).Command(Access.OwnerOrRegulatorPolicy);
        return app;
    }

    /// <summary>
    /// Appends, in the caller's session, what <paramref name="decide"/> returns for every deployment not yet ended that
    /// <paramref name="which"/> selects: how a change to a participation, a version or a system reaches its deployments.
    /// The events commit with the caller's own, so either all happen or none.
    /// </summary>
    public static async Task<int> CascadeAsync(IDocumentSession session, Expression<Func<DeploymentDetails, bool>> which,
        Func<Deployment, object?> decide, CancellationToken ct)
    {
        var ids = await session.Query<DeploymentDetails>().Where(which).Where(d => d.Status != DeploymentStatus.Ended)
            .Select(d => d.Id).ToListAsync(ct);
        var appended = 0;
        foreach (var id in ids)
        {
            var stream = await session.Events.FetchForWriting<Deployment>(id, ct);
            if (stream.Aggregate is null || decide(stream.Aggregate) is not { } e) continue;
            stream.AppendOne(e);
            appended++;
        }
        return appended;
    }
}
