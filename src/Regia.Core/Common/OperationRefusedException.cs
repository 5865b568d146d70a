namespace Regia.Core.Common;

/// <summary>
/// An operation refused for its input or for the state of what it acts on; the message says why, in Italian, and
/// nothing was written. Hosts answer 400 with <see cref="Field"/>, or 409 when <see cref="Conflict"/>.
/// </summary>
public abstract class OperationRefusedException(string field, string message, bool conflict) : Exception(message)
{
    /// <summary>The input at fault, or the kind of thing acted on when its state refuses the operation.</summary>
    public string Field { get; } = field;

    /// <summary>The request was fine but the state of what it acts on refuses it: 409 rather than 400.</summary>
    public bool Conflict { get; } = conflict;
}
