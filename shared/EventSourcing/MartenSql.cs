using Marten;
using Marten.Linq;
using Npgsql;

namespace SandboxRegistry.EventSourcing;

/// <summary>
/// A Marten LINQ query as SQL to select from, for the aggregations Marten's LINQ cannot express (unfolding a document's
/// array, grouping): the query's own text, so its filter is Marten's, and its parameters, copied onto every command that
/// uses it. Marten numbers its parameters by position, which Npgsql does not let a command mix with named ones: a
/// caller adds only literals of its own values (never a client's text) around the subquery, and at most one subquery
/// with parameters per command keeps every position right.
/// </summary>
public sealed class MartenSql
{
    private readonly NpgsqlParameter[] _parameters;

    private MartenSql(string sql, NpgsqlParameter[] parameters)
    {
        Sql = sql;
        _parameters = parameters;
    }

    /// <summary>The query's text without its closing semicolon: <c>$"select count(*) from ({q.Sql}) f"</c>.</summary>
    public string Sql { get; }

    public static MartenSql Of<T>(IQueryable<T> query) where T : notnull
    {
        var command = query.ToCommand(FetchType.FetchMany);
        return new MartenSql(command.CommandText.TrimEnd().TrimEnd(';'), command.Parameters.Cast<NpgsqlParameter>().ToArray());
    }

    /// <summary>A command of a batch with <paramref name="text"/> and copies of the query's parameters.</summary>
    public NpgsqlBatchCommand BatchCommand(string text)
    {
        var command = new NpgsqlBatchCommand(text);
        foreach (var parameter in _parameters) command.Parameters.Add(parameter.Clone());
        return command;
    }

    /// <summary>A command on <paramref name="connection"/> with <paramref name="text"/> and copies of the query's parameters.</summary>
    public NpgsqlCommand Command(string text, NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(text, connection);
        foreach (var parameter in _parameters) command.Parameters.Add(parameter.Clone());
        return command;
    }
}
