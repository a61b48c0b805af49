using JasperFx.Events;
using Marten.Events.Aggregation;
using SandboxRegistry.IncidentClaims.Incidents;

namespace SandboxRegistry.IncidentClaims.PublicRegister;

/// <summary>The AI system an incident was linked to by triage, as the public may know it (company names are legal entities).</summary>
public sealed record PublicSystem(Guid AiSystemId, string? Name, Guid VersionId, string Version, string? DeveloperName, string? OperatorName,
    string? ParticipantName);

/// <summary>What a company the incident concerns says publicly about it (issue 19 part 2).</summary>
public sealed record PublicStatement(string Text, string CompanyOgrn, string CompanyName, DateTimeOffset PublishedAt);

/// <summary>
/// One incident in the public incident register: only structured facts, never the reporter's personal data nor the free
/// text of the report (title, description, how AI relates, address), which may name or locate people; the date of the
/// harm without its time of day for the same reason. The summary is composed here from the structured facts.
/// </summary>
/// <param name="Severity">The highest severity among the incident's harms.</param>
/// <param name="Month">yyyy-MM of <paramref name="OccurredOn"/>, for the statistics.</param>
/// <param name="Number">The global sequence of the report's event: a stable integer number (the AIID's incident_id and report_number).</param>
/// <param name="ReportId">The report's event id.</param>
public sealed record PublicIncident(
    Guid Id,
    long Number,
    Guid ReportId,
    string Summary,
    DateOnly OccurredOn,
    string Month,
    string RegionCode,
    IReadOnlyList<string> HarmTypes,
    Severity Severity,
    int PersonsAffected,
    bool Serious,
    IReadOnlyList<string> SeriousGrounds,
    bool CriticalInfrastructure,
    bool Widespread,
    PublicSystem? System,
    IncidentStatus Status,
    string? CausalLink,
    IncidentOutcome? Outcome,
    DateTimeOffset ReportedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<PublicStatement> Statements)
{
    public static PublicIncident Start(HarmIncidentReported e, long number, Guid reportId)
    {
        var r = e.Report;
        var harmTypes = r.Harms.Select(h => h.Type).Distinct().Order().Select(h => h.Camel()).ToList();
        var occurredOn = DateOnly.FromDateTime(r.OccurredAt.DateTime); // the local date where it happened, as reported
        var p = new PublicIncident(e.IncidentId, number, reportId, "", occurredOn, occurredOn.ToString("yyyy-MM"), r.Location.RegionCode, harmTypes,
            r.Harms.Max(h => h.Severity), r.Harms.Sum(h => h.PersonsAffected), e.Classification.Serious, e.Classification.Grounds,
            r.CriticalInfrastructure, r.Widespread, null, IncidentStatus.Reported, null, null, e.ReportedAt, null, []);
        return p with { Summary = p.Compose(r.Harms) };
    }

    /// <summary>A sentence from structured facts only, e.g. "Serious injury to health (1 person affected) in region 77 on 2026-03-14."</summary>
    private string Compose(IEnumerable<Harm> harms)
    {
        var parts = harms.GroupBy(h => h.Type).Select(g =>
        {
            var persons = g.Sum(h => h.PersonsAffected);
            var what = g.Key switch
            {
                HarmType.Death => "death",
                HarmType.InjuryToHealth => "injury to health",
                HarmType.DamageToPersonProperty => "damage to personal property",
                _ => "damage to an organisation's property",
            };
            var severity = g.Max(h => h.Severity).Camel();
            return persons > 0 ? $"{severity} {what} ({persons} {(persons == 1 ? "person" : "persons")} affected)" : $"{severity} {what}";
        });
        var text = string.Join("; ", parts);
        return $"{char.ToUpperInvariant(text[0])}{text[1..]} in region {RegionCode} on {OccurredOn:yyyy-MM-dd}" +
               (System is { } s ? $", involving {s.Name ?? "an AI system"} version {s.Version}." : ".");
    }

    public static PublicIncident? When(PublicIncident? state, IEvent @event) => (state, @event.Data) switch
    {
        (_, HarmIncidentReported e) => Start(e, @event.Sequence, @event.Id),
        (null, _) => null,
        ({ } s, IncidentLinked e) => s.Linked(e.Resolution),
        ({ } s, Incidents.Triaging.IncidentLinkCorrected e) => s.Linked(e.Resolution) with { Status = s.Status },
        ({ } s, IncidentFoundNotAiRelated) => s with { Status = IncidentStatus.NotAiRelated },
        ({ } s, IncidentMarkedDuplicate) => s with { Status = IncidentStatus.Duplicate },
        ({ } s, CommissionConvened) => s with { Status = IncidentStatus.CommissionConvened },
        ({ } s, ConclusionRecorded) => s with { Status = IncidentStatus.ConclusionRecorded },
        ({ } s, ConclusionSigned e) => s with { Status = IncidentStatus.ConclusionSigned, CausalLink = e.Conclusion.CausalLink.Camel() },
        ({ } s, IncidentClosed e) => s with { Status = IncidentStatus.Closed, Outcome = e.Outcome, ClosedAt = e.ClosedAt },
        ({ } s, Incidents.Responding.CompanyStatementPublished e) => s with
        {
            Statements = [.. s.Statements, new PublicStatement(e.Text, e.CompanyOgrn, e.CompanyName, e.PublishedAt)],
        },
        ({ } s, _) => s,
    };

    private PublicIncident Linked(Resolution r)
    {
        var linked = this with
        {
            Status = IncidentStatus.Linked,
            System = new PublicSystem(r.Version.AiSystemId, r.AiSystem?.Name, r.Version.VersionId, r.Version.Version, r.AiSystem?.DeveloperName,
                r.AiSystem?.OperatorName, r.Participation?.CompanyName),
        };
        // The summary names the system once linked; its first part (the harms) stays as composed at intake.
        var harms = Summary.LastIndexOf(" in region ", StringComparison.Ordinal);
        return linked with
        {
            Summary = $"{Summary[..harms]} in region {RegionCode} on {OccurredOn:yyyy-MM-dd}, involving {linked.System.Name ?? "an AI system"} " +
                      $"version {linked.System.Version}.",
        };
    }

    /// <summary>The incident events the register follows, the companies' statements among them.</summary>
    public static readonly List<Type> EventTypes = [.. Incident.EventTypes];
}

/// <summary>The public register entry as an inline projection of the incident stream, so it is current as soon as a command commits.</summary>
public sealed partial class PublicIncidentProjection : SingleStreamProjection<PublicIncident, Guid>
{
    public PublicIncidentProjection()
    {
        foreach (var type in PublicIncident.EventTypes) IncludeType(type);
    }

    public override PublicIncident? Evolve(PublicIncident? snapshot, Guid id, IEvent e) => PublicIncident.When(snapshot, e);
}
