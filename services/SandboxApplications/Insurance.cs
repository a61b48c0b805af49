using FluentValidation;
using SandboxRegistry.Contracts;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications;

/// <summary>A civil liability insurance policy (169-FZ: mandatory for subjects of a regime, including harm caused by AI).</summary>
public sealed record InsurancePolicy(
    string InsurerName,
    string InsurerInn,
    string PolicyNumber,
    Money SumInsured,
    IReadOnlyList<InsuredRisk> CoveredRisks,
    bool CoversAiHarm,
    DateOnly ValidFrom,
    DateOnly ValidTo)
{
    public bool Covers(DateOnly day) => ValidFrom <= day && day <= ValidTo;
}

public sealed class InsurancePolicyValidator : AbstractValidator<InsurancePolicy>
{
    public InsurancePolicyValidator()
    {
        RuleFor(p => p.InsurerName).Text(300);
        RuleFor(p => p.InsurerInn).Inn();
        RuleFor(p => p.PolicyNumber).Text(100);
        RuleFor(p => p.SumInsured).NotNull().SetValidator(new MoneyValidator());
        RuleFor(p => p.CoveredRisks).Risks();
        RuleFor(p => p.ValidFrom).NotEmpty();
        RuleFor(p => p.ValidTo).NotEmpty().GreaterThan(p => p.ValidFrom).WithMessage("'Valid To' must be after 'Valid From'.");
    }
}

public static class InsuranceRules
{
    /// <summary>Whether the policy's terms (not its dates) meet the programme's requirements.</summary>
    public static bool Meets(InsurancePolicy policy, InsuranceRequirements required) => Shortfall(policy, required, null) is null;

    /// <summary>
    /// The policy must meet the programme's insurance requirements (169-FZ amending 258-FZ art. 9) and, when
    /// <paramref name="mustCover"/> is given, be in force on every day of that period.
    /// </summary>
    public static void Check(InsurancePolicy policy, InsuranceRequirements required, (DateOnly From, DateOnly To)? mustCover)
    {
        if (Shortfall(policy, required, mustCover) is { } refused) throw refused;
    }

    /// <summary>The first way the policy falls short, as the refusal a command answers with; null when it meets everything.</summary>
    public static DomainRuleViolation? Shortfall(InsurancePolicy policy, InsuranceRequirements required, (DateOnly From, DateOnly To)? mustCover)
    {
        if (!string.Equals(policy.SumInsured.Currency, required.MinimumSumInsured.Currency, StringComparison.Ordinal))
            return new DomainRuleViolation("insurance-currency-mismatch",
                $"The sum insured must be in {required.MinimumSumInsured.Currency}, the currency of the programme's minimum.");
        if (policy.SumInsured.Amount < required.MinimumSumInsured.Amount)
            return new DomainRuleViolation("insurance-below-minimum",
                $"The sum insured is below the programme's minimum of {required.MinimumSumInsured.Amount} {required.MinimumSumInsured.Currency}.");
        var missing = required.RequiredRisks.Except(policy.CoveredRisks).ToList();
        if (missing.Count > 0)
            return new DomainRuleViolation("insurance-risks-missing",
                $"The policy does not cover the required risks: {string.Join(", ", missing.Select(r => r.ToString().ToLowerInvariant()))}.");
        if (required.AiHarmCoverRequired && !policy.CoversAiHarm)
            return new DomainRuleViolation("insurance-ai-harm-not-covered", "The programme requires cover of harm caused by AI solutions.");
        if (mustCover is var (from, to) && (policy.ValidFrom > from || policy.ValidTo < to))
            return new DomainRuleViolation("insurance-term-not-covered",
                $"The policy must be in force from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}.");
        return null;
    }
}
