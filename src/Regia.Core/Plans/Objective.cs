using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Regia.Core.Plans;

/// <summary>The three columns of the objectives' tables: who the plan asks to act on an objective.</summary>
public enum ActorLevel
{
    /// <summary>Città metropolitana: functions of the Ente, which guide its DUP.</summary>
    MetropolitanCity,

    /// <summary>Comuni (and Unioni di Comuni): functions that guide each Comune's DUP.</summary>
    Municipalities,

    /// <summary>Corpi intermedi e altri attori: objectives shared with intermediate bodies.</summary>
    IntermediateBodies,
}

/// <summary>Which actor levels an objective involves, as marked in the plan's table.</summary>
public sealed record ActorLevels(bool MetropolitanCity, bool Municipalities, bool IntermediateBodies)
{
    public bool Includes(ActorLevel level) => level switch
    {
        ActorLevel.MetropolitanCity => MetropolitanCity,
        ActorLevel.Municipalities => Municipalities,
        ActorLevel.IntermediateBodies => IntermediateBodies,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    public IEnumerable<ActorLevel> Levels() => Enum.GetValues<ActorLevel>().Where(Includes);
}

/// <summary>Where an objective came from: the plan's source document, or an administrator after it.</summary>
public enum ObjectiveOrigin
{
    SourceDocument,
    Administrator,
}

/// <summary>A strategic objective (obiettivo strategico) of a mission, coded <c>M{mission}.{number}</c>.</summary>
public sealed class Objective
{
    public int Id { get; set; }

    public int MissionId { get; set; }

    public Mission? Mission { get; set; }

    public int Number { get; set; }

    /// <summary>Stable code such as <c>M2.12</c>; unique within a plan.</summary>
    public required string Code { get; set; }

    /// <summary>The objective's full text as the plan states it.</summary>
    public required string Text { get; set; }

    public required ActorLevels Actors { get; set; }

    public ObjectiveOrigin Origin { get; set; }

    /// <summary>The day a version of the plan retired it (see <see cref="PlanVersions"/>); kept, with its links, for the history.</summary>
    public DateOnly? RetiredOn { get; set; }

    public static string CodeFor(int mission, int number) => $"M{mission}.{number}";
}

internal sealed class ObjectiveConfiguration : IEntityTypeConfiguration<Objective>
{
    public void Configure(EntityTypeBuilder<Objective> builder)
    {
        builder.HasIndex(o => new { o.MissionId, o.Number }).IsUnique();
        builder.Property(o => o.Code).HasMaxLength(16);
        builder.HasIndex(o => o.Code);
        builder.Property(o => o.Origin).HasConversion<string>().HasMaxLength(32);
        builder.ComplexProperty(o => o.Actors, a =>
        {
            a.Property(x => x.MetropolitanCity).HasColumnName("ActorMetropolitanCity");
            a.Property(x => x.Municipalities).HasColumnName("ActorMunicipalities");
            a.Property(x => x.IntermediateBodies).HasColumnName("ActorIntermediateBodies");
        });
    }
}
