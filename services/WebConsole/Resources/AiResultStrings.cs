namespace SandboxRegistry.WebConsole.Resources;

/// <summary>
/// The texts of the pages of the register of results created with AI: AiResultStrings.resx (Russian, the default) and
/// AiResultStrings.en.resx.
/// </summary>
public sealed class AiResultStrings;
