using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.IncidentClaims.Incidents.ErasingReporterData;

/// <param name="LegalGround">The recorded ground, e.g. "152-FZ art. 21 p. 5: withdrawal of consent".</param>
public sealed record EraseReporterDataRequest([property: FreeText] string LegalGround);

public sealed class EraseReporterDataValidator : AbstractValidator<EraseReporterDataRequest>
{
    public EraseReporterDataValidator() => RuleFor(r => r.LegalGround).NotEmpty().MaximumLength(1_000);
}

/// <summary>The erasure as recorded; a repeated request answers with the first one.</summary>
public sealed record ReporterDataErasure(Guid IncidentId, string LegalGround, string ErasedBy, DateTimeOffset ErasedAt, long Version);

/// <summary>
/// Erasure of the reporter's personal data (152-FZ art. 21): the reporter's key is destroyed, so the ciphertext in the
/// stream and everywhere it was copied becomes unreadable; the stream records who erased on which ground, and its
/// events, and so the hash chain, stay as they were.
/// </summary>
public static class EraseReporterData
{
    public static ReporterDataErased? Decide(IReadOnlyList<object> history, EraseReporterDataRequest request, Actor by, DateTimeOffset now) =>
        history switch
        {
            [HarmIncidentReported reported, ..] when !history.OfType<ReporterDataErased>().Any() =>
                new ReporterDataErased(reported.IncidentId, reported.Reporter.KeyId, request.LegalGround.Trim(), by, now),
            [HarmIncidentReported, ..] => null, // already erased: nothing more to do
            _ => throw new ResourceNotFound("No such incident."),
        };

    public static async Task<Ok<ReporterDataErasure>> Handle(Guid id, EraseReporterDataRequest request, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        var actor = Actor.From(http.User);
        if (Decide(events.Select(e => e.Data).ToList(), request, actor, clock.GetUtcNow()) is { } erased)
        {
            await vault.EraseAsync(session, erased.KeyId, erased.LegalGround, actor, ct);
            session.Events.Append(id, events[^1].Version + 1, erased);
            await session.CommitAsync(ct);
            http.Response.SetStreamVersion(events[^1].Version + 1);
            return TypedResults.Ok(new ReporterDataErasure(id, erased.LegalGround, actor.Subject, erased.ErasedAt, events[^1].Version + 1));
        }
        var first = events.Select(e => e.Data).OfType<ReporterDataErased>().First();
        http.Response.SetStreamVersion(events[^1].Version);
        return TypedResults.Ok(new ReporterDataErasure(id, first.LegalGround, first.ErasedBy.Subject, first.ErasedAt, events[^1].Version));
    }
}
