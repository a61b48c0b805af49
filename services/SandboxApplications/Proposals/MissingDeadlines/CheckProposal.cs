using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Proposals.Consulting;
using SandboxRegistry.SandboxApplications.Proposals.GettingDetails;

namespace SandboxRegistry.SandboxApplications.Proposals.MissingDeadlines;

public static class CheckProposal
{
    /// <summary>
    /// What the passing of time records on a proposal, each fact once per round (the state remembers the clocks already
    /// missed, and the scheduled check writes through the stream's optimistic concurrency, so replicas racing end in one
    /// event): a registration not made in time, an opinion period that ended with bodies unanswered, the end of the last
    /// opinion period (which closes the consultation on that day, so the decision period does not depend on when the check
    /// ran), a decision not taken in time.
    /// </summary>
    public static IReadOnlyList<object> Decide(Proposal proposal, DateOnly today, JurisdictionProfile profile, DateTimeOffset now)
    {
        var events = new List<object>();
        var state = proposal;

        void Record(object e)
        {
            events.Add(e);
            state = e switch
            {
                ProposalDeadlineMissed m => state.Apply(m),
                ConsultationClosed c => state.Apply(c),
                _ => state,
            };
        }

        void Miss(string clock, DateOnly? dueOn, bool stillAwaited)
        {
            if (dueOn is { } due && today > due && stillAwaited && !state.Missed.Contains(clock))
                Record(new ProposalDeadlineMissed(state.Id, state.Round, clock, due, now));
        }

        switch (state.Status)
        {
            case ProposalStatus.Submitted:
                Miss(ProposalClocks.Registration, state.RegistrationDueOn, true);
                break;
            case ProposalStatus.UnderConsultation:
                Miss(ProposalClocks.RegulatorOpinions, state.RegulatorsDueOn, state.Unanswered(ProposalClocks.RegulatorOpinions).Any());
                Miss(ProposalClocks.OtherOpinions, state.OthersDueOn, state.Unanswered(ProposalClocks.OtherOpinions).Any());
                if (state.ConsultationEndsOn is { } ends && today > ends)
                {
                    Record(RecordOpinion.Close(state, ends, profile, now));
                    Miss(ProposalClocks.Decision, state.DecisionDueOn, true);
                }
                break;
            case ProposalStatus.AwaitingDecision:
                Miss(ProposalClocks.Decision, state.DecisionDueOn, true);
                break;
        }
        return events;
    }

    /// <summary>The proposals a check must look at: a running clock whose day has passed.</summary>
    public static async Task<IReadOnlyList<Guid>> DueAsync(IQuerySession session, DateOnly today, CancellationToken ct) =>
        await session.Query<ProposalDetails>()
            .Where(p => p.NextCheckOn != null && p.NextCheckOn < today &&
                (p.Status == ProposalStatus.Submitted || p.Status == ProposalStatus.UnderConsultation || p.Status == ProposalStatus.AwaitingDecision))
            .Select(p => p.Id).ToListAsync(ct);
}

/// <summary>The proposal clocks for the clock gauges: open while running, breached once their day has passed.</summary>
public static class ProposalClockCounts
{
    public static async Task<IReadOnlyList<ClockCount>> CountAsync(IQuerySession session, DateOnly today, CancellationToken ct)
    {
        var open = await session.Query<ProposalDetails>()
            .Where(p => p.Status == ProposalStatus.Submitted || p.Status == ProposalStatus.UnderConsultation || p.Status == ProposalStatus.AwaitingDecision)
            .ToListAsync(ct);
        var running = open.SelectMany(p => p.Clocks.Where(c => c.Running)).ToList();
        return new[] { ProposalClocks.Registration, ProposalClocks.RegulatorOpinions, ProposalClocks.OtherOpinions, ProposalClocks.Decision }
            .Select(name => new ClockCount("proposal-" + name, running.Count(c => c.Name == name), running.Count(c => c.Name == name && c.DueOn < today)))
            .ToList();
    }
}
