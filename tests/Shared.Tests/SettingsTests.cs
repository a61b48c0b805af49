using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

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
    public void A_cluster_names_every_node_and_credentials_from_their_own_keys_win_over_the_uri()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = "amqp://broker:5681/",
            ["RabbitMq:Nodes"] = "node-1:5681, node-2:5682,node-3:5683",
            ["RabbitMq:Username"] = "svc",
            ["RabbitMq:Password"] = "p@ss:/word",
        }).Build();

        var settings = RabbitMqSettings.From(configuration);

        Assert.Equal(new RabbitMqSettings("broker", 5681, "/", "svc", "p@ss:/word") { Nodes = settings.Nodes }, settings);
        Assert.Equal(["node-1:5681", "node-2:5682", "node-3:5683"], settings.Nodes!);
        Assert.True(settings.QuorumQueues);
    }

    [Fact]
    public void Quorum_queues_are_the_default_and_can_be_turned_off()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] = "amqp://guest:guest@localhost:5672/",
            ["RabbitMq:QuorumQueues"] = "false",
        }).Build();

        var settings = RabbitMqSettings.From(configuration);

        Assert.False(settings.QuorumQueues);
        Assert.Null(settings.Nodes);
        Assert.Equal(("guest", "guest"), (settings.Username, settings.Password));
    }

    [Theory]
    [InlineData(null, 120)]
    [InlineData("00:00:30", 30)]
    public void The_bus_start_timeout_defaults_to_two_minutes(string? configured, int seconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:StartTimeout"] = configured,
        }).Build();

        Assert.Equal(TimeSpan.FromSeconds(seconds), RabbitMqSettings.From(configuration).StartTimeout);
    }

    [Fact]
    public void A_bus_start_timeout_that_is_not_positive_is_refused_with_the_key_named()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:StartTimeout"] = "00:00:00",
        }).Build();

        var refused = Assert.Throws<InvalidOperationException>(() => RabbitMqSettings.From(configuration));
        Assert.Contains("RabbitMq:StartTimeout", refused.Message);
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
