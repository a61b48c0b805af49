namespace SandboxRegistry.SandboxApplications;

/// <summary>
/// Numbers set by law, kept as configuration so that an amendment (or another jurisdiction) is a settings change.
/// Defaults follow 258-FZ as amended by 169-FZ.
/// </summary>
public sealed class JurisdictionProfile
{
    public const string Section = "Jurisdiction";

    public string Name { get; set; } = "RU-258-FZ";

    /// <summary>258-FZ art. 10: a regime lasts at most three years (a pending bill raises it to 60 months).</summary>
    public int MaxRegimeTermMonths { get; set; } = 36;
}
