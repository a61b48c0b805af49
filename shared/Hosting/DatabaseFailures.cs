using System.Text;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SandboxRegistry.Hosting;

/// <summary>
/// How failed database commands are logged and contained. Replaces Marten's default logger, which writes the text and
/// every parameter of a failed command at Error (report texts, contacts and names of persons included).
/// </summary>
public sealed partial class DatabaseFailures(NpgsqlDataSource dataSource, ILogger<DatabaseFailures> logger)
    : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => SchemaChanged(logger, sql);

    /// <summary>
    /// The failure says the database could not be reached or could not take writes at the moment, not that the work
    /// was wrong: Npgsql's own connection failures (refused, reset, timed out, "No suitable host was found" while a
    /// multi-host data source has no primary), and PostgreSQL's connection (08), shutdown and start-up (57P01-57P03),
    /// read-only (25006: a standby) and too-many-connections (53300) errors, anywhere in the exception chain.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)
                               || p.SqlState is "57P01" or "57P02" or "57P03" or "25006" or "53300",
        NpgsqlException => true,
        AggregateException a => a.InnerExceptions.Any(IsUnavailable),
        { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    public void LogFailure(NpgsqlBatch batch, Exception ex) => Failed(ex, batch.BatchCommands.Count);

    // Marten reports a failed batch again, after the rollback, as an empty command: it has been logged already.
    public void LogFailure(NpgsqlCommand command, Exception ex)
    {
        if (!string.IsNullOrEmpty(command.CommandText)) Failed(ex, 1);
    }

    public void LogFailure(Exception ex, string message) => Failed(ex, 0);

    public void LogSuccess(NpgsqlCommand command) { }

    public void LogSuccess(NpgsqlBatch batch) { }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) { }

    public void OnBeforeExecute(NpgsqlCommand command) { }

    public void OnBeforeExecute(NpgsqlBatch batch) { }

    private void Failed(Exception ex, int statements)
    {
        var postgres = Find<PostgresException>(ex);
        CommandFailed(logger, Describe(ex), postgres?.SqlState, statements);
        // Npgsql 10.0.3 marks an automatically prepared statement as prepared when PostgreSQL has parsed it, before the
        // Bind succeeds. If the Bind fails on that very execution (a data exception: jsonb refusing \u0000 or a lone
        // surrogate), the statement stays "prepared" without its row description, and its next use on that connection
        // reads a DataRow it does not expect and breaks the connection under another request (npgsql/npgsql#6391, open).
        // The connection cannot be told apart from outside, so every pooled connection opened before now is closed when
        // it is next returned: the price is a reconnect and re-preparation per connection, paid only after such a failure.
        if (postgres?.SqlState.StartsWith("22", StringComparison.Ordinal) == true) dataSource.Clear();
    }

    /// <summary>
    /// An exception as logs may show it: the type of each exception in the chain, PostgreSQL's SQL state, constraint and
    /// table, and the stack traces. Never a message: PostgreSQL's error context and Marten's command text carry the
    /// values (e.g. <c>Where: JSON data, line 1: {"text":"...</c>), so neither the message nor <c>ToString()</c> is logged.
    /// </summary>
    public static string Describe(Exception exception)
    {
        var text = new StringBuilder();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (text.Length > 0) text.Append(" ---> ");
            text.Append(e.GetType().FullName);
            if (e is PostgresException postgres)
            {
                text.Append(" SqlState=").Append(postgres.SqlState);
                if (postgres.ConstraintName is { } constraint) text.Append(" Constraint=").Append(constraint);
                if (postgres.TableName is { } table) text.Append(" Table=").Append(table);
            }
        }
        for (var e = exception; e is not null; e = e.InnerException)
            if (e.StackTrace is { } stack) text.AppendLine().Append(e.GetType().Name).AppendLine(":").Append(stack);
        return text.ToString();
    }

    public static T? Find<T>(Exception exception) where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Database command failed ({Statements} statements, SQL state {SqlState}): {Exception}")]
    private static partial void CommandFailed(ILogger logger, string exception, string? sqlState, int statements);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Schema changed:\n{Sql}")]
    private static partial void SchemaChanged(ILogger logger, string sql);
}
