namespace SandboxRegistry.SandboxApplications.Regimes.Expiring;

public static class ExpireRegime
{
    /// <summary>A regime ends with its programme's term; nothing is recorded before the term is over or once it ended.</summary>
    public static IReadOnlyList<object> Decide(Regime regime, DateOnly today, DateTimeOffset now) =>
        !regime.IsClosed && today > regime.Programme.EndsOn
            ? [new RegimeExpired(regime.Id, regime.Programme.EndsOn, now)]
            : [];
}
