using SandboxRegistry.SandboxApplications.Participations.Suspending;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Participations.FollowingInsurance;

/// <summary>
/// 169-FZ makes insurance that meets the programme a condition of taking part: an active participation without such a
/// policy in force today is suspended (ground insuranceLapsed), and one suspended on that ground is resumed once such a
/// policy is in force again. Other suspensions (a regulator's decision, a commission's conclusion) are never lifted here.
/// </summary>
public static class InsuranceCover
{
    /// <summary>What today's cover means for <paramref name="participation"/> (already including the change just decided).</summary>
    public static object? Consequence(Participation participation, DateOnly today, InsuranceRequirements required, DateTimeOffset now)
    {
        if (participation.IsClosed) return null;
        var meets = participation.MeetsProgrammeOn(today, required);
        if (participation.Status == ParticipationStatus.Active && !meets)
            return SuspendParticipation.Decide(participation, SuspensionGround.InsuranceLapsed, LapseReason(participation, today, required),
                SystemActor.Instance, now);
        if (participation.SuspendedForInsurance && meets)
            return new ParticipationResumed(participation.Id, SystemActor.Instance, now);
        return null;
    }

    /// <summary>The decided events followed by their consequence for the participation's status, if any.</summary>
    public static IReadOnlyList<object> WithConsequence(Participation participation, IReadOnlyList<object> decided, DateOnly today,
        InsuranceRequirements required, DateTimeOffset now)
    {
        var after = decided.Aggregate(participation, Apply);
        return Consequence(after, today, required, now) is { } consequence ? [.. decided, consequence] : decided;
    }

    private static Participation Apply(Participation p, object e) => e switch
    {
        InsuranceRenewed renewed => p.Apply(renewed),
        InsuranceEventReported reported => p.Apply(reported),
        _ => throw new InvalidOperationException($"{e.GetType().Name} does not change a participation's cover."),
    };

    private static string LapseReason(Participation participation, DateOnly today, InsuranceRequirements required)
    {
        var inForce = participation.Policies.Where(p => p.Covers(today)).ToList();
        if (inForce.Count == 0) return $"No insurance policy in force on {today:yyyy-MM-dd}.";
        var shortfall = InsuranceRules.Shortfall(inForce[^1], required, null)!;
        return $"The policy in force on {today:yyyy-MM-dd} no longer meets the programme ({shortfall.Code}): {shortfall.Message}";
    }
}
