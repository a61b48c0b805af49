using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.Participations;

namespace SandboxRegistry.AiSystemRegistry.Deployments.Deploying;

/// <param name="Until">End of the planned period (exclusive); omit it to run until the participation's term ends.</param>
public sealed record DeployRequest(
    Guid AiSystemId,
    Guid VersionId,
    Guid ParticipationId,
    IReadOnlyList<string> Territory,
    DateTimeOffset From,
    DateTimeOffset? Until);

public sealed class DeployValidator : AbstractValidator<DeployRequest>
{
    public DeployValidator()
    {
        RuleFor(r => r.AiSystemId).NotEmpty();
        RuleFor(r => r.VersionId).NotEmpty();
        RuleFor(r => r.ParticipationId).NotEmpty();
        RuleFor(r => r.Territory).NotEmpty();
        RuleForEach(r => r.Territory).RegionCode();
        RuleFor(r => r.From).NotEmpty();
        RuleFor(r => r.Until).GreaterThan(r => r.From).When(r => r.Until is not null)
            .WithMessage("'Until' must be after 'From'.");
    }
}

public static class Deploy
{
    /// <summary>
    /// A version goes into service only within what the participation allows: the regime's programme fixes the territory and
    /// the term (258-FZ art. 9), and only an active participant of the same company may use it. Each refusal names its rule.
    /// </summary>
    public static AiSystemDeployed Decide(Guid deploymentId, AiSystem system, KnownParticipation? participation, DeployRequest r,
        JurisdictionProfile profile, Actor by, DateTimeOffset now)
    {
        AiSystemRules.EnsureOwner(system, by);
        AiSystemRules.EnsureActive(system);
        var version = system.Version(r.VersionId)
            ?? throw new DomainRuleViolation("unknown-version", "The AI system has no released version with this id.");
        if (version.Status == VersionStatus.Recalled)
            throw new DomainRuleViolation("version-recalled", $"Version {version.Number} was recalled and cannot be deployed.");
        if (version.Status == VersionStatus.Deprecated)
            throw new DomainRuleViolation("version-deprecated", $"Version {version.Number} is deprecated and takes no new deployments.");
        if (participation is null)
            throw new DomainRuleViolation("unknown-participation",
                "No participation with this id is known here (SandboxApplications has not granted it, or its message has not arrived yet).");
        if (participation.CompanyOgrn != system.OwnerOgrn)
            throw new DomainRuleViolation("participation-of-another-company", "The participation belongs to another company than the AI system.");
        if (participation.Status != ParticipationStatus.Active)
            throw new DomainRuleViolation("participation-not-active",
                $"The participation is {participation.Status.ToString().ToLowerInvariant()}, not active.");
        var outside = r.Territory.Except(participation.Territory).ToList();
        if (outside.Count > 0)
            throw new DomainRuleViolation("territory-outside-participation",
                $"The participation does not cover: {string.Join(", ", outside)}.");
        if (r.From < participation.TermStart(profile) || r.From >= participation.TermEnd(profile) || r.Until > participation.TermEnd(profile))
            throw new DomainRuleViolation("period-outside-participation-term",
                $"The period must lie within the participation's term, {participation.StartsOn:yyyy-MM-dd} to {participation.EndsOn:yyyy-MM-dd}.");

        return new AiSystemDeployed(deploymentId, system.Id, version.Id, version.Number, version.ArtifactSha256, participation.Id,
            system.OwnerOgrn, r.Territory.Distinct().ToList(), r.From, r.Until, by, now);
    }

    public static async Task<Created<Changed>> Handle(DeployRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct)
    {
        var systemStream = await session.Events.FetchForWriting<AiSystem>(request.AiSystemId, ct);
        var system = systemStream.Aggregate ?? throw new ResourceNotFound("No such AI system.");
        // Nothing is appended to the system, but a recall or suspension committed meanwhile must fail this save.
        systemStream.AlwaysEnforceConsistency = true;
        var participation = await session.LoadAsync<KnownParticipation>(request.ParticipationId, ct);
        var id = Guid.CreateVersion7();
        session.Events.StartStream<Deployment>(id, Decide(id, system, participation, request, profile.Value, Actor.From(http.User), clock.GetUtcNow()));
        // Stored unchanged at the version read: if a participation message changed it meanwhile, this save fails
        // (412) instead of adding a deployment the message's cascade did not see.
        session.Store(participation!);
        await session.CommitAsync(ct);
        return Commands.Started(http.Response, $"/api/v1/deployments/{id}", id);
    }
}
