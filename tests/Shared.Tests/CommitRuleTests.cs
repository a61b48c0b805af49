using System.Text.RegularExpressions;

namespace SandboxRegistry.Shared.Tests;

/// <summary>
/// Product code saves a session only through <c>Commits.CommitAsync</c>, which opens the transaction before Marten
/// reserves the events' sequence numbers (a plain save let the async daemon skip late commits: LateCommitTests).
/// </summary>
public class CommitRuleTests
{
    [Fact]
    public void No_product_code_calls_SaveChangesAsync_except_the_commit_helper()
    {
        var root = RepositoryRoot();
        var offenders = new[] { "services", "shared" }
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                           && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                           && Path.GetFileName(file) != "Commits.cs")
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(l => Regex.IsMatch(l.line, @"\.SaveChanges(Async)?\s*\("))
            .Select(l => $"{Path.GetRelativePath(root, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_rule_sees_the_services_source()
    {
        // Guards the test above against passing because it found nothing to read.
        var commits = File.ReadAllText(Path.Combine(RepositoryRoot(), "shared", "EventSourcing", "Commits.cs"));
        Assert.Contains("session.SaveChangesAsync(ct)", commits);
        Assert.Contains(Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "services"), "*.cs", SearchOption.AllDirectories),
            f => File.ReadAllText(f).Contains(".CommitAsync("));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "SandboxRegistry.sln"))) return directory.FullName;
        throw new InvalidOperationException("The repository root (SandboxRegistry.sln) is not above the test's directory.");
    }
}
