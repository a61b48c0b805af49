using JasperFx.Events;
using SandboxRegistry.AiSystemRegistry.AiSystems;
using SandboxRegistry.AiSystemRegistry.AiSystems.GettingDetails;
using SandboxRegistry.AiSystemRegistry.Deployments;
using SandboxRegistry.AiSystemRegistry.Deployments.GettingDetails;
using static SandboxRegistry.AiSystemRegistry.Tests.Domain.Given;

namespace SandboxRegistry.AiSystemRegistry.Tests.Domain;

/// <summary>
/// Reads for a pair of instants: the valid time at (what was in service then) and the recorded time knownAt (what the registry
/// had recorded by then), both computed from the projected document alone.
/// </summary>
public class TimeTravelTests
{
    private static IEvent Event(object data, long version)
    {
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.Version = version;
        return e;
    }

    private static AiSystemDetails SystemOf(params object[] events) =>
        events.Select((e, i) => Event(e, i + 1)).Aggregate((AiSystemDetails?)null, (view, e) =>
            AiSystemDetails.Advance(view, e.Data, AiSystemRules.OccurredAt(e.Data)) is { } next ? next with { StreamVersion = e.Version } : view)!;

    private static DeploymentDetails DeploymentOf(params object[] events) =>
        events.Select((e, i) => Event(e, i + 1)).Aggregate((DeploymentDetails?)null, DeploymentDetails.Next)!;

    [Fact]
    public void A_system_as_known_then_has_the_versions_recorded_by_then_and_their_status_at_the_valid_time()
    {
        var registered = Registered() with { RegisteredAt = Now };
        var id = registered.AiSystemId;
        var v1 = Guid.NewGuid();
        var v2 = Guid.NewGuid();
        var incident = Guid.NewGuid();
        var system = SystemOf(
            registered,
            new VersionReleased(id, v1, "1.0.0", new string('a', 64), "c", "t", "e", Owner, Now.AddDays(1)),
            new VersionReleased(id, v2, "1.1.0", new string('b', 64), "c", "t", "e", Owner, Now.AddDays(10)),
            new IncidentLinkedToVersion(id, v1, incident, null, false, Citation(id), Now.AddDays(3)),
            new VersionRecalled(id, v1, "1.0.0", "Unsafe", Regulator, Now.AddDays(11)),
            new AiSystemSuspended(id, "Audit", Regulator, Now.AddDays(12)));

        Assert.Null(system.As(Now.AddDays(30), Now.AddTicks(-1)));
        var day2 = system.As(Now.AddDays(2), Now.AddDays(2))!;
        Assert.Equal(["1.0.0"], day2.Versions.Select(v => v.Version));
        Assert.Equal(VersionStatus.Released, day2.Versions[0].Status);
        Assert.Equal(1, day2.Versions[0].IncidentCount); // counts as known at knownAt come from the link documents (API tests)
        Assert.Equal(AiSystemStatus.Active, day2.Status);
        var day11 = system.As(Now.AddDays(11), Now.AddDays(11))!;
        Assert.Equal([VersionStatus.Recalled, VersionStatus.Released], day11.Versions.Select(v => v.Status));
                Assert.Equal(AiSystemStatus.Active, day11.Status);
        Assert.Equal(AiSystemStatus.Suspended, system.As(Now.AddDays(30), Now.AddDays(30))!.Status);

        // Known now, asked for day 2: both versions are on record (a version may have served before it was registered),
        // each with its status on day 2.
        var day2KnownNow = system.As(Now.AddDays(2), Now.AddDays(30))!;
        Assert.Equal([VersionStatus.Released, VersionStatus.Released], day2KnownNow.Versions.Select(v => v.Status));
        Assert.Null(day2KnownNow.Versions[0].RecalledAt);
        Assert.Equal(AiSystemStatus.Active, day2KnownNow.Status);
                // Registered today, asked for a month ago: the system answers (it is on record now), it does not 404.
        Assert.NotNull(system.As(Now.AddDays(-30), Now.AddDays(30)));
        Assert.Equal([0], system.As(Now.AddDays(30), Now.AddDays(2), new Dictionary<Guid, int>())!.Versions.Select(v => v.IncidentCount));
        Assert.Equal(1, system.As(Now.AddDays(30), Now.AddDays(30), new Dictionary<Guid, int> { [v1] = 1 })!.Versions[0].IncidentCount);
        _ = incident;
    }

    [Fact]
    public void A_deployment_is_in_service_only_while_active_and_inside_its_period()
    {
        var id = Guid.NewGuid();
        var from = Now.AddDays(1);
        var deployment = DeploymentOf(
            new AiSystemDeployed(id, Guid.NewGuid(), Guid.NewGuid(), "1.0.0", new string('a', 64), Guid.NewGuid(), Acme, ["77"], from,
                Now.AddDays(20), Owner, Now),
            new DeploymentSuspended(id, "participation suspended", null, Deployment.Registry, Now.AddDays(5)),
            new DeploymentResumed(id, null, Deployment.Registry, Now.AddDays(6)),
            new DeploymentEnded(id, "replaced", null, Owner, Now.AddDays(10), Now.AddDays(10)));

        bool InService(DateTimeOffset at) => deployment.As(at, at)?.InService == true;

        Assert.Null(deployment.As(Now, Now.AddTicks(-1)));
        Assert.False(InService(Now)); // recorded, but its period starts tomorrow
        Assert.True(InService(from));
        Assert.False(InService(Now.AddDays(5.5)));
        Assert.Equal(DeploymentStatus.Suspended, deployment.As(Now.AddDays(5.5), Now.AddDays(30))!.Status);
        Assert.True(InService(Now.AddDays(7)));
        Assert.False(InService(Now.AddDays(10)));
        Assert.Equal(DeploymentStatus.Ended, deployment.As(Now.AddDays(30), Now.AddDays(30))!.Status);
        Assert.Equal(3, deployment.As(Now.AddDays(7), Now.AddDays(7))!.StreamVersion);
        Assert.Equal(DeploymentStatus.Ended, deployment.Status); // the stored view: everything recorded holds
    }

    [Fact]
    public void A_deployment_recorded_after_the_fact_answers_for_the_past_once_it_is_known()
    {
        var id = Guid.NewGuid();
        var deployment = DeploymentOf(new AiSystemDeployed(id, Guid.NewGuid(), Guid.NewGuid(), "1.0.0", new string('a', 64), Guid.NewGuid(),
            Acme, ["77"], Now.AddDays(-60), null, Owner, Now));

        Assert.True(deployment.As(Now.AddDays(-30), Now)!.InService);
        Assert.Null(deployment.As(Now.AddDays(-30), Now.AddDays(-30))); // the registry did not know it a month ago
    }

    [Fact]
    public void An_end_in_the_past_and_a_correction_change_the_answer_only_for_reads_known_after_them()
    {
        var id = Guid.NewGuid();
        var deployment = DeploymentOf(
            new AiSystemDeployed(id, Guid.NewGuid(), Guid.NewGuid(), "1.0.0", new string('a', 64), Guid.NewGuid(), Acme, ["77"],
                Now.AddDays(-60), null, Owner, Now.AddDays(-60)),
            new DeploymentEnded(id, "Replaced by 1.1.0", null, Owner, Now.AddDays(-10), Now),
            new DeploymentPeriodCorrected(id, Now.AddDays(-40), null, Now.AddDays(-12), "The contract says the 12th", Regulator, Now.AddHours(1)));

        // Known before the end was recorded: still in service 5 days ago.
        Assert.True(deployment.As(Now.AddDays(-5), Now.AddMinutes(-1))!.InService);
        // Known after it, before the correction: in service 60 to 10 days ago.
        Assert.False(deployment.As(Now.AddDays(-5), Now.AddMinutes(30))!.InService);
        Assert.Equal(DeploymentStatus.Ended, deployment.As(Now.AddDays(-10), Now.AddMinutes(30))!.Status);
        Assert.True(deployment.As(Now.AddDays(-11), Now.AddMinutes(30))!.InService);
        Assert.True(deployment.As(Now.AddDays(-50), Now.AddMinutes(30))!.InService);
        // Known after the correction: in service 40 to 12 days ago.
        Assert.False(deployment.As(Now.AddDays(-50), Now.AddHours(2))!.InService);
        Assert.False(deployment.As(Now.AddDays(-11), Now.AddHours(2))!.InService);
        Assert.True(deployment.As(Now.AddDays(-13), Now.AddHours(2))!.InService);
        Assert.Equal(Now.AddDays(-12), deployment.As(Now, Now.AddHours(2))!.EndedAt);
        Assert.Equal(3, deployment.Record.Count);
    }

    [Fact]
    public void A_deployment_recorded_open_and_ended_by_a_later_record_is_left_out_of_reads_known_after_its_end()
    {
        var id = Guid.NewGuid();
        var deployment = DeploymentOf(
            new AiSystemDeployed(id, Guid.NewGuid(), Guid.NewGuid(), "1.0.0", new string('a', 64), Guid.NewGuid(), Acme, ["77"],
                Now.AddDays(-60), null, Owner, Now.AddDays(-60)),
            new DeploymentEnded(id, "Replaced by 1.1.0", null, Owner, Now.AddDays(-10), Now));

        Assert.Null(deployment.LatestEnd); // it was open from its recording until its end was recorded
        Assert.Equal((Now, Now.AddDays(-10)), (deployment.SettledAt, deployment.SettledEnd));
        bool MayServe(DateTimeOffset at, DateTimeOffset knownAt)
        {
            var inMemory = DeploymentDetails.MayServe(deployment, at, knownAt);
            Assert.Equal(inMemory, DeploymentDetails.MayServe(at, knownAt).Compile()(deployment)); // the query's expression, bound
            return inMemory;
        }
        Assert.False(MayServe(Now.AddDays(-5), Now.AddHours(1)));
        Assert.True(MayServe(Now.AddDays(-5), Now.AddHours(-1))); // known before the end was recorded: still in service then
        Assert.True(MayServe(Now.AddDays(-11), Now.AddHours(1)));
        Assert.False(MayServe(Now.AddDays(-61), Now.AddHours(1)));
    }

    /// <summary>
    /// The database's first cut (<see cref="DeploymentDetails.MayServe"/>, from the bounds stored with the document) never leaves
    /// out a deployment that its record puts in service: generated histories of starts, suspensions, ends and corrections recorded
    /// at increasing instants (several often at one instant), read for every pair of instants on and around those involved.
    /// </summary>
    [Fact]
    public void The_bounds_never_leave_out_a_deployment_in_service_for_any_history()
    {
        var random = new Random(2026);
        var cut = 0;
        for (var history = 0; history < 2000; history++)
        {
            var id = Guid.NewGuid();
            DateTimeOffset Day(int min, int max) => Now.AddDays(random.Next(min, max)).AddHours(random.Next(0, 24));
            var recorded = Now.AddDays(-random.Next(0, 100));
            var from = Day(-120, 0);
            var events = new List<object>
            {
                new AiSystemDeployed(id, Guid.NewGuid(), Guid.NewGuid(), "1.0.0", new string('a', 64), Guid.NewGuid(), Acme, ["77"], from,
                    random.Next(3) == 0 ? from.AddDays(random.Next(1, 90)) : null, Owner, recorded),
            };
            var instants = new List<DateTimeOffset> { recorded, from };
            for (var n = random.Next(0, 6); n > 0; n--)
            {
                if (random.Next(3) > 0) recorded = recorded.AddDays(random.Next(0, 20)); // otherwise recorded at the same instant
                var valid = Day(-120, 10);
                var until = random.Next(2) == 0 ? valid.AddDays(random.Next(1, 60)) : (DateTimeOffset?)null;
                events.Add(random.Next(4) switch
                {
                    0 => new DeploymentEnded(id, "Replaced", null, Owner, valid, recorded),
                    1 => new DeploymentPeriodCorrected(id, valid, until, random.Next(2) == 0 ? until : null, "Protocol", Regulator, recorded),
                    2 => new DeploymentSuspended(id, "Audit", null, Regulator, recorded),
                    _ => new DeploymentResumed(id, null, Regulator, recorded),
                });
                instants.AddRange([recorded, valid, until ?? valid]);
            }
            var deployment = DeploymentOf(events.ToArray());
            var times = instants.SelectMany(t => new[] { t.AddTicks(-1), t, t.AddTicks(1) }).ToList();
            foreach (var at in times)
            foreach (var knownAt in times)
            {
                var mayServe = DeploymentDetails.MayServe(deployment, at, knownAt);
                if (deployment.As(at, knownAt) is { InService: true })
                    Assert.True(mayServe, $"history {history}: in service at {at:O} as known at {knownAt:O}, but the bounds leave it out");
                else if (!mayServe) cut++;
            }
        }
        Assert.True(cut > 0, "the bounds should leave out some deployments not in service"); // they do cut, not only keep
    }
}
