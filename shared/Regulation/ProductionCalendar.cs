using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace SandboxRegistry.Regulation;

/// <summary>
/// Working days of a jurisdiction, from a production calendar shipped as data (Calendars/*.json): weekends plus
/// listed days off, minus weekends declared working. For a year the data does not list, the statutory holidays
/// apply without transfers, so deadlines stay computable (and conservative) until the year's data is added.
/// </summary>
public sealed class ProductionCalendar
{
    private readonly FrozenSet<DateOnly> _daysOff;
    private readonly FrozenSet<DateOnly> _workingWeekends;
    private readonly FrozenSet<int> _coveredYears;
    private readonly IReadOnlyList<(int Month, int Day)> _statutoryHolidays;

    private ProductionCalendar(string jurisdiction, IEnumerable<DateOnly> daysOff, IEnumerable<DateOnly> workingWeekends,
        IEnumerable<int> coveredYears, IReadOnlyList<(int, int)> statutoryHolidays)
    {
        Jurisdiction = jurisdiction;
        _daysOff = daysOff.ToFrozenSet();
        _workingWeekends = workingWeekends.ToFrozenSet();
        _coveredYears = coveredYears.ToFrozenSet();
        _statutoryHolidays = statutoryHolidays;
    }

    public string Jurisdiction { get; }

    public static ProductionCalendar Russia { get; } = Load("ru");

    public bool Covers(int year) => _coveredYears.Contains(year);

    public bool IsWorkingDay(DateOnly day)
    {
        if (Covers(day.Year))
            return _workingWeekends.Contains(day) || (!IsWeekend(day) && !_daysOff.Contains(day));
        return !IsWeekend(day) && !_statutoryHolidays.Contains((day.Month, day.Day));
    }

    /// <summary>
    /// The day on which a period of <paramref name="workingDays"/> working days that starts after
    /// <paramref name="start"/> ends (Civil Code art. 191: a period begins the day after the event that starts it).
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = start;
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) counted++;
        }
        return day;
    }

    /// <summary>Working days after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
            if (IsWorkingDay(day)) count++;
        return count;
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    public static ProductionCalendar Load(string jurisdiction)
    {
        var resource = $"SandboxRegistry.Regulation.Calendars.{jurisdiction}.json";
        using var stream = typeof(ProductionCalendar).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"No production calendar for {jurisdiction}.");
        using var json = JsonDocument.Parse(stream);
        var root = json.RootElement;
        var statutory = root.GetProperty("statutoryHolidays").EnumerateArray()
            .Select(d => d.GetString()!.Split('-'))
            .Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();
        var years = root.GetProperty("years").EnumerateObject().ToList();
        return new ProductionCalendar(
            root.GetProperty("jurisdiction").GetString()!,
            years.SelectMany(y => Dates(y.Value.GetProperty("daysOff"))),
            years.SelectMany(y => Dates(y.Value.GetProperty("workingWeekends"))),
            years.Select(y => int.Parse(y.Name, CultureInfo.InvariantCulture)),
            statutory);

        static IEnumerable<DateOnly> Dates(JsonElement array) =>
            array.EnumerateArray().Select(d => DateOnly.ParseExact(d.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
    }
}
