using System.Linq.Expressions;

namespace SandboxRegistry.EventSourcing;

/// <summary>Whose a resource is: a company's (by its OGRN) or an integration's (by its client id).</summary>
public enum OwnerKind
{
    Company,
    Integration,
}

public readonly record struct ResourceOwner(OwnerKind Kind, string Id)
{
    public static ResourceOwner Company(string ogrn) => new(OwnerKind.Company, ogrn);

    public static ResourceOwner Integration(string clientId) => new(OwnerKind.Integration, clientId);
}

/// <summary>A stream state or view that belongs to one company or one integration.</summary>
public interface IOwned
{
    ResourceOwner Owner { get; }
}

/// <summary>
/// Who sees what, for every service in one place: regulators and auditors see every resource; an applicant only its own
/// company's; an integration only what it filed itself; nobody else anything. Reads (<see cref="VisibleOrNotFound{T}"/>,
/// <see cref="VisibleTo{T}"/> for lists) and commands (<see cref="Commands"/>) all go through it, and what a caller may not see
/// is "not found", never "forbidden" (no existence leak). Which role may call an endpoint at all is its authorization policy.
/// </summary>
public static class Visibility
{
    public static bool Sees(this Actor actor, ResourceOwner owner)
    {
        var (all, key) = Scope(actor, owner.Kind);
        return all || (!string.IsNullOrEmpty(key) && string.Equals(key, owner.Id, StringComparison.Ordinal));
    }

    public static T VisibleOrNotFound<T>(this T? resource, Actor actor, string message = "The resource was not found.")
        where T : class, IOwned =>
        resource is not null && actor.Sees(resource.Owner) ? resource : throw new ResourceNotFound(message);

    /// <summary>The same rule as a query, for lists; <paramref name="ownerId"/> selects the stored owner's OGRN or client id.</summary>
    public static IQueryable<T> VisibleTo<T>(this IQueryable<T> query, Actor actor, OwnerKind kind, Expression<Func<T, string>> ownerId)
    {
        var (all, key) = Scope(actor, kind);
        if (all) return query;
        if (string.IsNullOrEmpty(key)) return query.Where(_ => false);
        var sameOwner = Expression.Lambda<Func<T, bool>>(Expression.Equal(ownerId.Body, Expression.Constant(key)), ownerId.Parameters);
        return query.Where(sameOwner);
    }

    /// <summary>Officials see all; otherwise the key the caller's own resources of this kind carry (null when it has none).</summary>
    private static (bool All, string? Key) Scope(Actor actor, OwnerKind kind) => (actor.Role, kind) switch
    {
        (Roles.Regulator or Roles.Auditor, _) => (true, null),
        (Roles.Applicant, OwnerKind.Company) => (false, actor.Org),
        (Roles.Integration, OwnerKind.Integration) => (false, actor.ClientId),
        _ => (false, null),
    };
}
