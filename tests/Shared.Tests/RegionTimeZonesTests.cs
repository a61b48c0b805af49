using SandboxRegistry.Regulation;

namespace SandboxRegistry.Shared.Tests;

/// <summary>The region-to-time-zone tables the jurisdiction profile ships, and the local dates they give.</summary>
public class RegionTimeZonesTests
{
    private static readonly JurisdictionProfile Profile = new();

    [Fact]
    public void Every_russian_region_code_the_project_accepts_has_a_zone_the_machine_knows()
    {
        var zones = RegionTimeZones.Load(["ru"]);

        var codes = Enumerable.Range(1, 89).Select(n => n.ToString("00")).ToList();

        Assert.All(codes, code => Assert.True(Identifiers.IsRegionCode(code)));
        Assert.All(codes, code => Assert.NotNull(zones.ZoneOf(code)));
        Assert.Equal(89 + 83, zones.Regions.Count); // 89 codes, 83 of them with an ISO 3166-2 code (six okrugs merged into others)
        Assert.All(zones.Regions.Keys.Where(k => k.StartsWith("RU-")), iso => Assert.True(Identifiers.IsRegionCode(iso)));
    }

    [Theory]
    [InlineData("77", "Europe/Moscow")]
    [InlineData("RU-MOW", "Europe/Moscow")]
    [InlineData("78", "Europe/Moscow")]
    [InlineData("25", "Asia/Vladivostok")]
    [InlineData("39", "Europe/Kaliningrad")]
    [InlineData("RU-KGD", "Europe/Kaliningrad")]
    [InlineData("41", "Asia/Kamchatka")]
    [InlineData("87", "Asia/Anadyr")]
    [InlineData("14", "Asia/Yakutsk")] // Sakha spans three zones: its capital's
    [InlineData("63", "Europe/Samara")]
    [InlineData("54", "Asia/Novosibirsk")]
    [InlineData("65", "Asia/Sakhalin")]
    [InlineData("82", "Asia/Kamchatka")] // the Koryak okrug's old code: Kamchatka Krai since 2007
    public void Russian_subjects_take_their_own_zone(string region, string zone) =>
        Assert.Equal(zone, Profile.ZoneOf(region).Id);

    [Theory]
    [InlineData("DE", "Europe/Berlin")]
    [InlineData("DE-BY", "Europe/Berlin")]
    [InlineData("FR-IDF", "Europe/Paris")]
    [InlineData("FR-974", "Indian/Reunion")]
    [InlineData("PT-20", "Atlantic/Azores")]
    [InlineData("PT-11", "Europe/Lisbon")]
    [InlineData("ES-CN", "Atlantic/Canary")]
    [InlineData("FI-18", "Europe/Helsinki")]
    [InlineData("CY-01", "Asia/Nicosia")]
    public void Eu_member_states_take_their_countrys_zone_unless_the_region_lies_elsewhere(string region, string zone) =>
        Assert.Equal(zone, Profile.ZoneOf(region).Id);

    [Fact]
    public void All_twenty_seven_member_states_are_listed_and_resolve()
    {
        var zones = RegionTimeZones.Load(["eu"]);

        Assert.Equal(27, zones.Countries.Count);
        Assert.All(zones.Countries.Keys, country => Assert.NotNull(zones.ZoneOf(country)));
    }

    [Fact]
    public void A_region_no_table_names_takes_the_regimes_zone()
    {
        Assert.Equal("Europe/Moscow", Profile.ZoneOf("US-CA").Id);
        Assert.Equal("Europe/Moscow", Profile.ZoneOf(null).Id);
        Assert.Equal("Asia/Vladivostok", new JurisdictionProfile { TimeZone = "Asia/Vladivostok", RegionTimeZones = "" }.ZoneOf("39").Id);
    }

    [Fact]
    public void The_same_instant_in_any_offset_has_one_local_date_at_a_place()
    {
        var instant = new DateTimeOffset(2026, 3, 14, 22, 30, 0, TimeSpan.Zero);

        foreach (var offset in new[] { 0, 3, 10, -5 })
        {
            Assert.Equal(new DateOnly(2026, 3, 15), Profile.LocalDate(instant.ToOffset(TimeSpan.FromHours(offset)), "25"));
            Assert.Equal(new DateOnly(2026, 3, 15), Profile.LocalDate(instant.ToOffset(TimeSpan.FromHours(offset)), "39"));
            Assert.Equal(new DateOnly(2026, 3, 14), Profile.LocalDate(instant.AddHours(-1).ToOffset(TimeSpan.FromHours(offset)), "39"));
        }
    }

    [Fact]
    public void A_day_begins_and_ends_at_local_midnight()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.FromHours(10)), Profile.StartOfDay(new DateOnly(2026, 3, 15), "25"));
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.FromHours(2)).AddTicks(-1), Profile.EndOfDay(new DateOnly(2026, 3, 15), "39"));
        // Berlin keeps summer time: the offset is the one of that day.
        Assert.Equal(TimeSpan.FromHours(2), Profile.StartOfDay(new DateOnly(2026, 7, 1), "DE-BE").Offset);
        Assert.Equal(TimeSpan.FromHours(1), Profile.StartOfDay(new DateOnly(2026, 1, 1), "DE-BE").Offset);
    }

    [Fact]
    public void A_territory_in_one_zone_keeps_its_dates_and_one_spanning_zones_takes_the_regimes()
    {
        Assert.Equal("77", Profile.PlaceOf(["77", "50"]));
        Assert.Null(Profile.PlaceOf(["77", "25"]));
        Assert.True(Profile.IsUsable());
        Assert.False(new JurisdictionProfile { RegionTimeZones = "ru,mars" }.IsUsable());
    }
}
