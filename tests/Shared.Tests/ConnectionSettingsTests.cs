using Npgsql;

namespace SandboxRegistry.Shared.Tests;

public class ConnectionSettingsTests
{
    [Fact]
    public void Repeated_statements_are_prepared_unless_the_connection_string_says_otherwise()
    {
        var unset = new NpgsqlConnectionStringBuilder("Host=db;Database=x");
        ServiceDefaultsExtensions.PrepareRepeatedStatements(unset);
        Assert.Equal(64, unset.MaxAutoPrepare);

        var chosen = new NpgsqlConnectionStringBuilder("Host=db;Database=x;Max Auto Prepare=10");
        ServiceDefaultsExtensions.PrepareRepeatedStatements(chosen);
        Assert.Equal(10, chosen.MaxAutoPrepare);
    }
}
