namespace SandboxRegistry.WebConsole.Resources;

/// <summary>The console's texts: Strings.resx (Russian, the default) and Strings.en.resx (English).</summary>
public sealed class Strings;
