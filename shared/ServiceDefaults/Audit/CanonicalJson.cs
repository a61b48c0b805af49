using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SandboxRegistry.ServiceDefaults.Audit;

/// <summary>
/// The one definition of canonical JSON used for hashing, so that an auditor can recompute any hash in any language:
/// UTF-8, no insignificant white space; object members sorted by name (ordinal, UTF-16 code units); array order kept;
/// strings written with the minimal JSON escapes (quote, backslash, control characters as \uXXXX lower-case hex,
/// everything else literal); numbers in plain decimal notation without exponent, without a leading plus sign,
/// without trailing fractional zeros (10.50 is 10.5, 1E3 is 1000, -0 is 0); true, false, null as themselves.
/// </summary>
public static class CanonicalJson
{
    public static string Canonicalize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var builder = new StringBuilder(json.Length);
        Write(document.RootElement, builder);
        return builder.ToString();
    }

    private static void Write(JsonElement element, StringBuilder output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                output.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!first) output.Append(',');
                    first = false;
                    WriteString(property.Name, output);
                    output.Append(':');
                    Write(property.Value, output);
                }
                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0) output.Append(',');
                    Write(item, output);
                }
                output.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                output.Append(Number(element.GetRawText()));
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            default:
                output.Append("null");
                break;
        }
    }

    /// <summary>Plain decimal notation of a JSON number, exact (no binary floating point involved).</summary>
    public static string Number(string raw)
    {
        var negative = raw.StartsWith('-');
        var body = negative ? raw[1..] : raw;
        var exponent = 0;
        var e = body.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }
        var dot = body.IndexOf('.');
        var digits = dot >= 0 ? body.Remove(dot, 1) : body;
        var pointAt = (dot >= 0 ? dot : body.Length) + exponent; // digits before the decimal point
        if (pointAt <= 0) { digits = new string('0', 1 - pointAt) + digits; pointAt = 1; }
        if (pointAt > digits.Length) digits += new string('0', pointAt - digits.Length);
        var integer = digits[..pointAt].TrimStart('0');
        var fraction = digits[pointAt..].TrimEnd('0');
        if (integer.Length == 0) integer = "0";
        var result = fraction.Length > 0 ? $"{integer}.{fraction}" : integer;
        return negative && result != "0" ? "-" + result : result;
    }

    private static void WriteString(string value, StringBuilder output)
    {
        output.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case < ' ': output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: output.Append(c); break;
            }
        }
        output.Append('"');
    }
}

/// <summary>The hashes of the audit trail, as documented in the README.</summary>
public static class AuditHash
{
    public static readonly string Genesis = new('0', 64);

    /// <summary>
    /// SHA-256, lower-case hex, of the UTF-8 bytes of: previous hash, event type, canonical JSON of the event's data,
    /// who (the user name recorded with the event) and when (UTC, yyyy-MM-ddTHH:mm:ss.fffffffZ), joined by line feeds.
    /// </summary>
    public static string OfEvent(string previousHash, string eventType, string canonicalData, string? by, DateTimeOffset at) =>
        Sha256($"{previousHash}\n{eventType}\n{canonicalData}\n{by ?? ""}\n{Instant(at)}");

    /// <summary>Running hash over the global sequence: SHA-256 of the previous running hash and the event's hash.</summary>
    public static string Running(string previousRunning, string eventHash) => Sha256($"{previousRunning}\n{eventHash}");

    public static string Instant(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
