using Microsoft.AspNetCore.Http.HttpResults;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Mvc;
using FluentValidation;

namespace SandboxRegistry.SandboxApplications.Regimes.GettingDetails;

/// <summary>A regime as the public register shows it. Regimes are public law: no personal data here.</summary>
public sealed record RegimeDetails(
    Guid Id,
    RegimeStatus Status,
    int ProgrammeVersion,
    string Title,
    Direction Direction,
    LegalBasis LegalBasis,
    string? Description,
    IReadOnlyList<string> Territory,
    DateOnly StartsOn,
    DateOnly EndsOn,
    IReadOnlyList<string> DisappliedNorms,
    IReadOnlyList<string> SubjectRequirements,
    InsuranceRequirements Insurance,
    DateTimeOffset EstablishedAt,
    DateTimeOffset? AmendedAt = null,
    string? StatusReason = null,
    DateTimeOffset? StatusChangedAt = null)
{
    public long Version { get; init; }

    public IReadOnlyList<ExpectedResult> ExpectedResults { get; init; } = [];

    /// <summary>The initiative proposal the regime was established from, if any.</summary>
    public Guid? ProposalId { get; init; }

    public static RegimeDetails From(Guid id, RegimeStatus status, int version, Programme p, DateTimeOffset establishedAt) =>
        new(id, status, version, p.Title, p.Direction, p.LegalBasis, p.Description, p.Territory, p.StartsOn, p.EndsOn,
            p.DisappliedNorms, p.SubjectRequirements, p.Insurance, establishedAt) { ExpectedResults = p.ExpectedResults };
}

public sealed partial class RegimeDetailsProjection : SingleStreamProjection<RegimeDetails, Guid>
{
    public static RegimeDetails Create(RegimeEstablished e) =>
        RegimeDetails.From(e.RegimeId, RegimeStatus.Active, 1, e.Programme, e.EstablishedAt) with { ProposalId = e.ProposalId };

    public static RegimeDetails Apply(RegimeAmended e, RegimeDetails current) =>
        RegimeDetails.From(current.Id, current.Status, e.ProgrammeVersion, e.Programme, current.EstablishedAt) with
        {
            AmendedAt = e.AmendedAt, StatusReason = current.StatusReason, StatusChangedAt = current.StatusChangedAt,
            ProposalId = current.ProposalId,
        };

    public static RegimeDetails Apply(RegimeSuspended e, RegimeDetails current) =>
        current with { Status = RegimeStatus.Suspended, StatusReason = e.Reason, StatusChangedAt = e.SuspendedAt };

    public static RegimeDetails Apply(RegimeResumed e, RegimeDetails current) =>
        current with { Status = RegimeStatus.Active, StatusReason = null, StatusChangedAt = e.ResumedAt };

    public static RegimeDetails Apply(RegimeTerminated e, RegimeDetails current) =>
        current with { Status = RegimeStatus.Terminated, StatusReason = e.Reason, StatusChangedAt = e.TerminatedAt };

    public static RegimeDetails Apply(RegimeExpired e, RegimeDetails current) =>
        current with { Status = RegimeStatus.Expired, StatusReason = null, StatusChangedAt = e.ExpiredAt };
}

/// <summary>One programme version as it was adopted; earlier versions stay readable for what happened under them.</summary>
public sealed record ProgrammeVersion(int Version, Programme Programme, string? Reason, DateTimeOffset AdoptedAt);

public sealed record RegimeListQuery(string? Status, string? Direction, int? Page, int? PageSize) : IPagedQuery;

public sealed class RegimeListQueryValidator : AbstractValidator<RegimeListQuery>
{
    public RegimeListQueryValidator()
    {
        this.PagingRules();
        RuleFor(q => q.Status).EnumValue<RegimeListQuery, RegimeStatus>();
        RuleFor(q => q.Direction).EnumValue<RegimeListQuery, Direction>();
    }
}

public static class GetRegimeDetails
{
    public static async Task<Ok<ListPage<RegimeDetails>>> List([AsParameters] RegimeListQuery query, IQuerySession session,
        CancellationToken ct)
    {
        var regimes = session.Query<RegimeDetails>().AsQueryable();
        if (QueryEnums.Parse<RegimeStatus>(query.Status) is { } status) regimes = regimes.Where(r => r.Status == status);
        if (QueryEnums.Parse<Direction>(query.Direction) is { } direction) regimes = regimes.Where(r => r.Direction == direction);
        return TypedResults.Ok(await regimes.OrderBy(r => r.Title).ThenBy(r => r.Id).ToPageAsync(query, ct));
    }

    public static async Task<Ok<RegimeDetails>> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var regime = await session.LoadAsync<RegimeDetails>(id, ct) ?? throw new ResourceNotFound("No such regime.");
        http.Response.SetStreamVersion(regime.Version);
        return TypedResults.Ok(regime);
    }

    /// <summary>Every programme version of the regime, oldest first: few (one per amendment), so answered whole.</summary>
    public static async Task<Ok<IReadOnlyList<ProgrammeVersion>>> Programmes(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(await ProgrammeVersions(session, id, ct));

    public static async Task<Ok<ProgrammeVersion>> Programme(Guid id, int version, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok((await ProgrammeVersions(session, id, ct)).FirstOrDefault(p => p.Version == version)
            ?? throw new ResourceNotFound("No such programme version."));

    private static async Task<IReadOnlyList<ProgrammeVersion>> ProgrammeVersions(IQuerySession session, Guid id, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        var versions = events.Select(e => e.Data switch
            {
                RegimeEstablished x => new ProgrammeVersion(1, x.Programme, null, x.EstablishedAt),
                RegimeAmended x => new ProgrammeVersion(x.ProgrammeVersion, x.Programme, x.Reason, x.AmendedAt),
                _ => null,
            })
            .OfType<ProgrammeVersion>()
            .ToList();
        return versions.Count > 0 ? versions : throw new ResourceNotFound("No such regime.");
    }

    public static async Task<Ok<ListPage<HistoryEntry>>> History(Guid id, int? page, int? pageSize, IQuerySession session,
        CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        var history = await StreamHistory.ReadAsync(session, id, ct);
        return history.Count > 0 && history[0].Data is RegimeEstablished
            ? TypedResults.Ok(history.ToPage(paging))
            : throw new ResourceNotFound("No such regime.");
    }
}
