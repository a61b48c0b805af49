using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>
/// The one definition of canonical JSON used for hashing, so that an auditor can recompute any hash in any language:
/// UTF-8, no insignificant white space; object members sorted by name (ordinal, UTF-16 code units); array order kept;
/// strings written with the minimal JSON escapes (quote, backslash, control characters as \uXXXX lower-case hex,
/// everything else literal); numbers in plain decimal notation without exponent, without a leading plus sign,
/// without trailing fractional zeros (10.50 is 10.5, 1E3 is 1000, -0 is 0); true, false, null as themselves.
/// </summary>
public static class CanonicalJson
{
    public static string Canonicalize(string json) => Encoding.UTF8.GetString(ToUtf8(json).WrittenSpan);

    /// <summary>The canonical form of <paramref name="json"/> as the UTF-8 bytes that are hashed.</summary>
    public static ArrayBufferWriter<byte> ToUtf8(string json)
    {
        using var document = JsonDocument.Parse(json);
        var output = new ArrayBufferWriter<byte>(json.Length + 16);
        Write(document.RootElement, output);
        return output;
    }

    private static void Write(JsonElement element, ArrayBufferWriter<byte> output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<(string Name, JsonElement Value)>();
                foreach (var property in element.EnumerateObject()) members.Add((property.Name, property.Value));
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                output.Write("{"u8);
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0) output.Write(","u8);
                    WriteString(members[i].Name, output);
                    output.Write(":"u8);
                    Write(members[i].Value, output);
                }
                output.Write("}"u8);
                break;
            case JsonValueKind.Array:
                output.Write("["u8);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0) output.Write(","u8);
                    Write(item, output);
                }
                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                // Without a backslash the stored bytes are the value itself (JSON allows no raw quote or control
                // character inside a string), already canonical; otherwise decode and escape minimally.
                var raw = JsonMarshal.GetRawUtf8Value(element);
                if (raw.IndexOf((byte)'\\') < 0) output.Write(raw);
                else WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                var number = JsonMarshal.GetRawUtf8Value(element);
                // A plain integer is already canonical, except minus zero.
                if (number.IndexOfAnyExcept("-0123456789"u8) < 0 && !number.SequenceEqual("-0"u8)) output.Write(number);
                else output.Write(Encoding.UTF8.GetBytes(Number(element.GetRawText())));
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            default:
                output.Write("null"u8);
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

    private static void WriteString(string value, ArrayBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var utf8 = Encoding.UTF8.GetBytes(value);
        var from = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b is not ((byte)'"' or (byte)'\\' or < 0x20)) continue;
            output.Write(utf8.AsSpan(from, i - from));
            output.Write(b switch
            {
                (byte)'"' => "\\\""u8,
                (byte)'\\' => "\\\\"u8,
                _ => Encoding.ASCII.GetBytes($"\\u{b:x4}"),
            });
            from = i + 1;
        }
        output.Write(utf8.AsSpan(from));
        output.Write("\""u8);
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
        OfEvent(previousHash, eventType, Encoding.UTF8.GetBytes(canonicalData), by, at);

    /// <inheritdoc cref="OfEvent(string, string, string, string?, DateTimeOffset)"/>
    public static string OfEvent(string previousHash, string eventType, ReadOnlySpan<byte> canonicalData, string? by, DateTimeOffset at)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{previousHash}\n{eventType}\n"));
        sha.AppendData(canonicalData);
        sha.AppendData(Encoding.UTF8.GetBytes($"\n{by ?? ""}\n{Instant(at)}"));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary><see cref="OfEvent(string, string, string, string?, DateTimeOffset)"/> of data given as any JSON spelling.</summary>
    public static string OfEventJson(string previousHash, string eventType, string json, string? by, DateTimeOffset at) =>
        OfEvent(previousHash, eventType, CanonicalJson.ToUtf8(json).WrittenSpan, by, at);

    /// <summary>
    /// Seal scheme 2: SHA-256, lower-case hex, of the RFC 8785 (JCS) canonical form of
    /// <c>{"at": when, "by": who or null, "data": the event's data, "previousHash": ..., "type": ...}</c>, so that any
    /// JCS implementation recomputes it.
    /// </summary>
    public static string OfEventJcs(string previousHash, string eventType, string json, string? by, DateTimeOffset at)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        // One buffer per thread: verification hashes a million events on every core.
        var output = jcsBuffer ??= new ArrayBufferWriter<byte>(1024);
        output.ResetWrittenCount();
        output.Write("{\"at\":\""u8);
        output.Advance(WriteInstant(at, output.GetSpan(32)));
        output.Write("\",\"by\":"u8);
        if (by is null) output.Write("null"u8);
        else Jcs.WriteString(by, output);
        output.Write(",\"data\":"u8);
        Jcs.Write(document.RootElement, output);
        output.Write(",\"previousHash\":"u8);
        Jcs.WriteString(previousHash, output);
        output.Write(",\"type\":"u8);
        Jcs.WriteString(eventType, output);
        output.Write("}"u8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(output.WrittenSpan, hash);
        if (output.Capacity > 1 << 20) jcsBuffer = null; // an exceptionally large event does not stay allocated
        return Convert.ToHexStringLower(hash);
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? jcsBuffer;

    /// <summary>The hash of an event under the seal scheme it was sealed with (1: documented lines, 2: JCS object).</summary>
    public static string OfEvent(int scheme, string previousHash, string eventType, string json, string? by, DateTimeOffset at) =>
        scheme >= EventSeal.JcsScheme
            ? OfEventJcs(previousHash, eventType, json, by, at)
            : OfEventJson(previousHash, eventType, json, by, at);

    /// <summary>Running hash over the global sequence: SHA-256 of the previous running hash and the event's hash.</summary>
    public static string Running(string previousRunning, string eventHash)
    {
        // The hashes are ASCII hex: their UTF-8 bytes are their characters, so no text is built on the way.
        var length = previousRunning.Length + 1 + eventHash.Length;
        Span<byte> text = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.ASCII.GetBytes(previousRunning, text);
        text[previousRunning.Length] = (byte)'\n';
        Encoding.ASCII.GetBytes(eventHash, text[(previousRunning.Length + 1)..]);
        if (!System.Text.Ascii.IsValid(previousRunning) || !System.Text.Ascii.IsValid(eventHash))
            return Sha256($"{previousRunning}\n{eventHash}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(text, hash);
        return Convert.ToHexStringLower(hash);
    }

    public static string Instant(DateTimeOffset at) =>
        at.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture);

    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary><see cref="Instant"/> as UTF-8 into <paramref name="destination"/> (28 bytes); the count written.</summary>
    private static int WriteInstant(DateTimeOffset at, Span<byte> destination) =>
        at.UtcDateTime.TryFormat(destination, out var written, InstantFormat, CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException("An instant did not fit its buffer.");

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
