using SandboxRegistry.SandboxApplications.Participations.FollowingInsurance;
using SandboxRegistry.SandboxApplications.Regimes;

namespace SandboxRegistry.SandboxApplications.Participations.Expiring;

public static class CheckParticipation
{
    /// <summary>
    /// What the daily check records: expiry once the term is over; termination when the regime ended early; otherwise
    /// what today's insurance cover means (<see cref="InsuranceCover"/>): a policy that ended without renewal, was cancelled
    /// or no longer meets the programme suspends an active participation from the first local day it fails; a compliant
    /// policy in force again resumes one suspended on that ground.
    /// </summary>
    public static IReadOnlyList<object> Decide(Participation participation, DateOnly today, InsuranceRequirements required, Actor by,
        DateTimeOffset now, bool regimeEnded = false)
    {
        if (participation.IsClosed) return [];
        if (today > participation.Term.EndsOn)
            return [new ParticipationExpired(participation.Id, participation.Term.EndsOn, now)];
        // 258-FZ art. 15: the status of a subject ends with the regime.
        if (regimeEnded)
            return [new ParticipationTerminated(participation.Id, "The regime ended.", by, now)];
        return InsuranceCover.Consequence(participation, today, required, now) is { } consequence ? [consequence] : [];
    }
}
