using JasperFx.Events;
using Marten.Events.Aggregation;

namespace SandboxRegistry.IncidentClaims.Webhooks;

/// <summary>The events a subscriber may ask for, by its kind (Standard Webhooks "type" values).</summary>
public static class WebhookEventTypes
{
    /// <summary>For the integration that filed the report: every change of its status (triage, commission, conclusion, closure).</summary>
    public const string StatusChanged = "incident.status-changed";
    /// <summary>For the company: triage linked an incident to its participation or its AI system.</summary>
    public const string Linked = "incident.linked";
    public const string CommissionConvened = "incident.commission-convened";
    /// <summary>The commission's conclusion, signed by the chair: the decision on the incident.</summary>
    public const string ConclusionSigned = "incident.conclusion-signed";
    public const string Closed = "incident.closed";
    /// <summary>For both: a statutory clock of the incident is due within Webhooks:ClockWarningAhead and still running.</summary>
    public const string ClockDueSoon = "incident.clock-due-soon";

    /// <summary>For the company: the regulator asks for more on one of its staged reports (a follow-up is due).</summary>
    public const string InformationRequested = "incident.information-requested";
    /// <summary>For the company: the regulator accepted one of its staged reports.</summary>
    public const string ReportAccepted = "incident.report-accepted";

    public static readonly IReadOnlyList<string> ForIntegrations = [StatusChanged, ClockDueSoon];
    public static readonly IReadOnlyList<string> ForCompanies =
        [Linked, CommissionConvened, ConclusionSigned, Closed, ClockDueSoon, InformationRequested, ReportAccepted];

    public static IReadOnlyList<string> For(OwnerKind kind) => kind == OwnerKind.Integration ? ForIntegrations : ForCompanies;
}

public sealed record WebhookSubscriptionCreated(Guid SubscriptionId, OwnerKind OwnerKind, string OwnerId, string Url,
    IReadOnlyList<string> EventTypes, string SecretFingerprint, Actor CreatedBy, DateTimeOffset CreatedAt);

public sealed record WebhookSubscriptionDeactivated(Guid SubscriptionId, string? Reason, Actor DeactivatedBy, DateTimeOffset DeactivatedAt);

/// <summary>
/// A subscriber's endpoint and the event types it wants. The signing secret is not here (nor in any event): it lives in
/// <see cref="WebhookSecret"/>, outside the streams, and the events keep only its SHA-256 fingerprint.
/// </summary>
public sealed record WebhookSubscription(Guid Id, OwnerKind OwnerKind, string OwnerId, string Url, IReadOnlyList<string> EventTypes,
    string SecretFingerprint, bool Active, DateTimeOffset CreatedAt, DateTimeOffset? DeactivatedAt) : IOwned
{
    ResourceOwner IOwned.Owner => new(OwnerKind, OwnerId);

    public static WebhookSubscription? When(WebhookSubscription? state, object @event) => (state, @event) switch
    {
        (_, WebhookSubscriptionCreated e) => new WebhookSubscription(e.SubscriptionId, e.OwnerKind, e.OwnerId, e.Url, e.EventTypes,
            e.SecretFingerprint, true, e.CreatedAt, null),
        ({ } s, WebhookSubscriptionDeactivated e) => s with { Active = false, DeactivatedAt = e.DeactivatedAt },
        (var s, _) => s,
    };

    public static readonly Type[] Events = [typeof(WebhookSubscriptionCreated), typeof(WebhookSubscriptionDeactivated)];
}

/// <summary>
/// The subscription's signing secret (Standard Webhooks "whsec_" + base64), shown to the subscriber once, at creation, and
/// stored only encrypted: AES-256-GCM under a key of the subscription's own, wrapped by the vault's master key
/// (<see cref="SandboxRegistry.EventSourcing.PersonalData.PersonalDataVault"/>, the service's one key store; docs/IncidentClaims.md
/// says why not ASP.NET Core Data Protection).
/// </summary>
/// <param name="Secret">Only on rows stored before secrets were encrypted: read, never written.</param>
public sealed record WebhookSecret(Guid Id, SandboxRegistry.EventSourcing.PersonalData.EncryptedValue? Encrypted, string? Secret = null)
{
    public static WebhookSecret Seal(Guid subscriptionId, string secret, SandboxRegistry.EventSourcing.PersonalData.PersonalDataVault vault,
        Marten.IDocumentSession session)
    {
        var keyId = vault.NewSubject(session, out var key);
        return new WebhookSecret(subscriptionId, vault.Encrypt(keyId, key, secret));
    }

    /// <summary>The secret in the clear, or null when its key is gone.</summary>
    public async Task<string?> RevealAsync(SandboxRegistry.EventSourcing.PersonalData.PersonalDataVault vault, Marten.IQuerySession session,
        CancellationToken ct)
    {
        if (Encrypted is null) return Secret;
        var revealed = await vault.RevealAsync(session, Encrypted, ct);
        return revealed == SandboxRegistry.EventSourcing.PersonalData.PersonalDataVault.ErasedMarker ? null : revealed;
    }
}

public sealed partial class WebhookSubscriptionProjection : SingleStreamProjection<WebhookSubscription, Guid>
{
    public WebhookSubscriptionProjection()
    {
        foreach (var type in WebhookSubscription.Events) IncludeType(type);
    }

    public override WebhookSubscription? Evolve(WebhookSubscription? snapshot, Guid id, IEvent e) => WebhookSubscription.When(snapshot, e.Data);
}
