using System.Collections.Frozen;
using System.Text.RegularExpressions;
using FluentValidation;

namespace SandboxRegistry.Regulation;

/// <summary>Identifier checks shared by every service's validators (DESIGN.md section 4).</summary>
public static partial class Identifiers
{
    /// <summary>Active ISO 4217 alphabetic codes.</summary>
    public static readonly FrozenSet<string> Currencies = (
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY " +
        "COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS " +
        "INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP " +
        "MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR " +
        "SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV " +
        "WST XAF XCD XOF XPF YER ZAR ZMW ZWG").Split(' ').ToFrozenSet();

    /// <summary>
    /// A Russian federal subject code (01 to 89, the numbering of Article 65 of the Constitution as used in
    /// statistics and registers) or an ISO 3166-2 subdivision code such as RU-MOW or DE-BY.
    /// </summary>
    public static bool IsRegionCode(string? code) =>
        code is not null && (RussianSubject().IsMatch(code) || Iso3166Subdivision().IsMatch(code));

    public static bool IsSha256(string? value) => value is not null && Sha256().IsMatch(value);

    /// <summary>OGRN: 13 digits; the last is (first 12 as a number mod 11) mod 10. OGRNIP: 15 digits, mod 13.</summary>
    public static bool IsOgrn(string? value)
    {
        if (value is null || !value.All(char.IsAsciiDigit)) return false;
        return value.Length switch
        {
            13 => long.Parse(value[..12]) % 11 % 10 == value[12] - '0',
            15 => long.Parse(value[..14]) % 13 % 10 == value[14] - '0',
            _ => false,
        };
    }

    /// <summary>INN: 10 digits (organisation, one check digit) or 12 digits (person, two check digits).</summary>
    public static bool IsInn(string? value)
    {
        if (value is null || !value.All(char.IsAsciiDigit)) return false;
        var d = value.Select(c => c - '0').ToArray();
        return d.Length switch
        {
            10 => Check(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9],
            12 => Check(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10] && Check(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11],
            _ => false,
        };

        static int Check(int[] digits, int[] weights) => weights.Select((w, i) => w * digits[i]).Sum() % 11 % 10;
    }

    public static IRuleBuilderOptions<T, string> Currency<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(c => c is not null && Currencies.Contains(c)).WithMessage("'{PropertyName}' must be an ISO 4217 currency code, e.g. RUB.");

    public static IRuleBuilderOptions<T, string> RegionCode<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(IsRegionCode).WithMessage("'{PropertyName}' must be a Russian region code (01-89) or an ISO 3166-2 code.");

    public static IRuleBuilderOptions<T, string> Sha256Hex<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(IsSha256).WithMessage("'{PropertyName}' must be a SHA-256 digest: 64 hexadecimal characters.");

    public static IRuleBuilderOptions<T, string> Ogrn<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(IsOgrn).WithMessage("'{PropertyName}' must be a valid OGRN (13 digits with a correct check digit).");

    public static IRuleBuilderOptions<T, string> Inn<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(IsInn).WithMessage("'{PropertyName}' must be a valid INN (10 or 12 digits with correct check digits).");

    [GeneratedRegex("^(0[1-9]|[1-8][0-9])$")]
    private static partial Regex RussianSubject();

    [GeneratedRegex("^[A-Z]{2}-[A-Z0-9]{1,3}$")]
    private static partial Regex Iso3166Subdivision();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256();
}
