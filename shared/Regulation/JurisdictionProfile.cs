using System.Text.Json;

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

    /// <summary>
    /// The regime's own zone (the authorised body's): dates of the regime's procedure ("today", review deadlines) are dates
    /// here, and so is any date at a place the region tables do not name.
    /// </summary>
    public string TimeZone { get; set; } = "Europe/Moscow";

    /// <summary>
    /// Region-to-time-zone tables (Regulation/TimeZones/&lt;name&gt;.json, comma-separated): a rule stated in dates at a place
    /// (policy validity, who was responsible that day, a term or a deadline there) uses the local date there.
    /// </summary>
    public string RegionTimeZones { get; set; } = "ru,eu";

    /// <summary>AI Act art. 73(3): widespread infringement or serious disruption of critical infrastructure.</summary>
    public int ReportDaysWidespreadOrCriticalInfrastructure { get; set; } = 2;

    /// <summary>AI Act art. 73(4): death of a person.</summary>
    public int ReportDaysDeath { get; set; } = 10;

    /// <summary>AI Act art. 73(2): any other serious incident.</summary>
    public int ReportDaysOther { get; set; } = 15;

    /// <summary>
    /// AI Act art. 3(49)(a),(d): the severities (comma-separated: minor, serious, critical) of a harm to health or property that
    /// make an incident serious; a death, critical infrastructure and widespread harm count whatever the severity. A serious
    /// incident has the art. 73 report clock, and linking it puts the version concerned on preservation hold (art. 73(6)).
    /// </summary>
    public string SeriousSeverities { get; set; } = "serious,critical";

    /// <summary>Whether a harm of <paramref name="severity"/> (camelCase, as the API spells it) makes an incident serious.</summary>
    public bool IsSerious(string severity) =>
        SeriousSeverities.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Contains(severity, StringComparer.OrdinalIgnoreCase);

    /// <summary>Calendar days from linking the incident to an AI system until the harm commission must be convened.</summary>
    public int CommissionConveneDays { get; set; } = 30;

    /// <summary>258-FZ as amended by 169-FZ: the chair signs the conclusion within 3 working days of the meeting.</summary>
    public int ConclusionSigningWorkingDays { get; set; } = 3;

    private (string Tables, RegionTimeZones Zones)? _zones;

    /// <summary>The region tables named by <see cref="RegionTimeZones"/>, loaded once.</summary>
    public RegionTimeZones Regions()
    {
        if (_zones is { } loaded && loaded.Tables == RegionTimeZones) return loaded.Zones;
        var zones = Regulation.RegionTimeZones.Load(RegionTimeZones.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        _zones = (RegionTimeZones, zones);
        return zones;
    }

    /// <summary>The zone of <paramref name="region"/> from the tables; the regime's zone for a region they do not name.</summary>
    public TimeZoneInfo ZoneOf(string? region) => Regions().ZoneOf(region) ?? TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>
    /// The place whose dates a rule over a whole territory uses: its region when the territory lies in one time zone, otherwise
    /// null (the regime's own zone), as a subject spanning several zones takes its capital's.
    /// </summary>
    public string? PlaceOf(IReadOnlyCollection<string> territory) =>
        territory.Count > 0 && territory.Select(r => ZoneOf(r).Id).Distinct().Count() == 1 ? territory.First() : null;

    /// <summary>The calendar date at <paramref name="region"/> at <paramref name="instant"/>, whatever offset the instant was sent in.</summary>
    public DateOnly LocalDate(DateTimeOffset instant, string? region) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, ZoneOf(region)).DateTime);

    /// <summary>The instant <paramref name="day"/> begins at <paramref name="region"/> (local midnight).</summary>
    public DateTimeOffset StartOfDay(DateOnly day, string? region)
    {
        var zone = ZoneOf(region);
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        // A midnight skipped by a clock change (none in the shipped zones today) begins at the first valid minute after it.
        while (zone.IsInvalidTime(midnight)) midnight = midnight.AddMinutes(1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    /// <summary>The last instant of <paramref name="day"/> at <paramref name="region"/>: a deadline "by that day" runs until then.</summary>
    public DateTimeOffset EndOfDay(DateOnly day, string? region) => StartOfDay(day.AddDays(1), region).AddTicks(-1);

    // ---- Access to regimes (issue 18): the maximum term under the 2026 bill, voluntary exit ----

    /// <summary>The 2026 bill's option for <see cref="MaxRegimeTermMonths"/> (five years instead of three).</summary>
    public const int MaxRegimeTermMonthsUnder2026Bill = 60;

    /// <summary>
    /// The 2026 bill: a subject may leave a regime on its own request, then files an exit report (the EU profile's
    /// equivalent is the AI Act art. 57(7) exit report). On by default; off restores today's text of 258-FZ.
    /// </summary>
    public bool VoluntaryExitAllowed { get; set; } = true;

    /// <summary>
    /// Initiative proposals (258-FZ art. 6 as amended by 169-FZ): working days the authorised body has to register a proposal
    /// or return it as incomplete.
    /// </summary>
    public int ProposalRegistrationWorkingDays { get; set; } = 5;

    /// <summary>Working days the regulatory bodies concerned have for their opinions on a registered proposal (169-FZ: 15).</summary>
    public int ProposalRegulatorOpinionWorkingDays { get; set; } = 15;

    /// <summary>Working days business community organisations and regional executive bodies have for theirs (169-FZ: 10).</summary>
    public int ProposalOtherOpinionWorkingDays { get; set; } = 10;

    /// <summary>Working days the coordinating body has to decide once the consultation has closed (169-FZ: 20).</summary>
    public int ProposalDecisionWorkingDays { get; set; } = 20;

    /// <summary>
    /// The EU profile: the AI Act's sandbox provisions (art. 57-58) in the same settings. The Act fixes no periods for
    /// establishing a sandbox (the implementing acts of art. 58(1) leave them to the national competent authority), so the
    /// proposal periods here are this product's EU defaults, to be set by the authority: calendar days are not used, working
    /// days follow Regulation 1182/71 art. 2(2) (the shipped "eu" calendar: weekends and the holidays common to Member States).
    /// </summary>
    public static JurisdictionProfile EuAiAct() => new()
    {
        Name = "EU-AI-Act",
        MaxRegimeTermMonths = 24,
        ReviewWorkingDays = 20,
        Calendar = "eu",
        TimeZone = "Europe/Brussels",
        ProposalRegistrationWorkingDays = 10,
        ProposalRegulatorOpinionWorkingDays = 20,
        ProposalOtherOpinionWorkingDays = 20,
        ProposalDecisionWorkingDays = 30,
    };

    // ---- end of issue 18 section ----

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
            _ = Regions();
            return MaxRegimeTermMonths > 0 && ReviewWorkingDays > 0 && ReportDaysWidespreadOrCriticalInfrastructure > 0 &&
                ReportDaysDeath > 0 && ReportDaysOther > 0 && CommissionConveneDays > 0 && ConclusionSigningWorkingDays > 0 &&
                ProviderFollowUpDays > 0 && ProviderFinalReportDays > 0 && ProposalRegistrationWorkingDays > 0 &&
                ProposalRegulatorOpinionWorkingDays > 0 && ProposalOtherOpinionWorkingDays > 0 && ProposalDecisionWorkingDays > 0 &&
                SeriousSeverities.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .All(s => s is "minor" or "serious" or "critical");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or InvalidOperationException or JsonException)
        {
            return false;
        }
    }

    /// <summary>The date in the regime's own zone (<see cref="TimeZone"/>).</summary>
    public DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
}
