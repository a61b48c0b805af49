using System.Buffers;
using System.Globalization;
using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SandboxRegistry.EventSourcing.Audit;

/// <summary>
/// The JSON Canonicalization Scheme of RFC 8785 (JCS): members sorted by their names' UTF-16 code units, no white
/// space, strings escaped as ECMAScript's JSON.stringify does, numbers as ECMAScript's Number.prototype.toString writes
/// the nearest IEEE 754 double. Any JCS library in any language produces the same bytes.
/// </summary>
public static class Jcs
{
    public static string Canonicalize(string json) => Encoding.UTF8.GetString(ToUtf8(json).WrittenSpan);

    public static ArrayBufferWriter<byte> ToUtf8(string json)
    {
        using var document = JsonDocument.Parse(json);
        var output = new ArrayBufferWriter<byte>(json.Length + 16);
        Write(document.RootElement, output);
        return output;
    }

    public static void Write(JsonElement element, IBufferWriter<byte> output)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<JsonProperty>();
                foreach (var property in element.EnumerateObject()) members.Add(property);
                members.Sort(CompareNames);
                output.Write("{"u8);
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0) output.Write(","u8);
                    // A name without a backslash is written as stored, like a string value below.
                    var name = JsonMarshal.GetRawUtf8PropertyName(members[i]);
                    if (name.IndexOf((byte)'\\') < 0)
                    {
                        output.Write("\""u8);
                        output.Write(name);
                        output.Write("\""u8);
                    }
                    else WriteString(members[i].Name, output);
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
                // Without a backslash the stored bytes (quotes included) are the value itself, as JCS writes it: JSON
                // allows no raw quote or control character inside a string.
                var raw = JsonMarshal.GetRawUtf8Value(element);
                if (raw.IndexOf((byte)'\\') < 0) output.Write(raw);
                else WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                // An integer of at most 15 digits is a double exactly and ECMAScript writes it as it is (JSON has no
                // leading zeros); minus zero is the one exception.
                var number = JsonMarshal.GetRawUtf8Value(element);
                if ((number.Length <= 15 && number.IndexOfAnyExcept("-0123456789"u8) < 0 && !number.SequenceEqual("-0"u8)) ||
                    IsShortDecimal(number))
                    output.Write(number);
                // The nearest double, correctly rounded as RFC 8785 requires: JsonElement.GetDouble is not in every
                // halfway case (108317770431603560.00 came out one step above), double.Parse is.
                else output.Write(Encoding.ASCII.GetBytes(Number(double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture))));
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

    /// <summary>
    /// Names in UTF-16 code unit order. Two ASCII names without escapes compare as their stored bytes (the same order,
    /// without building strings); any other pair as strings.
    /// </summary>
    private static int CompareNames(JsonProperty a, JsonProperty b)
    {
        var x = JsonMarshal.GetRawUtf8PropertyName(a);
        var y = JsonMarshal.GetRawUtf8PropertyName(b);
        return x.IndexOf((byte)'\\') < 0 && y.IndexOf((byte)'\\') < 0 && Ascii.IsValid(x) && Ascii.IsValid(y)
            ? x.SequenceCompareTo(y)
            : string.CompareOrdinal(a.Name, b.Name);
    }

    /// <summary>
    /// A number written as ECMAScript writes its double: plain decimal notation (no exponent, no leading zero but the one
    /// before the point, no trailing fractional zero), at most 15 significant digits (every such decimal is the shortest
    /// that round-trips to its nearest double) and at least 0.000001 (below that ECMAScript switches to an exponent).
    /// </summary>
    internal static bool IsShortDecimal(ReadOnlySpan<byte> number)
    {
        if (number.Length > 0 && number[0] == (byte)'-') number = number[1..];
        var dot = number.IndexOf((byte)'.');
        if (dot <= 0 || dot == number.Length - 1 || number[^1] == (byte)'0') return false;
        var integer = number[..dot];
        var fraction = number[(dot + 1)..];
        if (integer.IndexOfAnyExcept("0123456789"u8) >= 0 || fraction.IndexOfAnyExcept("0123456789"u8) >= 0) return false;
        if (integer.Length > 1 && integer[0] == (byte)'0') return false;
        if (integer is [(byte)'0'])
        {
            var zeros = fraction.IndexOfAnyExcept((byte)'0');
            return zeros <= 5 && fraction.Length - zeros <= 15;
        }
        return integer.Length + fraction.Length <= 15;
    }

    /// <summary>ECMAScript Number.prototype.toString of a finite double (RFC 8785 section 3.2.2.3).</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), "JSON has no NaN or Infinity.");
        if (value == 0) return "0";
        // .NET's "R" is the shortest string that round-trips, as ECMAScript requires; only its layout differs.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative) r = r[1..];
        var exponent = 0;
        var e = r.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var digits = dot >= 0 ? r.Remove(dot, 1) : r;
        var n = (dot >= 0 ? dot : r.Length) + exponent; // the decimal point sits after n digits
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leading;
        var k = digits.Length;
        string text;
        if (k <= n && n <= 21) text = digits + new string('0', n - k);
        else if (0 < n && n <= 21) text = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0) text = "0." + new string('0', -n) + digits;
        else
        {
            var power = n - 1;
            var mantissa = k == 1 ? digits : digits[..1] + "." + digits[1..];
            text = mantissa + "e" + (power < 0 ? "-" : "+") + Math.Abs(power).ToString(CultureInfo.InvariantCulture);
        }
        return negative ? "-" + text : text;
    }

    private static bool NeedsEscape(string value)
    {
        foreach (var c in value)
            if (c is '"' or '\\' or < ' ') return true;
        return false;
    }

    public static void WriteString(string value, IBufferWriter<byte> output)
    {
        // Most strings need no escape at all: written as their UTF-8 bytes, without building a copy.
        if (!NeedsEscape(value))
        {
            output.Write("\""u8);
            Encoding.UTF8.GetBytes(value, output);
            output.Write("\""u8);
            return;
        }
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
        output.Write(Encoding.UTF8.GetBytes(builder.ToString()));
    }
}
