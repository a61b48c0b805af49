namespace SandboxRegistry.Shared.Tests;

public class IdentifiersTests
{
    [Theory]
    [InlineData("1027700132195", true)]   // Sberbank
    [InlineData("1027700132196", false)]  // wrong check digit
    [InlineData("102770013219", false)]   // too short
    [InlineData("10277001321A5", false)]
    [InlineData("304500116000157", true)] // OGRNIP, 15 digits, mod 13
    public void Ogrn_check_digit(string value, bool valid) => Assert.Equal(valid, Identifiers.IsOgrn(value));

    [Theory]
    [InlineData("7707083893", true)]     // Sberbank
    [InlineData("7707083894", false)]
    [InlineData("500100732259", true)]   // a person's INN, two check digits
    [InlineData("500100732258", false)]
    [InlineData("77070838", false)]
    public void Inn_check_digits(string value, bool valid) => Assert.Equal(valid, Identifiers.IsInn(value));

    [Theory]
    [InlineData("77", true)]
    [InlineData("01", true)]
    [InlineData("89", true)]
    [InlineData("00", false)]
    [InlineData("90", false)]
    [InlineData("RU-MOW", true)]
    [InlineData("ru-mow", false)]
    [InlineData("Moscow", false)]
    public void Region_codes(string value, bool valid) => Assert.Equal(valid, Identifiers.IsRegionCode(value));

    [Theory]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", true)]
    [InlineData("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", true)]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0", false)]
    [InlineData("zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", false)]
    public void Sha256_digests(string value, bool valid) => Assert.Equal(valid, Identifiers.IsSha256(value));

    [Fact]
    public void Currencies_are_iso_4217() =>
        Assert.True(Identifiers.Currencies.Contains("RUB") && Identifiers.Currencies.Contains("EUR") && !Identifiers.Currencies.Contains("XXX"));
}
