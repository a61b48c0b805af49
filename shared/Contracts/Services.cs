namespace SandboxRegistry.Contracts;

/// <summary>Service names as they appear in citations and queue prefixes.</summary>
public static class ServiceNames
{
    public const string SandboxApplications = "sandbox-applications";
    public const string AiSystemRegistry = "ai-system-registry";
    public const string IncidentClaims = "incident-claims";
}
