namespace SandboxRegistry.WebConsole.Resources;

/// <summary>Texts of the regime pages added for issue 17 (amending a programme): RegimeStrings.resx (Russian, the default) and .en.resx.</summary>
public sealed class RegimeStrings;
