namespace SandboxRegistry.WebConsole.Resources;

/// <summary>The texts of the initiative proposal pages: ProposalStrings.resx (Russian, the default) and ProposalStrings.en.resx.</summary>
public sealed class ProposalStrings;
