using SandboxRegistry.Regulation;

namespace SandboxRegistry.Testing;

/// <summary>
/// Today's date at the place of a harm, from the region table the services use. Date rules use the local date there,
/// so a test that sends "today" must send that one: between 21:00 and 24:00 UTC it is already tomorrow in Moscow, and
/// earlier still further east.
/// </summary>
public static class LocalDates
{
    private static readonly JurisdictionProfile Profile = new();

    public static string TodayAt(string region) => Profile.LocalDate(DateTimeOffset.UtcNow, region).ToString("yyyy-MM-dd");
}
