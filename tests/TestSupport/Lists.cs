using System.Net;
using System.Text.Json;
using Xunit;

namespace SandboxRegistry.Testing;

/// <summary>Reading the one list shape every list answers: {items, page, pageSize, total}.</summary>
public static class Lists
{
    /// <summary>Asserts the shape of one page and returns its items.</summary>
    public static JsonElement[] Items(this JsonElement page)
    {
        Assert.Equal(["items", "page", "pageSize", "total"], page.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>Every item of the list at <paramref name="path"/>, page by page (100 per page) up to its total.</summary>
    public static async Task<IReadOnlyList<JsonElement>> AllItems(this HttpClient client, string path)
    {
        var all = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var separator = path.Contains('?') ? '&' : '?';
            var body = await (await client.GetAsync($"{path}{separator}page={page}&pageSize=100")).Body(HttpStatusCode.OK);
            var items = body.Items();
            all.AddRange(items);
            if (items.Length < 100 || all.Count >= body.GetProperty("total").GetInt64()) return all;
        }
    }
}

/// <summary>What every list must do with paging, whatever it lists.</summary>
public static class PagingRules
{
    /// <summary>
    /// One page in the one shape; the size capped; a page whose offset no database could address refused as 400 naming
    /// "page" (never a 5xx from an overflowed OFFSET); a page past the end empty, with the true total.
    /// </summary>
    public static async Task AssertPaged(HttpClient client, string path)
    {
        var separator = path.Contains('?') ? '&' : '?';

        var first = await (await client.GetAsync($"{path}{separator}pageSize=1")).Body(HttpStatusCode.OK);
        Assert.True(first.Items().Length <= 1);
        Assert.Equal((1, 1), (first.GetProperty("page").GetInt32(), first.GetProperty("pageSize").GetInt32()));
        var total = first.GetProperty("total").GetInt64();

        var beyond = await (await client.GetAsync($"{path}{separator}page=1000000&pageSize=100")).Body(HttpStatusCode.OK);
        Assert.Empty(beyond.Items());
        Assert.True(beyond.GetProperty("total").GetInt64() >= total, $"{path}: a page past the end still tells the total");

        var overflow = await client.GetAsync($"{path}{separator}page={int.MaxValue}");
        Assert.True((int)overflow.StatusCode < 500, $"{path}: page={int.MaxValue} answered {(int)overflow.StatusCode}");
        var problem = await overflow.AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("page", out _), $"{path}: the problem names page");

        var oversize = await client.GetAsync($"{path}{separator}pageSize=101");
        Assert.True((await oversize.AssertProblem(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("pageSize", out _));
    }
}
