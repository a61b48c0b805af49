using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Hosting;

internal static class SwaggerDefaults
{
    public static void AddSandboxSwagger(this IServiceCollection services, string serviceName)
    {
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo { Title = serviceName, Version = "v1" });
            o.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT: deploy/token.sh ROLE prints one for local runs.",
            });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", document)] = [],
            });
            o.CustomSchemaIds(type => type.FullName?.Replace('+', '.'));
            // Non-nullable members are required; every string, list and amount states its bound (InputRules).
            o.SupportNonNullableReferenceTypes();
            o.NonNullableReferenceTypesAsRequired();
            o.SchemaFilter<InputBoundsSchemaFilter>();
        });
    }
}

/// <summary>Declares in the OpenAPI document the bounds <see cref="InputRules"/> enforces on every request.</summary>
internal sealed class InputBoundsSchemaFilter(InputLimits limits) : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema bounded) return;
        var member = context.MemberInfo;
        var type = Nullable.GetUnderlyingType(context.Type) ?? context.Type;
        if (type == typeof(string))
            bounded.MaxLength ??= member?.GetCustomAttributes(typeof(FreeTextAttribute), true).OfType<FreeTextAttribute>()
                .FirstOrDefault()?.MaxLength ?? limits.MaxNameLength;
        else if (InputRules.ListElementType(type) is not null)
            bounded.MaxItems ??= member?.GetCustomAttributes(typeof(MaxItemsAttribute), true).OfType<MaxItemsAttribute>()
                .FirstOrDefault()?.MaxItems ?? limits.MaxItems;
        else if (type == typeof(decimal))
        {
            bounded.Minimum ??= "0";
            bounded.Maximum ??= limits.MaxAmount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type == typeof(DateTime))
            bounded.Description ??= $"Between {limits.EarliestDate:yyyy-MM-dd} and {limits.LatestDate:yyyy-MM-dd}.";
    }
}
