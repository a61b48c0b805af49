using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Regulation;

namespace SandboxRegistry.Hosting;

/// <summary>Named request-time policies; every other endpoint has the default one (Limits:RequestTimeout).</summary>
public static class RequestTimeouts
{
    /// <summary>Whole-service verification (Limits:VerificationTimeout).</summary>
    public const string Verification = "verification";
}

/// <summary>Per-client rate limits. Endpoints opt in with RequireRateLimiting(RateLimits.Intake or .Lists).</summary>
public static class RateLimits
{
    public const string Intake = "intake";
    public const string Lists = "lists";

    /// <summary>Largest request body accepted (Kestrel enforces it for chunked bodies too).</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>Longest request target (path and query) accepted.</summary>
    public const int MaxRequestTargetBytes = 8 * 1024;

    /// <summary>Most bytes of request headers accepted, all together.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>
    /// Refuses a declared oversized body before anything reads it (413), a request target over
    /// <see cref="MaxRequestTargetBytes"/> (414) and headers over <see cref="MaxHeaderBytes"/> (431), with problem details.
    /// Kestrel's own limits sit above these (they answer without a body); a chunked body is cut off by Kestrel at
    /// <see cref="MaxBodyBytes"/> while it is read, which ProblemDetailsMapping answers as 413 too.
    /// </summary>
    public static IApplicationBuilder UseRequestSizeLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
            throw new BadHttpRequestException($"The request body is larger than {MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxRequestTargetBytes)
            throw new BadHttpRequestException($"The request target is longer than {MaxRequestTargetBytes} bytes.", StatusCodes.Status414UriTooLong);
        var headerBytes = 0L;
        foreach (var (name, values) in request.Headers)
            foreach (var value in values)
                headerBytes += name.Length + (value?.Length ?? 0) + 4;
        if (headerBytes > MaxHeaderBytes)
            throw new BadHttpRequestException($"The request headers are larger than {MaxHeaderBytes} bytes.",
                StatusCodes.Status431RequestHeaderFieldsTooLarge);
        await next(context);
    });

    public sealed class Limit
    {
        public int PermitsPerSecond { get; set; }
        public int Burst { get; set; }
    }

    public static void AddSandboxLimits(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration.GetSection("RateLimits");
        var intake = config.GetSection(Intake).Get<Limit>() ?? new Limit { PermitsPerSecond = 50, Burst = 100 };
        var lists = config.GetSection(Lists).Get<Limit>() ?? new Limit { PermitsPerSecond = 20, Burst = 40 };

        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(Intake, context => Bucket(context, intake));
            o.AddPolicy(Lists, context => Bucket(context, lists));
            o.OnRejected = async (rejected, ct) =>
            {
                var http = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"This client's limit was reached; retry after {seconds} s.",
                        Extensions = { ["code"] = "rate-limited" },
                    },
                });
            };
        });

        // Long queries are cut off rather than left to hold connections: per command, and per request.
        builder.Services.AddRequestTimeouts(o =>
        {
            o.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = builder.Configuration.GetValue("Limits:RequestTimeout", TimeSpan.FromSeconds(30)),
                TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            };
            // A whole-service verification reads every event when asked for in full (about 10 s per million here).
            o.AddPolicy(RequestTimeouts.Verification, new RequestTimeoutPolicy
            {
                Timeout = builder.Configuration.GetValue("Limits:VerificationTimeout", TimeSpan.FromMinutes(10)),
                TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            });
        });
    }

    /// <summary>The caller's identity for limiting: integration client, company, subject, or else the address.</summary>
    public static string ClientKey(HttpContext context)
    {
        var user = context.User;
        // A person's token names the console as its client_id: every console user would share one bucket.
        return Actor.ClientOf(user) is { } client ? $"client:{client}"
            : user.FindFirstValue(Roles.OrgClaim) is { } org ? $"org:{org}"
            : user.FindFirstValue("sub") is { } sub ? $"sub:{sub}"
            : $"ip:{context.Connection.RemoteIpAddress}";
    }

    private static RateLimitPartition<string> Bucket(HttpContext context, Limit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, limit.Burst),
            TokensPerPeriod = Math.Max(1, limit.PermitsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
