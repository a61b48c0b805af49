using System.Globalization;
using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using SandboxRegistry.WebConsole.Api;

namespace SandboxRegistry.WebConsole.Tests.Components;

/// <summary>A console page rendered by bUnit with MudBlazor, the console's texts in English and a scripted API.</summary>
public abstract class ConsoleComponentTest : BunitContext, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services dispose only asynchronously; xunit awaits this before it calls Dispose.</summary>
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    protected const string Ogrn = "1027700132195";
    protected FakeApi Api { get; } = new();

    /// <summary>The clock the pages read: the system's until a test sets <see cref="SettableTime.Now"/>.</summary>
    protected SettableTime Time { get; } = new();

    protected sealed class SettableTime : TimeProvider
    {
        public DateTimeOffset? Now { get; set; }
        public override DateTimeOffset GetUtcNow() => Now ?? System.GetUtcNow();
    }

    protected ConsoleComponentTest(string role, params Claim[] claims)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddSingleton<IConsoleApi>(Api);
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSingleton<ConsoleClock>();
        AddAuthorization().SetAuthorized("compliance-officer").SetRoles(role).SetClaims(claims);
        Render<MudPopoverProvider>();
    }

    /// <summary>The text shown with the input of id <paramref name="inputId"/>: its label, helper and error.</summary>
    protected static string FieldText<T>(IRenderedComponent<T> page, string inputId) where T : Microsoft.AspNetCore.Components.IComponent =>
        page.Find($"#{inputId}").Closest(".mud-input-control")!.TextContent;
}
