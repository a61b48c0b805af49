using System.Globalization;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;
using SandboxRegistry.WebConsole.Api;
using SandboxRegistry.WebConsole.Auth;
using SandboxRegistry.WebConsole.Components;

namespace SandboxRegistry.WebConsole;

public static class ConsoleHosting
{
    /// <summary>Russian first (the jurisdiction's language), English second.</summary>
    public static readonly string[] Cultures = ["ru", "en"];

    public static void AddConsole(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddLocalization();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Cultures[0]).AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
            // The user's choice (cookie) wins; otherwise Russian, whatever the browser asks for.
            o.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        builder.AddConsoleAuth();
        builder.Services.AddConsoleApis(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<ConsoleClock>();
    }

    public static void UseConsole(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.Use(async (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["X-Frame-Options"] = "DENY";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            await next();
        });
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapConsoleAuth();
        app.MapExportDownloads();
        app.MapGet("/culture", (string culture, string? redirect, HttpContext http) =>
        {
            if (!Cultures.Contains(culture)) return Results.BadRequest();
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365) });
            return Results.LocalRedirect(LocalPath(redirect));
        }).AllowAnonymous();
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" })).AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>Only a path of this site: an open redirect would let another site borrow the console's name.</summary>
    public static string LocalPath(string? path) =>
        !string.IsNullOrEmpty(path) && path.StartsWith('/') && !path.StartsWith("//") && !path.StartsWith("/\\") ? path : "/";

    public static CultureInfo Culture => CultureInfo.CurrentCulture;
}
