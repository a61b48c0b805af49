using Microsoft.AspNetCore.Http;

namespace SandboxRegistry.Shared.Tests;

public class SettingsTests
{
    [Fact]
    public void The_broker_uri_gives_host_port_virtual_host_and_credentials()
    {
        var settings = RabbitMqSettings.Parse("amqp://svc:p%40ss@broker:5673/sandbox-vhost");

        Assert.Equal(new RabbitMqSettings("broker", 5673, "sandbox-vhost", "svc", "p@ss"), settings);
    }

    [Fact]
    public void The_default_virtual_host_is_the_root() =>
        Assert.Equal("/", RabbitMqSettings.Parse("amqp://guest:guest@localhost/").VirtualHost);

    [Theory]
    [InlineData("\"3\"", 3L)]
    [InlineData("W/\"12\"", 12L)]
    public void If_match_carries_the_expected_stream_version(string header, long expected)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.IfMatch = header;

        Assert.Equal(expected, request.ExpectedVersion());
    }

    [Fact]
    public void No_if_match_means_no_expectation() => Assert.Null(new DefaultHttpContext().Request.ExpectedVersion());

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"0\"")]
    [InlineData("3")]
    public void A_malformed_if_match_is_refused(string header)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.IfMatch = header;

        Assert.Throws<MalformedPrecondition>(() => request.ExpectedVersion());
    }
}
