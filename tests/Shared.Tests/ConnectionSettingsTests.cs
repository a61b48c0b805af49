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

public class ErrorDetailSettingsTests
{
    [Fact]
    public void Error_detail_stays_off_whatever_the_connection_string_says()
    {
        var source = new NpgsqlDataSourceBuilder("Host=db;Database=x;Include Error Detail=true");
        ServiceDefaultsExtensions.KeepValuesOutOfErrors(source);
        Assert.False(new NpgsqlConnectionStringBuilder(source.Build().ConnectionString).IncludeErrorDetail);
    }

    [Fact]
    public void An_exception_is_described_by_its_types_and_sql_state_never_by_its_message()
    {
        var inner = new InvalidOperationException("Reporter Evdokiya Prokhorenko wrote: the drone fell");
        var outer = new ApplicationException("Saving 'the drone fell' failed", inner);

        var described = DatabaseFailures.Describe(outer);

        Assert.Equal("System.ApplicationException ---> System.InvalidOperationException", described);
    }
}
