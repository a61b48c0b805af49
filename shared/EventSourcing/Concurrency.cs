using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SandboxRegistry.EventSourcing;

/// <summary>ETag and If-Match carry a stream version: "3" (or W/"3").</summary>
public static class StreamVersionHeaders
{
    /// <summary>The stream version the client expects, or null when it sent no If-Match.</summary>
    public static long? ExpectedVersion(this HttpRequest request)
    {
        var raw = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (!EntityTagHeaderValue.TryParse(raw, out var tag) ||
            !long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ||
            version < 1)
            throw new MalformedPrecondition("If-Match must hold one stream version, for example \"3\".");
        return version;
    }

    public static void SetStreamVersion(this HttpResponse response, long version) =>
        response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
}
