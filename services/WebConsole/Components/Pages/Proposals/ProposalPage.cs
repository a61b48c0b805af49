using SandboxRegistry.WebConsole.Components.Shared;

namespace SandboxRegistry.WebConsole.Components.Pages.Proposals;

/// <summary>A proposal form: as <see cref="FormPage"/>, and a refusal without a field shown at the field it concerns.</summary>
public abstract class ProposalPage : FormPage
{
    protected string? M(string field) => Msg(field) ??
        (Problem?.Code is { } code && ProposalTexts.FieldOfCode.TryGetValue(code, out var f) && f == field ? Problem.Detail ?? Problem.Title : null);

    protected bool E(string field) => M(field) is not null;
}
