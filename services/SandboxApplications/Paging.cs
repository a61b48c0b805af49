using FluentValidation;
using Marten;

namespace SandboxRegistry.SandboxApplications;

/// <summary>A list query of this service: its filters plus the shared page and size (<see cref="Paging"/>).</summary>
public interface IPagedQuery
{
    int? Page { get; }
    int? PageSize { get; }
}

public static class PagedQueries
{
    public static Task<ListPage<T>> ToPageAsync<T>(this IQueryable<T> query, IPagedQuery paging, CancellationToken ct) where T : notnull =>
        query.ToPageAsync(Paging.From(paging.Page, paging.PageSize), ct);

    public static void PagingRules<T>(this AbstractValidator<T> validator) where T : IPagedQuery
    {
        validator.RuleFor(q => q.Page).GreaterThanOrEqualTo(1);
        validator.RuleFor(q => q.PageSize).InclusiveBetween(1, Paging.MaxSize);
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
