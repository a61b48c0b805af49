namespace SandboxRegistry.IncidentClaims;

/// <summary>Names this service's assembly for test hosts that run several services in one process.</summary>
public sealed class ServiceMarker;
