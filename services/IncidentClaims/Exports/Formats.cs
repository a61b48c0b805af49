using SandboxRegistry.Contracts;
using SandboxRegistry.IncidentClaims.Incidents;
using SandboxRegistry.IncidentClaims.PublicRegister;

namespace SandboxRegistry.IncidentClaims.Exports;

// ---- OECD common reporting framework for AI incidents (2025): one record per incident. See docs/Crosswalk.md. ----

public sealed record OecdSubmitter(string Type, string Channel, string ClientId);

public sealed record OecdDates(DateTimeOffset Occurred, DateTimeOffset Aware, DateTimeOffset Reported, DateTimeOffset? Closed);

public sealed record OecdLocation(IReadOnlyList<string> Countries, IReadOnlyList<string> Regions);

public sealed record OecdAiSystem(string? Name, string? Version, Guid? AiSystemId, Guid? VersionId, string? ArtifactSha256, string? IntendedPurpose,
    string? ClaimedName, string? ClaimedVersion);

public sealed record OecdActor(string Role, string Name, string? Identifier);

public sealed record OecdSeverity(string Level, bool SeriousIncident, IReadOnlyList<string> Grounds, bool CriticalInfrastructure, bool Widespread);

public sealed record OecdHarm(string Type, string Severity, int PersonsAffected, Money? EstimatedDamage);

public sealed record OecdQuantification(int PersonsAffected, IReadOnlyList<Money> EstimatedDamage, Money? DamageAssessed, Money? CompensationPaid);

public sealed record OecdAction(string Action, DateTimeOffset At, string? Detail);

/// <param name="AiRelationship">How the AI system relates to the incident, as reported.</param>
public sealed record OecdIncident(
    string Framework,
    Guid IncidentId,
    long Number,
    string Title,
    string Description,
    string AiRelationship,
    OecdSubmitter Submitter,
    OecdDates Dates,
    OecdLocation Location,
    OecdAiSystem AiSystem,
    IReadOnlyList<OecdActor> Actors,
    OecdSeverity Severity,
    IReadOnlyList<OecdHarm> Harms,
    OecdQuantification Quantification,
    IReadOnlyList<string> AffectedStakeholders,
    string? CausalLink,
    IReadOnlyList<OecdAction> ActionsTaken,
    string Status,
    string? Outcome,
    IReadOnlyList<Evidence> Evidence)
{
    public const string Name = "OECD common reporting framework for AI incidents (2025)";

    public static OecdIncident From(IncidentRecord r)
    {
        var report = r.Report;
        var resolution = r.Resolution;
        var actors = new List<OecdActor>();
        if (resolution?.AiSystem is { } system)
        {
            actors.Add(new OecdActor("developer", system.DeveloperName, null));
            actors.Add(new OecdActor("provider", Countries.ProviderName(resolution!) ?? system.DeveloperName, system.OwnerOgrn));
            actors.Add(new OecdActor("operator", system.OperatorName, null));
        }
        if (resolution?.Participation is { } p) actors.Add(new OecdActor("deployer", p.CompanyName, p.CompanyOgrn));
        if (resolution?.InsurancePolicy is { } policy) actors.Add(new OecdActor("insurer", policy.InsurerName, policy.InsurerInn));

        var actions = new List<OecdAction>();
        if (r.Triage is { } t)
            actions.Add(new OecdAction(t.Outcome switch { "linked" => "linkedToAiSystemVersion", "duplicate" => "markedDuplicate", _ => "foundNotAiRelated" },
                t.At, t.Explicit ? "linked explicitly by the regulator" : null));
        if (r.CommissionConvenedAt is { } convened) actions.Add(new OecdAction("commissionConvened", convened, r.CommissionMeetingDate?.ToString("yyyy-MM-dd")));
        if (r.Conclusion is { } c)
            actions.Add(new OecdAction("conclusionSigned", c.SignedAt, string.Join(", ", c.Conclusion.Recommendations.Select(x => x.Camel()))));
        if (r.Settlement is { } s) actions.Add(new OecdAction(s.Status == "paid" ? "compensationPaid" : "insuranceClaimDenied", s.At, null));
        if (r.Closure is { } closure) actions.Add(new OecdAction("closed", closure.At, closure.Outcome.Camel()));

        return new OecdIncident(Name, r.Id, r.Number, report.Title, report.Description, report.AiInvolvement,
            new OecdSubmitter("integration", report.Channel.Camel(), r.ClientId),
            new OecdDates(report.OccurredAt, report.AwareAt, r.ReportedAt, r.Closure?.At),
            new OecdLocation([Countries.Of(report.Location.RegionCode)], [report.Location.RegionCode]),
            new OecdAiSystem(resolution?.AiSystem?.Name, resolution?.Version.Version, resolution?.Version.AiSystemId, resolution?.Version.VersionId,
                resolution?.Version.ArtifactSha256, resolution?.AiSystem?.IntendedPurpose, report.AiSystem.Name, report.AiSystem.Version),
            actors,
            new OecdSeverity(report.Harms.Max(h => h.Severity).Camel(), r.Classification.Serious, r.Classification.Grounds, report.CriticalInfrastructure,
                report.Widespread),
            report.Harms.Select(h => new OecdHarm(h.Type.Camel(), h.Severity.Camel(), h.PersonsAffected, h.EstimatedDamage)).ToList(),
            new OecdQuantification(report.Harms.Sum(h => h.PersonsAffected), report.Harms.Select(h => h.EstimatedDamage).OfType<Money>().ToList(),
                r.Conclusion?.Conclusion.DamageAssessed, r.Settlement?.Amount),
            Stakeholders.Of(report.Harms), r.Conclusion?.Conclusion.CausalLink.Camel(), actions, r.Status.Camel(), r.Closure?.Outcome.Camel(),
            report.Evidence);
    }
}

// ---- EU AI Act, art. 73: the provider's report of a serious incident to the market surveillance authority. ----

public sealed record EuProvider(string? Name, string? RegistrationNumber);

public sealed record EuAiSystem(string? Name, string? Version, string? IntendedPurpose, string? EuDatabaseRegistration, string? ArtifactSha256);

/// <param name="Article">The paragraph of art. 73 that sets the deadline.</param>
public sealed record EuDeadline(string Article, DateTimeOffset? DueBy, DateTimeOffset? MetAt, bool? MetLate);

/// <param name="Categories">Art. 3(49) points: a (death or serious harm to health), b (critical infrastructure), c (fundamental rights), d (property or environment).</param>
public sealed record EuIncident(DateTimeOffset OccurredAt, DateTimeOffset AwareAt, IReadOnlyList<string> Countries, IReadOnlyList<string> Categories,
    string Description, string AiRelationship, int PersonsAffected, bool Widespread);

/// <param name="ReportType">initial while the examination runs; final once the incident is closed.</param>
public sealed record EuSeriousIncidentReport(
    string Regulation,
    string ReportType,
    Guid IncidentId,
    EuProvider Provider,
    EuProvider? Deployer,
    EuAiSystem AiSystem,
    EuIncident Incident,
    EuDeadline Deadline,
    string? CausalLink,
    IReadOnlyList<string> CorrectiveActions,
    string Status,
    string? Outcome)
{
    public const string Name = "Regulation (EU) 2024/1689, art. 73";

    public static EuSeriousIncidentReport From(IncidentRecord r)
    {
        if (!r.Classification.Serious)
            throw new DomainRuleViolation("not-a-serious-incident", "The incident is not a serious incident under art. 3(49); art. 73 does not apply.");
        var report = r.Report;
        var g = r.Classification.Grounds;
        var categories = new List<string>();
        if (g.Contains("death") || g.Contains("seriousHarmToHealth")) categories.Add("a");
        if (g.Contains("criticalInfrastructure")) categories.Add("b");
        if (g.Contains("seriousHarmToProperty")) categories.Add("d");
        var article = report.Widespread || report.CriticalInfrastructure ? "73(3)" : report.Harms.Any(h => h.Type == HarmType.Death) ? "73(4)" : "73(2)";
        var met = r.Triage?.At;
        var system = r.Resolution?.AiSystem;
        return new EuSeriousIncidentReport(Name, r.Closure is null ? "initial" : "final", r.Id,
            new EuProvider(r.Resolution is { } res ? Countries.ProviderName(res) : null, system?.OwnerOgrn),
            r.Resolution?.Participation is { } p ? new EuProvider(p.CompanyName, p.CompanyOgrn) : null,
            new EuAiSystem(system?.Name ?? report.AiSystem.Name, r.Resolution?.Version.Version ?? report.AiSystem.Version, system?.IntendedPurpose, null,
                r.Resolution?.Version.ArtifactSha256),
            new EuIncident(report.OccurredAt, report.AwareAt, [Countries.Of(report.Location.RegionCode)], categories, report.Description,
                report.AiInvolvement, report.Harms.Sum(h => h.PersonsAffected), report.Widespread),
            new EuDeadline(article, r.ReportDueBy, met, met is { } m && r.ReportDueBy is { } due ? m > due : null),
            r.Conclusion?.Conclusion.CausalLink.Camel(), r.Conclusion?.Conclusion.Recommendations.Select(x => x.Camel()).ToList() ?? [],
            r.Status.Camel(), r.Closure?.Outcome.Camel());
    }
}

public static class Countries
{
    /// <summary>The provider (the system's owner): named by the participation when it is the same company, else by the developer's name.</summary>
    public static string? ProviderName(Resolution resolution) =>
        resolution.AiSystem is not { } system ? null
        : resolution.Participation is { } p && p.CompanyOgrn == system.OwnerOgrn ? p.CompanyName
        : system.DeveloperName;

    /// <summary>ISO 3166-1 alpha-2 of a region code: the prefix of an ISO 3166-2 code, RU for a Russian region number.</summary>
    public static string Of(string regionCode) => regionCode.Contains('-') ? regionCode[..regionCode.IndexOf('-')] : "RU";
}

public static class Stakeholders
{
    /// <summary>Who was harmed, as categories (never persons): the AIID's "harmed or nearly harmed parties", the OECD's affected stakeholders.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<Harm> harms) => harms.Select(h => h.Type switch
    {
        HarmType.Death or HarmType.InjuryToHealth => "natural persons",
        HarmType.DamageToPersonProperty => "property owners",
        _ => "organisations",
    }).Distinct().ToList();

    public static IReadOnlyList<string> Of(IEnumerable<string> harmTypes) =>
        Of(harmTypes.Select(t => new Harm(EnumNames.Parse<HarmType>(t) ?? HarmType.DamageToOrganisationProperty, Severity.Minor, 0, null)));
}

// ---- AI Incident Database snapshot: incidents.csv and reports.csv with the AIID's own column names. ----

public static class Aiid
{
    public static readonly string[] IncidentColumns =
    [
        "_id", "incident_id", "date", "reports", "Alleged deployer of AI system", "Alleged developer of AI system",
        "Alleged harmed or nearly harmed parties", "description", "title",
    ];

    public static readonly string[] ReportColumns =
    [
        "_id", "authors", "date_downloaded", "date_modified", "date_published", "date_submitted", "description", "epoch_date_downloaded",
        "epoch_date_modified", "epoch_date_published", "epoch_date_submitted", "image_url", "language", "ref_number", "report_number",
        "source_domain", "submitters", "text", "title", "url", "tags",
    ];

    /// <summary>The AIID writes lists as JSON arrays inside a CSV cell, and entities as lower-case slugs.</summary>
    private static string List(IEnumerable<string> values) => System.Text.Json.JsonSerializer.Serialize(values);

    private static string Slug(string name) => string.Join('-', name.ToLowerInvariant().Split([' ', '.', ',', '"', '\''], StringSplitOptions.RemoveEmptyEntries));

    public static string[] IncidentRow(PublicIncident i) =>
    [
        i.Id.ToString(), i.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), i.OccurredOn.ToString("yyyy-MM-dd"),
        List([i.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), .. i.Statements.Select((_, n) => $"{i.Number}.{n + 1}")]),
        List(new[] { i.System?.ParticipantName, i.System?.OperatorName }.OfType<string>().Distinct().Select(Slug)),
        List(new[] { i.System?.DeveloperName }.OfType<string>().Select(Slug)),
        List(Stakeholders.Of(i.HarmTypes).Select(Slug)),
        i.Summary, Title(i),
    ];

    public static string Title(PublicIncident i) =>
        $"{(i.Serious ? "Serious incident" : "Incident")}{(i.System is { } s ? $" involving {s.Name ?? "an AI system"} {s.Version}" : "")} in region {i.RegionCode}, {i.OccurredOn:yyyy-MM-dd}";

    /// <summary>The report that opened the incident (the citizen's, through an integration: no author named), then the participant's statements.</summary>
    public static IEnumerable<string[]> ReportRows(PublicIncident i, DateTimeOffset downloaded, string registerUrl)
    {
        string Epoch(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = $"{registerUrl.TrimEnd('/')}/{i.Id}";
        var domain = Uri.TryCreate(registerUrl, UriKind.Absolute, out var u) ? u.Host : "";
        yield return
        [
            i.ReportId.ToString(), List([]), downloaded.ToString("O"), i.ReportedAt.ToString("O"), i.ReportedAt.ToString("O"), i.ReportedAt.ToString("O"),
            i.Summary, Epoch(downloaded), Epoch(i.ReportedAt), Epoch(i.ReportedAt), Epoch(i.ReportedAt), "", "en", "",
            i.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), domain, List(["harm report"]), i.Summary, Title(i), url, List(i.HarmTypes),
        ];
        var n = 0;
        foreach (var statement in i.Statements)
        {
            n++;
            yield return
            [
                $"{i.ReportId}.{n}", List([statement.CompanyName]), downloaded.ToString("O"), statement.PublishedAt.ToString("O"),
                statement.PublishedAt.ToString("O"), statement.PublishedAt.ToString("O"), statement.Text, Epoch(downloaded), Epoch(statement.PublishedAt),
                Epoch(statement.PublishedAt), Epoch(statement.PublishedAt), "", "", "", $"{i.Number}.{n}", domain, List([statement.CompanyName]),
                statement.Text, $"Statement of {statement.CompanyName}", url, List(["company response"]),
            ];
        }
    }
}

// ---- Open data: the public register, every field, as CSV (one row per incident) and JSON. ----

public static class OpenData
{
    public static readonly string[] Columns =
    [
        "id", "number", "summary", "occurredOn", "month", "regionCode", "harmTypes", "severity", "personsAffected", "serious", "seriousGrounds",
        "criticalInfrastructure", "widespread", "aiSystemId", "aiSystemName", "versionId", "version", "developerName", "operatorName",
        "participantName", "status", "causalLink", "outcome", "reportedAt", "closedAt", "statements",
    ];

    private static string B(bool b) => b ? "true" : "false";

    public static string[] Row(PublicIncident i) =>
    [
        i.Id.ToString(), i.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Summary, i.OccurredOn.ToString("yyyy-MM-dd"), i.Month,
        i.RegionCode, string.Join(';', i.HarmTypes), i.Severity.Camel(), i.PersonsAffected.ToString(System.Globalization.CultureInfo.InvariantCulture),
        B(i.Serious), string.Join(';', i.SeriousGrounds), B(i.CriticalInfrastructure), B(i.Widespread), i.System?.AiSystemId.ToString() ?? "",
        i.System?.Name ?? "", i.System?.VersionId.ToString() ?? "", i.System?.Version ?? "", i.System?.DeveloperName ?? "", i.System?.OperatorName ?? "",
        i.System?.ParticipantName ?? "", i.Status.Camel(), i.CausalLink ?? "", i.Outcome?.Camel() ?? "", i.ReportedAt.ToString("O"),
        i.ClosedAt?.ToString("O") ?? "", i.Statements.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];
}
