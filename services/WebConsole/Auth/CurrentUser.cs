using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace SandboxRegistry.WebConsole.Auth;

/// <summary>The signed-in user as the circuit knows them (from the session cookie at the circuit's start).</summary>
public sealed class CurrentUser(AuthenticationStateProvider state)
{
    public async Task<ClaimsPrincipal> PrincipalAsync() => (await state.GetAuthenticationStateAsync()).User;

    public async Task<string?> AccessTokenAsync() => (await PrincipalAsync()).FindFirst(ConsoleAuth.AccessTokenClaim)?.Value;
}

public static class PrincipalExtensions
{
    public static string? Role(this ClaimsPrincipal user) => user.FindFirst(Roles.RoleClaim)?.Value;
    public static string? Org(this ClaimsPrincipal user) => user.FindFirst(Roles.OrgClaim)?.Value;
    public static string? ClientId(this ClaimsPrincipal user) => user.FindFirst(Roles.ClientIdClaim)?.Value;
    public static string? Subject(this ClaimsPrincipal user) => user.FindFirst("sub")?.Value;
    public static bool Is(this ClaimsPrincipal user, string role) => user.Role() == role;
}
