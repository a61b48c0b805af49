namespace SandboxRegistry.Regulation;

/// <summary>
/// Numbers set by law, kept as configuration (section "Jurisdiction") so that an amendment or another jurisdiction is a
/// settings change. One type for every service; the defaults are the Russian profile: 258-FZ as amended by 169-FZ, and,
/// where Russian law sets no incident-reporting periods, those of the EU AI Act art. 73.
/// </summary>
public sealed class JurisdictionProfile
{
    public const string Section = "Jurisdiction";

    public string Name { get; set; } = "RU-258-FZ";

    /// <summary>258-FZ art. 10: a regime lasts at most three years (a pending bill raises it to 60 months).</summary>
    public int MaxRegimeTermMonths { get; set; } = 36;

    /// <summary>258-FZ art. 11: the authorized body answers an application to join within 20 working days.</summary>
    public int ReviewWorkingDays { get; set; } = 20;

    /// <summary>Production calendar (Regulation/Calendars/&lt;name&gt;.json) that says which days are working days.</summary>
    public string Calendar { get; set; } = "ru";

    /// <summary>Dates (deadlines, terms, "today") are dates in this time zone.</summary>
    public string TimeZone { get; set; } = "Europe/Moscow";

    /// <summary>AI Act art. 73(3): widespread infringement or serious disruption of critical infrastructure.</summary>
    public int ReportDaysWidespreadOrCriticalInfrastructure { get; set; } = 2;

    /// <summary>AI Act art. 73(4): death of a person.</summary>
    public int ReportDaysDeath { get; set; } = 10;

    /// <summary>AI Act art. 73(2): any other serious incident.</summary>
    public int ReportDaysOther { get; set; } = 15;

    /// <summary>Calendar days from linking the incident to an AI system until the harm commission must be convened.</summary>
    public int CommissionConveneDays { get; set; } = 30;

    /// <summary>258-FZ as amended by 169-FZ: the chair signs the conclusion within 3 working days of the meeting.</summary>
    public int ConclusionSigningWorkingDays { get; set; } = 3;

    /// <summary>Calendar days the participant has to answer the regulator's request for more on a staged report.</summary>
    public int ProviderFollowUpDays { get; set; } = 10;

    /// <summary>Calendar days from linking the incident to its system until the participant's final report (root cause, corrective actions).</summary>
    public int ProviderFinalReportDays { get; set; } = 60;

    public ProductionCalendar WorkingDays() =>
        Calendar == "ru" ? ProductionCalendar.Russia : ProductionCalendar.Load(Calendar);

    /// <summary>Checked at start-up, so that a typo in the settings stops the service instead of failing requests.</summary>
    public bool IsUsable()
    {
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
            _ = WorkingDays();
            return MaxRegimeTermMonths > 0 && ReviewWorkingDays > 0 && ReportDaysWidespreadOrCriticalInfrastructure > 0 &&
                ReportDaysDeath > 0 && ReportDaysOther > 0 && CommissionConveneDays > 0 && ConclusionSigningWorkingDays > 0 &&
                ProviderFollowUpDays > 0 && ProviderFinalReportDays > 0;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or InvalidOperationException)
        {
            return false;
        }
    }

    public DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
}
