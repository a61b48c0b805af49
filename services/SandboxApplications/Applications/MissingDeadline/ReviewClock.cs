using Marten;
using Microsoft.Extensions.Options;
using SandboxRegistry.SandboxApplications.Applications.GettingDetails;

namespace SandboxRegistry.SandboxApplications.Applications.MissingDeadline;

/// <summary>
/// The regulator's review clock (258-FZ: an answer within the profile's working days), for the clock gauges: open while
/// an application awaits a decision (paused, still open, while information is requested), breached once its due date
/// has passed at the place of the regime's authority.
/// </summary>
public sealed class ReviewClocks(IOptions<JurisdictionProfile> profile) : IStatutoryClocks
{
    public const string Clock = "review";

    public async Task<IReadOnlyList<ClockCount>> CountAsync(IQuerySession session, DateTimeOffset now, CancellationToken ct)
    {
        var today = profile.Value.DateOf(now);
        var open = await session.Query<ApplicationDetails>().CountAsync(a =>
            a.Status == ApplicationStatus.Submitted || a.Status == ApplicationStatus.UnderReview ||
            a.Status == ApplicationStatus.InformationRequested, ct);
        var breached = await session.Query<ApplicationDetails>().CountAsync(a =>
            (a.Status == ApplicationStatus.Submitted || a.Status == ApplicationStatus.UnderReview) && a.DueOn < today, ct);
        // Initiative proposals' clocks (registration, opinions, decision) are the same service's statutory clocks.
        return [new ClockCount(Clock, open, breached), .. await Proposals.MissingDeadlines.ProposalClockCounts.CountAsync(session, today, ct)];
    }
}
