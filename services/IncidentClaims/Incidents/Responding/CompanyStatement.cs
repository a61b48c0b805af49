using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SandboxRegistry.IncidentClaims.Incidents.Responding;

/// <summary>
/// The company's public response to an incident that concerns it: published as it stands, shown in the dossier and in the
/// public incident register. A later statement does not replace an earlier one; both stay on record, in order.
/// </summary>
public sealed record CompanyStatementPublished(Guid IncidentId, Guid StatementId, string CompanyOgrn, string CompanyName, string Text,
    Actor PublishedBy, DateTimeOffset PublishedAt);

public sealed record PublishStatementRequest([property: FreeText(StatementRules.MaxLength)] string Text);

public static class StatementRules
{
    public const int MaxLength = 4000;
}

public sealed class PublishStatementValidator : AbstractValidator<PublishStatementRequest>
{
    public PublishStatementValidator() => RuleFor(r => r.Text).NotEmpty().MaximumLength(StatementRules.MaxLength);
}

public sealed record StatementPublished(Guid Id, long Version, Guid StatementId);

public static class CompanyStatements
{
    /// <summary>The companies an incident concerns once triage linked it: the participant, and the AI system's owner.</summary>
    public static IReadOnlyList<(string Ogrn, string Name)> Concerned(Incident incident) => incident.Resolution is not { } r ? []
        : new[]
        {
            r.Participation is { } p ? (p.CompanyOgrn, p.CompanyName) : default,
            r.AiSystem is { } s ? (s.OwnerOgrn, r.Participation?.CompanyOgrn == s.OwnerOgrn ? r.Participation.CompanyName : s.DeveloperName) : default,
        }.Where(c => c.Item1 is not null).DistinctBy(c => c.Item1).Select(c => (c.Item1!, c.Item2!)).ToList();

    public static CompanyStatementPublished Decide(Incident incident, PublishStatementRequest request, Actor by, Guid statementId, DateTimeOffset now)
    {
        // An incident that does not concern the caller's company is "not found", as for any resource not the caller's.
        var company = Concerned(incident).FirstOrDefault(c => c.Ogrn == by.Org);
        if (company.Ogrn is null) throw new ResourceNotFound("No such incident.");
        return new CompanyStatementPublished(incident.Id, statementId, company.Ogrn, company.Name, request.Text.Trim(), by, now);
    }

    /// <summary>
    /// The shared fetch, If-Match and append order of <see cref="Commands"/>, with the company rule in place of ownership:
    /// an incident belongs to the integration that filed it, and the company sees it only through triage's link.
    /// </summary>
    public static async Task<Ok<StatementPublished>> Publish(Guid id, PublishStatementRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var expected = http.Request.ExpectedVersion();
        var stream = await session.Events.FetchForWriting<Incident>(id, ct);
        if (stream.Aggregate is not { } incident) throw new ResourceNotFound("No such incident.");
        var statement = Decide(incident, request, Actor.From(http.User), Guid.CreateVersion7(), clock.GetUtcNow());
        if (expected is { } version && version != stream.CurrentVersion)
            throw new JasperFx.ConcurrencyException($"Expected version {version} of stream {id}, found {stream.CurrentVersion}.", null);
        var next = (stream.CurrentVersion ?? 0) + 1;
        stream.AppendOne(statement);
        await session.CommitAsync(ct);
        http.Response.SetStreamVersion(next);
        return TypedResults.Ok(new StatementPublished(id, next, statement.StatementId));
    }
}
