using SandboxRegistry.EventSourcing.Audit;

namespace SandboxRegistry.Shared.Tests;

public class AuditHashTests
{
    [Fact]
    public void Canonical_json_sorts_members_and_drops_white_space_at_every_depth() =>
        Assert.Equal("""{"a":[3,{"x":1,"y":2}],"b":{"c":null,"d":true}}""",
            CanonicalJson.Canonicalize("""{ "b": {"d": true, "c": null}, "a": [3, {"y": 2, "x": 1}] }"""));

    [Fact]
    public void Postgres_jsonb_and_dotnet_spellings_of_the_same_data_are_one_canonical_form()
    {
        // System.Text.Json escapes non-ASCII; jsonb stores it decoded and reorders keys by length.
        var fromDotnet = """{"title":"\u0411\u0435\u0441\u043F\u0438\u043B\u043E\u0442\u043D\u0438\u043A","amount":10.50,"note":"a\"b"}""";
        var fromJsonb = """{"note": "a\"b", "title": "Беспилотник", "amount": 10.5}""";

        Assert.Equal(CanonicalJson.Canonicalize(fromDotnet), CanonicalJson.Canonicalize(fromJsonb));
        Assert.Equal("""{"amount":10.5,"note":"a\"b","title":"Беспилотник"}""", CanonicalJson.Canonicalize(fromJsonb));
    }

    [Theory]
    [InlineData("10", "10")]
    [InlineData("10.500", "10.5")]
    [InlineData("1E3", "1000")]
    [InlineData("1.25e-2", "0.0125")]
    [InlineData("-0.0", "0")]
    [InlineData("-12.30", "-12.3")]
    [InlineData("0.000", "0")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    public void Numbers_are_written_in_plain_decimal_without_trailing_zeros(string raw, string canonical) =>
        Assert.Equal(canonical, CanonicalJson.Number(raw));

    [Fact]
    public void Control_characters_are_escaped_as_lower_case_unicode_escapes() =>
        Assert.Equal("\"line\\u000abreak\\\\\"", CanonicalJson.Canonicalize("\"line\\nbreak\\\\\""));

    [Fact]
    public void Escaped_and_literal_spellings_of_strings_and_numbers_give_the_same_bytes()
    {
        // Escapes a writer may choose (\/, \u00e9, a surrogate pair, \t) against the literal characters; integers
        // against their exponent spelling; -0 against 0.
        var escaped = """{"s":"caf\u00e9 \ud83d\ude97 a\/b \"q\" \\ \t","n":[1e2,-0,7,-12]}""";
        var literal = "{\"n\":[100,0,7,-12],\"s\":\"café 🚗 a/b \\\"q\\\" \\\\ \\u0009\"}";

        Assert.Equal("{\"n\":[100,0,7,-12],\"s\":\"café 🚗 a/b \\\"q\\\" \\\\ \\u0009\"}", CanonicalJson.Canonicalize(escaped));
        Assert.Equal(CanonicalJson.Canonicalize(escaped), CanonicalJson.Canonicalize(literal));
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(CanonicalJson.Canonicalize(literal)), CanonicalJson.ToUtf8(literal).WrittenSpan.ToArray());
    }

    [Fact]
    public void The_hash_of_json_data_is_the_hash_of_its_canonical_form()
    {
        var at = new DateTimeOffset(2026, 3, 14, 9, 30, 0, TimeSpan.Zero);

        Assert.Equal(AuditHash.OfEvent(AuditHash.Genesis, "t", """{"a":1,"b":"Ж"}""", "u", at),
            AuditHash.OfEventJson(AuditHash.Genesis, "t", """{ "b": "\u0416", "a": 1.0 }""", "u", at));
    }

    [Fact]
    public void The_event_hash_is_sha256_of_the_documented_lines()
    {
        var at = new DateTimeOffset(2026, 3, 14, 9, 30, 0, TimeSpan.FromHours(3));

        var hash = AuditHash.OfEvent(AuditHash.Genesis, "regime_established", """{"a":1}""", "reg-1", at);

        // printf '%s\n%s\n%s\n%s\n%s' 000…0 regime_established '{"a":1}' reg-1 2026-03-14T06:30:00.0000000Z | sha256sum
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            new string('0', 64) + "\nregime_established\n{\"a\":1}\nreg-1\n2026-03-14T06:30:00.0000000Z")));
        Assert.Equal(expected, hash);
        Assert.NotEqual(hash, AuditHash.OfEvent(AuditHash.Genesis, "regime_established", """{"a":2}""", "reg-1", at));
        Assert.NotEqual(hash, AuditHash.OfEvent(AuditHash.Genesis, "regime_established", """{"a":1}""", "reg-2", at));
        Assert.NotEqual(hash, AuditHash.OfEvent(hash, "regime_established", """{"a":1}""", "reg-1", at));
    }
}
