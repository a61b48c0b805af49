using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using SandboxRegistry.Testing;
using static SandboxRegistry.IncidentClaims.Tests.Api.Reports;

namespace SandboxRegistry.IncidentClaims.Tests.Api;

/// <summary>The reporter's name and contacts never reach the logs, at the level the service runs at (Information).</summary>
public class PersonalDataTests(ServiceFixture<ServiceMarker> fixture) : IClassFixture<ServiceFixture<ServiceMarker>>
{
    private sealed class Capture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose() { }

        private sealed class Logger(Capture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                capture.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }

    [Fact]
    public async Task Filing_triaging_and_reading_a_report_logs_no_personal_data()
    {
        var capture = new Capture();
        await using var host = fixture.Host.WithWebHostBuilder(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Information).AddProvider(capture)));
        var portal = host.CreateClient();
        portal.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Integration("gosuslugi"));
        var regulator = host.CreateClient();
        regulator.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.Regulator());

        var id = await File(portal, Body());
        var second = await Post(portal, Body(region: "78"), "second-" + id);
        var invalid = Body();
        invalid["reporter"] = new { fullName = "Ivan Petrov", contacts = new { email = "ivan.petrov@example.ru" }, consentToProcessing = false };
        await Post(portal, invalid, "invalid-" + id);
        await regulator.PostAsJsonAsync($"/api/v1/incidents/{id}/link", new { });
        await regulator.GetAsync($"/api/v1/incidents/{id}/dossier");

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.NotEmpty(capture.Lines); // the capture works: requests were logged
        Assert.DoesNotContain(capture.Lines, l => l.Contains("Ivan Petrov") || l.Contains("ivan.petrov") || l.Contains("+79990000000"));
    }
}
