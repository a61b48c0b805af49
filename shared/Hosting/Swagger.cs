using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

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
        });
    }
}
