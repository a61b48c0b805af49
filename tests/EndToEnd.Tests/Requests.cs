namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>Request bodies the end-to-end scenarios share.</summary>
public static class Requests
{
    public static object Regime(string title, string[]? territory = null, string startsOn = "2026-02-01", string endsOn = "2028-01-31") => new
    {
        title,
        direction = "medicine",
        legalBasis = new { actNumber = "Government Decree No. 1234", actDate = "2025-12-01" },
        territory = territory ?? ["77", "78"],
        startsOn,
        endsOn,
        insurance = new
        {
            minimumSumInsured = new { amount = 25_000_000m, currency = "RUB" },
            requiredRisks = new[] { "life", "health" },
            aiHarmCoverRequired = true,
        },
    };
}
