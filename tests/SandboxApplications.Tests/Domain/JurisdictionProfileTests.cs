namespace SandboxRegistry.SandboxApplications.Tests.Domain;

public class JurisdictionProfileTests
{
    [Fact]
    public void The_default_profile_is_usable_and_dates_are_Moscow_dates()
    {
        var russia = new JurisdictionProfile();

        Assert.True(russia.IsUsable());
        // 22:30 UTC on 31 December is already 1 January in Moscow.
        Assert.Equal(new DateOnly(2027, 1, 1), russia.DateOf(new DateTimeOffset(2026, 12, 31, 22, 30, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("Mars/Olympus", "ru", 20)]
    [InlineData("Europe/Moscow", "xx", 20)]
    [InlineData("Europe/Moscow", "ru", 0)]
    public void A_profile_with_an_unknown_zone_calendar_or_no_review_period_is_refused_at_start_up(string zone, string calendar, int days) =>
        Assert.False(new JurisdictionProfile { TimeZone = zone, Calendar = calendar, ReviewWorkingDays = days }.IsUsable());
}
