using SandboxRegistry.ServiceDefaults;

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

    /// <summary>258-FZ art. 11: the authorized body answers an application to join within 20 working days.</summary>
    public int ReviewWorkingDays { get; set; } = 20;

    /// <summary>Production calendar (ServiceDefaults/Calendars/&lt;name&gt;.json) that says which days are working days.</summary>
    public string Calendar { get; set; } = "ru";

    /// <summary>Dates (deadlines, terms, "today") are dates in this time zone.</summary>
    public string TimeZone { get; set; } = "Europe/Moscow";

    public ProductionCalendar WorkingDays() =>
        Calendar == "ru" ? ProductionCalendar.Russia : ProductionCalendar.Load(Calendar);

    /// <summary>Checked at start-up, so that a typo in the settings stops the service instead of failing requests.</summary>
    public bool IsUsable()
    {
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
            _ = WorkingDays();
            return MaxRegimeTermMonths > 0 && ReviewWorkingDays > 0;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or InvalidOperationException)
        {
            return false;
        }
    }

    public DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
}

/// <summary>Who acts when the service itself records something (a deadline check, an expiry, a consumed message).</summary>
public static class SystemActor
{
    public static readonly Actor Instance = new($"service:{Contracts.ServiceNames.SandboxApplications}", "system", null, null);
}
