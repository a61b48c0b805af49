using FluentValidation;
using Marten;
using Marten.Pagination;

namespace SandboxRegistry.SandboxApplications;

/// <summary>One page of a list, with the total so a client can page on.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total);

public interface IPagedQuery
{
    int? Page { get; }
    int? PageSize { get; }
}

public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static async Task<Page<T>> ToPageAsync<T>(this IQueryable<T> query, IPagedQuery paging, CancellationToken ct)
    {
        var number = paging.Page ?? 1;
        var size = paging.PageSize ?? DefaultPageSize;
        var page = await query.ToPagedListAsync(number, size, ct);
        return new Page<T>(page.ToList(), number, size, page.TotalItemCount);
    }

    public static void PagingRules<T>(this AbstractValidator<T> validator) where T : IPagedQuery
    {
        validator.RuleFor(q => q.Page).GreaterThanOrEqualTo(1);
        validator.RuleFor(q => q.PageSize).InclusiveBetween(1, MaxPageSize);
    }
}

/// <summary>Enum values in query strings are written as in JSON bodies (camelCase); matched without regard to case.</summary>
public static class QueryEnums
{
    public static TEnum? Parse<TEnum>(string? value) where TEnum : struct, Enum =>
        value is not null && Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) &&
        !value.All(char.IsAsciiDigit) ? parsed : null;

    public static IRuleBuilderOptions<T, string?> EnumValue<T, TEnum>(this IRuleBuilder<T, string?> rule) where TEnum : struct, Enum =>
        rule.Must(v => v is null || Parse<TEnum>(v) is not null)
            .WithMessage($"'{{PropertyName}}' must be one of: {string.Join(", ", Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.");
}
