using System.Net;
using System.Text.Json;
using Xunit;

namespace SandboxRegistry.Testing;

/// <summary>Expected-status assertions every API test project shares; a mismatch shows the body that came instead.</summary>
public static class Responses
{
    /// <summary>Asserts the status and returns the body as JSON (default for an empty body).</summary>
    public static async Task<JsonElement> Body(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"expected {(int)expected}, got {(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Awaits the call, then as <see cref="Body"/>.</summary>
    public static async Task<JsonElement> Body(this Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK) =>
        await (await call).Body(expected);

    /// <summary>Asserts an RFC 9457 problem with this status (and stable code, when given) and returns it.</summary>
    public static async Task<JsonElement> AssertProblem(this HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var problem = await response.Body(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    /// <summary>Awaits the call, then as <see cref="AssertProblem(HttpResponseMessage, HttpStatusCode, string?)"/>.</summary>
    public static async Task<JsonElement> AssertProblem(this Task<HttpResponseMessage> call, HttpStatusCode status, string? code = null) =>
        await (await call).AssertProblem(status, code);
}
