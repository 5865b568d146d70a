namespace Regia.Tests;

/// <summary>The system clock moved by an offset: changes made "later" land on a later day of the audit trail.</summary>
internal sealed class Shifted(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}
