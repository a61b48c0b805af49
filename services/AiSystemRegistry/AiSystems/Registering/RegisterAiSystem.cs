using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;

namespace SandboxRegistry.AiSystemRegistry.AiSystems.Registering;

public sealed record DeveloperRequest(string Name, string? Ogrn, string? Inn, string? ForeignRegistrationId);

public sealed record RegisterAiSystemRequest(
    string Name,
    [property: FreeText] string Description,
    [property: FreeText] string IntendedPurpose,
    Direction Direction,
    DeveloperRequest Developer,
    string OperatorName,
    AutonomyLevel AutonomyLevel,
    RiskClass RiskClass,
    Technique Technique);

public sealed class RegisterAiSystemValidator : AbstractValidator<RegisterAiSystemRequest>
{
    public RegisterAiSystemValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(300);
        RuleFor(r => r.Description).NotEmpty().MaximumLength(4000);
        RuleFor(r => r.IntendedPurpose).NotEmpty().MaximumLength(4000);
        RuleFor(r => r.Direction).IsInEnum();
        RuleFor(r => r.OperatorName).NotEmpty().MaximumLength(300);
        RuleFor(r => r.AutonomyLevel).IsInEnum();
        RuleFor(r => r.RiskClass).IsInEnum();
        RuleFor(r => r.Technique).IsInEnum();
        RuleFor(r => r.Developer).NotNull();
        When(r => r.Developer is not null, () =>
        {
            RuleFor(r => r.Developer.Name).NotEmpty().MaximumLength(300);
            RuleFor(r => r.Developer.Ogrn!).Ogrn().When(r => r.Developer.Ogrn is not null);
            RuleFor(r => r.Developer.Inn!).Inn().When(r => r.Developer.Inn is not null);
            RuleFor(r => r.Developer.ForeignRegistrationId).MaximumLength(100);
            RuleFor(r => r.Developer)
                .Must(d => d.Ogrn is not null || d.Inn is not null || !string.IsNullOrWhiteSpace(d.ForeignRegistrationId))
                .WithMessage("The developer needs an OGRN, an INN or a foreign registration id.");
        });
    }
}

public static class RegisterAiSystem
{
    /// <summary>The owner is the applicant's company, from its token; nobody registers a system for another company.</summary>
    public static AiSystemRegistered Decide(Guid id, RegisterAiSystemRequest r, Actor by, DateTimeOffset now) =>
        new(id, by.Org ?? throw new InvalidOperationException("An applicant token carries its company's OGRN."),
            new AiSystemDescription(r.Name.Trim(), r.Description.Trim(), r.IntendedPurpose.Trim(), r.Direction,
                new Developer(r.Developer.Name.Trim(), r.Developer.Ogrn, r.Developer.Inn, r.Developer.ForeignRegistrationId?.Trim()),
                r.OperatorName.Trim(), r.AutonomyLevel, r.RiskClass, r.Technique),
            by, now);

    public static async Task<Created<Changed>> Handle(RegisterAiSystemRequest request, IDocumentSession session, TimeProvider clock,
        HttpContext http, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        session.Events.StartStream<AiSystem>(id, Decide(id, request, Actor.From(http.User), clock.GetUtcNow()));
        await session.CommitAsync(ct);
        return Commands.Started(http.Response, $"/api/v1/ai-systems/{id}", id);
    }
}
