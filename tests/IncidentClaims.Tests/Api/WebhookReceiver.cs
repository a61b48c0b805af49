using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <param name="Verified">Whether the Standard Webhooks signature checked out against the subscription's secret.</param>
public sealed record ReceivedWebhook(string WebhookId, string Type, JsonElement Data, bool Verified, int Answered);

/// <summary>
/// A webhook receiver on a real socket (127.0.0.1, a free port), as a subscriber would run one: it verifies every
/// request's signature with the StandardWebhooks package and answers with the status <see cref="Answer"/> picks for the
/// n-th request (1-based). Requests with a bad signature are answered 401 and recorded as not verified.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication _app = null!;
    private int _count;

    public string Secret { get; set; } = "";
    public Func<int, int> Answer { get; set; } = _ => 200;
    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        receiver._app = builder.Build();
        receiver._app.MapPost("/hook", (Delegate)receiver.Handle);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = $"{address}/hook";
        return receiver;
    }

    private async Task<IResult> Handle(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var verified = true;
        try
        {
            new StandardWebhook(Secret).Verify(body, context.Request.Headers);
        }
        catch (Exception)
        {
            verified = false;
        }
        var n = Interlocked.Increment(ref _count);
        var status = verified ? Answer(n) : 401;
        var json = JsonDocument.Parse(body).RootElement;
        _received.Enqueue(new ReceivedWebhook(context.Request.Headers["webhook-id"].ToString(), json.GetProperty("type").GetString()!,
            json.GetProperty("data").Clone(), verified, status));
        return Results.StatusCode(status);
    }

    /// <summary>Every request so far, in the order they came.</summary>
    public IReadOnlyList<ReceivedWebhook> Requests => [.. _received];

    /// <summary>The requests answered 2xx, in order.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => [.. _received.Where(r => r.Answered is >= 200 and < 300)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
