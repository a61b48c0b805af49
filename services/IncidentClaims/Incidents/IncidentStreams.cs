namespace SandboxRegistry.IncidentClaims.Incidents;

public static class IncidentStreams
{
    public static void NotClosed(this Incident incident)
    {
        if (incident.Status == IncidentStatus.Closed)
            throw new DomainRuleViolation("incident-closed", "The incident is closed.");
    }

    public static string Camel<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
