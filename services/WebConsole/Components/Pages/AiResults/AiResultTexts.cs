namespace SandboxRegistry.WebConsole.Components.Pages.AiResults;

/// <summary>The values SandboxApplications spells for an entry of the register of results created with AI (camelCase enums).</summary>
public static class AiResultTexts
{
    /// <summary>Kinds of results of intellectual activity (Civil Code art. 1225).</summary>
    public static readonly string[] Kinds =
        ["invention", "utilityModel", "industrialDesign", "software", "database", "work", "topology", "knowHow", "other"];

    public static readonly string[] Bases = ["employeeWork", "contract", "createdByParticipant", "assignment", "licence", "other"];

    /// <summary>The parts of an entry the participant may keep out of the public register.</summary>
    public static readonly string[] ConfidentialFields = ["title", "description", "aiSystem", "rightsHolder"];

    public static readonly string[] Statuses = ["valid", "withdrawn"];
}
