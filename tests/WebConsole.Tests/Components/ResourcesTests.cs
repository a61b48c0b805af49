using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using SandboxRegistry.WebConsole.Resources;

namespace SandboxRegistry.WebConsole.Tests.Components;

public sealed partial class ResourcesTests
{
    private static readonly ResourceManager Texts = new("SandboxRegistry.WebConsole.Resources.Strings", typeof(Strings).Assembly);

    [Fact]
    public void Every_text_a_page_names_exists_in_Russian_and_in_English()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "SandboxRegistry.sln"))) root = root.Parent!;
        var keys = Directory.GetFiles(Path.Combine(root.FullName, "services", "WebConsole", "Components"), "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => Key().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.True(keys.Count > 200, $"found only {keys.Count} texts");
        var missing = keys.Where(k => Texts.GetString(k, new CultureInfo("ru")) is null || Texts.GetString(k, new CultureInfo("en")) is null).ToList();
        Assert.Empty(missing);
        // Russian is the neutral (default) language: the English texts are a satellite of their own.
        Assert.Equal("Войти", Texts.GetString("SignIn", CultureInfo.InvariantCulture));
        Assert.Equal("Sign in", Texts.GetString("SignIn", new CultureInfo("en")));
    }

    [GeneratedRegex("""L\["([A-Za-z0-9_]+)"\]""")]
    private static partial Regex Key();
}
