namespace SandboxRegistry.SandboxApplications.Applications.MissingDeadline;

public static class MissDeadline
{
    /// <summary>
    /// Recorded once, the first time a check finds the due date passed with no decision. While information is
    /// requested the clock is paused, so nothing is missed then.
    /// </summary>
    public static IReadOnlyList<object> Decide(Application application, DateOnly today, DateTimeOffset now) =>
        application is { IsDecided: false, DeadlineMissed: false, Status: not ApplicationStatus.InformationRequested } &&
        today > application.DueOn
            ? [new ReviewDeadlineMissed(application.Id, application.DueOn, now)]
            : [];
}
