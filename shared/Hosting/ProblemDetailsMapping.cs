using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Hosting;

/// <summary>
/// The one place where exceptions become RFC 9457 problem details. Anything a client can cause maps to a 4xx;
/// only a genuine server fault is a 500, and it never carries the exception text.
/// </summary>
public sealed class ProblemDetailsMapping(IProblemDetailsService problems, ILogger<ProblemDetailsMapping> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var problem = Map(exception);
        if (problem.Status >= 500)
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    public static ProblemDetails Map(Exception exception) => exception switch
    {
        DomainRuleViolation violation => Problem(StatusCodes.Status409Conflict, "The request conflicts with the current state.",
            violation.Message, violation.Code),
        InvalidPaging paging => Invalid(paging.Parameter, paging.Message),
        ResourceNotFound notFound => Problem(StatusCodes.Status404NotFound, "Not found.", notFound.Message, "not-found"),
        MalformedPrecondition malformed => Problem(StatusCodes.Status400BadRequest, "Malformed If-Match header.",
            malformed.Message, "malformed-if-match"),
        ConcurrencyException => Problem(StatusCodes.Status412PreconditionFailed, "The resource has changed.",
                "The stream version given in If-Match is not the current one: read the resource again and retry.",
                "stale-version"),
        ExistingStreamIdCollisionException => Problem(StatusCodes.Status409Conflict, "The resource already exists.",
            "A resource with this id already exists.", "already-exists"),
        BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
            Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", bad.Message, "body-too-large"),
        BadHttpRequestException { InnerException: System.Text.Json.JsonException json } => MalformedJson(json),
        BadHttpRequestException bad => Problem(bad.StatusCode, "The request could not be read.", bad.Message, "malformed-request"),
        _ => Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred.",
            "The error was logged; retrying may help.", "internal-error"),
    };

    private static ProblemDetails Invalid(string field, string message)
    {
        var problem = Problem(StatusCodes.Status400BadRequest, "The request has invalid fields.", message, "validation-failed");
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        return problem;
    }

    // Name the field that could not be read, as a validation error would, but never echo the body.
    private static ProblemDetails MalformedJson(System.Text.Json.JsonException json)
    {
        var field = json.Path is { Length: > 2 } path ? path[2..] : "body";
        var problem = Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON for this request.",
            $"'{field}' could not be read: wrong JSON syntax, type or value.", "malformed-json");
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [$"'{field}' has a value of the wrong type or format."] };
        return problem;
    }

    private static ProblemDetails Problem(int status, string title, string detail, string code) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Type = $"https://sandbox-registry.example/problems/{code}",
        Extensions = { ["code"] = code },
    };
}
