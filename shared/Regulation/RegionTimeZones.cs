using System.Collections.Frozen;
using System.Text.Json;

namespace SandboxRegistry.Regulation;

/// <summary>
/// Which IANA time zone a region is in, from tables shipped as data (TimeZones/*.json): the Russian subjects by their code
/// (01-89) and their ISO 3166-2 code, a subject spanning several zones taking its capital's; the EU Member States by their
/// ISO 3166-1 code, any subdivision taking its country's zone unless the table lists it (outermost regions).
/// </summary>
public sealed class RegionTimeZones
{
    private readonly FrozenDictionary<string, string> _regions;
    private readonly FrozenDictionary<string, string> _countries;
    private readonly Dictionary<string, TimeZoneInfo> _zones;

    private RegionTimeZones(IDictionary<string, string> regions, IDictionary<string, string> countries)
    {
        _regions = regions.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _countries = countries.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        // Resolved once, here: a zone the machine's time-zone database lacks stops the service at start, not a request.
        _zones = _regions.Values.Concat(_countries.Values).Distinct().ToDictionary(z => z, TimeZoneInfo.FindSystemTimeZoneById);
    }

    /// <summary>Every region code the tables name, with its zone's id (ISO aliases included).</summary>
    public IReadOnlyDictionary<string, string> Regions => _regions;

    public IReadOnlyDictionary<string, string> Countries => _countries;

    /// <summary>The zone of <paramref name="region"/>; null when no table names it (nor its country, for an ISO subdivision).</summary>
    public TimeZoneInfo? ZoneOf(string? region)
    {
        if (string.IsNullOrEmpty(region)) return null;
        if (_regions.TryGetValue(region, out var zone)) return _zones[zone];
        var dash = region.IndexOf('-');
        var country = dash > 0 ? region[..dash] : region;
        return _countries.TryGetValue(country, out zone) ? _zones[zone] : null;
    }

    /// <summary>Loads and merges the named tables (e.g. "ru", "eu"), each an embedded TimeZones/&lt;name&gt;.json.</summary>
    public static RegionTimeZones Load(IEnumerable<string> tables)
    {
        var regions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var countries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var table in tables)
        {
            var resource = $"SandboxRegistry.Regulation.TimeZones.{table}.json";
            using var stream = typeof(RegionTimeZones).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"No region time-zone table {table}.");
            using var json = JsonDocument.Parse(stream);
            if (json.RootElement.TryGetProperty("regions", out var list))
                foreach (var region in list.EnumerateObject())
                {
                    var zone = region.Value.GetProperty("zone").GetString()!;
                    regions[region.Name] = zone;
                    if (region.Value.TryGetProperty("iso", out var iso)) regions[iso.GetString()!] = zone;
                }
            if (json.RootElement.TryGetProperty("countries", out var states))
                foreach (var country in states.EnumerateObject())
                    countries[country.Name] = country.Value.GetString()!;
        }
        return new RegionTimeZones(regions, countries);
    }
}
