namespace SandboxRegistry.SandboxApplications.AiResults;

/// <summary>Kinds of results of intellectual activity (Civil Code art. 1225) a register entry may name.</summary>
public enum ResultKind
{
    Invention, UtilityModel, IndustrialDesign, Software, Database, Work, Topology, KnowHow, Other,
}

/// <summary>On what ground the rights holder holds the exclusive right.</summary>
public enum RightsBasis { EmployeeWork, Contract, CreatedByParticipant, Assignment, Licence, Other }

public enum AiResultStatus { Valid, Withdrawn }

/// <summary>The parts of an entry the participant may keep out of the public register.</summary>
public enum ConfidentialField { Title, Description, AiSystem, RightsHolder }

/// <summary>The AI system and the version of it with which the result was created.</summary>
public sealed record AiSystemUsed(string Name, string Version, Guid? AiSystemId);

/// <param name="Ogrn">The rights holder's OGRN when it is an organisation; a person (no OGRN) is never shown publicly.</param>
public sealed record RightsHolder(string Name, string? Ogrn, RightsBasis Basis, string? BasisText);

/// <summary>One entry's content (169-FZ: the participant keeps a register of results created with AI).</summary>
public sealed record AiResultContent(
    string Title,
    ResultKind Kind,
    string? Description,
    AiSystemUsed AiSystem,
    DateOnly CreatedOn,
    RightsHolder RightsHolder,
    DateOnly ValidFrom,
    DateOnly? ValidTo,
    IReadOnlyList<ConfidentialField> Confidential);

public sealed record AiResultRegistered(Guid EntryId, Guid ParticipationId, Guid RegimeId, string CompanyOgrn, string CompanyName,
    AiResultContent Content, Actor RegisteredBy, DateTimeOffset RegisteredAt);

/// <summary>A correction replaces the content; the earlier content stays in the stream.</summary>
public sealed record AiResultCorrected(Guid EntryId, AiResultContent Content, string Reason, Actor CorrectedBy, DateTimeOffset CorrectedAt);

/// <summary>The entry no longer stands (e.g. made in error, the right lapsed); it stays in the register as withdrawn.</summary>
public sealed record AiResultWithdrawn(Guid EntryId, string Reason, Actor WithdrawnBy, DateTimeOffset WithdrawnAt);

public sealed record AiResult(Guid Id, Guid ParticipationId, string CompanyOgrn, AiResultStatus Status, AiResultContent Content) : ICompanyOwned
{
    public static AiResult Create(AiResultRegistered e) => new(e.EntryId, e.ParticipationId, e.CompanyOgrn, AiResultStatus.Valid, e.Content);

    public AiResult Apply(AiResultCorrected e) => this with { Content = e.Content };
    public AiResult Apply(AiResultWithdrawn _) => this with { Status = AiResultStatus.Withdrawn };

    public void EnsureValid()
    {
        if (Status == AiResultStatus.Withdrawn)
            throw new DomainRuleViolation("ai-result-withdrawn", "The entry has been withdrawn; it can no longer change.");
    }
}
