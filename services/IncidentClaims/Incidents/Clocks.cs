
namespace SandboxRegistry.IncidentClaims.Incidents;

/// <summary>Serious-incident classification and the statutory deadlines that follow from it.</summary>
public static class Clocks
{
    /// <summary>
    /// AI Act art. 3(49): death or serious harm to a person's health, serious and irreversible disruption of critical
    /// infrastructure, serious harm to property.
    /// </summary>
    public static Classification Classify(Report report) => Classify(report, Default);

    private static readonly JurisdictionProfile Default = new();

    /// <summary>As <see cref="Classify(Report)"/>, with the severities the profile counts as serious (<see cref="JurisdictionProfile.SeriousSeverities"/>).</summary>
    public static Classification Classify(Report report, JurisdictionProfile profile)
    {
        var grounds = new List<string>();
        if (report.Harms.Any(h => h.Type == HarmType.Death)) grounds.Add("death");
        if (report.Harms.Any(h => h.Type == HarmType.InjuryToHealth && profile.IsSerious(h.Severity.Camel()))) grounds.Add("seriousHarmToHealth");
        if (report.Harms.Any(h => h.Type is HarmType.DamageToPersonProperty or HarmType.DamageToOrganisationProperty && profile.IsSerious(h.Severity.Camel())))
            grounds.Add("seriousHarmToProperty");
        if (report.CriticalInfrastructure) grounds.Add("criticalInfrastructure");
        if (report.Widespread && grounds.Count > 0) grounds.Add("widespread");
        return new Classification(grounds.Count > 0, grounds);
    }

    /// <summary>
    /// AI Act art. 73: a serious incident is reported within 2 days when widespread or affecting critical infrastructure,
    /// 10 days on a death, 15 days otherwise, counted from awareness. Other incidents have no statutory report deadline.
    /// </summary>
    public static DateTimeOffset? ReportDueBy(Report report, Classification classification, JurisdictionProfile profile)
    {
        if (!classification.Serious) return null;
        var days = report.Widespread || report.CriticalInfrastructure ? profile.ReportDaysWidespreadOrCriticalInfrastructure
            : report.Harms.Any(h => h.Type == HarmType.Death) ? profile.ReportDaysDeath
            : profile.ReportDaysOther;
        return report.AwareAt.AddDays(days);
    }

    public static DateTimeOffset CommissionDueBy(DateTimeOffset linkedAt, JurisdictionProfile profile) =>
        linkedAt.AddDays(profile.CommissionConveneDays);

    public static DateOnly ConclusionDueBy(DateOnly meetingDate, JurisdictionProfile profile) =>
        profile.WorkingDays().AddWorkingDays(meetingDate, profile.ConclusionSigningWorkingDays);

    /// <summary>Clocks still running at <paramref name="now"/>: due, or overdue when past their time.</summary>
    public static IEnumerable<(Clock Clock, bool Overdue)> Open(Incident incident, DateTimeOffset now) =>
        incident.Status == IncidentStatus.Closed
            ? []
            : incident.Clocks.Where(c => c.MetAt is null).Select(c => (c, c.DueBy < now));
}
