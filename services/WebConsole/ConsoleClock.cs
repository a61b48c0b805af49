using System.Globalization;

namespace SandboxRegistry.WebConsole;

/// <summary>
/// Dates, times and amounts in the user's culture; instants in the console's time zone (Console:TimeZone, Moscow by
/// default: the zone the jurisdiction profile's dates are in), always with the zone shown.
/// </summary>
public sealed class ConsoleClock(TimeProvider time, IConfiguration configuration)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(configuration["Console:TimeZone"] ?? "Europe/Moscow");

    public DateTimeOffset Now => time.GetUtcNow();

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, Zone).DateTime);

    /// <summary>
    /// Today in the IANA zone <paramref name="zoneId"/> (the place of a harm, as IncidentClaims recorded it at triage), or in
    /// the console's zone when none is named or it is not a zone ("offset as sent" on links made before zones were recorded).
    /// </summary>
    public DateOnly TodayIn(string? zoneId) =>
        zoneId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone)
            ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, zone).DateTime)
            : Today;

    public string Instant(DateTimeOffset? instant)
    {
        if (instant is not { } t) return "—";
        var local = TimeZoneInfo.ConvertTime(t, Zone);
        var offset = local.Offset;
        return $"{local.ToString("g", CultureInfo.CurrentCulture)} ({Zone.Id}, UTC{(offset < TimeSpan.Zero ? "−" : "+")}{offset:hh\\:mm})";
    }

    /// <summary>A browser's datetime-local value (no offset), read as a time in the console's zone, as ISO 8601 with offset.</summary>
    public string? FromLocalInput(string? value)
    {
        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, Zone.GetUtcOffset(unspecified)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    public string LocalInput(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateOnly? date) => date is { } d ? d.ToString("d", CultureInfo.CurrentCulture) : "—";

    public static string Money(decimal? amount, string? currency) =>
        amount is { } a ? $"{a.ToString("N2", CultureInfo.CurrentCulture)} {currency}" : "—";

    /// <summary>Time left until <paramref name="due"/> as d h m (negative: overdue), for the live countdowns.</summary>
    public string Countdown(DateTimeOffset due)
    {
        var left = due - Now;
        var sign = left < TimeSpan.Zero ? "−" : "";
        left = left.Duration();
        return left.TotalDays >= 1 ? $"{sign}{(int)left.TotalDays}d {left.Hours}h {left.Minutes}m" : $"{sign}{left.Hours}h {left.Minutes}m {left.Seconds}s";
    }
}
