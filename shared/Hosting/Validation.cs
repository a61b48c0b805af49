using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Hosting;

/// <summary>
/// Runs the FluentValidation validator registered for each argument of the endpoint and answers
/// 400 with field errors (RFC 9457 validation problem) before the handler runs.
/// </summary>
public sealed class ValidationFilter : IEndpointFilter
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Type> ValidatorTypes = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is null) continue;
            var validatorType = ValidatorTypes.GetOrAdd(argument.GetType(), t => typeof(IValidator<>).MakeGenericType(t));
            if (context.HttpContext.RequestServices.GetService(validatorType) is not IValidator validator) continue;

            ValidationResult result;
            try
            {
                // The rules are synchronous; FluentValidation's async path costs several times more per rule.
                result = validator.Validate(new ValidationContext<object>(argument));
            }
            catch (AsyncValidatorInvokedSynchronouslyException)
            {
                result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            }
            if (!result.IsValid)
                return Results.ValidationProblem(FieldErrors.ToJsonPaths(result.ToDictionary()),
                    title: "The request has invalid fields.",
                    extensions: new Dictionary<string, object?> { ["code"] = "validation-failed" });
        }
        return await next(context);
    }
}

public static class ValidationExtensions
{
    /// <summary>Validates the endpoint's arguments with their registered validators.</summary>
    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, ValidationFilter>()
            .ProducesValidationProblem();
}

/// <summary>Field errors are keyed by the JSON path the client sent (camelCase), not by C# property names.</summary>
public static class FieldErrors
{
    public static IDictionary<string, string[]> ToJsonPaths(IDictionary<string, string[]> errors) =>
        errors.GroupBy(e => ToJsonPath(e.Key)).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray());

    public static string ToJsonPath(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(segment => segment.Length == 0 ? segment
            : string.Concat(char.ToLowerInvariant(segment[0]).ToString(), segment[1..])));
}
