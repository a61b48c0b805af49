using FluentValidation;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications;

/// <summary>Validators of the value shapes several requests share.</summary>
public sealed class MoneyValidator : AbstractValidator<Money>
{
    public MoneyValidator()
    {
        RuleFor(m => m.Amount).GreaterThan(0);
        RuleFor(m => m.Currency).Currency();
    }
}

public sealed class ContactValidator : AbstractValidator<Applications.Contact>
{
    public ContactValidator()
    {
        RuleFor(c => c.Email).EmailAddress().MaximumLength(200).When(c => !string.IsNullOrEmpty(c.Email));
        RuleFor(c => c.Phone).Matches(@"^\+?[0-9 ()\-]{5,20}$").When(c => c.Phone is not null)
            .WithMessage("'{PropertyName}' must be a phone number, e.g. +7 495 123-45-67.");
        RuleFor(c => c.Email).NotEmpty().When(c => string.IsNullOrWhiteSpace(c.Phone))
            .WithMessage("Give an e-mail address or a phone number.");
    }
}

public static class RequestRules
{
    public static IRuleBuilderOptions<T, string> Text<T>(this IRuleBuilder<T, string> rule, int max = 2000) =>
        rule.NotEmpty().MaximumLength(max);

    public static void Risks<T>(this IRuleBuilder<T, IReadOnlyList<InsuredRisk>> rule) =>
        rule.NotEmpty().ForEach(r => r.IsInEnum());
}

public sealed class TermValidator : AbstractValidator<Applications.Term>
{
    public TermValidator()
    {
        RuleFor(t => t.StartsOn).NotEmpty();
        RuleFor(t => t.EndsOn).NotEmpty().GreaterThan(t => t.StartsOn).WithMessage("'Ends On' must be after 'Starts On'.");
    }
}

public sealed class ResponsiblePersonDetailsValidator : AbstractValidator<Applications.ResponsiblePersonDetails>
{
    public ResponsiblePersonDetailsValidator()
    {
        RuleFor(p => p.FullName).Text(300);
        RuleFor(p => p.Position).Text(300);
        RuleFor(p => p.AreaOfResponsibility).Text(1000);
        RuleFor(p => p.Contact).NotNull().SetValidator(new ContactValidator());
    }
}
