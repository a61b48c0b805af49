using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>Request bodies and calls shared by the API tests.</summary>
public static class Reports
{
    public static Dictionary<string, object?> Body(DateTimeOffset? occurredAt = null, string region = "77", Guid? aiSystemId = null,
        string harmType = "injuryToHealth", string severity = "serious") => new()
    {
        ["channel"] = "statePortal",
        ["title"] = "Drone fell on a pedestrian",
        ["description"] = "A delivery drone lost power over the street.",
        ["aiInvolvement"] = "The autopilot chose to fly over the crowd.",
        ["occurredAt"] = occurredAt ?? DateTimeOffset.UtcNow.AddDays(-2),
        ["location"] = new { regionCode = region, address = "Tverskaya 1" },
        ["harms"] = new object[] { new { type = harmType, severity, personsAffected = 1, estimatedDamage = new { amount = 120_000m, currency = "RUB" } } },
        ["aiSystem"] = aiSystemId is { } id ? new { registryId = id, version = "1.0" } : new { name = "SkyDrop", @operator = "Aero LLC" },
        ["evidence"] = new object[] { new { fileName = "photo.jpg", mediaType = "image/jpeg", size = 2048, sha256 = new string('a', 64) } },
        ["reporter"] = new { fullName = "Ivan Petrov", contacts = new { email = "ivan.petrov@example.ru", phone = "+79990000000" }, consentToProcessing = true },
    };

    public static async Task<HttpResponseMessage> Post(HttpClient client, object body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>Files a report and returns the new incident's id.</summary>
    public static async Task<Guid> File(HttpClient integration, object body)
    {
        var response = await Post(integration, body, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
