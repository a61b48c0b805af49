namespace SandboxRegistry.WebConsole.Components.Pages.Proposals;

/// <summary>The values the proposal pages offer, as the service names them (camelCase).</summary>
public static class ProposalTexts
{
    public static readonly string[] Statuses = ["submitted", "returned", "underConsultation", "awaitingDecision", "approved", "refused"];
    public static readonly string[] Directions =
        ["medicine", "transport", "unmannedAircraft", "agriculture", "finance", "distanceSelling", "construction", "stateServices", "industry", "other"];
    public static readonly string[] Levels = ["low", "medium", "high"];
    public static readonly string[] BodyKinds = ["regulatoryBody", "businessCommunity", "regionalExecutive"];
    public static readonly string[] Conclusions = ["supports", "supportsWithChanges", "objects"];
    public static readonly string[] RefusalGrounds = ["objectionsOfRegulatoryBodies", "risksNotJustified", "noRegulatoryBarrier", "contraryToLaw", "other"];

    /// <summary>Refusals that name no field, and the field of the form they concern.</summary>
    public static readonly IReadOnlyDictionary<string, string> FieldOfCode = new Dictionary<string, string>
    {
        ["regime-term-too-long"] = "programme.endsOn",
        ["body-not-consulted"] = "body",
        ["opinion-already-recorded"] = "body",
        ["opinion-in-the-future"] = "receivedOn",
        ["opinion-before-registration"] = "receivedOn",
        ["consultation-period-ended"] = "receivedOn",
    };
}
