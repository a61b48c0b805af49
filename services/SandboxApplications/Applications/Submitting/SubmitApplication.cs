using System.Security.Claims;
using FluentValidation;
using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Applications.GettingDetails;
using SandboxRegistry.SandboxApplications.Participations;
using SandboxRegistry.SandboxApplications.Participations.GettingDetails;
using SandboxRegistry.SandboxApplications.Regimes;
using SandboxRegistry.EventSourcing.PersonalData;

namespace SandboxRegistry.SandboxApplications.Applications.Submitting;

public sealed record SubmitApplicationRequest(
    Guid RegimeId,
    Company Company,
    Contact Contact,
    [property: FreeText] string PlannedAiUse,
    Term RequestedTerm,
    IReadOnlyList<string> Territory,
    InsurancePolicy Insurance,
    IReadOnlyList<ResponsiblePersonDetails> ResponsiblePersons);

public sealed class CompanyValidator : AbstractValidator<Company>
{
    public CompanyValidator()
    {
        RuleFor(c => c.LegalName).Text(500);
        RuleFor(c => c.Ogrn).Ogrn();
        RuleFor(c => c.Inn).Inn();
        RuleFor(c => c.Address).Text(1000);
    }
}

public sealed class SubmitApplicationValidator : AbstractValidator<SubmitApplicationRequest>
{
    public SubmitApplicationValidator()
    {
        RuleFor(r => r.RegimeId).NotEmpty();
        RuleFor(r => r.Company).NotNull().SetValidator(new CompanyValidator());
        RuleFor(r => r.Contact).NotNull().SetValidator(new ContactValidator());
        RuleFor(r => r.PlannedAiUse).Text(10_000);
        RuleFor(r => r.RequestedTerm).NotNull().SetValidator(new TermValidator());
        RuleFor(r => r.Territory).NotEmpty();
        RuleForEach(r => r.Territory).RegionCode();
        RuleFor(r => r.Insurance).NotNull().SetValidator(new InsurancePolicyValidator());
        RuleFor(r => r.ResponsiblePersons).NotEmpty();
        RuleForEach(r => r.ResponsiblePersons).NotNull().SetValidator(new ResponsiblePersonDetailsValidator());
    }
}

public static class SubmitApplication
{
    /// <param name="seal">Encrypts each responsible person's contacts under a key of their own.</param>
    public static ApplicationSubmitted Decide(Guid applicationId, Regime regime, SubmitApplicationRequest request, SealContact seal,
        JurisdictionProfile profile, Actor by, DateTimeOffset now)
    {
        if (regime.Status != RegimeStatus.Active)
            throw new DomainRuleViolation("regime-not-active", "The regime does not accept applications now.");
        ApplicationRules.EnsureInsideRegime(regime.Programme, request.RequestedTerm, request.Territory);

        var form = new ApplicationForm(request.Company with { LegalName = request.Company.LegalName.Trim() }, request.Contact,
            request.PlannedAiUse.Trim(), request.RequestedTerm, request.Territory.Distinct().ToList(), request.Insurance,
            request.ResponsiblePersons.Select(p => p.Sealed(seal)).ToList());
        // 258-FZ art. 11: the period runs from the day after submission, in working days of the jurisdiction's calendar.
        var dueOn = profile.WorkingDays().AddWorkingDays(profile.DateOf(now), profile.ReviewWorkingDays);
        return new ApplicationSubmitted(applicationId, regime.Id, regime.ProgrammeVersion, form, dueOn, by, now);
    }

    public static async Task<IResult> Handle(SubmitApplicationRequest request, IDocumentSession session, TimeProvider clock,
        IOptions<JurisdictionProfile> profile, PersonalDataVault vault, HttpContext http, CancellationToken ct)
    {
        var by = Actor.From(http.User);
        // The company applies for itself only: the OGRN in the body must be the one the token was issued to.
        if (!string.Equals(by.Org, request.Company.Ogrn, StringComparison.Ordinal))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your company.",
                detail: "company.ogrn must be the OGRN of the company your token was issued to.",
                extensions: new Dictionary<string, object?> { ["code"] = "company-not-yours" });

        var regime = await session.Events.AggregateStreamAsync<Regime>(request.RegimeId, token: ct);
        if (regime is null) throw new ResourceNotFound("No such regime.");
        var ogrn = request.Company.Ogrn;
        var open = await session.Query<ApplicationDetails>().AnyAsync(a => a.CompanyOgrn == ogrn && a.RegimeId == request.RegimeId &&
            a.Status.IsOneOf(ApplicationStatus.Submitted, ApplicationStatus.UnderReview, ApplicationStatus.InformationRequested), ct);
        if (open)
            throw new DomainRuleViolation("application-already-open", "The company already has an undecided application to this regime.");
        var participating = await session.Query<ParticipationDetails>().AnyAsync(p => p.CompanyOgrn == ogrn &&
            p.RegimeId == request.RegimeId && p.Status.IsOneOf(ParticipationStatus.Active, ParticipationStatus.Suspended), ct);
        if (participating)
            throw new DomainRuleViolation("already-participating", "The company already participates in this regime.");

        var id = Guid.CreateVersion7();
        session.Events.StartStream<Application>(id, Decide(id, regime, request, vault.Sealer(session), profile.Value, by, clock.GetUtcNow()));
        await session.CommitAsync(ct);
        return Commands.Started(http.Response, $"/api/v1/applications/{id}", id);
    }
}

public static class ApplicationRules
{
    public static void EnsureInsideRegime(Programme programme, Term term, IReadOnlyList<string> territory)
    {
        if (!term.Within(new Term(programme.StartsOn, programme.EndsOn)))
            throw new DomainRuleViolation("term-outside-regime",
                $"The term must lie within the regime's term, {programme.StartsOn:yyyy-MM-dd} to {programme.EndsOn:yyyy-MM-dd}.");
        var outside = territory.Except(programme.Territory).ToList();
        if (outside.Count > 0)
            throw new DomainRuleViolation("territory-outside-regime",
                $"The regime does not cover these regions: {string.Join(", ", outside)}.");
    }
}
