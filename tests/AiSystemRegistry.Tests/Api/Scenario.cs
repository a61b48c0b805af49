using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SandboxRegistry.Contracts;
using SandboxRegistry.Testing;
using Published = SandboxRegistry.Contracts.SandboxApplications;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>Steps the API tests share: participations arrive over the broker, systems and versions over HTTP.</summary>
public sealed class Scenario(ServiceHost<ServiceMarker> host)
{
    /// <summary>Valid OGRNs (check digit correct) of two unrelated companies.</summary>
    public const string Acme = "1027700132195";
    public const string Rival = "1037739010891";

    public static readonly DateOnly TermStart = new(2026, 1, 1);
    public static readonly DateOnly TermEnd = new(2028, 12, 31);

    public HttpClient Owner => host.Client(Tokens.Applicant(Acme, "acme-officer"));
    public HttpClient OtherCompany => host.Client(Tokens.Applicant(Rival, "rival-officer"));
    public HttpClient Regulator => host.Client(Tokens.Regulator("reg-petrova"));
    public HttpClient Auditor => host.Client(Tokens.Auditor());
    public HttpClient Anonymous => host.Client();

    private long _sequence = 1000;

    public static object SystemRequest(string name = "Road sign reader") => new
    {
        name,
        description = "Reads road signs from the roof camera.",
        intendedPurpose = "Assist the safety driver of an unmanned shuttle.",
        direction = "transport",
        developer = new { name = "Acme Vision LLC", ogrn = Acme },
        operatorName = "Acme Shuttles LLC",
        autonomyLevel = "humanOnTheLoop",
        riskClass = "high",
        technique = "computerVision",
    };

    public static object VersionRequest(string version, char digit = 'a') => new
    {
        version,
        artifactSha256 = new string(digit, 64),
        changeSummary = $"Release {version}",
        trainingDataSummary = "120k labelled frames, Moscow 2025",
        evaluationSummary = "Sign recall 99.1% on the holdout set",
    };

    public async Task<Guid> RegisterSystemAsync(string name = "Road sign reader")
    {
        var response = await Owner.PostAsJsonAsync("/api/v1/ai-systems", SystemRequest(name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<Guid> ReleaseAsync(Guid systemId, string version, char digit = 'a')
    {
        var response = await Owner.PostAsJsonAsync($"/api/v1/ai-systems/{systemId}/versions", VersionRequest(version, digit));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("versionId").GetGuid();
    }

    public static object DeployRequest(Guid systemId, Guid versionId, Guid participationId, string[]? territory = null,
        DateTimeOffset? from = null, DateTimeOffset? until = null) => new
    {
        aiSystemId = systemId,
        versionId,
        participationId,
        territory = territory ?? ["77"],
        from = from ?? DateTimeOffset.UtcNow.AddMinutes(-1),
        until,
    };

    public async Task<Guid> DeployAsync(Guid systemId, Guid versionId, Guid participationId, string[]? territory = null)
    {
        var response = await Owner.PostAsJsonAsync("/api/v1/deployments", DeployRequest(systemId, versionId, participationId, territory));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public Published.ParticipationGranted Granted(Guid participationId, string ogrn = Acme, string[]? territory = null) => new(
        Cite(participationId, 1), participationId, Guid.NewGuid(), Guid.NewGuid(), 1, ogrn, "Acme Shuttles LLC", territory ?? ["77", "50"],
        TermStart, TermEnd,
        new Published.InsurancePolicy("Safe Insurance JSC", "7707083893", "POL-1", new Money(10_000_000m, "RUB"), ["life", "health"],
            true, TermStart, TermEnd),
        [new Published.ResponsiblePerson(Guid.NewGuid(), "Ivan Ivanov", "CTO", "Model releases", TermStart, null)],
        DateTimeOffset.UtcNow);

    public SourceCitation Cite(Guid streamId, long version) =>
        new(ServiceNames.SandboxApplications, streamId, version, Guid.NewGuid(), Interlocked.Increment(ref _sequence));

    /// <summary>Publishes a message as SandboxApplications' outbox would: message id = event id, with the stream-id header.</summary>
    public async Task PublishAsync<T>(T message) where T : class, ICitedMessage
    {
        await BusReadyAsync();
        await host.Services.GetRequiredService<IBus>().PublishAsTheOutboxWould(message);
    }

    /// <summary>
    /// Waits until the service's receive endpoint is up: a message published before its queue is bound to the exchange would
    /// go nowhere.
    /// </summary>
    private async Task BusReadyAsync()
    {
        if (_ready) return;
        await Eventually.True(async () => (await Anonymous.GetAsync("/health/ready")).IsSuccessStatusCode,
            because: "the service should become ready");
        _ready = true;
    }

    private bool _ready;

    /// <summary>Grants a participation to <paramref name="ogrn"/> and waits until this service knows it.</summary>
    public async Task<Guid> GrantParticipationAsync(string ogrn = Acme, string[]? territory = null)
    {
        var id = Guid.NewGuid();
        await PublishAsync(Granted(id, ogrn, territory));
        await Eventually.True(async () => (await Regulator.GetAsync($"/api/v1/participations/{id}")).IsSuccessStatusCode,
            because: "the participation should become known");
        return id;
    }

    public async Task<JsonElement> DeploymentAsync(Guid id, DateTimeOffset? asKnownAt = null) =>
        await Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{id}{AsKnownAt(asKnownAt)}");

    public async Task<JsonElement> WaitForDeploymentStatus(Guid id, string status) =>
        await Eventually.Until(async () =>
        {
            var deployment = await DeploymentAsync(id);
            return deployment.GetProperty("status").GetString() == status ? deployment : (JsonElement?)null;
        }, because: $"deployment {id} should become {status}");

    /// <summary>The registry as it stood at an instant: valid time and recorded time both then.</summary>
    public static string AsKnownAt(DateTimeOffset? at) => at is { } t ? At(t, t) : "";

    /// <summary>What was in service at <paramref name="at"/>, as recorded by <paramref name="knownAt"/> (now when omitted).</summary>
    public static string At(DateTimeOffset at, DateTimeOffset? knownAt = null) =>
        $"?at={Instant(at)}" + (knownAt is { } k ? $"&knownAt={Instant(k)}" : "");

    public static string Instant(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O"));
}
