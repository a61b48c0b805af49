using Marten;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SandboxRegistry.Testing;
using Incidents = SandboxRegistry.IncidentClaims.ServiceMarker;

namespace SandboxRegistry.EndToEnd.Tests;

/// <summary>A document holding a person's name and free text, as read models and idempotency records do.</summary>
public sealed record StoredStatement(Guid Id, string PersonName, string Text);

/// <summary>
/// Commands that PostgreSQL refuses, below the HTTP edge, through the service's own store and connection pool:
/// jsonb refuses a NUL character (22P05) while binding the parameter.
/// </summary>
public class DatabaseErrorTests(ServiceFixture<Incidents> fixture) : IClassFixture<ServiceFixture<Incidents>>
{
    private const string PersonName = "Evdokiya Zakharovna Prokhorenko";
    private const string FreeText = "The parcel drone clipped the balcony of flat 41";

    private IDocumentStore Store => fixture.Host.Services.GetRequiredService<IDocumentStore>();

    private async Task<StoredStatement> Save(string text)
    {
        var statement = new StoredStatement(Guid.NewGuid(), PersonName, text);
        await using var session = Store.LightweightSession();
        session.Store(statement);
        await session.SaveChangesAsync();
        return statement;
    }

    private async Task<StoredStatement?> Load(Guid id)
    {
        await using var session = Store.QuerySession();
        return await session.LoadAsync<StoredStatement>(id);
    }

    private async Task<MartenCommandException> SaveRefused()
    {
        var refused = await Assert.ThrowsAsync<MartenCommandException>(() => Save(FreeText + " \u0000 and nothing after"));
        Assert.Equal(PostgresErrorCodes.UntranslatableCharacter, Assert.IsType<PostgresException>(refused.InnerException).SqlState);
        return refused;
    }

    [Fact]
    public async Task A_refused_write_leaves_every_connection_of_the_pool_in_sync()
    {
        // Npgsql prepares a statement automatically on its fifth use on a connection: make that use the refused one.
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 4; i++) await Save($"valid {round}.{i}");
            await SaveRefused();
        }

        var written = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Save($"after the refusal {i}")));
        var read = await Task.WhenAll(written.Select(w => Load(w.Id)));

        Assert.Equal(written, read);
        Assert.DoesNotContain(fixture.Host.Logs.Lines, line => line.Contains("unexpected backend message"));
    }

    [Fact]
    public async Task A_refused_command_is_logged_with_its_sql_state_and_without_its_values()
    {
        var refused = await SaveRefused();
        // As a request that reached the store with this text would end: the exception handler logs and answers 500.
        var context = new DefaultHttpContext { RequestServices = fixture.Host.Services };
        context.Request.Method = "POST";
        context.Request.Path = "/api/v1/incidents";
        Assert.True(await fixture.Host.Services.GetRequiredService<IExceptionHandler>()
            .TryHandleAsync(context, refused, CancellationToken.None));
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);

        var lines = fixture.Host.Logs.Lines.ToList();
        Assert.DoesNotContain(lines, line => line.Contains("Zakharovna") || line.Contains("parcel drone") || line.Contains("balcony"));
        Assert.Contains(lines, line => line.StartsWith("Error") && line.Contains("MartenCommandException")
            && line.Contains("PostgresException") && line.Contains("22P05"));
        Assert.Contains(lines, line => line.StartsWith("Error") && line.Contains("POST /api/v1/incidents") && line.Contains("22P05"));
    }
}
