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
            // Never the exception itself: its message and ToString() can quote request values (PostgreSQL's error
            // context quotes the JSON it refused), so only types, SQL state and stack traces are logged.
            logger.LogError("Unhandled error on {Method} {Path} (SQL state {SqlState}): {Exception}", context.Request.Method,
                context.Request.Path, DatabaseFailures.Find<Npgsql.PostgresException>(exception)?.SqlState,
                DatabaseFailures.Describe(exception));
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
        DomainRuleViolation violation => Refusal(violation),
        InvalidPaging paging => Invalid(paging.Parameter, paging.Message),
        ResourceNotFound notFound => Problem(StatusCodes.Status404NotFound, "Not found.", notFound.Message, "not-found"),
        MalformedPrecondition malformed => Problem(StatusCodes.Status400BadRequest, "Malformed If-Match header.",
            malformed.Message, "malformed-if-match"),
        ConcurrencyException => Problem(StatusCodes.Status412PreconditionFailed, "The resource has changed.",
                "The stream version given in If-Match is not the current one: read the resource again and retry.",
                "stale-version"),
        ExistingStreamIdCollisionException => Problem(StatusCodes.Status409Conflict, "The resource already exists.",
            "A resource with this id already exists.", "already-exists"),
        // Kestrel's limit on a chunked body surfaces while the JSON is read, wrapped in the binder's 400.
        BadHttpRequestException bad when TooLarge(bad) =>
            Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                $"The request body is larger than {RateLimits.MaxBodyBytes} bytes.", "body-too-large"),
        BadHttpRequestException { StatusCode: StatusCodes.Status414UriTooLong } bad =>
            Problem(bad.StatusCode, "The request target is too long.", bad.Message, "uri-too-long"),
        BadHttpRequestException { StatusCode: StatusCodes.Status431RequestHeaderFieldsTooLarge } bad =>
            Problem(bad.StatusCode, "The request headers are too large.", bad.Message, "headers-too-large"),
        BadHttpRequestException { InnerException: System.Text.Json.JsonException json } => MalformedJson(json),
        BadHttpRequestException bad when BoundParameter(bad.Message) is { } parameter => Invalid(parameter,
            $"'{parameter}' has a value of the wrong type or format."),
        BadHttpRequestException bad => Problem(bad.StatusCode, "The request could not be read.", bad.Message, "malformed-request"),
        _ => Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred.",
            "The error was logged; retrying may help.", "internal-error"),
    };

    /// <summary>
    /// The parameter a failed binding names ("Failed to bind parameter \"bool overdueOnly\" from \"x\"."), so the 400
    /// names it as a field, as body errors do; the value the client sent is not echoed.
    /// </summary>
    private static string? BoundParameter(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "^(?:Failed to bind|Required) parameter \"(?:[^\" ]+ )?([^\" ]+)\"");
        return match.Success ? System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(match.Groups[1].Value) : null;
    }

    private static bool TooLarge(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }) return true;
        return false;
    }

    private static ProblemDetails Refusal(DomainRuleViolation violation)
    {
        var problem = Problem(StatusCodes.Status409Conflict, "The request conflicts with the current state.", violation.Message, violation.Code);
        foreach (var (name, value) in violation.Extensions) problem.Extensions[name] = value;
        return problem;
    }

    private static ProblemDetails Invalid(string field, string message)
    {
        var problem = Problem(StatusCodes.Status400BadRequest, "The request has invalid fields.", message, "validation-failed");
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        return problem;
    }

    // Name the field that could not be read, as a validation error would, but never echo the body.
    private static ProblemDetails MalformedJson(System.Text.Json.JsonException json)
    {
        var field = InputRuleException.FieldOf(json);
        if (json is InputRuleException { Malformed: false } rule)
        {
            var refused = Problem(StatusCodes.Status400BadRequest, "The request has invalid fields.", $"'{field}' {rule.Message}",
                "validation-failed");
            refused.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [$"'{field}' {rule.Message}"] };
            return refused;
        }
        var reason = json is InputRuleException format ? $"'{field}' {format.Message}" : $"'{field}' could not be read: wrong JSON syntax, type or value.";
        var problem = Problem(StatusCodes.Status400BadRequest, "The request body is not valid JSON for this request.", reason, "malformed-json");
        problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [reason] };
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
