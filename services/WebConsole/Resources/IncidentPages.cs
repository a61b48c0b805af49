namespace SandboxRegistry.WebConsole.Resources;

/// <summary>
/// Texts of the pages for issue 19 (staged reports, statements, the public incident register and its statistics, webhooks,
/// exports, the preservation hold): IncidentPages.resx (Russian, the default) and IncidentPages.en.resx (English).
/// </summary>
public sealed class IncidentPages;
