using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.SandboxApplications.Applications.ProvidingInformation;

public sealed record ProvideInformationRequest([property: FreeText] string Answer, ApplicationCorrections? Corrections);

public sealed class ProvideInformationValidator : AbstractValidator<ProvideInformationRequest>
{
    public ProvideInformationValidator()
    {
        RuleFor(r => r.Answer).Text(10_000);
        RuleFor(r => r.Corrections!).ChildRules(c =>
        {
            c.RuleFor(x => x.Address!).Text(1000).When(x => x.Address is not null);
            c.RuleFor(x => x.Contact!).SetValidator(new ContactValidator()).When(x => x.Contact is not null);
            c.RuleFor(x => x.PlannedAiUse!).Text(10_000).When(x => x.PlannedAiUse is not null);
            c.RuleFor(x => x.RequestedTerm!).SetValidator(new TermValidator()).When(x => x.RequestedTerm is not null);
            c.RuleFor(x => x.Territory!).NotEmpty().When(x => x.Territory is not null);
            c.RuleForEach(x => x.Territory!).RegionCode().When(x => x.Territory is not null);
            c.RuleFor(x => x.Insurance!).SetValidator(new InsurancePolicyValidator()).When(x => x.Insurance is not null);
            c.RuleFor(x => x.ResponsiblePersons!).NotEmpty().When(x => x.ResponsiblePersons is not null);
            c.RuleForEach(x => x.ResponsiblePersons!).SetValidator(new ResponsiblePersonDetailsValidator()).When(x => x.ResponsiblePersons is not null);
        }).When(r => r.Corrections is not null);
    }
}

public static class ProvideInformation
{
    /// <summary>
    /// The answer restarts the clock: the working days that were left when the request was made run again from
    /// the day of the answer.
    /// </summary>
    public static InformationProvided Decide(Application application, Regime regime, ProvideInformationRequest request, SealContact seal,
        JurisdictionProfile profile, Actor by, DateTimeOffset now)
    {
        application.EnsureOpen();
        if (application.Status != ApplicationStatus.InformationRequested || application.ClockPausedOn is not { } pausedOn)
            throw new DomainRuleViolation("no-information-requested", "No request for information is waiting for an answer.");

        var corrections = (request.Corrections ?? new ApplicationCorrections()).Sealed(seal);
        var form = corrections.ApplyTo(application.Form);
        Submitting.ApplicationRules.EnsureInsideRegime(regime.Programme, form.RequestedTerm, form.Territory);

        var calendar = profile.WorkingDays();
        var left = calendar.WorkingDaysBetween(pausedOn, application.DueOn);
        var dueOn = calendar.AddWorkingDays(profile.DateOf(now), left);
        return new InformationProvided(application.Id, request.Answer.Trim(), corrections, form, dueOn, by, now);
    }

    public static Task<Ok<Changed>> Handle(Guid id, ProvideInformationRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, PersonalDataVault vault, HttpContext http, CancellationToken ct) =>
        session.Decide<Application>(id, http, async application =>
        {
            var regime = await session.Events.AggregateStreamAsync<Regime>(application.RegimeId, token: ct)
                ?? throw new ResourceNotFound("No such regime.");
            return (object)Decide(application, regime, request, vault.Sealer(session), profile.Value, Actor.From(http.User), clock.GetUtcNow());
        }, ct);
}
