using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.EventSourcing;

namespace SandboxRegistry.Hosting;

/// <summary>
/// The input rules for what is not a JSON body, applied to every request once routing has chosen an endpoint and
/// authorization has let the caller in: query-string values and the headers the services read are names under the
/// same rule as in bodies (no control, bidirectional-override or zero-width characters, bounded length), and an id in
/// the path that is the empty GUID names nothing (404).
/// </summary>
public static class RequestRules
{
    /// <summary>Headers whose values reach the services' code.</summary>
    private static readonly string[] ReadHeaders = ["Idempotency-Key", "If-Match"];

    public static IApplicationBuilder UseRequestRules(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limits = context.RequestServices.GetRequiredService<InputLimits>();
        var errors = new Dictionary<string, string[]>();
        foreach (var (key, values) in context.Request.Query)
        {
            if (InputRules.NameProblem(key, limits.MaxQueryValueLength) is not null)
            {
                errors["query"] = ["A query parameter has a name that is not plain text."];
                continue;
            }
            foreach (var value in values)
                if (value is not null && InputRules.NameProblem(value, limits.MaxQueryValueLength) is { } problem)
                    errors[key] = [$"'{key}' {problem}"];
        }
        foreach (var header in ReadHeaders)
            foreach (var value in context.Request.Headers[header])
                if (value is not null && InputRules.NameProblem(value, limits.MaxQueryValueLength) is { } problem)
                    errors[header] = [$"'{header}' {problem}"];
        if (errors.Count > 0)
        {
            await Problem(context, StatusCodes.Status400BadRequest, "The request has invalid fields.", "validation-failed", errors);
            return;
        }

        foreach (var (_, value) in context.Request.RouteValues)
            if (value is string text && Guid.TryParse(text, out var id) && id == Guid.Empty)
            {
                await Problem(context, StatusCodes.Status404NotFound, "Not found.", "not-found", null);
                return;
            }
        await next(context);
    });

    private static Task Problem(HttpContext context, int status, string title, string code, Dictionary<string, string[]>? errors)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Extensions = { ["code"] = code } };
        if (errors is not null) problem.Extensions["errors"] = errors;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}

/// <summary>
/// Response headers every answer carries: no Server header (Kestrel's is off), nosniff, and no caching of anything
/// answered to an authenticated caller, which is where personal data appears (the dossier, what the owner or a
/// regulator sees of persons). HSTS is added by <c>UseHsts</c> outside Development, over https only.
/// </summary>
public static class ResponseHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.Remove("Server");
            if (context.Request.Headers.Authorization.Count > 0) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
