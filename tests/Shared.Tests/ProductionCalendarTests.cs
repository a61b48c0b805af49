namespace SandboxRegistry.Shared.Tests;

public class ProductionCalendarTests
{
    private static readonly ProductionCalendar Russia = ProductionCalendar.Russia;

    [Theory]
    [InlineData(2025, 247)]
    [InlineData(2026, 247)]
    public void A_year_has_the_official_number_of_working_days(int year, int expected) =>
        Assert.Equal(expected, Russia.WorkingDaysBetween(new DateOnly(year - 1, 12, 31), new DateOnly(year, 12, 31)));

    [Fact]
    public void The_new_year_holidays_2026_run_from_31_December_to_11_January()
    {
        Assert.False(Russia.IsWorkingDay(new DateOnly(2025, 12, 31)));
        for (var day = new DateOnly(2026, 1, 1); day <= new DateOnly(2026, 1, 11); day = day.AddDays(1))
            Assert.False(Russia.IsWorkingDay(day), $"{day} should be a day off");
        Assert.True(Russia.IsWorkingDay(new DateOnly(2025, 12, 30)));
        Assert.True(Russia.IsWorkingDay(new DateOnly(2026, 1, 12)));
    }

    [Fact]
    public void Twenty_working_days_from_mid_December_skip_the_new_year_holidays()
    {
        // Submitted Monday 15 December 2025: the count starts on the 16th. December gives 11 working days
        // (16-19, 22-26, 29, 30; the 31st is off); January resumes on Monday the 12th: 12-16, 19-22.
        Assert.Equal(new DateOnly(2026, 1, 22), Russia.AddWorkingDays(new DateOnly(2025, 12, 15), 20));
    }

    [Fact]
    public void A_transferred_working_saturday_counts()
    {
        Assert.True(Russia.IsWorkingDay(new DateOnly(2025, 11, 1)));
        Assert.False(Russia.IsWorkingDay(new DateOnly(2025, 11, 3)));
        Assert.Equal(new DateOnly(2025, 11, 5), Russia.AddWorkingDays(new DateOnly(2025, 10, 31), 2));
    }

    [Fact]
    public void Three_working_days_after_a_friday_meeting_end_on_wednesday() =>
        Assert.Equal(new DateOnly(2026, 3, 18), Russia.AddWorkingDays(new DateOnly(2026, 3, 13), 3));

    [Fact]
    public void Beyond_the_shipped_years_the_statutory_holidays_still_apply()
    {
        Assert.False(Russia.Covers(2030));
        Assert.False(Russia.IsWorkingDay(new DateOnly(2030, 1, 7)));
        Assert.False(Russia.IsWorkingDay(new DateOnly(2030, 6, 12)));
        Assert.True(Russia.IsWorkingDay(new DateOnly(2030, 6, 13)));
    }
}
