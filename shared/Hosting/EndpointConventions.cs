using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SandboxRegistry.Hosting;

/// <summary>
/// The metadata endpoints of one kind share, stated once, so that a module's route table names only the method, the path,
/// the handler and who may call it. Handlers return typed results, which describe their success answer in OpenAPI.
/// </summary>
public static class EndpointConventions
{
    /// <summary>A module's endpoints under one path: OpenAPI tag, and every argument validated (400 with field errors).</summary>
    public static RouteGroupBuilder MapApi(this IEndpointRouteBuilder app, string prefix, string tag) =>
        app.MapGroup(prefix).WithTags(tag).WithValidation();

    /// <summary>A command on an existing stream (<see cref="EventSourcing.Commands"/>): 404, 409 with a code, 412 on a stale If-Match.</summary>
    public static RouteHandlerBuilder Command(this RouteHandlerBuilder endpoint, string policy) =>
        endpoint.RequireAuthorization(policy)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

    /// <summary>A command that starts a stream: 201 with its location, or 409 with a code.</summary>
    public static RouteHandlerBuilder Creation(this RouteHandlerBuilder endpoint, string policy) =>
        endpoint.RequireAuthorization(policy).ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>A read of one resource: 404 when unknown or not the caller's to see.</summary>
    public static RouteHandlerBuilder Read(this RouteHandlerBuilder endpoint, string policy) =>
        endpoint.RequireAuthorization(policy).ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>A read anyone may make (public law, the public register, audit seals): no personal data.</summary>
    public static RouteHandlerBuilder PublicRead(this RouteHandlerBuilder endpoint) =>
        endpoint.AllowAnonymous().ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>A list: one <see cref="ListPage{T}"/> at a time, rate-limited per client, 400 for a page or size out of range.</summary>
    public static RouteHandlerBuilder List(this RouteHandlerBuilder endpoint, string policy) =>
        endpoint.RequireAuthorization(policy).Paged();

    /// <summary>A list anyone may read.</summary>
    public static RouteHandlerBuilder PublicList(this RouteHandlerBuilder endpoint) => endpoint.AllowAnonymous().Paged();

    private static RouteHandlerBuilder Paged(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireRateLimiting(RateLimits.Lists).ProducesProblem(StatusCodes.Status400BadRequest);
}
