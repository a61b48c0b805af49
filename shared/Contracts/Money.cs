namespace SandboxRegistry.Contracts;

/// <summary>An amount with its ISO 4217 currency code.</summary>
public sealed record Money(decimal Amount, string Currency);
