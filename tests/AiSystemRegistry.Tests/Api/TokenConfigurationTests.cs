using System.Net;
using SandboxRegistry.Testing;

namespace SandboxRegistry.AiSystemRegistry.Tests.Api;

/// <summary>Development tokens work only in Development; elsewhere tokens come from the configured OIDC authority.</summary>
public class TokenConfigurationTests : IAsyncLifetime
{
    private Infrastructure _infrastructure = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await Infrastructure.GetAsync();
        _database = await _infrastructure.CreateDatabaseAsync("t_tokens");
    }

    public Task DisposeAsync() => _infrastructure.DropDatabaseAsync(_database);

    private static readonly string SigningKey = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray());

    private Task<ServiceHost<ServiceMarker>> Host(string environment, string? authority, string? signingKey = null) =>
        Task.FromResult(new ServiceHost<ServiceMarker>(_database, _infrastructure.RabbitMq,
            new Dictionary<string, string?>
            {
                ["environment"] = environment, ["Auth:Authority"] = authority, ["Audit:SigningKey"] = signingKey ?? SigningKey,
            }));

    [Fact]
    public async Task Outside_development_a_service_without_a_checkpoint_signing_key_refuses_to_start()
    {
        await using var host = await Host("Production", "https://127.0.0.1:1/realms/sandbox", signingKey: "");

        Assert.Contains("Audit:SigningKey", Assert.Throws<InvalidOperationException>(() => host.Server).Message);
    }

    [Fact]
    public async Task Outside_development_a_service_without_an_authority_refuses_to_start_even_with_a_development_key()
    {
        await using var host = await Host("Production", null);

        var failure = Assert.Throws<InvalidOperationException>(() => host.Server);
        Assert.Contains("Auth:Authority", failure.Message);
    }

    [Fact]
    public async Task Outside_development_the_authority_must_use_https()
    {
        await using var host = await Host("Production", "http://idp.example/realms/sandbox");

        Assert.Contains("https", Assert.Throws<InvalidOperationException>(() => host.Server).Message);
    }

    [Fact]
    public async Task With_an_authority_configured_a_development_token_is_refused()
    {
        // The authority cannot be reached, so no key it published can have signed the development token.
        await using var host = await Host("Production", "https://127.0.0.1:1/realms/sandbox");

        var response = await host.Client(Tokens.Regulator()).GetAsync("/api/v1/audit/verify");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
