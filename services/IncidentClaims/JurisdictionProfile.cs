namespace SandboxRegistry.IncidentClaims;

/// <summary>
/// Statutory clocks of a jurisdiction, kept as configuration (section "Jurisdiction"). Report deadlines default to the
/// EU AI Act profile (art. 73); the commission's timing follows 258-FZ as amended by 169-FZ.
/// </summary>
public sealed class JurisdictionProfile
{
    public const string Section = "Jurisdiction";

    public string Name { get; set; } = "EU-AI-Act";

    /// <summary>Art. 73(3): widespread infringement or serious disruption of critical infrastructure.</summary>
    public int ReportDaysWidespreadOrCriticalInfrastructure { get; set; } = 2;

    /// <summary>Art. 73(4): death of a person.</summary>
    public int ReportDaysDeath { get; set; } = 10;

    /// <summary>Art. 73(2): any other serious incident.</summary>
    public int ReportDaysOther { get; set; } = 15;

    /// <summary>Calendar days from linking the incident to an AI system until the harm commission must be convened.</summary>
    public int CommissionConveneDays { get; set; } = 30;

    /// <summary>258-FZ as amended by 169-FZ: the chair signs the conclusion within 3 working days of the meeting.</summary>
    public int ConclusionSigningWorkingDays { get; set; } = 3;
}
