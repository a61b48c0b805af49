namespace SandboxRegistry.SandboxApplications;

/// <summary>Who acts when the service itself records something (a deadline check, an expiry, a consumed message).</summary>
public static class SystemActor
{
    public static readonly Actor Instance = new($"service:{Contracts.ServiceNames.SandboxApplications}", "system", null, null);
}
