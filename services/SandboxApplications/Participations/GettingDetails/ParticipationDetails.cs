using System.Security.Claims;
using FluentValidation;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Applications;
using SandboxRegistry.SandboxApplications.Regimes.GettingDetails;

namespace SandboxRegistry.SandboxApplications.Participations.GettingDetails;

public sealed record Suspension(SuspensionGround Ground, string Reason, string By, DateTimeOffset At);

/// <summary>A participation as its company, regulators and auditors see it (with contacts of responsible persons).</summary>
public sealed record ParticipationDetails(
    Guid Id,
    Guid ApplicationId,
    Guid RegimeId,
    int ProgrammeVersion,
    ParticipationStatus Status,
    string CompanyOgrn,
    Company Company,
    IReadOnlyList<string> Territory,
    Term Term,
    IReadOnlyList<string> Conditions,
    InsurancePolicy Insurance,
    IReadOnlyList<InsurancePolicy> InsuranceHistory,
    IReadOnlyList<ResponsiblePersonEntry> ResponsiblePersons,
    Suspension? Suspension,
    string? EndReason,
    DateTimeOffset GrantedAt,
    DateTimeOffset? EndedAt) : ICompanyOwned
{
    public long Version { get; init; }
}

public sealed partial class ParticipationDetailsProjection : SingleStreamProjection<ParticipationDetails, Guid>
{
    public static ParticipationDetails Create(ParticipationGranted e) => new(e.ParticipationId, e.ApplicationId, e.RegimeId,
        e.ProgrammeVersion, ParticipationStatus.Active, e.Company.Ogrn, e.Company, e.Territory, e.Term, e.Conditions, e.Insurance,
        [e.Insurance], e.ResponsiblePersons, null, null, e.GrantedAt, null);

    public static ParticipationDetails Apply(ParticipationSuspended e, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Suspended, Suspension = new Suspension(e.Ground, e.Reason, e.SuspendedBy.Subject, e.SuspendedAt),
    };

    public static ParticipationDetails Apply(ParticipationResumed _, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Active, Suspension = null,
    };

    public static ParticipationDetails Apply(ParticipationTerminated e, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Terminated, EndReason = e.Reason, EndedAt = e.TerminatedAt,
    };

    public static ParticipationDetails Apply(ParticipationExpired e, ParticipationDetails current) => current with
    {
        Status = ParticipationStatus.Expired, EndReason = "term ended", EndedAt = e.ExpiredAt,
    };

    public static ParticipationDetails Apply(InsuranceRenewed e, ParticipationDetails current) => current with
    {
        Insurance = e.Policy, InsuranceHistory = [.. current.InsuranceHistory, e.Policy],
    };

    public static ParticipationDetails Apply(ResponsiblePersonAdded e, ParticipationDetails current) =>
        current with { ResponsiblePersons = e.Register };

    public static ParticipationDetails Apply(ResponsiblePersonRemoved e, ParticipationDetails current) =>
        current with { ResponsiblePersons = e.Register };
}

public sealed record ParticipationListQuery(string? Status, Guid? RegimeId, int? Page, int? PageSize) : IPagedQuery;

public sealed class ParticipationListQueryValidator : AbstractValidator<ParticipationListQuery>
{
    public ParticipationListQueryValidator()
    {
        this.PagingRules();
        RuleFor(q => q.Status).EnumValue<ParticipationListQuery, ParticipationStatus>();
    }
}

/// <summary>A line of the public register of subjects: no personal data, no contacts.</summary>
public sealed record RegisterEntry(
    Guid ParticipationId,
    string CompanyName,
    string Ogrn,
    Guid RegimeId,
    string? RegimeTitle,
    ParticipationStatus Status,
    DateOnly StartsOn,
    DateOnly EndsOn);

public static class GetParticipationDetails
{
    public static void MapParticipationReads(this RouteGroupBuilder participations)
    {
        participations.MapGet("/", async ([AsParameters] ParticipationListQuery query, IQuerySession session, ClaimsPrincipal user,
                HttpContext http, CancellationToken ct) =>
            {
                var actor = Actor.From(user);
                var list = Filter(session, query).VisibleTo(actor);
                return await http.Revealed(session, await list.OrderBy(p => p.GrantedAt).ThenBy(p => p.Id).ToPageAsync(query, ct), ct);
            })
            .RequireAuthorization(Access.Readers)
            .RequireRateLimiting(RateLimits.Lists)
            .WithValidation()
            .WithName("ListParticipations")
            .Produces<Page<ParticipationDetails>>();

        participations.MapGet("/{id:guid}", async (Guid id, IQuerySession session, ClaimsPrincipal user, HttpContext http,
                CancellationToken ct) =>
            {
                var participation = await Visible(session, id, user, ct);
                http.Response.SetStreamVersion(participation.Version);
                return await http.Revealed(session, participation, ct);
            })
            .RequireAuthorization(Access.Readers)
            .WithName("GetParticipation")
            .Produces<ParticipationDetails>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        participations.MapGet("/{id:guid}/history", async (Guid id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
            {
                await Visible(session, id, user, ct);
                return Results.Ok(await StreamHistory.ReadAsync(session, id, ct));
            })
            .RequireAuthorization(Access.Readers)
            .WithName("GetParticipationHistory")
            .Produces<IReadOnlyList<HistoryEntry>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // "Who was responsible on date X": entries whose validity includes that day (today when no date is given).
        participations.MapGet("/{id:guid}/responsible-persons", async (Guid id, [FromQuery] DateOnly? on, IQuerySession session,
                TimeProvider clock, IOptions<JurisdictionProfile> profile, ClaimsPrincipal user, HttpContext http, CancellationToken ct) =>
            {
                var participation = await Visible(session, id, user, ct);
                var day = on ?? profile.Value.DateOf(clock.GetUtcNow());
                return await http.Revealed(session, new ResponsibleOn(day, participation.ResponsiblePersons.Where(p => p.ResponsibleOn(day)).ToList()), ct);
            })
            .RequireAuthorization(Access.Readers)
            .WithName("GetResponsiblePersons")
            .Produces<ResponsibleOn>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static void MapPublicRegister(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/register/participations", async ([AsParameters] ParticipationListQuery query, IQuerySession session,
                CancellationToken ct) =>
            {
                var page = await Filter(session, query).OrderBy(p => p.Company.LegalName).ThenBy(p => p.Id).ToPageAsync(query, ct);
                var regimes = (await session.LoadManyAsync<RegimeDetails>(ct, page.Items.Select(p => p.RegimeId).Distinct()))
                    .ToDictionary(r => r.Id, r => r.Title);
                var items = page.Items.Select(p => new RegisterEntry(p.Id, p.Company.LegalName, p.CompanyOgrn, p.RegimeId,
                    regimes.GetValueOrDefault(p.RegimeId), p.Status, p.Term.StartsOn, p.Term.EndsOn)).ToList();
                return Results.Ok(new Page<RegisterEntry>(items, page.PageNumber, page.PageSize, page.Total));
            })
            .AllowAnonymous() // the public register of subjects (258-FZ art. 11); no personal data
            .RequireRateLimiting(RateLimits.Lists)
            .WithValidation()
            .WithTags("Register")
            .WithName("PublicRegister")
            .Produces<Page<RegisterEntry>>();

    private static IQueryable<ParticipationDetails> Filter(IQuerySession session, ParticipationListQuery query)
    {
        var list = session.Query<ParticipationDetails>().AsQueryable();
        if (QueryEnums.Parse<ParticipationStatus>(query.Status) is { } status) list = list.Where(p => p.Status == status);
        if (query.RegimeId is { } regimeId) list = list.Where(p => p.RegimeId == regimeId);
        return list;
    }

    private static async Task<ParticipationDetails> Visible(IQuerySession session, Guid id, ClaimsPrincipal user, CancellationToken ct) =>
        (await session.LoadAsync<ParticipationDetails>(id, ct)).VisibleOrNotFound(Actor.From(user));
}

public sealed record ResponsibleOn(DateOnly On, IReadOnlyList<ResponsiblePersonEntry> Persons);
