using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SandboxRegistry.Hosting;

/// <summary>
/// Marks a string (or a list of strings) as free text: prose a person wrote, where tabs and line breaks belong and a
/// longer maximum applies. Every other string is a name or an identifier (see <see cref="InputRules"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class FreeTextAttribute(int maxLength = InputLimits.FreeTextMaxLength) : Attribute
{
    public int MaxLength { get; } = maxLength;
}

/// <summary>The most elements a list may hold, where it differs from <see cref="InputLimits.MaxItems"/>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MaxItemsAttribute(int maxItems) : Attribute
{
    public int MaxItems { get; } = maxItems;
}

/// <summary>The bounds every value of a request must keep (section "InputRules"); the defaults suit every service.</summary>
public sealed class InputLimits
{
    public const string Section = "InputRules";
    public const int NameMaxLength = 1_000;
    public const int FreeTextMaxLength = 10_000;

    /// <summary>Names and identifiers: the most characters.</summary>
    public int MaxNameLength { get; set; } = NameMaxLength;

    /// <summary>The most elements in any list of a body.</summary>
    public int MaxItems { get; set; } = 100;

    /// <summary>Dates and instants earlier than this are not plausible for facts this system records.</summary>
    public DateOnly EarliestDate { get; set; } = new(1990, 1, 1);

    /// <summary>Dates later than this are refused, so that month and working-day arithmetic never reaches its limits.</summary>
    public DateOnly LatestDate { get; set; } = new(2100, 12, 31);

    /// <summary>The largest amount of money (or any decimal) a body may carry; amounts are never negative.</summary>
    public decimal MaxAmount { get; set; } = 1_000_000_000_000_000m;

    /// <summary>The most characters of a query-string value or of a header the services read.</summary>
    public int MaxQueryValueLength { get; set; } = 200;
}

/// <summary>
/// A value broke an input rule. System.Text.Json adds the path of the property being read; <see cref="SubPath"/> continues
/// it inside a list (for example "[2].fullName"), so that problem details name the exact field.
/// </summary>
public sealed class InputRuleException(string message, string subPath = "", bool malformed = false) : JsonException(message)
{
    public string SubPath { get; } = subPath;

    /// <summary>The value is not of the field's type or format at all (code malformed-json), rather than out of bounds.</summary>
    public bool Malformed { get; } = malformed;

    public static InputRuleException WrongFormat(string message) => new(message, malformed: true);

    /// <summary>The field as the client wrote it: "harms[0].type".</summary>
    public static string FieldOf(JsonException e)
    {
        var path = e.Path is { Length: > 1 } p && p.StartsWith('$') ? p[1..].TrimStart('.') : "";
        var field = path + (e is InputRuleException rule ? rule.SubPath : "");
        return field.Length == 0 ? "body" : field;
    }
}

/// <summary>
/// The input rules every JSON body passes, applied once to the serializer options of every service, so that a new
/// endpoint has them without doing anything:
/// <list type="bullet">
/// <item>an enum is exactly one declared value, in camelCase (no comma lists, no integers, no other case, no padding);</item>
/// <item>a string holds no NUL or other control character (free text may hold tab and line breaks); names and
/// identifiers hold no bidirectional overrides or zero-width characters either; every string has a maximum length;</item>
/// <item>every list has a maximum count and no null elements;</item>
/// <item>dates and instants lie within <see cref="InputLimits.EarliestDate"/> and <see cref="InputLimits.LatestDate"/>;</item>
/// <item>decimals (amounts) are between 0 and <see cref="InputLimits.MaxAmount"/>;</item>
/// <item>a property given twice is refused.</item>
/// </list>
/// Rules a field needs beyond these live in its validator (400) or its Decide (409).
/// </summary>
public static class InputRules
{
    public static void Apply(JsonSerializerOptions options, InputLimits limits)
    {
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new StrictEnumConverterFactory());
        options.Converters.Add(new TextConverter(limits.MaxNameLength, freeText: false));
        options.Converters.Add(new DateOnlyConverter(limits));
        options.Converters.Add(new DateTimeOffsetConverter(limits));
        options.Converters.Add(new DateTimeConverter(limits));
        options.Converters.Add(new AmountConverter(limits.MaxAmount));
        var resolver = options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver();
        options.TypeInfoResolver = resolver.WithAddedModifier(info => BoundProperties(info, limits));
    }

    /// <summary>Free-text strings and every list get a converter of their own, sized by the property's attributes.</summary>
    private static void BoundProperties(JsonTypeInfo info, InputLimits limits)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in info.Properties)
        {
            var freeText = Attribute<FreeTextAttribute>(property);
            if (property.PropertyType == typeof(string))
            {
                if (freeText is not null) property.CustomConverter = new TextConverter(freeText.MaxLength, freeText: true);
                continue;
            }
            if (ListElementType(property.PropertyType) is not { } element) continue;
            var maxItems = Attribute<MaxItemsAttribute>(property)?.MaxItems ?? limits.MaxItems;
            var elementConverter = element == typeof(string) && freeText is not null ? new TextConverter(freeText.MaxLength, freeText: true) : null;
            property.CustomConverter = (JsonConverter)Activator.CreateInstance(
                typeof(BoundedListConverter<,>).MakeGenericType(property.PropertyType, element), maxItems, elementConverter)!;
        }
    }

    internal static T? Attribute<T>(JsonPropertyInfo property) where T : Attribute =>
        property.AttributeProvider?.GetCustomAttributes(typeof(T), inherit: true).OfType<T>().FirstOrDefault();

    private static readonly FrozenSet<Type> ListShapes = new[]
    {
        typeof(IReadOnlyList<>), typeof(IReadOnlyCollection<>), typeof(IEnumerable<>), typeof(IList<>), typeof(ICollection<>),
        typeof(List<>),
    }.ToFrozenSet();

    /// <summary>The element type of a list-shaped property (what the request records use), or null.</summary>
    public static Type? ListElementType(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) type = underlying;
        if (type.IsArray && type.GetArrayRank() == 1) return type.GetElementType();
        return type.IsGenericType && ListShapes.Contains(type.GetGenericTypeDefinition()) ? type.GetGenericArguments()[0] : null;
    }

    /// <summary>Why a name or identifier is refused, or null when it is acceptable.</summary>
    public static string? NameProblem(string value, int maxLength) =>
        value.Length > maxLength ? $"must be at most {maxLength} characters long."
        : Problem(value, allowLineBreaks: false) is { } problem ? problem
        : value.Any(IsInvisibleFormatting) ? "must not contain bidirectional-override or zero-width characters."
        : null;

    /// <summary>Why free text is refused, or null when it is acceptable.</summary>
    public static string? FreeTextProblem(string value, int maxLength) =>
        value.Length > maxLength ? $"must be at most {maxLength} characters long." : Problem(value, allowLineBreaks: true);

    private static string? Problem(string value, bool allowLineBreaks)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return "must be valid Unicode text (it holds a lone surrogate).";
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
                return c == '\0' ? "must not contain NUL characters." : "must not contain control characters.";
        }
        return null;
    }

    /// <summary>Bidirectional embeddings, overrides and isolates, and zero-width characters: text that displays otherwise than it reads.</summary>
    private static bool IsInvisibleFormatting(char c) => c is
        '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF' or '\u061C' or
        (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>A string under one of the two rules: a name or identifier, or free text.</summary>
    private sealed class TextConverter(int maxLength, bool freeText) : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw InputRuleException.WrongFormat("must be a string.");
            var value = reader.GetString()!;
            var problem = freeText ? FreeTextProblem(value, maxLength) : NameProblem(value, maxLength);
            return problem is not null ? throw new InputRuleException(problem) : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>Reads a list element by element: at most <c>maxItems</c>, none of them null.</summary>
    private sealed class BoundedListConverter<TList, TElement>(int maxItems, JsonConverter<string>? elementConverter)
        : JsonConverter<TList>
    {
        public override bool HandleNull => false;

        public override TList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray) throw InputRuleException.WrongFormat("must be an array.");
            var items = new List<TElement>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (items.Count == maxItems) throw new InputRuleException($"must hold at most {maxItems} elements.");
                if (reader.TokenType == JsonTokenType.Null) throw new InputRuleException("must not be null.", $"[{items.Count}]");
                TElement? element;
                try
                {
                    element = elementConverter is not null
                        ? (TElement?)(object?)elementConverter.Read(ref reader, typeof(string), options)
                        : JsonSerializer.Deserialize<TElement>(ref reader, options);
                }
                catch (JsonException e)
                {
                    // The element was read by a call of its own, whose path starts again at "$": continue ours.
                    var inner = e.Path is { Length: > 1 } p && p.StartsWith('$') ? p[1..] : "";
                    if (inner.Length > 0 && inner[0] != '.' && inner[0] != '[') inner = "." + inner;
                    throw new InputRuleException(e is InputRuleException ? e.Message : "has a value of the wrong type or format.",
                        $"[{items.Count}]{inner}{(e as InputRuleException)?.SubPath}", e is not InputRuleException { Malformed: false });
                }
                items.Add(element ?? throw new InputRuleException("must not be null.", $"[{items.Count}]"));
            }
            return typeof(TList).IsArray ? (TList)(object)items.ToArray() : (TList)(object)items;
        }

        public override void Write(Utf8JsonWriter writer, TList value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var item in (IEnumerable<TElement>)value!)
                if (elementConverter is not null) elementConverter.Write(writer, (string)(object)item!, options);
                else JsonSerializer.Serialize(writer, item, options);
            writer.WriteEndArray();
        }
    }

    private sealed class DateOnlyConverter(InputLimits limits) : JsonConverter<DateOnly>
    {
        public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String ||
                !DateOnly.TryParseExact(reader.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                throw InputRuleException.WrongFormat("must be a date written as yyyy-MM-dd.");
            return InRange(date, limits);
        }

        public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private sealed class DateTimeOffsetConverter(InputLimits limits) : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var instant))
                throw InputRuleException.WrongFormat("must be an ISO 8601 instant with its offset, e.g. 2026-03-14T09:30:00+03:00.");
            InRange(DateOnly.FromDateTime(instant.UtcDateTime), limits);
            return instant;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);
    }

    private sealed class DateTimeConverter(InputLimits limits) : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var instant))
                throw InputRuleException.WrongFormat("must be an ISO 8601 date and time.");
            InRange(DateOnly.FromDateTime(instant), limits);
            return instant;
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private static DateOnly InRange(DateOnly date, InputLimits limits) =>
        date < limits.EarliestDate || date > limits.LatestDate
            ? throw new InputRuleException(
                $"must lie between {limits.EarliestDate:yyyy-MM-dd} and {limits.LatestDate:yyyy-MM-dd}.")
            : date;

    private sealed class AmountConverter(decimal max) : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value))
                throw InputRuleException.WrongFormat("must be a number.");
            return value < 0 || value > max
                ? throw new InputRuleException($"must be between 0 and {max.ToString(CultureInfo.InvariantCulture)}.")
                : value;
        }

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

}

/// <summary>Enums as exactly one declared value in camelCase, read and written the same way everywhere.</summary>
public sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        private static readonly FrozenDictionary<string, TEnum> ByName =
            Enum.GetValues<TEnum>().ToFrozenDictionary(EnumNames.Camel, v => v, StringComparer.Ordinal);
        private static readonly FrozenDictionary<TEnum, JsonEncodedText> Names =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => JsonEncodedText.Encode(EnumNames.Camel(v)));

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && ByName.TryGetValue(reader.GetString()!, out var value)
                ? value
                : throw InputRuleException.WrongFormat($"must be one of: {EnumNames.List<TEnum>()}.");

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
        {
            if (Names.TryGetValue(value, out var name)) writer.WriteStringValue(name);
            else writer.WriteStringValue(EnumNames.Camel(value)); // never produced by the services: an undeclared value
        }
    }
}

public static class EnumNames
{
    public static string Camel<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static string List<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(Camel));

    /// <summary>A query-string enum, under the same rule as in bodies: exactly one declared camelCase name.</summary>
    public static TEnum? Parse<TEnum>(string? value) where TEnum : struct, Enum
    {
        if (value is null) return null;
        foreach (var candidate in Enum.GetValues<TEnum>())
            if (string.Equals(Camel(candidate), value, StringComparison.Ordinal)) return candidate;
        return null;
    }
}
