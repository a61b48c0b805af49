using SandboxRegistry.SandboxApplications.Participations.Suspending;

namespace SandboxRegistry.SandboxApplications.Participations.Expiring;

public static class CheckParticipation
{
    /// <summary>
    /// What the daily check records: expiry once the term is over; termination when the regime ended early; otherwise an automatic suspension when an active
    /// participant has no policy in force (169-FZ makes insurance a condition of taking part).
    /// </summary>
    public static IReadOnlyList<object> Decide(Participation participation, DateOnly today, Actor by, DateTimeOffset now,
        bool regimeEnded = false)
    {
        if (participation.IsClosed) return [];
        if (today > participation.Term.EndsOn)
            return [new ParticipationExpired(participation.Id, participation.Term.EndsOn, now)];
        // 258-FZ art. 15: the status of a subject ends with the regime.
        if (regimeEnded)
            return [new ParticipationTerminated(participation.Id, "The regime ended.", by, now)];
        if (participation.Status == ParticipationStatus.Active && !participation.InsuredOn(today))
            return [SuspendParticipation.Decide(participation, SuspensionGround.InsuranceLapsed,
                $"No insurance policy in force on {today:yyyy-MM-dd}.", by, now)];
        return [];
    }
}
