using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.IncidentClaims.AiSystems;
using SandboxRegistry.IncidentClaims.Participations;
using SandboxRegistry.IncidentClaims.Regimes;

namespace SandboxRegistry.IncidentClaims.Incidents.Triaging;

/// <param name="AiSystemId">Narrows the search to one AI system (e.g. when the citizen named it or several matched).</param>
/// <param name="DeploymentId">Picks one deployment when several were active there and then.</param>
public sealed record LinkRequest(Guid? AiSystemId, Guid? DeploymentId);

/// <summary>Links to a version the regulator names, when no deployment matches place and time.</summary>
public sealed record LinkExplicitlyRequest(Guid VersionId, Guid? ParticipationId, [property: FreeText] string Reason);

/// <summary>Corrects the link to another version (the regulator's finding changed); the preservation hold moves with it.</summary>
public sealed record CorrectLinkRequest(Guid VersionId, Guid? ParticipationId, [property: FreeText] string Reason);

/// <summary>
/// The regulator corrected the link to another version (a new fact with its reason; the first link stays on record). Published as
/// IncidentLinkedToAiSystem (explicit, with the reason), so the registry records the incident on the version it now concerns.
/// </summary>
public sealed record IncidentLinkCorrected(Guid IncidentId, Resolution Resolution, Guid PreviousVersionId, string Reason, Actor CorrectedBy,
    DateTimeOffset CorrectedAt);

public sealed class CorrectLinkValidator : AbstractValidator<CorrectLinkRequest>
{
    public CorrectLinkValidator()
    {
        RuleFor(r => r.VersionId).NotEmpty();
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000);
    }
}

public sealed record NotAiRelatedRequest([property: FreeText] string Reason);

public sealed record MarkDuplicateRequest(Guid DuplicateOf, [property: FreeText] string? Reason);

public sealed class LinkExplicitlyValidator : AbstractValidator<LinkExplicitlyRequest>
{
    public LinkExplicitlyValidator()
    {
        RuleFor(r => r.VersionId).NotEmpty();
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000);
    }
}

public sealed class NotAiRelatedValidator : AbstractValidator<NotAiRelatedRequest>
{
    public NotAiRelatedValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000);
}

public sealed class MarkDuplicateValidator : AbstractValidator<MarkDuplicateRequest>
{
    public MarkDuplicateValidator()
    {
        RuleFor(r => r.DuplicateOf).NotEmpty();
        RuleFor(r => r.Reason).MaximumLength(2_000);
    }
}

public static class Triage
{
    /// <summary>
    /// The one deployment in service at the time and place of the incident (valid time, as this service knows it now), or a
    /// 409 saying why there is none. The AI system the citizen named only breaks a tie: citizens may name the wrong one. When
    /// several match, the refusal names each candidate's system, version and company (<paramref name="describe"/>).
    /// </summary>
    public static KnownDeployment ChooseDeployment(IEnumerable<KnownDeployment> deployments, DateTimeOffset occurredAt, string region,
        LinkRequest request, Guid? claimedAiSystemId = null, Func<KnownDeployment, DeploymentCandidate>? describe = null)
    {
        var active = deployments.Where(d => d.ActiveAt(occurredAt, region))
            .Where(d => request.AiSystemId is null || d.AiSystemId == request.AiSystemId)
            .Where(d => request.DeploymentId is null || d.Id == request.DeploymentId)
            .ToList();
        if (active.Count > 1 && claimedAiSystemId is { } claimed && active.Count(d => d.AiSystemId == claimed) == 1)
            active = active.Where(d => d.AiSystemId == claimed).ToList();
        if (active.Count == 0)
            throw new DomainRuleViolation("no-deployment-at-occurrence",
                $"No AI system version was deployed in region {region} at {occurredAt:O}; link explicitly with a stated reason.");
        if (active.Count == 1) return active[0];
        var candidates = active.Select(describe ?? (d => new DeploymentCandidate(d.Id, d.AiSystemId, null, d.VersionId, d.Version, d.OwnerOgrn,
                null, d.From, d.Until)))
            .OrderBy(c => c.AiSystemName).ThenBy(c => c.Version).ThenBy(c => c.DeploymentId).ToList();
        throw new DomainRuleViolation("several-deployments-match",
            $"Several deployments were in service there and then: {string.Join("; ", candidates.Select(Named))}. Name the aiSystemId or deploymentId.",
            new Dictionary<string, object?> { ["candidates"] = candidates });

        static string Named(DeploymentCandidate c) =>
            $"{c.AiSystemName ?? c.AiSystemId.ToString()} version {c.Version} of {c.CompanyName ?? "company"} (OGRN {c.CompanyOgrn}), deployment {c.DeploymentId}";
    }

    /// <summary>
    /// Everything that follows from a version (and, when known, a deployment and a participation) at the moment of the
    /// incident as known at triage: the programme version in force, the policy valid that day, the persons responsible that
    /// day, "that day" being the local date at the place of the harm (<see cref="ResolvedAt.LocalDate"/>).
    /// </summary>
    public static Resolution Resolve(ResolvedAt when, KnownDeployment? deployment, KnownVersion? version, KnownAiSystem? system,
        KnownParticipation? participation, KnownRegime? regime)
    {
        var day = when.LocalDate;
        var linkedVersion = version is not null
            ? new LinkedVersion(version.AiSystemId, version.Id, version.Version, version.ArtifactSha256, version.ReleasedAt, version.Source)
            : deployment is not null
                ? new LinkedVersion(deployment.AiSystemId, deployment.VersionId, deployment.Version, deployment.ArtifactSha256, null, deployment.Source)
                : throw new DomainRuleViolation("unknown-version", "The version is not known to this service.");
        var programme = regime?.InForceAt(when.At);
        var policy = participation?.PolicyOn(day);
        var persons = participation?.ResponsibleOn(day);
        return new Resolution(
            deployment is null ? null : new LinkedDeployment(deployment.Id, deployment.Territory, deployment.From, deployment.Until, deployment.Source),
            linkedVersion,
            system is null ? null : new LinkedAiSystem(system.Id, system.Name, system.OwnerOgrn, system.DeveloperName, system.OperatorName,
                system.IntendedPurpose, system.Source),
            participation is null ? null : new LinkedParticipation(participation.Id, participation.RegimeId, participation.CompanyOgrn,
                participation.CompanyName, participation.StartsOn, participation.EndsOn, participation.Source),
            programme is null ? null : new LinkedProgramme(regime!.Id, programme.ProgrammeVersion, programme.Title, programme.LegalBasis, programme.Source),
            policy is null ? null : new LinkedPolicy(policy.Policy.InsurerName, policy.Policy.InsurerInn, policy.Policy.PolicyNumber,
                policy.Policy.SumInsured, policy.Policy.CoveredRisks, policy.Policy.CoversAiHarm, policy.Policy.ValidFrom, policy.Policy.ValidTo,
                policy.Source),
            persons is { } p ? new LinkedPersons(day, p.Persons.Select(r => new LinkedPerson(r.EntryId, r.FullName, r.Position,
                r.AreaOfResponsibility, r.ValidFrom, r.ValidTo)).ToList(), p.Source) : null,
            when);
    }

    /// <summary>The instants of a triage at <paramref name="now"/> of an incident, with the local date at its region.</summary>
    public static ResolvedAt Instants(Incident incident, JurisdictionProfile profile, DateTimeOffset now) =>
        new(incident.OccurredAt, now, profile.ZoneOf(incident.RegionCode).Id, profile.LocalDate(incident.OccurredAt, incident.RegionCode));

    private static void Untriaged(Incident incident)
    {
        incident.NotClosed();
        if (incident.Status != IncidentStatus.Reported)
            throw new DomainRuleViolation("already-triaged", $"The incident was already triaged ({incident.Status.Camel()}).");
    }

    public static IncidentLinked Link(Incident incident, Resolution resolution, bool isExplicit, string? reason, JurisdictionProfile profile,
        Actor by, DateTimeOffset now)
    {
        Untriaged(incident);
        return new IncidentLinked(incident.Id, resolution, isExplicit, reason?.Trim(), Clocks.CommissionDueBy(now, profile), by, now);
    }

    /// <summary>The link and, for a serious incident, the preservation hold on the version it names (AI Act art. 73(6)).</summary>
    public static IReadOnlyList<object> LinkAndHold(Incident incident, Resolution resolution, bool isExplicit, string? reason,
        JurisdictionProfile profile, Actor by, DateTimeOffset now, Guid holdId, IReadOnlyList<string> grounds)
    {
        var linked = Link(incident, resolution, isExplicit, reason, profile, by, now);
        return PreservingVersion.PreservationHolds.OnLink(incident, resolution.Version, holdId, by, now, grounds) is { } hold
            ? [linked, hold]
            : [linked];
    }

    /// <summary>
    /// A correction of the link to another version, until the conclusion is signed (it rests on the link). A hold in force moves:
    /// lifted on the version the incident no longer concerns, placed on the one it does.
    /// </summary>
    public static IReadOnlyList<object> CorrectLink(Incident incident, Resolution resolution, string reason, Actor by, DateTimeOffset now,
        Guid holdId, IReadOnlyList<string> grounds)
    {
        incident.NotClosed();
        if (incident.Resolution is not { } current || incident.Status is IncidentStatus.Reported or IncidentStatus.NotAiRelated or IncidentStatus.Duplicate)
            throw new DomainRuleViolation("not-linked", "Only a linked incident has a link to correct.");
        if (incident.Status is IncidentStatus.ConclusionSigned)
            throw new DomainRuleViolation("conclusion-signed", "The commission's signed conclusion rests on the link: it is no longer corrected.");
        if (current.Version.VersionId == resolution.Version.VersionId)
            throw new DomainRuleViolation("same-version", $"The incident is already linked to version {current.Version.Version}.");
        var why = reason.Trim();
        var events = new List<object> { new IncidentLinkCorrected(incident.Id, resolution, current.Version.VersionId, why, by, now) };
        if (incident.ActiveHold is { } hold)
        {
            events.Add(new PreservingVersion.PreservationHoldLifted(incident.Id, hold.HoldId, hold.AiSystemId, hold.VersionId, hold.Version,
                $"The link was corrected to version {resolution.Version.Version}: {why}", by, now));
            events.Add(new PreservingVersion.PreservationHoldPlaced(incident.Id, holdId, resolution.Version.AiSystemId, resolution.Version.VersionId,
                resolution.Version.Version, grounds, by, now));
        }
        return events;
    }

    public static IncidentFoundNotAiRelated NotAiRelated(Incident incident, string reason, Actor by, DateTimeOffset now)
    {
        Untriaged(incident);
        return new IncidentFoundNotAiRelated(incident.Id, reason.Trim(), by, now);
    }

    /// <summary>The duplicate stays on record, marked; nothing is deleted.</summary>
    public static IncidentMarkedDuplicate MarkDuplicate(Incident incident, Incident? original, MarkDuplicateRequest request, Actor by,
        DateTimeOffset now)
    {
        Untriaged(incident);
        if (request.DuplicateOf == incident.Id)
            throw new DomainRuleViolation("duplicate-of-itself", "An incident cannot duplicate itself.");
        if (original is null)
            throw new DomainRuleViolation("unknown-original", "The incident it duplicates does not exist.");
        if (original.Status == IncidentStatus.Duplicate)
            throw new DomainRuleViolation("original-is-a-duplicate", "Mark it as a duplicate of the original report instead.");
        return new IncidentMarkedDuplicate(incident.Id, original.Id, request.Reason?.Trim(), by, now);
    }

    /// <summary>Links to the deployment that was active at the incident's place and time, from this service's copies.</summary>
    public static Task<Ok<Changed>> LinkByDeployment(Guid id, LinkRequest? request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        Many(session, id, http, async incident =>
        {
            Untriaged(incident);
            var now = clock.GetUtcNow();
            var candidates = await session.Query<KnownDeployment>().Where(d => d.From <= incident.OccurredAt).ToListAsync(ct);
            var matching = candidates.Where(d => d.ActiveAt(incident.OccurredAt, incident.RegionCode)).ToList();
            var systems = (await session.LoadManyAsync<KnownAiSystem>(ct, matching.Select(d => d.AiSystemId).Distinct())).ToDictionary(s => s.Id);
            var companies = (await session.LoadManyAsync<KnownParticipation>(ct, matching.Select(d => d.ParticipationId).Distinct()))
                .ToDictionary(p => p.Id);
            var deployment = ChooseDeployment(matching, incident.OccurredAt, incident.RegionCode, request ?? new LinkRequest(null, null),
                incident.ClaimedAiSystemId, d => new DeploymentCandidate(d.Id, d.AiSystemId, systems.GetValueOrDefault(d.AiSystemId)?.Name,
                    d.VersionId, d.Version, d.OwnerOgrn, companies.GetValueOrDefault(d.ParticipationId)?.CompanyName, d.From, d.Until));
            var resolution = await ResolveAsync(session, Instants(incident, profile.Value, now), deployment, deployment.VersionId,
                deployment.ParticipationId, ct);
            return LinkAndHold(incident, resolution, false, null, profile.Value, Actor.From(http.User), now, Guid.CreateVersion7(now),
                await GroundsAsync(session, id, ct));
        }, ct);

    public static Task<Ok<Changed>> LinkExplicitly(Guid id, LinkExplicitlyRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        Many(session, id, http, async incident =>
        {
            Untriaged(incident);
            var now = clock.GetUtcNow();
            if (await session.LoadAsync<KnownVersion>(request.VersionId, ct) is null)
                throw new DomainRuleViolation("unknown-version", "This service has not learnt of that version from AiSystemRegistry.");
            if (request.ParticipationId is { } pid && await session.LoadAsync<KnownParticipation>(pid, ct) is null)
                throw new DomainRuleViolation("unknown-participation", "This service has not learnt of that participation from SandboxApplications.");
            var resolution = await ResolveAsync(session, Instants(incident, profile.Value, now), null, request.VersionId, request.ParticipationId, ct);
            return LinkAndHold(incident, resolution, true, request.Reason, profile.Value, Actor.From(http.User), now, Guid.CreateVersion7(now),
                await GroundsAsync(session, id, ct));
        }, ct);

    public static Task<Ok<Changed>> CorrectLinkTo(Guid id, CorrectLinkRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, HttpContext http, CancellationToken ct) =>
        Many(session, id, http, async incident =>
        {
            incident.NotClosed();
            var now = clock.GetUtcNow();
            if (await session.LoadAsync<KnownVersion>(request.VersionId, ct) is null)
                throw new DomainRuleViolation("unknown-version", "This service has not learnt of that version from AiSystemRegistry.");
            if (request.ParticipationId is { } pid && await session.LoadAsync<KnownParticipation>(pid, ct) is null)
                throw new DomainRuleViolation("unknown-participation", "This service has not learnt of that participation from SandboxApplications.");
            var resolution = await ResolveAsync(session, Instants(incident, profile.Value, now), null, request.VersionId, request.ParticipationId, ct);
            return CorrectLink(incident, resolution, request.Reason, Actor.From(http.User), now, Guid.CreateVersion7(now),
                await GroundsAsync(session, id, ct));
        }, ct);

    private static async Task<Ok<Changed>> Many(IDocumentSession session, Guid id, HttpContext http,
        Func<Incident, Task<IReadOnlyList<object>>> decide, CancellationToken ct) =>
        TypedResults.Ok(await session.DecideAll(id, http, decide, ct));

    /// <summary>Why the incident is serious, as classified at intake (the first event of its stream).</summary>
    private static async Task<IReadOnlyList<string>> GroundsAsync(IQuerySession session, Guid id, CancellationToken ct) =>
        (await session.Events.FetchStreamAsync(id, 1, token: ct)).Select(e => e.Data).OfType<HarmIncidentReported>()
            .FirstOrDefault()?.Classification.Grounds ?? [];

    public static Task<Ok<Changed>> FindNotAiRelated(Guid id, NotAiRelatedRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, i => NotAiRelated(i, request.Reason, Actor.From(http.User), clock.GetUtcNow()), ct);

    public static Task<Ok<Changed>> MarkAsDuplicate(Guid id, MarkDuplicateRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct) =>
        session.Decide<Incident>(id, http, async incident =>
        {
            var original = await session.LoadAsync<Incident>(request.DuplicateOf, ct);
            return (object)MarkDuplicate(incident, original, request, Actor.From(http.User), clock.GetUtcNow());
        }, ct);

    private static async Task<Resolution> ResolveAsync(IQuerySession session, ResolvedAt when, KnownDeployment? deployment,
        Guid versionId, Guid? participationId, CancellationToken ct)
    {
        var version = await session.LoadAsync<KnownVersion>(versionId, ct);
        var system = await session.LoadAsync<KnownAiSystem>(version?.AiSystemId ?? deployment!.AiSystemId, ct);
        var participation = participationId is { } pid ? await session.LoadAsync<KnownParticipation>(pid, ct) : null;
        var regime = participation is null ? null : await session.LoadAsync<KnownRegime>(participation.RegimeId, ct);
        return Resolve(when, deployment, version, system, participation, regime);
    }
}
