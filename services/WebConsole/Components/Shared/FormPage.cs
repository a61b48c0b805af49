using Microsoft.AspNetCore.Components;
using SandboxRegistry.WebConsole.Api;

namespace SandboxRegistry.WebConsole.Components.Shared;

/// <summary>A page with forms: the last refusal, and its messages for each field by the field's JSON path.</summary>
public abstract class FormPage : ComponentBase
{
    [Inject] protected IConsoleApi Api { get; set; } = null!;
    [Inject] protected ConsoleClock Clock { get; set; } = null!;
    [Inject] protected NavigationManager Navigation { get; set; } = null!;

    protected Problem? Problem { get; set; }
    protected bool Busy { get; set; }

    protected bool Err(string field) => Problem?.For(field) is not null;
    protected string? Msg(string field) => Problem?.For(field);

    /// <summary>Sends a command; on success runs <paramref name="then"/>, on refusal keeps the problem for the form.</summary>
    protected async Task<ApiResult<System.Text.Json.JsonElement>?> Send(HttpMethod method, Service service, string path, object? body,
        Func<System.Text.Json.JsonElement, Task>? then = null)
    {
        if (Busy) return null;
        Busy = true;
        try
        {
            var result = await Api.SendAsync(method, service, path, body);
            Problem = result.Problem;
            if (result.Ok && then is not null) await then(result.Value);
            return result;
        }
        finally
        {
            Busy = false;
        }
    }

    protected Task<ApiResult<System.Text.Json.JsonElement>?> Post(Service service, string path, object? body,
        Func<System.Text.Json.JsonElement, Task>? then = null) => Send(HttpMethod.Post, service, path, body ?? new { }, then);

    protected static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    protected static string[] Lines(string? text) =>
        (text ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>One entry a line, commas kept: a norm or a requirement ("Air code, art. 1") is one entry.</summary>
    protected static string[] OnePerLine(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    protected static string? IsoDate(DateTime? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
