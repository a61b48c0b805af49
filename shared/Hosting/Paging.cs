using Marten;
using Marten.Linq;

namespace SandboxRegistry.Hosting;

/// <summary>One page of a list, the one shape every list answers: its items, which page, its size, and how many in all.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>
/// Page and size of a list request (query parameters <c>page</c>, from 1, and <c>pageSize</c>, 1 to <see cref="MaxSize"/>).
/// Sizes above the cap are refused rather than served, and so is a page whose first item lies beyond what an offset can
/// address, instead of overflowing into a negative OFFSET.
/// </summary>
public sealed record Paging(int Page, int Size)
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    public static Paging From(int? page, int? pageSize)
    {
        var p = page ?? 1;
        var s = pageSize ?? DefaultSize;
        if (p < 1) throw new InvalidPaging("page", "'page' must be 1 or more.");
        if (s is < 1 or > MaxSize) throw new InvalidPaging("pageSize", $"'pageSize' must be between 1 and {MaxSize}.");
        if ((long)(p - 1) * s > int.MaxValue)
            throw new InvalidPaging("page", $"'page' times 'pageSize' must stay below {int.MaxValue}.");
        return new Paging(p, s);
    }

    public int Skip => (Page - 1) * Size;
}

/// <summary>A list request asked for a page that cannot be served: 400 naming the parameter.</summary>
public sealed class InvalidPaging(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}

public static class Pages
{
    /// <summary>One query for the page and its total (Marten's statistics count the whole match alongside).</summary>
    public static async Task<ListPage<T>> ToPageAsync<T>(this IQueryable<T> query, Paging paging, CancellationToken ct) where T : notnull
    {
        // Stats marks the queryable it is given, so it goes on the paged one and leaves the caller's query as it was.
        var items = await query.Skip(paging.Skip).Take(paging.Size).Stats(out var stats).ToListAsync(ct);
        // The statistics ride on the rows returned, so a page past the end has none: its total comes from the first row
        // (a count of the ordered query itself is not valid SQL).
        var total = stats.TotalResults;
        if (items.Count == 0 && paging.Skip > 0)
        {
            await query.Take(1).Stats(out var all).ToListAsync(ct);
            total = all.TotalResults;
        }
        return new ListPage<T>(items, paging.Page, paging.Size, total);
    }

    /// <summary>The page of a list already in memory (one computed from several documents).</summary>
    public static ListPage<T> ToPage<T>(this IEnumerable<T> list, Paging paging)
    {
        var all = list as IReadOnlyCollection<T> ?? list.ToList();
        return new ListPage<T>(all.Skip(paging.Skip).Take(paging.Size).ToList(), paging.Page, paging.Size, all.Count);
    }

    public static ListPage<TOut> Select<TIn, TOut>(this ListPage<TIn> page, Func<TIn, TOut> map) =>
        new(page.Items.Select(map).ToList(), page.Page, page.PageSize, page.Total);
}
