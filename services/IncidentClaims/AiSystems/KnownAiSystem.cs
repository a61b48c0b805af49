using Marten;
using MassTransit;
using SandboxRegistry.Contracts;
using Published = SandboxRegistry.Contracts.AiSystemRegistry;

namespace SandboxRegistry.IncidentClaims.AiSystems;

/// <summary>An AI system as AiSystemRegistry published it.</summary>
public sealed record KnownAiSystem(
    Guid Id,
    string OwnerOgrn,
    string Name,
    string IntendedPurpose,
    string DeveloperName,
    string? DeveloperId,
    string OperatorName,
    string RiskClass,
    SourceCitation Source,
    IReadOnlyList<SourceCitation> Sources,
    string Status = "registered");

/// <summary>A released version; kept as its own document so that it does not depend on the order of other streams' messages.</summary>
public sealed record KnownVersion(
    Guid Id,
    Guid AiSystemId,
    string Version,
    string ArtifactSha256,
    DateTimeOffset ReleasedAt,
    SourceCitation Source,
    DateTimeOffset? RecalledAt = null,
    SourceCitation? RecallSource = null);

public sealed record Suspension(DateTimeOffset From, string Reason, SourceCitation Source, DateTimeOffset? Until = null,
    SourceCitation? ResumeSource = null);

/// <summary>A correction of the period AiSystemRegistry holds for a deployment, with its reason and citation.</summary>
public sealed record PeriodCorrection(DateTimeOffset From, DateTimeOffset? Until, DateTimeOffset? EndedAt, string Reason,
    DateTimeOffset CorrectedAt, SourceCitation Source);

/// <summary>
/// A version put into service under a participation, in a territory, for a period, with its interruptions: every time here is a
/// valid time (when it was in service), as the registry recorded it; the copy holds what this service knows now, so triage
/// answers by valid time as known at triage.
/// </summary>
public sealed record KnownDeployment(
    Guid Id,
    Guid AiSystemId,
    Guid VersionId,
    string Version,
    string ArtifactSha256,
    Guid ParticipationId,
    string OwnerOgrn,
    IReadOnlyList<string> Territory,
    DateTimeOffset From,
    DateTimeOffset? Until,
    SourceCitation Source,
    IReadOnlyList<Suspension> Suspensions,
    DateTimeOffset? EndedAt = null,
    string? EndReason = null,
    SourceCitation? EndSource = null,
    IReadOnlyList<PeriodCorrection>? Corrections = null)
{
    /// <summary>
    /// Applies a correction unless a later one of the same stream is already applied (messages of different types may
    /// overtake each other; the source stream's order is the order of record).
    /// </summary>
    public KnownDeployment Corrected(PeriodCorrection c)
    {
        var corrections = (Corrections ?? []).Append(c).OrderBy(x => x.Source.StreamVersion).ToList();
        var latest = corrections[^1];
        var endedAt = corrections.LastOrDefault(x => x.EndedAt is not null) is { } withEnd
                      && (EndSource is null || withEnd.Source.StreamVersion > EndSource.StreamVersion)
            ? withEnd.EndedAt
            : EndedAt;
        return this with { From = latest.From, Until = latest.Until, EndedAt = endedAt, Corrections = corrections };
    }

    /// <summary>An end that arrives after a later correction of it keeps the corrected instant.</summary>
    public KnownDeployment Ended(DateTimeOffset endedAt, string reason, SourceCitation source) =>
        (Corrections ?? []).Any(c => c.EndedAt is not null && c.Source.StreamVersion > source.StreamVersion)
            ? this with { EndReason = reason, EndSource = source }
            : this with { EndedAt = endedAt, EndReason = reason, EndSource = source };

    /// <summary>In service at <paramref name="at"/> in <paramref name="region"/>: inside its period, not ended, not suspended.</summary>
    public bool ActiveAt(DateTimeOffset at, string region) =>
        Territory.Contains(region) && From <= at && (Until is null || at < Until) && (EndedAt is null || at < EndedAt)
        && !Suspensions.Any(s => s.From <= at && (s.Until is null || at < s.Until));
}

public sealed class AiSystemsConsumer(IDocumentSession session, TimeProvider clock) :
    IConsumer<Published.AiSystemRegistered>,
    IConsumer<Published.AiSystemVersionReleased>,
    IConsumer<Published.AiSystemVersionRecalled>,
    IConsumer<Published.AiSystemSuspended>,
    IConsumer<Published.AiSystemWithdrawn>
{
    public async Task Consume(ConsumeContext<Published.AiSystemRegistered> context)
    {
        if (!await session.TryBeginAsync(context, nameof(AiSystemsConsumer), clock)) return;
        var m = context.Message;
        session.Insert(new KnownAiSystem(m.AiSystemId, m.OwnerOgrn, m.Name, m.IntendedPurpose, m.DeveloperName, m.DeveloperId, m.OperatorName,
            m.RiskClass, m.Source, [m.Source]));
        await session.CommitAsync(context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<Published.AiSystemVersionReleased> context)
    {
        if (!await session.TryBeginAsync(context, nameof(AiSystemsConsumer), clock)) return;
        var m = context.Message;
        session.Insert(new KnownVersion(m.VersionId, m.AiSystemId, m.Version, m.ArtifactSha256, m.ReleasedAt, m.Source));
        await session.CommitAsync(context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<Published.AiSystemVersionRecalled> context)
    {
        if (!await session.TryBeginAsync(context, nameof(AiSystemsConsumer), clock)) return;
        var m = context.Message;
        var version = await session.LoadAsync<KnownVersion>(m.VersionId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Version {m.VersionId} is not known yet.");
        session.Update(version with { RecalledAt = m.RecalledAt, RecallSource = m.Source });
        await session.CommitAsync(context.CancellationToken);
    }

    public Task Consume(ConsumeContext<Published.AiSystemSuspended> context) => Status(context, context.Message.AiSystemId, "suspended");

    public Task Consume(ConsumeContext<Published.AiSystemWithdrawn> context) => Status(context, context.Message.AiSystemId, "withdrawn");

    private async Task Status<T>(ConsumeContext<T> context, Guid aiSystemId, string status) where T : class, ICitedMessage
    {
        if (!await session.TryBeginAsync(context, nameof(AiSystemsConsumer), clock)) return;
        var system = await session.LoadAsync<KnownAiSystem>(aiSystemId, context.CancellationToken)
            ?? throw new InvalidOperationException($"AI system {aiSystemId} is not known yet.");
        session.Update(system with { Status = status, Sources = [.. system.Sources, context.Message.Source] });
        await session.CommitAsync(context.CancellationToken);
    }
}

public sealed class DeploymentsConsumer(IDocumentSession session, TimeProvider clock) :
    IConsumer<Published.AiSystemDeployed>,
    IConsumer<Published.DeploymentSuspended>,
    IConsumer<Published.DeploymentResumed>,
    IConsumer<Published.DeploymentEnded>,
    IConsumer<Published.DeploymentPeriodCorrected>
{
    public async Task Consume(ConsumeContext<Published.AiSystemDeployed> context)
    {
        if (!await session.TryBeginAsync(context, nameof(DeploymentsConsumer), clock)) return;
        var m = context.Message;
        session.Insert(new KnownDeployment(m.DeploymentId, m.AiSystemId, m.VersionId, m.Version, m.ArtifactSha256, m.ParticipationId,
            m.OwnerOgrn, m.Territory, m.From, m.Until, m.Source, []));
        await session.CommitAsync(context.CancellationToken);
    }

    public Task Consume(ConsumeContext<Published.DeploymentSuspended> context) => Change(context, context.Message.DeploymentId,
        d => d with { Suspensions = [.. d.Suspensions, new Suspension(context.Message.SuspendedAt, context.Message.Reason, context.Message.Source)] });

    public Task Consume(ConsumeContext<Published.DeploymentResumed> context) => Change(context, context.Message.DeploymentId,
        d => d.Suspensions.Any(s => s.Until is null)
            ? d with
            {
                Suspensions = d.Suspensions.Select(s => s.Until is null
                    ? s with { Until = context.Message.ResumedAt, ResumeSource = context.Message.Source } : s).ToList(),
            }
            // Messages of different types may overtake each other: wait (retry) for the suspension this resumption ends.
            : throw new InvalidOperationException($"Deployment {d.Id} has no suspension to end yet."));

    /// <summary>EndedAt is the valid time the deployment went out of service, which may lie before the message was sent.</summary>
    public Task Consume(ConsumeContext<Published.DeploymentEnded> context) => Change(context, context.Message.DeploymentId,
        d => d.Ended(context.Message.EndedAt, context.Message.Reason, context.Message.Source));

    public Task Consume(ConsumeContext<Published.DeploymentPeriodCorrected> context) => Change(context, context.Message.DeploymentId,
        d => d.Corrected(new PeriodCorrection(context.Message.From, context.Message.Until, context.Message.EndedAt, context.Message.Reason,
            context.Message.CorrectedAt, context.Message.Source)));

    private async Task Change<T>(ConsumeContext<T> context, Guid deploymentId, Func<KnownDeployment, KnownDeployment> change) where T : class
    {
        if (!await session.TryBeginAsync(context, nameof(DeploymentsConsumer), clock)) return;
        var known = await session.LoadAsync<KnownDeployment>(deploymentId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Deployment {deploymentId} is not known yet.");
        session.Update(change(known));
        await session.CommitAsync(context.CancellationToken);
    }
}

public static class KnownAiSystemsModule
{
    public static void ConfigureMarten(StoreOptions options)
    {
        // Messages of one stream but of different types may be handled concurrently: a lost update is refused
        // (optimistic concurrency) and the message retried on the fresh document.
        options.Schema.For<KnownAiSystem>().UseOptimisticConcurrency(true);
        options.Schema.For<KnownVersion>().UseOptimisticConcurrency(true);
        options.Schema.For<KnownDeployment>().UseOptimisticConcurrency(true).Index(d => d.From);
    }

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<AiSystemsConsumer>();
        bus.AddConsumer<DeploymentsConsumer>();
    }
}
