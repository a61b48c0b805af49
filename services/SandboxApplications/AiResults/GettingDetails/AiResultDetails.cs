using FluentValidation;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace SandboxRegistry.SandboxApplications.AiResults.GettingDetails;

/// <summary>An entry of the register of results created with AI, as its company, regulators and auditors see it.</summary>
public sealed record AiResultDetails(
    Guid Id,
    Guid ParticipationId,
    Guid RegimeId,
    string CompanyOgrn,
    string CompanyName,
    AiResultStatus Status,
    AiResultContent Content,
    string? WithdrawalReason,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? ChangedAt) : ICompanyOwned
{
    public long Version { get; init; }
}

public sealed partial class AiResultDetailsProjection : SingleStreamProjection<AiResultDetails, Guid>
{
    public static AiResultDetails Create(AiResultRegistered e) => new(e.EntryId, e.ParticipationId, e.RegimeId, e.CompanyOgrn, e.CompanyName,
        AiResultStatus.Valid, e.Content, null, e.RegisteredAt, null);

    public static AiResultDetails Apply(AiResultCorrected e, AiResultDetails current) => current with { Content = e.Content, ChangedAt = e.CorrectedAt };

    public static AiResultDetails Apply(AiResultWithdrawn e, AiResultDetails current) => current with
    {
        Status = AiResultStatus.Withdrawn, WithdrawalReason = e.Reason, ChangedAt = e.WithdrawnAt,
    };
}

/// <summary>
/// An entry as the public sees it: what the participant marked confidential is left out (null, and named in
/// <see cref="ConfidentialFields"/>), and a rights holder who is a person (no OGRN) is never shown.
/// </summary>
public sealed record PublicAiResult(
    Guid Id,
    Guid ParticipationId,
    Guid RegimeId,
    string CompanyName,
    AiResultStatus Status,
    ResultKind Kind,
    string? Title,
    string? Description,
    AiSystemUsed? AiSystem,
    DateOnly CreatedOn,
    PublicRightsHolder? RightsHolder,
    DateOnly ValidFrom,
    DateOnly? ValidTo,
    IReadOnlyList<ConfidentialField> ConfidentialFields)
{
    public static PublicAiResult Of(AiResultDetails d)
    {
        var c = d.Content;
        bool Open(ConfidentialField f) => !c.Confidential.Contains(f);
        return new PublicAiResult(d.Id, d.ParticipationId, d.RegimeId, d.CompanyName, d.Status, c.Kind,
            Open(ConfidentialField.Title) ? c.Title : null, Open(ConfidentialField.Description) ? c.Description : null,
            Open(ConfidentialField.AiSystem) ? c.AiSystem : null, c.CreatedOn,
            Open(ConfidentialField.RightsHolder) && c.RightsHolder.Ogrn is { } ogrn
                ? new PublicRightsHolder(c.RightsHolder.Name, ogrn, c.RightsHolder.Basis) : null,
            c.ValidFrom, c.ValidTo, c.Confidential);
    }
}

public sealed record PublicRightsHolder(string Name, string Ogrn, RightsBasis Basis);

public sealed record AiResultListQuery(Guid? RegimeId, Guid? ParticipationId, string? Status, DateOnly? ValidOn, int? Page, int? PageSize)
    : IPagedQuery;

public sealed class AiResultListQueryValidator : AbstractValidator<AiResultListQuery>
{
    public AiResultListQueryValidator()
    {
        this.PagingRules();
        RuleFor(q => q.Status).EnumValue<AiResultListQuery, AiResultStatus>();
    }
}

public static class GetAiResultDetails
{
    public static async Task<IResult> Get(Guid id, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        var entry = (await session.LoadAsync<AiResultDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User));
        http.Response.SetStreamVersion(entry.Version);
        return TypedResults.Ok(entry);
    }

    public static async Task<Ok<ListPage<HistoryEntry>>> History(Guid id, int? page, int? pageSize, IQuerySession session, HttpContext http,
        CancellationToken ct)
    {
        (await session.LoadAsync<AiResultDetails>(id, ct)).VisibleOrNotFound(Actor.From(http.User));
        return TypedResults.Ok((await StreamHistory.ReadAsync(session, id, ct)).ToPage(Paging.From(page, pageSize)));
    }

    /// <summary>Regulators and auditors list every entry (by regime, participation, status, validity); a company its own.</summary>
    public static async Task<Ok<ListPage<AiResultDetails>>> List([AsParameters] AiResultListQuery query, IQuerySession session, HttpContext http,
        CancellationToken ct) =>
        TypedResults.Ok(await Filter(session, query).VisibleTo(Actor.From(http.User), OwnerKind.Company, e => e.CompanyOgrn)
            .OrderBy(e => e.RegisteredAt).ThenBy(e => e.Id).ToPageAsync(query, ct));

    /// <summary>The public register of results created with AI: anonymous, without what the participant marked confidential.</summary>
    public static async Task<Ok<ListPage<PublicAiResult>>> Register([AsParameters] AiResultListQuery query, IQuerySession session,
        CancellationToken ct) =>
        TypedResults.Ok((await Filter(session, query).OrderBy(e => e.RegisteredAt).ThenBy(e => e.Id).ToPageAsync(query, ct)).Select(PublicAiResult.Of));

    public static async Task<Ok<PublicAiResult>> PublicEntry(Guid id, IQuerySession session, CancellationToken ct) =>
        TypedResults.Ok(PublicAiResult.Of(await session.LoadAsync<AiResultDetails>(id, ct) ?? throw new ResourceNotFound()));

    private static IQueryable<AiResultDetails> Filter(IQuerySession session, AiResultListQuery query)
    {
        var list = session.Query<AiResultDetails>().AsQueryable();
        if (query.RegimeId is { } regimeId) list = list.Where(e => e.RegimeId == regimeId);
        if (query.ParticipationId is { } participationId) list = list.Where(e => e.ParticipationId == participationId);
        if (QueryEnums.Parse<AiResultStatus>(query.Status) is { } status) list = list.Where(e => e.Status == status);
        if (query.ValidOn is { } day)
            list = list.Where(e => e.Content.ValidFrom <= day && (e.Content.ValidTo == null || e.Content.ValidTo >= day));
        return list;
    }
}
